/**
 * The gateway every chat channel shares, with an output that records what it is
 * asked to show: a delivery is answered once however often it comes (also all at
 * once), turns beyond the concurrency bound are told at once that they wait and are
 * then answered, and a turn that fails still gets an answer.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelOutput, ChatGateway, type InboundMessage } from '../../src/channels/chat-gateway.ts';
import { ConversationEngine } from '../../src/conversation/conversation-engine.ts';
import type { Reply } from '../../src/conversation/reply.ts';
import { closePool } from '../../src/db/pool.ts';
import { linkIdentity } from '../../src/identity/chat-identities.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { seedSeller } from '../support/analytics-seed.ts';
import { testConfig } from '../support/test-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

class RecordingOutput implements ChannelOutput {
  readonly shown: string[] = [];
  readonly replies: Reply[] = [];
  status(text: string): void {
    this.shown.push(`status: ${text}`);
  }
  text(): void {}
  async send(reply: Reply): Promise<void> {
    this.shown.push(`reply: ${reply.text.split('\n')[0]}`);
    this.replies.push(reply);
  }
  async followUp(): Promise<void> {}
}

describe('the chat gateway', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const log = createLogger({ logLevel: 'silent' });
  const engine = () =>
    new ConversationEngine({ db: pool, config: testConfig(), log, llm: undefined, syncs: undefined });
  const message = (deliveryId: string, text = 'status', user = 'U1'): InboundMessage => ({
    deliveryId,
    identity: { channel: 'slack', externalId: `T1:${user}` },
    conversationId: `D${user}:${deliveryId}`,
    text,
    profile: async () => ({ timezone: 'Asia/Kolkata' }),
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 8 });
    const seller = await seedSeller(pool, { name: 'nisha' });
    await linkIdentity(pool, { channel: 'slack', externalId: 'T1:U1' }, seller.userId);
  });
  afterAll(async () => {
    await (pool && closePool(pool));
    await db?.drop();
  });

  it('answers a delivery that arrives five times at once, once', async () => {
    const gateway = new ChatGateway({ db: pool, engine: engine(), log, maxConcurrentTurns: 8 });
    const outputs = Array.from({ length: 5 }, () => new RecordingOutput());
    const outcomes = await Promise.all(outputs.map((o) => gateway.receive(message('Ev-five'), o)));
    expect(outcomes.sort()).toEqual(['answered', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(outputs.flatMap((o) => o.replies)).toHaveLength(1);
    // and once more later, after it was answered
    expect(await gateway.receive(message('Ev-five'), new RecordingOutput())).toBe('duplicate');
  });

  it('tells a message beyond the concurrency bound at once that it waits, then answers it', async () => {
    const gateway = new ChatGateway({ db: pool, engine: engine(), log, maxConcurrentTurns: 1 });
    const first = new RecordingOutput();
    const second = new RecordingOutput();
    await Promise.all([gateway.receive(message('Ev-a'), first), gateway.receive(message('Ev-b'), second)]);
    // whichever claimed its delivery second waited, and was told so before its answer
    const [ran, waited] = first.shown[0] === 'status: Looking into it…' ? [first, second] : [second, first];
    expect(ran.shown).toEqual(['status: Looking into it…', 'reply: Your marketplaces (times in UTC; answers in USD):']);
    expect(waited.shown).toEqual([
      'status: Working on it… (answering a few questions ahead of yours)',
      'reply: Your marketplaces (times in UTC; answers in USD):',
    ]);
  });

  it('answers even when the turn fails, and frees its place for the next', async () => {
    const broken = new ConversationEngine({
      db: pool,
      config: testConfig(),
      log,
      llm: undefined,
      syncs: undefined,
      clock: () => {
        throw new Error('clock broke');
      },
    });
    const gateway = new ChatGateway({ db: pool, engine: broken, log, maxConcurrentTurns: 1 });
    const output = new RecordingOutput();
    expect(await gateway.receive(message('Ev-broken'), output)).toBe('failed');
    expect(output.shown).toEqual([
      'status: Looking into it…',
      'reply: Something went wrong answering that (it is logged); please try again in a moment.',
    ]);
    // its one place was given back: the next message runs (it would wait for ever otherwise)
    const next = new RecordingOutput();
    expect(await gateway.receive(message('Ev-after'), next)).toBe('failed');
    expect(next.shown[0]).toBe('status: Looking into it…');
  });

  it('makes a seller of a first-time sender, in the timezone their channel knows', async () => {
    const gateway = new ChatGateway({ db: pool, engine: engine(), log, maxConcurrentTurns: 8 });
    const output = new RecordingOutput();
    await gateway.receive(message('Ev-new', 'timezone', 'U2'), output);
    expect(output.shown.at(-1)).toBe(
      'reply: Your timezone is Asia/Kolkata. Change it with `timezone <zone>`, e.g. Asia/Kolkata.',
    );
  });
});
