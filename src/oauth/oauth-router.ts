/**
 * The web side of connecting a marketplace from chat, mounted at `/oauth`:
 *
 * - `GET /oauth/<marketplace>/start?ticket=…` (the link in chat) opens the ticket: a
 *   fresh ten-minute state, a cookie tying it to this browser, and a redirect to the
 *   marketplace's consent page (Shopify's `/admin/oauth/authorize` on the shop asked
 *   for, Flipkart's authorization-code flow, Amazon's Seller Central consent).
 * - `GET /oauth/<marketplace>/callback` checks what can be checked first (Shopify's
 *   HMAC and timestamp), takes the state once with this browser's cookie, checks the
 *   callback against what was asked for, exchanges the code and completes the
 *   connection (connect-service.ts). Anything refused changes nothing.
 * - `GET /oauth/<marketplace>/done?outcome=…` is where the callback sends the browser
 *   (so no code or state stays in its address bar or history): a small page saying
 *   what happened and to go back to the chat.
 */
import { Router } from 'express';
import type pg from 'pg';
import type { ConnectService } from '../connections/connect-service.ts';
import { CHANNELS, type Channel, MARKETPLACES, type Marketplace } from '../db/enums.ts';
import type { Logger } from '../logging/logger.ts';
import { MarketplaceError } from '../marketplaces/marketplace-error.ts';
import { AUTHORIZERS, AuthorizationRefused } from './authorizers.ts';
import { OUTCOMES, type Outcome, outcomePage, securePageHeaders } from './oauth-pages.ts';
import { OAUTH_STATE_TTL_MS, openConnectTicket, stateTarget, takeOAuthState } from './oauth-state.ts';

const COOKIE = 'shopiq_oauth';

const LINK_OUTCOMES = { unknown: 'link_unknown', expired: 'link_expired', completed: 'link_used' } as const;
const STATE_OUTCOMES = {
  unknown: 'state_unknown',
  expired: 'state_expired',
  used: 'state_used',
  other_browser: 'other_browser',
} as const;

export interface OAuthRouterDeps {
  db: pg.Pool;
  connections: ConnectService;
  publicBaseUrl: string;
  log: Logger;
}

const isMarketplace = (m: string | undefined): m is Marketplace =>
  (MARKETPLACES as readonly string[]).includes(m ?? '');

