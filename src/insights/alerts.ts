/**
 * Alerts, checked after each sync of a seller: the detectors (detectors.ts) look at the
 * seller's data as the sync left it; each finding is raised once by its dedupe key
 * (seller_alert: an insert that finds an open alert with that key does nothing) and told
 * in the chat the seller picked for digests or last wrote from; with no chat, or when
 * the chat refuses it, nothing is kept, so a later sync tells it. Findings that last are
 * cleared when a later check no longer finds them, so their next occurrence is told.
 * Alerts turned off, or a kind muted, are not looked for.
 */
import type pg from 'pg';
import { readSellerData } from '../analytics/seller-reads.ts';
import { loadSellerScope } from '../analytics/seller-scope.ts';
import type { ChatNotifier } from '../channels/chat-notifier.ts';
import { noticeAddress } from '../channels/seller-address.ts';
import type { Config } from '../config/config.ts';
import type { Reply } from '../conversation/reply.ts';
import { ALERT_KINDS, type AlertKind } from '../db/enums.ts';
import type { Logger } from '../logging/logger.ts';
import { DETECTORS, type Finding } from './detectors.ts';

export interface AlertDeps {
  pool: pg.Pool;
  notifier: ChatNotifier;
  log: Logger;
  staleAfterMs: number;
  /** Alerts a seller's WhatsApp gets in a day, at most (WHATSAPP_ALERTS_PER_DAY). */
  whatsappAlertsPerDay?: number | undefined;
}

export interface AlertCheck {
  /** Findings newly raised (told, or held when no chat could take them). */
  raised: Finding[];
  /** Of those, the ones delivered. */
  sent: number;
  /** Open alerts cleared because their finding ended. */
  cleared: number;
}

export interface AlertSettings {
  enabled: boolean;
  /** Kind → until when it is muted. */
  mutes: Partial<Record<AlertKind, Date>>;
}

