/**
 * The digest outbox. Composing a digest (~15 reads) and drawing its chart cost about
 * 90 ms of CPU: ten thousand sellers due at one minute cannot be served then. So each
 * seller's `seller-digest` job runs a lead time ahead (DIGEST_PREPARE_MINUTES) and
 * prepares the digest: composed for the local date its digest time falls on, its chart
 * drawn (waiting its turn, never dropped), both kept on the digest_delivery row with
 * `send_at`. At the digest time every worker's sender (jobs/digest-sender.ts) takes the
 * due rows and only posts them.
 *
 * The row is the claim, one per seller and local date: whoever inserts it prepares the
 * digest, and a sender takes a row by moving it to `sending` (`claimed_at` is the
 * lease), so no two workers prepare or send one digest. A worker that dies while it
 * holds a row leaves it to be taken again once the lease lapses; it is posted twice only
 * if it died between the channel's acceptance and the row's update.
 *
 * What the seller changes meanwhile is read at the send: `digest off` drops it, a new
 * chat gets it, a later time re-times it (an earlier one sends it at once).
 */
import type { SellerScope } from '../analytics/seller-scope.ts';
import type { ChatAddress } from '../channels/chat-notifier.ts';
import { noticeAddress } from '../channels/seller-address.ts';
import { renderChart } from '../conversation/charts/chart-renderer.ts';
import type { Reply } from '../conversation/reply.ts';
import { instantOf, localDate } from '../time/local-time.ts';
import {
  composeDigest,
  type DigestDeps,
  type DigestKind,
  type DigestOutcome,
  type DigestSeller,
  digestKindOn,
  digestSeller,
} from './digest.ts';

/** A sender holding a row longer than this is taken to be dead: another sender takes it. */
export const DIGEST_SEND_LEASE_MS = 2 * 60_000;
/** Sends tried for one digest before it is given up (the failure logged). */
export const DIGEST_SEND_ATTEMPTS = 3;
/** A failed send is tried again after this, times the attempts so far. */
const RETRY_DELAY_MS = 30_000;

/** A row taken to be sent. */
export interface DueDigest {
  userId: string;
  localDate: string;
  kind: DigestKind;
  sendAt: Date;
  /** Null when its preparer died before storing it: composed at the send. */
  reply: Reply | null;
  chartPng: Buffer | null;
  attempts: number;
  claimedAt: Date;
}

/** `retimed`: its seller moved the digest time, and it waits for the new one. */
export type PrepareOutcome = 'prepared' | 'retimed' | DigestOutcome;

/**
 * Prepares the seller's digest due at `sendAt` (the digest-time instant) and, when
 * `sendNow` (a late run, the demo clock), sends it at once. `seller`: the seller as the
 * caller just read them (else read here).
 */
export async function prepareDigest(
  deps: DigestDeps,
  userId: string,
  sendAt: Date,
  { now, sendNow, seller: known }: { now: Date; sendNow: boolean; seller?: DigestSeller },
): Promise<PrepareOutcome> {
  const { pool } = deps;
  const seller = known ?? (await digestSeller(pool, userId));
  if (!seller) return 'off';
  const { scope, settings } = seller;
  const address = await noticeAddress(pool, userId, settings.address);
  if (!address) return 'no_chat';
  const day = localDate(sendAt, scope.timezone);
  const kind = digestKindOn(day);
  // held as `sending` while it is composed: no sender takes it half made
  const { rows } = await pool.query<{ inserted: boolean }>(
    `insert into digest_delivery (user_id, local_date, kind, state, send_at, claimed_at, attempts)
     values ($1, $2, $3, 'sending', $4, $5, $6)
     on conflict (user_id, local_date) do update set send_at = excluded.send_at
       where digest_delivery.state = 'prepared' and digest_delivery.send_at <> excluded.send_at
     returning (xmax = 0) as inserted`,
    [userId, day, kind, sendAt, now, sendNow ? 1 : 0],
  );
  // none: prepared, sending or sent already; not inserted: a prepared one re-timed (its time moved)
  if (!rows[0]) return 'already_sent';
  if (!rows[0].inserted) return 'retimed';
  let reply: Reply;
  let png: Buffer | undefined;
  try {
    ({ reply, png } = await composeAndDraw(deps, scope, sendAt, kind, address));
  } catch (error) {
    await release(deps, userId, day);
    throw error;
  }
  const due: DueDigest = {
    userId,
    localDate: day,
    kind,
    sendAt,
    reply,
    chartPng: png ?? null,
    attempts: 1,
    claimedAt: now,
  };
  if (sendNow) return deliverDigest(deps, due, now, seller);
  await pool.query(
    `update digest_delivery set state = 'prepared', reply = $3, chart_png = $4, claimed_at = null
      where user_id = $1 and local_date = $2`,
    [userId, day, JSON.stringify(reply), png ?? null],
  );
  deps.log.debug({ userId, day, kind, sendAt }, 'digest prepared');
  return 'prepared';
}

/** Sends the seller's digest due at `dueAt` now (composed now): the demo clock's catch-up. */
export function sendDigest(
  deps: DigestDeps,
  userId: string,
  dueAt: Date,
  seller?: DigestSeller,
): Promise<PrepareOutcome> {
  return prepareDigest(deps, userId, dueAt, { now: new Date(), sendNow: true, ...(seller ? { seller } : {}) });
}

/**
 * Takes up to `limit` digests due at `now` (and any whose sender's lease has lapsed),
 * each by one caller only: rows another sender is taking are skipped, not waited for.
 */
