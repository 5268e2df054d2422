/**
 * What each command does (commands.ts parses them). A wrong argument gets an answer
 * saying what is expected and changes nothing.
 */
import axios from 'axios';
import type pg from 'pg';
import { connectionFreshness } from '../analytics/freshness.ts';
import { refreshSalesRollup } from '../analytics/sales-rollup.ts';
import type { SellerScope } from '../analytics/seller-scope.ts';
import type { ChatAddress } from '../channels/chat-notifier.ts';
import type { Config } from '../config/config.ts';
import type { ConnectService } from '../connections/connect-service.ts';
import { disconnectConnections } from '../connections/connection-store.ts';
import { ALERT_KINDS, type AlertKind, MARKETPLACES, type Marketplace, type SyncTier } from '../db/enums.ts';
import { joinIdentity } from '../identity/chat-identities.ts';
import { EXAMPLE_LINK_CODE, issueLinkCode, LINK_CODE_TTL_MS, redeemLinkCode } from '../identity/link-codes.ts';
import { alertSettings } from '../insights/alerts.ts';
import { digestSettings } from '../insights/digest.ts';
import type { SyncRequest } from '../jobs/scheduler.ts';
import { stoppedAnswering } from '../sync/lease-holder.ts';
import { readHeldLease } from '../sync/sync-lease.ts';
import { SYNC_LEASE_TTL_MS } from '../sync/sync-manager.ts';
import { addDays, canonicalTimezone, instantOf, localDate, localTime } from '../time/local-time.ts';
import { COMMAND_HELP, type Command, parseClockTime, SYNC_TIER_NAMES } from './commands.ts';
import { MARKETPLACE_NAMES } from './format/labels.ts';
import { describeFreshness, describeOutages, type SyncRequester } from './freshness-gate.ts';
import { LIMITED_MODE_EXAMPLES } from './limited-mode.ts';
import { type Reply, textReply } from './reply.ts';

export interface CommandContext {
  db: pg.Pool;
  config: Pick<Config, 'conversation'>;
  scope: SellerScope;
  now: Date;
  limitedMode: boolean;
  syncs: SyncRequester | undefined;
  reschedule?: (userId: string) => Promise<unknown>;
  demoUserId?: () => string | undefined;
  /** The chat identity that asked (none in the terminal). */
  identity: { id: string; key: string } | undefined;
  /** Where this conversation is reached later (a connection's progress is announced there). */
  address: ChatAddress;
  /** Connecting and disconnecting marketplaces; undefined: only disconnecting, without revoking. */
  connections?: ConnectService | undefined;
  followUp(request: SyncRequest): void;
}

export async function runCommand(command: Command, ctx: CommandContext): Promise<Reply> {
  switch (command.name) {
    case 'help':
      return textReply(
        [
          'Ask me about your sales, products, returns and stock across your marketplaces, for example:',
          ...LIMITED_MODE_EXAMPLES.map((e) => `- ${e}`),
          '',
          'Commands:',
          ...Object.values(COMMAND_HELP).map((h) => `- ${h}`),
          ...(ctx.limitedMode
            ? ['', '(Limited mode: no AI model is configured, so I answer the common questions only.)']
            : []),
        ].join('\n'),
      );
    case 'status':
      return status(ctx);
    case 'sync':
      return sync(ctx, command.marketplace);
    case 'connect':
      return connect(ctx, command.marketplace, command.account);
    case 'disconnect':
      return disconnect(ctx, command.marketplace, command.remove);
    case 'timezone':
      return timezone(ctx, command.zone);
    case 'currency':
      return currency(ctx, command.code);
    case 'frequency':
      return frequency(ctx, command.tier, command.asked);
    case 'link':
      return command.code ? redeem(ctx, command.code) : issue(ctx);
    case 'digest':
      return digest(ctx, command.time, command.asked);
    case 'alerts':
      return alerts(ctx, command);
    case 'demo':
      return command.clock === undefined ? demo(ctx) : sandboxClock(ctx, command.clock);
  }
}

/**
 * Shows, sets (to this chat) or stops the daily digest. A time set here also makes this
 * chat the digest's; with none picked it goes where the seller last wrote from.
 */
