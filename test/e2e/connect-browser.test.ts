/**
 * Connecting Shopify from a Slack DM, driven in a real browser (headless Chromium through
 * playwright-core, on a phone-sized screen): the button's link from chat, ShopIQ's
 * redirect with its HttpOnly cookie and no referrer, the sandbox's consent page, the
 * callback, and the "connected" page, which must read well on a phone (checked, and
 * kept as a screenshot under test-results/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { launchChromium, phonePage, readability } from '../support/browser.ts';
import { freePort } from '../support/oauth-browser.ts';
import { json, startSandbox } from '../support/sandbox.ts';
import {
  dmEvent,
  eventEnvelope,
  mockSlackApi,
  nextTs,
  postToSlack,
  type SlackApiMock,
  slackEnv,
  startWebService,
} from '../support/slack.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const SELLER = 'U5BROWSING';
const SCREENSHOT_DIR = path.resolve('test-results');

describe('connecting Shopify from Slack in a real browser', () => {
  let db: TestDatabase;
  let sandbox: Sandbox;
  let sandboxBase: string;
  let app: App;
  let slack: SlackApiMock;
  let browser: Browser;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ sandbox, base: sandboxBase } = await startSandbox({ sellers: 2 }));
    slack = mockSlackApi();
    const port = await freePort();
    app = await startWebService(db.url, {
      LOG_LEVEL: 'error',
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      SANDBOX_URL: sandboxBase,
      ...slackEnv(),
    });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await sandbox?.close();
    slack?.done();
    await db?.drop();
  });

  it('follows the link from chat through consent to a "connected" page that reads well on a phone', async () => {
    const shop = (await json(fetch(`${sandboxBase}/_sandbox/stores`))).stores.find(
      (s: any) => s.seller === 2 && s.marketplace === 'shopify',
    ).accountId;
    const ts = nextTs();
    await postToSlack(app.url, eventEnvelope(dmEvent(SELLER, `connect shopify ${shop}`, ts)), 'application/json');
    await vi.waitFor(() => expect(slack.of('chat.postMessage').some((c) => c.args.thread_ts === ts)).toBe(true), {
      timeout: 15_000,
    });
    const offer = slack.of('chat.postMessage').find((c) => c.args.thread_ts === ts);
    const link: string = offer?.args.blocks
      .filter((b: any) => b.type === 'actions')
      .flatMap((b: any) => b.elements)
      .find((e: any) => e.url)?.url;
    expect(link).toMatch(/\/oauth\/shopify\/start\?ticket=/);

    const page = await phonePage(browser);
    const referers: (string | undefined)[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(sandboxBase)) referers.push(request.headers().referer);
    });
    await page.goto(link);
    // the sandbox's consent page, reached through ShopIQ's redirect, with the browser tied to the state
    expect(page.url()).toContain(`${sandboxBase}/shopify/${shop}/admin/oauth/authorize`);
    expect(referers.length).toBeGreaterThan(0);
    expect(referers.every((r) => r === undefined)).toBe(true);
    const [cookie] = (await page.context().cookies(`${app.config.publicBaseUrl}/oauth/shopify/callback`)).filter(
      (c) => c.name === 'shopiq_oauth',
    );
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/oauth/shopify/' });
    await expect(page.textContent('body')).resolves.toContain(shop);

    await Promise.all([page.waitForURL(/\/oauth\/shopify\/done/), page.click('#approve')]);
    expect(new URL(page.url()).pathname).toBe('/oauth/shopify/done');
    expect(page.url()).not.toMatch(/code=|state=|hmac=/);
    const text = (await page.textContent('body')) ?? '';
    expect(text).toContain('Shopify connected');
    expect(text).toContain('Go back to Slack');
    // the tie to the spent state is gone
    expect((await page.context().cookies()).some((c) => c.name === 'shopiq_oauth')).toBe(false);

    // readable on a phone: no sideways scroll, no small print
    const read = await readability(page);
    expect(read.textElements).toBeGreaterThan(2);
    expect(read.scrollWidth).toBeLessThanOrEqual(read.viewportWidth);
    expect(read.minFontPx).toBeGreaterThanOrEqual(16);
    const png = await page.screenshot({ fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(path.join(SCREENSHOT_DIR, 'connected-page-phone.png'), png);

    const { rows } = await app.pool.query(
      `select c.status, c.external_account_id from marketplace_connection c
         join channel_identity i on i.user_id = c.user_id where i.external_id = $1`,
      [`T0SHOPIQ:${SELLER}`],
    );
    expect(rows).toEqual([{ status: 'CONNECTED', external_account_id: shop }]);
    await page.context().close();
  }, 60_000);
});