export async function claimDueDigests(deps: Pick<DigestDeps, 'pool'>, now: Date, limit: number): Promise<DueDigest[]> {
  const { rows } = await deps.pool.query<{
    user_id: string;
    local_date: string;
    kind: DigestKind;
    send_at: Date;
    reply: Reply | null;
    chart_png: Buffer | null;
    attempts: number;
    claimed_at: Date;
  }>(
    `update digest_delivery d set state = 'sending', claimed_at = $1, attempts = d.attempts + 1
       from (select user_id, local_date from digest_delivery
              where (state = 'prepared' and send_at <= $1)
                 or (state = 'sending' and claimed_at < $1::timestamptz - make_interval(secs => $3))
              order by send_at
              limit $2
              for update skip locked) due
      where d.user_id = due.user_id and d.local_date = due.local_date
      returning d.user_id, to_char(d.local_date, 'YYYY-MM-DD') as local_date, d.kind, d.send_at, d.reply,
                d.chart_png, d.attempts, d.claimed_at`,
    [now, limit, DIGEST_SEND_LEASE_MS / 1000],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    localDate: r.local_date,
    kind: r.kind,
    sendAt: r.send_at,
    reply: r.reply,
    chartPng: r.chart_png,
    attempts: r.attempts,
    claimedAt: r.claimed_at,
  }));
}

/**
 * Posts a claimed digest as the seller's settings stand now (`seller`: as just read),
 * and records the outcome: sent; dropped (digest off, no chat left); re-timed (its time
 * moved later); or given back for another try, until DIGEST_SEND_ATTEMPTS (then
 * `failed`, logged).
 */
export async function deliverDigest(
  deps: DigestDeps,
  due: DueDigest,
  now: Date,
  seller?: DigestSeller,
): Promise<DigestOutcome | 'retimed'> {
  const { pool, log } = deps;
  const { userId, localDate: day } = due;
  const standing = seller ?? (await digestSeller(pool, userId));
  if (!standing) {
    await release(deps, userId, day);
    log.info({ userId, day }, 'digest turned off since it was prepared: not sent');
    return 'off';
  }
  const { scope, settings } = standing;
  const current = instantOf(day, settings.time, scope.timezone);
  if (current.getTime() > now.getTime() + 1000 && current.getTime() !== due.sendAt.getTime()) {
    await settle(deps, due, `state = 'prepared', send_at = $4, claimed_at = null, attempts = attempts - 1`, [current]);
    return 'retimed';
  }
  const address: ChatAddress | undefined = await noticeAddress(pool, userId, settings.address);
  if (!address) {
    await release(deps, userId, day);
    return 'no_chat';
  }
  let reply = due.reply;
  let png = due.chartPng ?? undefined;
  if (!reply) ({ reply, png } = await composeAndDraw(deps, scope, due.sendAt, due.kind, address));
  const posted = await deps.notifier.post(address, { ...reply, ...(png ? { chartImages: [png] } : {}) });
  if (posted) {
    await settle(deps, due, `state = 'sent', sent_at = $4, reply = null, chart_png = null, claimed_at = null`, [
      new Date(),
    ]);
    log.info({ userId, channel: address.channel, kind: due.kind, day }, 'digest sent');
    return 'sent';
  }
  if (due.attempts >= DIGEST_SEND_ATTEMPTS) {
    await settle(deps, due, `state = 'failed', reply = null, chart_png = null, claimed_at = null`, []);
    log.error(
      { userId, channel: address.channel, kind: due.kind, day, attempts: due.attempts },
      'the digest could not be delivered: given up',
    );
  } else {
    const retryAt = new Date(now.getTime() + RETRY_DELAY_MS * due.attempts);
    await settle(deps, due, `state = 'prepared', send_at = $4, claimed_at = null`, [retryAt]);
    log.warn(
      { userId, channel: address.channel, kind: due.kind, day, retryAt },
      'the digest could not be delivered: tried again later',
    );
  }
  return 'not_delivered';
}

/**
 * The digest and its chart's PNG, drawn in its turn behind answers' charts (undefined:
 * it could not be drawn, logged; or the chat it goes to shows no chart, WhatsApp: should
 * the seller's chat change before the send, the new one draws it then).
 */
async function composeAndDraw(
  deps: DigestDeps,
  scope: SellerScope,
  sendAt: Date,
  kind: DigestKind,
  address: ChatAddress,
): Promise<{ reply: Reply; png: Buffer | undefined }> {
  const reply = await composeDigest(deps, scope, sendAt, kind);
  const spec = reply.charts?.[0];
  if (!spec || !deps.notifier.showsCharts(address.channel)) return { reply, png: undefined };
  try {
    return { reply, png: (await renderChart(spec, { wait: true })).png };
  } catch (err) {
    deps.log.warn({ err, userId: scope.userId, chart: spec.title }, 'digest chart not drawn');
    return { reply, png: undefined };
  }
}

/** Updates the row this caller holds (its claim unchanged: a row taken over since is left alone). */
async function settle(deps: Pick<DigestDeps, 'pool'>, due: DueDigest, set: string, values: unknown[]): Promise<void> {
  await deps.pool.query(
    `update digest_delivery set ${set} where user_id = $1 and local_date = $2 and claimed_at = $3`,
    [due.userId, due.localDate, due.claimedAt, ...values],
  );
}

/** Gives the day's claim back: the digest is not sent, and may be prepared again. */
async function release(deps: Pick<DigestDeps, 'pool'>, userId: string, day: string): Promise<void> {
  await deps.pool
    .query(`delete from digest_delivery where user_id = $1 and local_date = $2 and state <> 'sent'`, [userId, day])
    .catch(() => {});
}