async function digest(ctx: CommandContext, time: string | null | undefined, asked: string | undefined): Promise<Reply> {
  const { userId, timezone } = ctx.scope;
  if (asked !== undefined) {
    return textReply(
      `"${asked}" is not a time of day I can read: say \`digest 09:00\` (your time, ${timezone}) or \`digest off\`.`,
    );
  }
  if (time === undefined) {
    const settings = await digestSettings(ctx.db, userId);
    if (!settings?.time)
      return textReply('Your daily digest is off. Turn it on with `digest 09:00` (any time of your day).');
    const where = !settings.address
      ? 'to the chat you last wrote from'
      : sameChat(settings.address, ctx.address)
        ? 'to this chat'
        : `to your ${settings.address.channel === 'slack' ? 'Slack' : settings.address.channel === 'whatsapp' ? 'WhatsApp' : 'terminal'} chat`;
    return textReply(
      `Your digest comes at ${settings.time} your time (${timezone}) ${where}: yesterday across your marketplaces, and last week on Mondays. Change it with \`digest HH:MM\` (sent here from then on), or stop it with \`digest off\`.`,
    );
  }
  await ctx.db.query('update "user" set digest_time = $2, digest_address = $3, updated_at = now() where id = $1', [
    userId,
    time,
    time === null ? null : JSON.stringify(ctx.address),
  ]);
  await ctx.reschedule?.(userId);
  return textReply(
    time === null
      ? 'Your daily digest is off. Turn it back on with `digest 09:00`.'
      : `Your digest will come here at ${time} your time (${timezone}) each day: yesterday across your marketplaces, and last week on Mondays. \`digest off\` stops it.`,
  );
}

const ALERT_NAMES: Record<AlertKind, string> = {
  sales_drop: 'sales drops (a marketplace far below its usual day)',
  return_spike: 'return spikes (a product coming back far more than usual)',
  cancel_spike: 'cancellation spikes (a product cancelled far more than usual)',
  stock_low: 'low stock (a selling product with less than a week left)',
  connection: 'connection trouble (a marketplace failing to sync for 12 hours)',
  large_order: 'large orders (far above your usual order)',
};
const kindWord = (kind: AlertKind) => kind.replace('_', '-');

/** Shows, switches, mutes or unmutes the alerts ShopIQ sends unasked. */
async function alerts(ctx: CommandContext, command: Extract<Command, { name: 'alerts' }>): Promise<Reply> {
  const { userId } = ctx.scope;
  const kinds = ALERT_KINDS.map(kindWord).join('|');
  if (command.asked !== undefined) {
    return textReply(
      `"alerts ${command.asked}" is not something I can do: say \`alerts on\`, \`alerts off\`, \`alerts mute <${kinds}> [for N days]\` or \`alerts unmute <kind>\`.`,
    );
  }
  if (command.enabled !== undefined) {
    await ctx.db.query('update "user" set alerts_enabled = $2, updated_at = now() where id = $1', [
      userId,
      command.enabled,
    ]);
    return textReply(
      command.enabled
        ? 'Alerts are on: I will tell you here when something needs your eye, after each sync.'
        : 'Alerts are off: I will not tell you anything unasked (your daily digest is apart: `digest off` stops it).',
    );
  }
  if (command.mute || command.unmute) {
    const kind = (command.mute ?? command.unmute) as AlertKind;
    const until = command.mute
      ? new Date(command.days ? ctx.now.getTime() + command.days * 86_400_000 : Date.UTC(9999, 0, 1)).toISOString()
      : null;
    await ctx.db.query(
      `update "user" set alert_mutes = case when $3::text is null then alert_mutes - $2 else alert_mutes || jsonb_build_object($2::text, $3::text) end,
              updated_at = now() where id = $1`,
      [userId, kind, until],
    );
    if (!command.mute) return textReply(`Alerts about ${ALERT_NAMES[kind]} are back on.`);
    return textReply(
      command.days
        ? `Muted: no alerts about ${ALERT_NAMES[kind]} until ${localTime(new Date(until as string), ctx.scope.timezone)}. \`alerts unmute ${kindWord(kind)}\` brings them back sooner.`
        : `Muted: no alerts about ${ALERT_NAMES[kind]} until you say \`alerts unmute ${kindWord(kind)}\`.`,
    );
  }
  const settings = await alertSettings(ctx.db, userId);
  if (!settings?.enabled) return textReply('Alerts are off. `alerts on` turns them back on.');
  const lines = ALERT_KINDS.map((kind) => {
    const until = settings.mutes[kind];
    const muted = until && until > ctx.now;
    return `- ${ALERT_NAMES[kind]}: ${muted ? (until.getUTCFullYear() === 9999 ? 'muted' : `muted until ${localTime(until, ctx.scope.timezone)}`) : 'on'}`;
  });
  return textReply(
    [
      'After each sync I look at your data and tell you here about:',
      ...lines,
      `\`alerts mute <${kinds}> [for N days]\` mutes one kind; \`alerts off\` stops them all.`,
    ].join('\n'),
  );
}

