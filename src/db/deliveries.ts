/**
 * Inbound deliveries taken once (`processed_event`): a Slack event, a Twilio message, a
 * Shopify webhook. The key is inserted before any work, so a retry, even one arriving
 * while the first is still being handled, finds it and does nothing.
 */
import type { Queryable } from './pool.ts';

/** Takes a delivery: true the first time its id is seen, false for every retry of it. */
export async function claimDelivery(db: Queryable, source: string, deliveryId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into processed_event (source, event_id, received_at) values ($1, $2, now())
     on conflict (source, event_id) do nothing`,
    [source, deliveryId],
  );
  return rowCount === 1;
}

/** Gives a delivery back when handling it failed, so that the sender's next try is taken. */
export async function releaseDelivery(db: Queryable, source: string, deliveryId: string): Promise<void> {
  await db.query('delete from processed_event where source = $1 and event_id = $2', [source, deliveryId]);
}