export function oauthRouter(deps: OAuthRouterDeps): Router {
  const router = Router();
  const secure = deps.publicBaseUrl.startsWith('https:');
  const log = deps.log.child({ component: 'oauth' });

  router.use('/:marketplace', (req, res, next) => {
    securePageHeaders(res);
    if (!isMarketplace(req.params.marketplace)) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    next();
  });

  const done = (marketplace: Marketplace, outcome: Outcome, channel?: Channel) =>
    `${deps.publicBaseUrl}/oauth/${marketplace}/done?outcome=${outcome}${channel ? `&via=${channel}` : ''}`;

  router.get('/:marketplace/start', async (req, res, next) => {
    try {
      const marketplace = req.params.marketplace as Marketplace;
      const ticket = typeof req.query.ticket === 'string' ? req.query.ticket : '';
      const opened = await openConnectTicket(deps.db, ticket, marketplace);
      if (!opened.ok) {
        const outcome = LINK_OUTCOMES[opened.reason];
        res
          .status(opened.reason === 'unknown' ? 404 : 410)
          .type('html')
          .send(outcomePage(outcome, marketplace, undefined));
        return;
      }
      const { binding } = opened;
      const consent = AUTHORIZERS[marketplace].consentUrl(deps.connections.target(binding.sandboxUrl), {
        account: binding.account,
        state: opened.state,
        redirectUri: deps.connections.redirectUri(marketplace),
      });
      res.cookie(COOKIE, opened.browser, {
        httpOnly: true,
        secure,
        sameSite: 'lax', // sent on the marketplace's top-level redirect back to the callback
        path: `/oauth/${marketplace}/`,
        maxAge: OAUTH_STATE_TTL_MS,
      });
      log.info({ userId: binding.userId, marketplace }, 'authorization started');
      res.redirect(302, consent);
    } catch (error) {
      if (error instanceof AuthorizationRefused) {
        res
          .status(400)
          .type('html')
          .send(outcomePage('refused', req.params.marketplace as Marketplace, undefined));
        return;
      }
      next(error);
    }
  });

  router.get('/:marketplace/callback', async (req, res, next) => {
    const marketplace = req.params.marketplace as Marketplace;
    const callback = queryStrings(req.query);
    const browser = readCookie(req.headers.cookie, COOKIE);
    const authorizer = AUTHORIZERS[marketplace];
    const finish = (outcome: Outcome, channel?: Channel) => res.redirect(303, done(marketplace, outcome, channel));
    try {
      // a forged or stale callback is refused before its state is taken (the target tells whose secret signs it)
      const target = await stateTarget(deps.db, callback.state ?? '', marketplace);
      if (target === undefined) return void finish('state_unknown');
      try {
        authorizer.check(deps.connections.target(target.sandboxUrl), callback);
      } catch (error) {
        if (!(error instanceof AuthorizationRefused)) throw error;
        log.warn({ marketplace, why: error.why }, 'authorization callback refused');
        return void finish('refused');
      }
      const taken = await takeOAuthState(deps.db, callback.state ?? '', marketplace, browser);
      if (!taken.ok) {
        log.warn({ marketplace, reason: taken.reason }, 'authorization callback with an unusable state');
        const outcome = STATE_OUTCOMES[taken.reason];
        return void finish(outcome);
      }
      // the state is spent: so is this browser's tie to it
      res.clearCookie(COOKIE, { path: `/oauth/${marketplace}/`, httpOnly: true, secure, sameSite: 'lax' });
      const { binding } = taken;
      const channel = binding.announce.channel;
      if (callback.error) {
        log.info({ userId: binding.userId, marketplace, error: callback.error }, 'authorization denied by the seller');
        return void finish('denied', channel);
      }
      let grant: Awaited<ReturnType<typeof authorizer.finish>>;
      try {
        grant = await authorizer.finish(deps.connections.target(binding.sandboxUrl), callback, {
          account: binding.account,
          state: callback.state ?? '',
          redirectUri: deps.connections.redirectUri(marketplace),
          renewing: binding.connectionId ? await accountOf(deps.db, binding.connectionId) : null,
        });
      } catch (error) {
        if (error instanceof AuthorizationRefused) {
          log.warn({ userId: binding.userId, marketplace, why: error.why }, 'authorization callback refused');
          return void finish('refused', channel);
        }
        if (error instanceof MarketplaceError) {
          log.warn({ userId: binding.userId, marketplace, kind: error.kind, err: error }, 'code exchange failed');
          return void finish(error.kind === 'auth_revoked' ? 'refused' : 'failed', channel);
        }
        throw error;
      }
      await deps.connections.complete(taken.id, binding, grant);
      finish('connected', channel);
    } catch (error) {
      next(error);
    }
  });

  router.get('/:marketplace/done', (req, res) => {
    const outcome = (OUTCOMES as readonly string[]).includes(String(req.query.outcome))
      ? (req.query.outcome as Outcome)
      : 'link_unknown';
    const via = (CHANNELS as readonly string[]).includes(String(req.query.via))
      ? (req.query.via as Channel)
      : undefined;
    res
      .status(outcome === 'connected' ? 200 : 400)
      .type('html')
      .send(outcomePage(outcome, req.params.marketplace as Marketplace, via));
  });

  return router;
}

/** Single-valued query parameters (a repeated one is dropped, as a signature would not cover it). */
function queryStrings(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) if (typeof v === 'string') out[k] = v;
  return out;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The account of the connection a reconnect renews (gone meanwhile: none). */
async function accountOf(db: pg.Pool, connectionId: string): Promise<string | null> {
  const { rows } = await db.query<{ external_account_id: string }>(
    'select external_account_id from marketplace_connection where id = $1',
    [connectionId],
  );
  return rows[0]?.external_account_id ?? null;
}
