/**
 * The sandbox marketplaces' consent pages over loopback: the page a seller sees at each
 * authorize URL, and its form posted back as a browser posts it (the hidden fields read
 * from the page, the chosen account, the button pressed).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APPS } from '../../src/sandbox/sandbox-context.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-server.ts';
import { signShopifyQuery } from '../../src/sandbox/shopify/shopify-oauth.ts';
import { json, startSandbox } from '../support/sandbox.ts';

const HOSTILE_STATE = `"><script>alert('x')</script>&next=1`;
const REDIRECT = 'https://shopiq.example/oauth/callback';
const SHOP = 'indigo-loom.myshopify.com';

let sandbox: Sandbox;
let base: string;

beforeAll(async () => {
  ({ sandbox, base } = await startSandbox({ sellers: 2 }));
  return () => sandbox.close();
});

const ENTITIES: Record<string, string> = { '&quot;': '"', '&lt;': '<', '&gt;': '>', '&#39;': "'", '&amp;': '&' };
const decodeEntities = (text: string) => text.replace(/&(quot|lt|gt|#39|amp);/g, (e) => ENTITIES[e] as string);

interface ConsentForm {
  action: string;
  fields: Record<string, string>;
  /** The options of the seller select, in order, with the preselected one. */
  sellers: string[];
  selected: string | undefined;
}

/** The page's form as a browser reads it. */
function formOf(html: string): ConsentForm {
  const action = /<form id="consent" method="post" action="([^"]*)">/.exec(html)?.[1];
  if (action === undefined) throw new Error('no consent form');
  const fields: Record<string, string> = {};
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[decodeEntities(name as string)] = decodeEntities(value as string);
  }
  const options = [...html.matchAll(/<option value="([^"]*)"( selected)?>/g)];
  return {
    action: decodeEntities(action),
    fields,
    sellers: options.map((o) => decodeEntities(o[1] as string)),
    selected: options.filter((o) => o[2]).map((o) => decodeEntities(o[1] as string))[0],
  };
}

async function showPage(url: string): Promise<{ html: string; form: ConsentForm; headers: Headers }> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(200);
  const html = await res.text();
  return { html, form: formOf(html), headers: res.headers };
}

/** Presses a button of the form: the fields posted urlencoded to the form's action. */
async function press(form: ConsentForm, fields: Record<string, string>): Promise<Response> {
  return fetch(`${base.replace(/\/+$/, '')}${form.action}`, {
    method: 'POST',
    body: new URLSearchParams({ ...form.fields, ...fields }),
    redirect: 'manual',
  });
}

function callbackOf(res: Response): Record<string, string> {
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return Object.fromEntries(location.searchParams);
}