/**
 * Shows or moves the clock of the sandbox the seller's marketplaces are in (the demo's
 * time): "09:00" is the next 09:00 of the seller's day, "+9h" and "+2d" move it on. In
 * the demo, ShopIQ then plays what happened meanwhile (demo-clock.ts).
 */
async function sandboxClock(ctx: CommandContext, asked: string): Promise<Reply> {
  const { rows } = await ctx.db.query<{ sandbox_url: string }>(
    `select sandbox_url from marketplace_connection
      where user_id = $1 and sandbox_url is not null and status <> 'DISCONNECTED' limit 1`,
    [ctx.scope.userId],
  );
  const base = rows[0]?.sandbox_url?.replace(/\/+$/, '');
  if (!base) return textReply('Your marketplaces are real ones: there is no sandbox clock to move.');
  const { timezone } = ctx.scope;
  const clock = `${base}/_sandbox/clock`;
  const now = new Date((await axios.get<{ now: string }>(clock, { timeout: 10_000 })).data.now);
  const shown = (at: Date) => localTime(at, timezone);
  if (!asked) {
    return textReply(
      `The sandbox's clock reads ${shown(now)}. \`demo clock 09:00\` moves it to the next 09:00 of your day, \`demo clock +6h\` six hours on.`,
    );
  }
  const time = parseClockTime(asked);
  const step = /^\+(\d{1,3})\s*(h|hours?|d|days?)$/i.exec(asked);
  let target: Date;
  if (time) {
    target = instantOf(localDate(now, timezone), time, timezone);
    if (target <= now) target = instantOf(addDays(localDate(now, timezone), 1), time, timezone);
  } else if (step && Number(step[1]) > 0) {
    target = new Date(now.getTime() + Number(step[1]) * ((step[2] as string).startsWith('d') ? 86_400_000 : 3_600_000));
  } else {
    return textReply(
      `"${asked}" is not a time I can move the clock to: say \`demo clock 09:00\`, \`demo clock +6h\` or \`demo clock +1d\`.`,
    );
  }
  await axios.post(clock, { advanceMs: target.getTime() - now.getTime() }, { timeout: 10_000 });
  return textReply(
    `The sandbox's clock moved from ${shown(now)} to ${shown(target)}. In the demo, what happened meanwhile is synced now, and a digest or alert that fell due comes here.`,
  );
}

const sameChat = (a: ChatAddress, b: ChatAddress) => a.channel === b.channel && a.conversationId === b.conversationId;

async function frequency(ctx: CommandContext, tier: SyncTier | undefined, asked: string | undefined): Promise<Reply> {
  const choices = Object.values(SYNC_TIER_NAMES).join(', ');
  if (!tier) {
    const { rows } = await ctx.db.query<{ tier: SyncTier }>('select sync_tier as tier from "user" where id = $1', [
      ctx.scope.userId,
    ]);
    const now = SYNC_TIER_NAMES[rows[0]?.tier ?? 'twice_daily'];
    return textReply(
      asked
        ? `"${asked}" is not a frequency I know: choose one of ${choices}.`
        : `Your data is refreshed ${now}. Change it with \`frequency <${choices.replaceAll(', ', '|')}>\`.`,
    );
  }
  await ctx.db.query('update "user" set sync_tier = $2, updated_at = now() where id = $1', [ctx.scope.userId, tier]);
  await ctx.reschedule?.(ctx.scope.userId);
  return textReply(`Your data is now refreshed ${SYNC_TIER_NAMES[tier]}, in your time (${ctx.scope.timezone}).`);
}

async function issue(ctx: CommandContext): Promise<Reply> {
  const { code } = await issueLinkCode(ctx.db, ctx.scope.userId);
  return textReply(
    `Your link code is ${code}. From your other Slack account or your WhatsApp, send \`link ${code}\` to ShopIQ ` +
      `within ${LINK_CODE_TTL_MS / 60_000} minutes: that chat then sees the same data as this one. The code works once.`,
  );
}

async function redeem(ctx: CommandContext, code: string): Promise<Reply> {
  if (!ctx.identity) return textReply('Link codes are for Slack and WhatsApp: send `link <code>` there.');
  const result = await redeemLinkCode(ctx.db, code, ctx.identity.key);
  if (!result.ok) {
    return textReply(
      {
        too_many_attempts:
          'Too many wrong codes: please wait a while, then ask for a new code with `link` in your other chat.',
        invalid: 'That code is not valid (wrong, used or expired): ask for a new one with `link` in your other chat.',
        malformed: `A link code looks like \`${EXAMPLE_LINK_CODE}\`: type \`link\` in your other chat to get one, then send \`link <code>\` here.`,
      }[result.reason],
    );
  }
  return joined(await joinIdentity(ctx.db, ctx.identity.id, result.userId), 'your other chat');
}