export async function alertSettings(pool: pg.Pool, userId: string): Promise<AlertSettings | undefined> {
  const { rows } = await pool.query<{ alerts_enabled: boolean; alert_mutes: Record<string, string> }>(
    'select alerts_enabled, alert_mutes from "user" where id = $1',
    [userId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const mutes: AlertSettings['mutes'] = {};
  for (const kind of ALERT_KINDS) {
    const until = row.alert_mutes[kind];
    if (until) mutes[kind] = new Date(until);
  }
  return { enabled: row.alerts_enabled, mutes };
}

/** What the digest and the alerts need, as the service's settings give it. */
export function insightDeps(
  base: Pick<AlertDeps, 'pool' | 'notifier' | 'log'>,
  config: Pick<Config, 'conversation' | 'twilio'>,
): AlertDeps {
  return {
    ...base,
    staleAfterMs: config.conversation.staleAfterMs,
    whatsappAlertsPerDay: config.twilio?.alertsPerDay,
  };
}

/** The kinds looked for now: none when alerts are off, and not those muted. */
export function activeKinds(settings: AlertSettings, now: Date): AlertKind[] {
  if (!settings.enabled) return [];
  return ALERT_KINDS.filter((kind) => !(settings.mutes[kind] && (settings.mutes[kind] as Date) > now));
}

/** Looks for what to tell the seller after a sync that started at `since`, and tells it. */
export async function checkAlerts(
  deps: AlertDeps,
  userId: string,
  { since, now = new Date() }: { since: Date; now?: Date },
): Promise<AlertCheck> {
  const { pool, log } = deps;
  const none: AlertCheck = { raised: [], sent: 0, cleared: 0 };
  const [scope, settings] = await Promise.all([loadSellerScope(pool, userId), alertSettings(pool, userId)]);
  if (!scope || !settings) return none;
  const kinds = new Set(activeKinds(settings, now));
  const detectors = DETECTORS.filter((d) => kinds.has(d.kind));
  if (detectors.length === 0) return none;
  const found = await readSellerData(pool, scope, async (db) => {
    const all: { kind: AlertKind; lasting: boolean; findings: Finding[] }[] = [];
    // one input for all: what detectors read alike is read once for it
    const input = { db, pool, scope, now, since, staleAfterMs: deps.staleAfterMs };
    for (const d of detectors) all.push({ kind: d.kind, lasting: d.lasting, findings: await d.find(input) });
    return all;
  });

  // lasting findings no longer found have ended
  const lastingKinds = found.filter((f) => f.lasting).map((f) => f.kind);
  const stillFound = found.filter((f) => f.lasting).flatMap((f) => f.findings.map((x) => x.dedupeKey));
  const cleared = await pool.query(
    `update seller_alert set cleared_at = now()
      where user_id = $1 and cleared_at is null and kind = any($2) and dedupe_key <> all($3)`,
    [userId, lastingKinds, stillFound],
  );

  // with no chat to tell them in, nothing is claimed: the first sync after the seller
  // writes from one tells what is still so
  const address = await noticeAddress(pool, userId);
  const raised: Finding[] = [];
  for (const finding of address ? found.flatMap((f) => f.findings) : []) {
    const { rows } = await pool.query<{ id: string }>(
      `insert into seller_alert (user_id, kind, dedupe_key, marketplace, sku, facts)
       values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning id::text`,
      [
        userId,
        finding.kind,
        finding.dedupeKey,
        finding.marketplace ?? null,
        finding.sku ?? null,
        JSON.stringify(finding.facts),
      ],
    );
    if (rows[0]) raised.push({ ...finding, facts: { ...finding.facts, alertId: rows[0].id } });
  }
  let sent = 0;
  if (address && raised.length > 0) {
    // WhatsApp: so many a day (since the seller's midnight), the rest held (kept: told no later)
    let room = Number.POSITIVE_INFINITY;
    if (address?.channel === 'whatsapp') {
      const { rows } = await pool.query<{ n: number }>(
        // the alerts of one message share its sent_at
        `select count(distinct sent_at)::int as n from seller_alert
          where user_id = $1 and sent_at >= (date_trunc('day', $2::timestamptz at time zone $3) at time zone $3)`,
        [userId, now, scope.timezone],
      );
      room = (deps.whatsappAlertsPerDay ?? 3) - (rows[0]?.n ?? 0);
    }
    // one message a kind: thirteen products out of stock are one alert to read, not thirteen
    for (const group of groupByKind(raised)) {
      if (room <= 0) {
        log.info({ userId, kind: group[0]?.kind }, "alerts held: the seller's WhatsApp had its alerts for the day");
        continue;
      }
      const ids = group.map((f) => f.facts.alertId);
      const posted = await deps.notifier.post(address, alertReply(group));
      if (posted) {
        room--;
        sent += group.length;
        await pool.query('update seller_alert set sent_at = now() where id = any($1::bigint[])', [ids]);
      } else {
        // given back: the next sync that still finds it tells it
        await pool.query('delete from seller_alert where id = any($1::bigint[])', [ids]);
        log.warn(
          { userId, kind: group[0]?.kind, chat: address.channel },
          'an alert could not be told: the next sync tries again',
        );
      }
    }
  }
  if (raised.length > 0 || (cleared.rowCount ?? 0) > 0)
    log.info({ userId, raised: raised.map((f) => f.kind), sent, cleared: cleared.rowCount }, 'alerts checked');
  return { raised, sent, cleared: cleared.rowCount ?? 0 };
}

function groupByKind(findings: Finding[]): Finding[][] {
  const groups = new Map<AlertKind, Finding[]>();
  for (const f of findings) groups.set(f.kind, [...(groups.get(f.kind) ?? []), f]);
  return [...groups.values()];
}

/** How many findings of a kind one message lists before "and N more". */
const LISTED = 8;

/** What a message of several findings of a kind opens with, and the question it suggests. */
const GROUPED: Record<AlertKind, { title: (n: number) => string; ask: string }> = {
  sales_drop: { title: (n) => `Sales fell on ${n} marketplaces:`, ask: 'Why did my sales drop yesterday?' },
  return_spike: {
    title: (n) => `Returns jumped for ${n} products:`,
    ask: 'Which products had the most returns in the last 7 days?',
  },
  cancel_spike: {
    title: (n) => `Cancellations jumped for ${n} products:`,
    ask: 'Which products had the most cancellations in the last 7 days?',
  },
  stock_low: {
    title: (n) => `${n} selling products are out of stock or about to run out:`,
    ask: 'Which products are running out of stock?',
  },
  connection: { title: (n) => `${n} marketplaces keep failing to sync:`, ask: 'status' },
  large_order: { title: (n) => `${n} large orders came in:`, ask: 'What were my largest orders in the last 3 days?' },
};

/** Alerts of one kind as the seller reads them: what happened, what to ask next, how to mute it. */
export function alertReply(findings: Finding[]): Reply {
  const [first] = findings;
  if (!first) throw new Error('an alert with no finding');
  const kind = first.kind;
  const single = findings.length === 1;
  const question = single ? first.ask : GROUPED[kind].ask;
  const ask = question === 'status' ? 'Type `status` to see each marketplace.' : `Ask me: "${question}"`;
  const mute = `alerts mute ${kind.replace('_', '-')}`;
  const body = single
    ? first.text
    : [
        GROUPED[kind].title(findings.length),
        ...findings.slice(0, LISTED).map((f) => `- ${f.text}`),
        ...(findings.length > LISTED ? [`- and ${findings.length - LISTED} more`] : []),
      ].join('\n');
  return {
    text: `${body}\n${ask}\n(\`${mute}\` stops alerts like ${single ? 'this one' : 'these'}.)`,
    tables: [],
    notice: kind,
    commands: [
      { label: 'Show details', command: question },
      { label: 'Mute this', command: mute },
    ],
  };
}