function expectPageBasics(page: { html: string; headers: Headers }, path: string): void {
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(page.headers.get('cache-control')).toBe('no-store');
  expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  expect(page.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  expect(page.html).toContain('<meta charset="utf-8">');
  // the state goes back as it came, but never as markup
  expect(page.html).not.toContain('<script');
  expect(page.html).toContain('value="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;next=1"');
  expect(formOf(page.html).action).toBe(path);
  expect(formOf(page.html).fields.state).toBe(HOSTILE_STATE);
}

describe('sandbox consent: Shopify install page', () => {
  const app = DEFAULT_APPS.shopify;
  const path = `/shopify/${SHOP}/admin/oauth/authorize`;
  const query = (clientId = app.clientId) =>
    new URLSearchParams({
      client_id: clientId,
      scope: 'read_orders,read_all_orders',
      redirect_uri: REDIRECT,
      state: HOSTILE_STATE,
    });
  const exchange = (code: string) =>
    fetch(`${base}/shopify/${SHOP}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: app.clientId, client_secret: app.clientSecret, code }),
    });

  it('asks to install on the shop, lists what the app may read, and carries the query as hidden fields', async () => {
    const page = await showPage(`${base}${path}?${query()}`);
    expectPageBasics(page, path);
    expect(page.html).toContain(`<h1>Install ShopIQ on ${SHOP}?</h1>`);
    expect(page.html).toContain('<li>Orders from the last 60 days</li><li>All orders, older ones too</li>');
    expect(page.html).not.toContain('Products');
    expect(page.html).toMatch(/<button id="approve" [^>]*>Install app<\/button>/);
    expect(page.form.fields).toEqual(Object.fromEntries(query()));
  });

  it('the form approves: a signed callback whose code the token endpoint takes once', async () => {
    const { form } = await showPage(`${base}${path}?${query()}`);
    const callback = callbackOf(await press(form, { decision: 'approve' }));
    expect(callback).toMatchObject({ shop: SHOP, state: HOSTILE_STATE });
    expect(callback.hmac).toBe(signShopifyQuery(callback, app.clientSecret));
    const first = await exchange(callback.code as string);
    expect(first.status).toBe(200);
    expect((await json(first)).scope).toBe('read_orders,read_all_orders');
    expect((await exchange(callback.code as string)).status).toBe(400);
  });

  it('cancel sends the seller back with access_denied and no code', async () => {
    const { form } = await showPage(`${base}${path}?${query()}`);
    const callback = callbackOf(await press(form, { decision: 'deny' }));
    expect(callback).toEqual({ error: 'access_denied', state: HOSTILE_STATE });
  });

  it('an unknown client id gets Shopify’s error, on the page and on the form', async () => {
    const shown = await fetch(`${base}${path}?${query('someone-else')}`);
    expect(shown.status).toBe(400);
    expect(await shown.text()).toBe('Oauth error invalid_request: The client_id is not valid.');
    const { form } = await showPage(`${base}${path}?${query()}`);
    const posted = await press(form, { client_id: 'someone-else' });
    expect(posted.status).toBe(400);
    expect(await posted.text()).toBe('Oauth error invalid_request: The client_id is not valid.');
  });
});

describe('sandbox consent: Flipkart sign-in stand-in', () => {
  const app = DEFAULT_APPS.flipkart;
  const path = '/flipkart/oauth-service/oauth/authorize';
  const query = (extra: Record<string, string> = {}) =>
    new URLSearchParams({
      client_id: app.appId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'Seller_Api',
      state: HOSTILE_STATE,
      ...extra,
    });
  const exchange = (code: string) =>
    fetch(
      `${base}/flipkart/oauth-service/oauth/token?${new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, state: HOSTILE_STATE })}`,
      { headers: { authorization: `Basic ${Buffer.from(`${app.appId}:${app.appSecret}`).toString('base64')}` } },
    );
  const flipkart = () => sandbox.context.world.stores.filter((s) => s.marketplace === 'flipkart');

  it('offers every sandbox Flipkart account, the one the query names preselected', async () => {
    const page = await showPage(`${base}${path}?${query()}`);
    expectPageBasics(page, path);
    expect(page.form.sellers).toEqual(flipkart().map((s) => s.accountId));
    expect(page.form.selected).toBe(flipkart()[0]?.accountId);
    for (const store of flipkart()) expect(page.html).toContain(`${store.sellerName} · ${store.accountId}`);
    expect(page.html).toMatch(/<select id="seller" name="seller">/);
    expect(page.html).toMatch(/<button id="approve" [^>]*>Allow access<\/button>/);
    expect(page.form.fields).toEqual(Object.fromEntries(query()));

    const named = await showPage(`${base}${path}?${query({ seller: 's2-flipkart' })}`);
    expect(named.form.selected).toBe(flipkart()[1]?.accountId);
    expect(named.form.fields.seller).toBeUndefined();
  });

  it('the form approves for the chosen account: a code the token endpoint takes once', async () => {
    const { form } = await showPage(`${base}${path}?${query()}`);
    const chosen = flipkart()[1];
    const callback = callbackOf(await press(form, { seller: chosen?.accountId as string, decision: 'approve' }));
    expect(callback.state).toBe(HOSTILE_STATE);
    const first = await exchange(callback.code as string);
    expect(first.status).toBe(200);
    const grant = sandbox.context.tokens.verify((await json(first)).access_token);
    expect(grant).toMatchObject({ storeKey: chosen?.key });
    expect((await exchange(callback.code as string)).status).toBe(401);
  });

  it('an unknown client id or seller gets Flipkart’s error, on the page and on the form', async () => {
    const shown = await fetch(`${base}${path}?${query({ client_id: 'someone-else' })}`);
    expect(shown.status).toBe(400);
    expect(await shown.json()).toMatchObject({ error: 'invalid_client' });
    const { form } = await showPage(`${base}${path}?${query()}`);
    const posted = await press(form, { client_id: 'someone-else' });
    expect(posted.status).toBe(400);
    expect(await posted.json()).toMatchObject({ error: 'invalid_client' });
    const nobody = await press(form, { seller: 'nobody' });
    expect(nobody.status).toBe(400);
    expect(await nobody.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('sandbox consent: Amazon account choice', () => {
  const app = DEFAULT_APPS.amazon;
  const path = '/amazon/apps/authorize/consent';
  const query = (extra: Record<string, string> = {}) =>
    new URLSearchParams({ application_id: app.applicationId, state: HOSTILE_STATE, redirect_uri: REDIRECT, ...extra });
  const exchange = (code: string) =>
    fetch(`${base}/amazon/auth/o2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: app.clientId,
        client_secret: app.clientSecret,
      }),
    });
  const amazon = () => sandbox.context.world.stores.filter((s) => s.marketplace === 'amazon');

  it('offers every sandbox Amazon account with its marketplace', async () => {
    const page = await showPage(`${base}${path}?${query({ version: 'beta' })}`);
    expectPageBasics(page, path);
    expect(page.form.sellers).toEqual(amazon().map((s) => s.accountId));
    expect(page.html).toContain(`Indigo Loom · amazon.com · ${amazon()[0]?.accountId}`);
    expect(page.html).toContain(`Desi Threads · amazon.in · ${amazon()[1]?.accountId}`);
    expect(page.html).toMatch(/<button id="approve" [^>]*>Confirm<\/button>/);
    expect(page.form.fields).toEqual(Object.fromEntries(query({ version: 'beta' })));
  });

  it('the form approves for the chosen account: a code the token endpoint takes once', async () => {
    const { form } = await showPage(`${base}${path}?${query()}`);
    const chosen = amazon()[1];
    const callback = callbackOf(await press(form, { seller: chosen?.accountId as string }));
    expect(callback).toMatchObject({ state: HOSTILE_STATE, selling_partner_id: chosen?.accountId });
    const first = await exchange(callback.spapi_oauth_code as string);
    expect(first.status).toBe(200);
    expect((await json(first)).access_token).toMatch(/^Atza\|/);
    const again = await exchange(callback.spapi_oauth_code as string);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('an unknown application id gets the old error, on the page and on the form', async () => {
    const shown = await fetch(`${base}${path}?${query({ application_id: 'amzn1.sp.solution.other' })}`);
    expect(shown.status).toBe(400);
    expect(await shown.text()).toBe('Unknown application_id.');
    const { form } = await showPage(`${base}${path}?${query()}`);
    const posted = await press(form, { application_id: 'amzn1.sp.solution.other' });
    expect(posted.status).toBe(400);
    expect(await posted.text()).toBe('Unknown application_id.');
  });
});