async function demo(ctx: CommandContext): Promise<Reply> {
  const demoUserId = ctx.demoUserId?.();
  if (!demoUserId)
    return textReply('The demo is not running here: connect a marketplace with `connect <marketplace>`.');
  if (!ctx.identity) return textReply('This terminal already shows the demo store.');
  return joined(await joinIdentity(ctx.db, ctx.identity.id, demoUserId), 'the demo store');
}

function joined(outcome: Awaited<ReturnType<typeof joinIdentity>>, whose: string): Reply {
  switch (outcome) {
    case 'already':
      return textReply(`This chat already sees the data of ${whose}.`);
    case 'has_own_data':
      return textReply(
        'This chat has marketplaces of its own connected, so I did not switch it: disconnect them first if you want it to see the other account instead.',
      );
    case 'joined':
      return textReply(
        `Done: this chat now sees the data of ${whose}. Ask away, e.g. "What were my total sales last month?"`,
      );
  }
}

const isKnown = (m: string): m is Marketplace => (MARKETPLACES as readonly string[]).includes(m);

async function status(ctx: CommandContext): Promise<Reply> {
  const connections = await connectionFreshness(ctx.db, ctx.scope, ctx.now, ctx.config.conversation.staleAfterMs);
  if (connections.length === 0) return textReply('No marketplace is connected yet: `connect <marketplace>`.');
  const lines = connections.map(
    (c) =>
      `- ${c.marketplace} (${c.account}): ${c.state}, ` +
      `data as of ${c.lastSyncLocal ?? 'never'}${c.syncing ? ', syncing now' : c.stale && c.syncable ? ' (stale)' : ''}` +
      (c.failing ? `, not answering properly since ${c.failing.sinceLocal}` : '') +
      (c.syncable ? '' : ` (send \`connect ${c.marketplace}\` to reconnect)`),
  );
  return textReply(
    [`Your marketplaces (times in ${ctx.scope.timezone}; answers in ${ctx.scope.currency}):`, ...lines].join('\n'),
  );
}

/**
 * When the seller's last sync stopped answering (its worker died elsewhere) and still
 * holds the seller, the new one waits for its lease to lapse: say so, and until when.
 */
async function stalledSyncNotice(ctx: CommandContext): Promise<string | undefined> {
  const held = await readHeldLease(ctx.db, ctx.scope.userId);
  if (!held || held.expiresAt <= held.now || !stoppedAnswering(held, SYNC_LEASE_TTL_MS)) return undefined;
  const at = localTime(held.expiresAt, ctx.scope.timezone);
  return `The last sync stopped answering; its lease lapses at ${at}, then a new sync runs`;
}

async function sync(ctx: CommandContext, marketplace: string | undefined): Promise<Reply> {
  if (!ctx.syncs) return textReply('Syncing is not available here right now (no job store): try again later.');
  const connections = await connectionFreshness(ctx.db, ctx.scope, ctx.now, ctx.config.conversation.staleAfterMs);
  if (!connections.some((c) => c.syncable))
    return textReply('No connected marketplace to sync: `connect <marketplace>` first.');
  const request = await ctx.syncs.requestSync(ctx.scope.userId, 'on_demand');
  const result = await ctx.syncs.waitForSync(request, ctx.config.conversation.freshnessWaitMs);
  const all = marketplace ? ` (a sync brings all your marketplaces up to date, ${marketplace} included)` : '';
  if (result === 'timeout') {
    ctx.followUp(request);
    const stalled = await stalledSyncNotice(ctx);
    const started = request.joined ? 'A sync was already running' : 'Sync started';
    return textReply(`${stalled ?? started}${all}; I will tell you when it is done.`);
  }
  const after = await connectionFreshness(ctx.db, ctx.scope, new Date(), ctx.config.conversation.staleAfterMs);
  const outages = describeOutages(after);
  return textReply(
    (result === 'finished'
      ? `Synced${all}: ${describeFreshness(after)}.`
      : `The sync did not complete; your data: ${describeFreshness(after)}.`) + (outages ? ` ${outages}` : ''),
  );
}

const WHICH = `<${MARKETPLACES.join('|')}>`;
const APP_SETTINGS: Record<Marketplace, string> = {
  shopify: 'your Shopify admin (Settings, Apps)',
  flipkart: 'Flipkart Seller Hub',
  amazon: 'Seller Central (Apps and Services, Manage Your Apps)',
};

