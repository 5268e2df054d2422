/**
 * WhatsApp's 24-hour rule for what the seller did not just ask for (a follow-up when a
 * refresh ends): inside the window it goes as text; outside it, or when Twilio answers
 * 63016, as the approved template; with no template it is held back and the reason
 * logged.
 */
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { twilioRest } from '../../src/channels/whatsapp/twilio-rest.ts';
import { WhatsAppOutput } from '../../src/channels/whatsapp/whatsapp-output.ts';
import { WhatsAppSender } from '../../src/channels/whatsapp/whatsapp-sender.ts';
import { textReply } from '../../src/conversation/reply.ts';
import { closePool } from '../../src/db/pool.ts';
import { linkIdentity } from '../../src/identity/chat-identities.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { seedSeller } from '../support/analytics-seed.ts';
import { testConfig } from '../support/test-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import {
  FOLLOW_UP_TEMPLATE,
  mockTwilioApi,
  PUBLIC_BASE_URL,
  type TwilioApiMock,
  twilioEnv,
} from '../support/twilio.ts';

const NUMBER = '+919844444444';
const FOLLOW_UP = textReply('Your data is up to date now (Flipkart as of 2026-12-01 09:30 (Asia/Kolkata)). Ask again.');

describe('WhatsApp follow-ups and the 24-hour window', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let twilio: TwilioApiMock;
  const logged: string[] = [];
  const log = createLogger(
    { logLevel: 'info' },
    new Writable({
      write(chunk, _enc, done) {
        logged.push(String(chunk));
        done();
      },
    }),
  );

  const output = (template: boolean) => {
    const config = testConfig(twilioEnv(template ? { TWILIO_TEMPLATE_FOLLOW_UP: FOLLOW_UP_TEMPLATE } : {}));
    const twilioConfig = config.twilio as NonNullable<typeof config.twilio>;
    const sender = new WhatsAppSender(twilioRest(twilioConfig), twilioConfig, PUBLIC_BASE_URL, log);
    return new WhatsAppOutput({ sender, db: pool, publicBaseUrl: PUBLIC_BASE_URL, log }, NUMBER);
  };
  const lastWrote = (hoursAgo: number) =>
    pool.query(`update channel_identity set last_seen_at = now() - make_interval(hours => $2) where external_id = $1`, [
      NUMBER,
      hoursAgo,
    ]);

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const seller = await seedSeller(pool, { name: 'ravi' });
    await linkIdentity(pool, { channel: 'whatsapp', externalId: NUMBER }, seller.userId);
    twilio = mockTwilioApi();
  });
  beforeEach(() => {
    twilio.sent.length = 0;
    twilio.refuseFreeText = undefined;
    logged.length = 0;
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('goes as text inside 24 hours of the seller’s last message', async () => {
    await lastWrote(23);
    await output(true).followUp(FOLLOW_UP);
    expect(twilio.sent).toHaveLength(1);
    expect(twilio.sent[0]?.Body).toMatch(/^Your data is up to date now/);
    expect(twilio.sent[0]?.ContentSid).toBeUndefined();
  });

  it('goes as the template outside 24 hours', async () => {
    await lastWrote(25);
    await output(true).followUp(FOLLOW_UP);
    expect(twilio.sent).toHaveLength(1);
    expect(twilio.sent[0]?.ContentSid).toBe(FOLLOW_UP_TEMPLATE);
    expect(JSON.parse(twilio.sent[0]?.ContentVariables ?? '{}')['1']).toMatch(/^Your data is up to date now/);
    expect(twilio.sent[0]?.Body).toBeUndefined();
  });

  it('goes as the template when Twilio says the window is closed (63016)', async () => {
    await lastWrote(1);
    twilio.refuseFreeText = 63016;
    await output(true).followUp(FOLLOW_UP);
    // the free-text attempt was refused; the template went through
    expect(twilio.sent.map((m) => m.ContentSid)).toEqual([FOLLOW_UP_TEMPLATE]);
  });

  it('is held back and the reason logged when there is no template', async () => {
    await lastWrote(30);
    await output(false).followUp(FOLLOW_UP);
    expect(twilio.sent).toHaveLength(0);
    expect(logged.join('')).toMatch(/follow-up held back: outside the 24-hour window and no TWILIO_TEMPLATE_FOLLOW_UP/);
    expect(logged.join('')).not.toContain('9844444444');
  });
});
