/**
 * The sandbox's consent pages in headless Chromium on a phone-sized screen, as a seller
 * trying the demo sees them: each reads without zooming or scrolling sideways, and its
 * button brings the browser back to the app's redirect URI (a loopback server here)
 * with the callback ShopIQ checks.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amazonApp } from '../../src/marketplaces/amazon/amazon-app.ts';
import { consentUrl } from '../../src/marketplaces/amazon/amazon-oauth.ts';
import { emptyStats } from '../../src/marketplaces/api-stats.ts';
import { flipkartApp } from '../../src/marketplaces/flipkart/flipkart-app.ts';
import { FlipkartOAuth, authorizeUrl as flipkartAuthorizeUrl } from '../../src/marketplaces/flipkart/flipkart-oauth.ts';
import { shopifyApp } from '../../src/marketplaces/shopify/shopify-app.ts';
import { authorizeUrl, verifyCallbackHmac } from '../../src/marketplaces/shopify/shopify-oauth.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { launchChromium, phonePage, readability } from '../support/browser.ts';
import { startSandbox } from '../support/sandbox.ts';
import { testConfig } from '../support/test-config.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let sandbox: Sandbox;
let base: string;
let browser: Browser;
let app: http.Server;
let appUrl: string;
/** The query of every request the app's redirect URI received, by path. */
const callbacks = new Map<string, Record<string, string>>();
let screenshots: string;
const config = testConfig();

beforeAll(async () => {
  screenshots = mkdtempSync(path.join(os.tmpdir(), 'shopiq-consent-'));
  ({ sandbox, base } = await startSandbox({ sellers: 2 }));
  app = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    callbacks.set(url.pathname, Object.fromEntries(url.searchParams));
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok');
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => {
    if (!app) return resolve();
    app.close(() => resolve());
    app.closeAllConnections();
  });
  await sandbox?.close();
  if (screenshots) rmSync(screenshots, { recursive: true, force: true });
});

/** A state as an app makes one, with characters that must survive the form's round trip. */
const newState = () => `${randomBytes(12).toString('hex')} <&>"`;

/** Opens a consent page on a phone, checks it reads well there, and keeps a screenshot. */
async function openOnPhone(url: string, name: string): Promise<Page> {
  const page = await phonePage(browser);
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  const read = await readability(page);
  expect(read.viewportWidth).toBe(390);
  expect(read.scrollWidth).toBeLessThanOrEqual(read.viewportWidth);
  expect(read.textElements).toBeGreaterThan(3);
  expect(read.minFontPx).toBeGreaterThanOrEqual(16);
  const file = path.join(screenshots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const png = readFileSync(file);
  expect(png.length).toBeGreaterThan(1000);
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  return page;
}

/** Taps the approve button and waits until the browser lands on the app's redirect URI. */
async function approve(page: Page, callbackPath: string): Promise<Record<string, string>> {
  await Promise.all([page.waitForURL((url) => url.pathname === callbackPath), page.tap('#approve')]);
  expect(await page.textContent('body')).toBe('ok');
  const callback = callbacks.get(callbackPath);
  if (!callback) throw new Error(`the app got no request at ${callbackPath}`);
  await page.context().close();
  return callback;
}

describe('sandbox consent pages in Chromium on a phone', () => {
  it('Shopify: "Install app" comes back with a callback whose hmac verifies and whose state is ours', async () => {
    const shopify = shopifyApp(config, base);
    const shop = 'indigo-loom.myshopify.com';
    const state = newState();
    const page = await openOnPhone(
      authorizeUrl(shopify, { shop, state, redirectUri: `${appUrl}/shopify/callback` }),
      'shopify',
    );
    expect(await page.textContent('h1')).toBe(`Install ShopIQ on ${shop}?`);
    expect(await page.textContent('#approve')).toBe('Install app');
    const callback = await approve(page, '/shopify/callback');
    expect(verifyCallbackHmac(callback, shopify.clientSecret)).toBe(true);
    expect(callback).toMatchObject({ shop, state, code: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('Flipkart: the second seller chosen, "Allow access" comes back with our state and a code for that seller', async () => {
    const flipkart = flipkartApp(config, base);
    const state = newState();
    const redirectUri = `${appUrl}/flipkart/callback`;
    const page = await openOnPhone(flipkartAuthorizeUrl(flipkart, { state, redirectUri }), 'flipkart');
    const sellers = page.locator('#seller option');
    expect(await sellers.count()).toBe(2);
    const second = (await sellers.nth(1).getAttribute('value')) as string;
    await page.selectOption('#seller', second);
    expect(await page.textContent('#approve')).toBe('Allow access');
    const callback = await approve(page, '/flipkart/callback');
    expect(callback.state).toBe(state);
    const tokens = await new FlipkartOAuth(flipkart, emptyStats()).exchangeCode(
      callback.code as string,
      redirectUri,
      state,
    );
    expect(sandbox.context.tokens.verify(tokens.accessToken)).toMatchObject({ storeKey: 's2-flipkart' });
    expect(second).toBe(sandbox.context.world.store('s2-flipkart')?.accountId);
  });

  it('Amazon: the second account chosen, "Confirm" comes back with our state and that selling partner', async () => {
    const amazon = amazonApp(config, base);
    const store = sandbox.context.world.store('s2-amazon');
    const state = newState();
    const url = consentUrl(amazon, {
      marketplaceId: store?.amazonMarketplace?.id as string,
      state,
      redirectUri: `${appUrl}/amazon/callback`,
    });
    const page = await openOnPhone(url, 'amazon');
    await page.selectOption('#seller', (await page.locator('#seller option').nth(1).getAttribute('value')) as string);
    expect(await page.textContent('#approve')).toBe('Confirm');
    const callback = await approve(page, '/amazon/callback');
    expect(callback).toMatchObject({
      state,
      selling_partner_id: store?.accountId,
      spapi_oauth_code: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });
});