async function connect(ctx: CommandContext, marketplace: string | undefined, account: string | undefined) {
  if (!marketplace || !isKnown(marketplace)) {
    return textReply(
      `Which marketplace? \`connect ${WHICH} [store]\`, e.g. \`connect shopify my-shop.myshopify.com\`.`,
    );
  }
  if (!ctx.connections) return textReply('Connecting marketplaces is not available here.');
  return ctx.connections.offer({ userId: ctx.scope.userId, marketplace, asked: account, announce: ctx.address });
}

async function disconnect(
  ctx: CommandContext,
  marketplace: string | undefined,
  remove: 'ask' | 'confirmed' | undefined,
): Promise<Reply> {
  if (!marketplace || !isKnown(marketplace)) return textReply(`Which one? \`disconnect ${WHICH}\`.`);
  const name = MARKETPLACE_NAMES[marketplace];
  const { rows } = await ctx.db.query<{ n: string }>(
    'select count(*) as n from marketplace_connection where user_id = $1 and marketplace = $2',
    [ctx.scope.userId, marketplace],
  );
  if (Number(rows[0]?.n) === 0) return textReply(`${name} is not connected.`);
  if (remove && !ctx.connections) return textReply('Deleting data is not available here.');
  if (remove === 'ask' && ctx.connections) {
    const orders = await ctx.connections.countOrders(ctx.scope.userId, marketplace);
    return textReply(
      `This disconnects ${name} and deletes everything synced from it: ${orders.toLocaleString('en-US')} orders with ` +
        'their items, and its products. It cannot be undone. ' +
        `To go ahead, send \`disconnect ${marketplace} delete confirm\`.`,
    );
  }
  if (!ctx.connections) {
    if ((await disconnectConnections(ctx.db, { marketplace, userId: ctx.scope.userId })) === 0) {
      return textReply(`${name} is already disconnected.`);
    }
    await ctx.reschedule?.(ctx.scope.userId);
    return textReply(`Disconnected ${name}: ShopIQ no longer reads it and has forgotten its access.`);
  }
  const done = await ctx.connections.disconnect({
    userId: ctx.scope.userId,
    marketplace,
    deleteData: remove === 'confirmed',
  });
  if (remove === 'confirmed') {
    return textReply(
      `Disconnected ${name} and deleted its data (${done.ordersDeleted.toLocaleString('en-US')} orders and ` +
        'everything synced with them). Connect it again any time with ' +
        `\`connect ${marketplace}\`.`,
    );
  }
  if (done.count === 0) return textReply(`${name} is already disconnected.`);
  const revoked =
    done.revoked > 0
      ? ` ${name} has revoked it too.`
      : ` To remove ShopIQ on ${name}'s side as well, remove the app in ${APP_SETTINGS[marketplace]}.`;
  return textReply(
    `Disconnected ${name}: ShopIQ no longer reads it and has forgotten its access.${revoked} ` +
      `Its past data stays in your answers; \`disconnect ${marketplace} delete\` removes it.`,
  );
}

async function timezone(ctx: CommandContext, zone: string | undefined): Promise<Reply> {
  if (!zone)
    return textReply(`Your timezone is ${ctx.scope.timezone}. Change it with \`timezone <zone>\`, e.g. Asia/Kolkata.`);
  const canonical = canonicalTimezone(zone);
  if (!canonical || (!zone.includes('/') && canonical !== 'UTC')) {
    return textReply(`"${zone}" is not a timezone I know: use an IANA name such as Asia/Kolkata or America/New_York.`);
  }
  await ctx.db.query('update "user" set timezone = $2, updated_at = now() where id = $1', [
    ctx.scope.userId,
    canonical,
  ]);
  await ctx.reschedule?.(ctx.scope.userId);
  // days are counted again in the new zone now, not on the next question
  await refreshSalesRollup(ctx.db, { userId: ctx.scope.userId, timezone: canonical });
  return textReply(`Your timezone is now ${canonical}: days, weeks and months, and your scheduled syncs, follow it.`);
}

async function currency(ctx: CommandContext, code: string | undefined): Promise<Reply> {
  if (!code) return textReply(`Answers are in ${ctx.scope.currency}. Change it with \`currency <code>\`, e.g. INR.`);
  if (!/^[A-Z]{3}$/.test(code) || !Intl.supportedValuesOf('currency').includes(code)) {
    return textReply(`"${code}" is not a currency code I know: use an ISO 4217 code such as USD, INR or EUR.`);
  }
  await ctx.db.query('update "user" set reporting_currency = $2, updated_at = now() where id = $1', [
    ctx.scope.userId,
    code,
  ]);
  return textReply(`Answers are now in ${code}, converted at each order date’s reference rate.`);
}
