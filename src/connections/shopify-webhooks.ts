/**
 * Shopify's webhooks to the app (`POST /webhooks/shopify`, the topic in
 * `X-Shopify-Topic`): checked by `X-Shopify-Hmac-Sha256` (base64 HMAC-SHA256 of the
 * raw body with the app secret; 401 otherwise), taken once by `X-Shopify-Webhook-Id`
 * (given back when handling it fails, so Shopify's next delivery is done).
 * - `app/uninstalled`: the shop's connections are disconnected, their tokens forgotten.
 * - `customers/data_request`: answered with what ShopIQ holds of that customer: the
 *   orders Shopify names (date, total), and no personal data (ShopIQ keeps no buyer
 *   names, e-mails or phone numbers).
 * - `customers/redact`: the customer's e-mail and phone are removed wherever they could
 *   still be: chat history and raw records kept in quarantine.
 * - `shop/redact`: everything of that shop is deleted (its connections, and with them
 *   their orders, lines, products, runs and rollups).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { claimDelivery, releaseDelivery } from '../db/deliveries.ts';
import { inTransaction } from '../db/pool.ts';
import type { Logger } from '../logging/logger.ts';
import { deleteConnections, disconnectConnections } from './connection-store.ts';

const customerPayload = z.object({
  shop_domain: z.string(),
  customer: z.object({
    id: z.union([z.number(), z.string()]).optional(),
    email: z.string().nullish(),
    phone: z.string().nullish(),
  }),
  orders_to_redact: z.array(z.union([z.number(), z.string()])).optional(),
  orders_requested: z.array(z.union([z.number(), z.string()])).optional(),
});
const shopPayload = z.object({ shop_domain: z.string().optional(), domain: z.string().optional() });
/** What each topic handled must carry; checked before the delivery is taken. */
const PAYLOADS: Record<string, z.ZodType> = {
  'app/uninstalled': shopPayload,
  'shop/redact': shopPayload,
  'customers/redact': customerPayload,
  'customers/data_request': customerPayload,
};

const REDACTED = '[redacted]';

export function validShopifyWebhook(raw: Buffer, hmac: string | undefined, secret: string): boolean {
  if (!hmac) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(hmac, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function shopifyWebhooksRouter(deps: { db: pg.Pool; secret: string; log: Logger }): Router {
  const router = express.Router();
  const log = deps.log.child({ webhook: 'shopify' });
  router.post('/', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!validShopifyWebhook(raw, req.get('x-shopify-hmac-sha256'), deps.secret)) {
      log.warn('Shopify webhook with a bad HMAC refused');
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    const topic = req.get('x-shopify-topic') ?? '';
    const shop = req.get('x-shopify-shop-domain') ?? '';
    const id = req.get('x-shopify-webhook-id');
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      res.status(400).json({ error: 'bad_request' });
      return;
    }
    if (PAYLOADS[topic]?.safeParse(payload).success === false) {
      log.warn({ topic, shop }, "Shopify webhook with a payload not of its topic's shape refused");
      res.status(400).json({ error: 'bad_request' });
      return;
    }
    if (id && !(await claimDelivery(deps.db, 'shopify', id))) {
      res.status(200).json({ duplicate: true });
      return;
    }
    let answer: unknown;
    try {
      answer = await handle(deps.db, topic, shop, payload);
    } catch (error) {
      // not done: Shopify delivers it again, and that delivery must be taken (a redact above all)
      if (id) await releaseDelivery(deps.db, 'shopify', id).catch(() => {});
      throw error;
    }
    log.info({ topic, shop }, 'Shopify webhook handled');
    res.status(200).json(answer);
  });
  return router;
}

async function handle(db: pg.Pool, topic: string, shopHeader: string, payload: unknown): Promise<unknown> {
  switch (topic) {
    case 'app/uninstalled': {
      const shop = shopHeader || shopPayload.parse(payload).domain || '';
      return { disconnected: await disconnectConnections(db, { marketplace: 'shopify', account: shop }) };
    }
    case 'shop/redact': {
      const shop = shopPayload.parse(payload).shop_domain ?? shopHeader;
      return { connections_deleted: (await deleteConnections(db, { marketplace: 'shopify', account: shop })).length };
    }
    case 'customers/redact':
      return redactCustomer(db, customerPayload.parse(payload));
    case 'customers/data_request':
      return { personal_data: 'none kept', orders: await customerOrders(db, customerPayload.parse(payload)) };
    default:
      return { ignored: topic };
  }
}

type CustomerPayload = z.infer<typeof customerPayload>;

/** The shop's orders Shopify names for this customer, as ShopIQ holds them (no buyer data is kept on them). */
async function customerOrders(db: pg.Pool | pg.PoolClient, p: CustomerPayload) {
  const ids = [...(p.orders_to_redact ?? []), ...(p.orders_requested ?? [])].map((id) => `gid://shopify/Order/${id}`);
  const { rows } = await db.query<{
    external_order_id: string;
    ordered_at: Date;
    total_amount: string;
    currency: string;
  }>(
    `select o.external_order_id, o.ordered_at, o.total_amount, o.currency
       from unified_order o join marketplace_connection c on c.id = o.connection_id
      where c.marketplace = 'shopify' and c.external_account_id = $1 and o.external_order_id = any($2)
      order by o.ordered_at`,
    [p.shop_domain, ids],
  );
  return rows;
}

/**
 * ShopIQ keeps no buyer names or e-mails on orders; what a seller may have typed in chat
 * (and, from before, raw records kept in quarantine) loses the customer's e-mail and phone.
 */
async function redactCustomer(db: pg.Pool, p: CustomerPayload): Promise<unknown> {
  return inTransaction(db, async (client) => {
    const { rows } = await client.query<{ user_id: string }>(
      `select distinct user_id from marketplace_connection where marketplace = 'shopify' and external_account_id = $1`,
      [p.shop_domain],
    );
    const sellers = rows.map((r) => r.user_id);
    const secrets = [...new Set([p.customer.email, p.customer.phone].filter((s): s is string => Boolean(s)))];
    let scrubbed = 0;
    for (const secret of secrets) {
      const chat = await client.query(
        `update chat_message set content = replace(content, $2, $3)
          where user_id = any($1) and strpos(content, $2) > 0`,
        [sellers, secret, REDACTED],
      );
      const kept = await client.query(
        `update sync_quarantine set payload = replace(payload, $2, $3)
          where user_id = any($1) and strpos(payload, $2) > 0`,
        [sellers, secret, REDACTED],
      );
      scrubbed += (chat.rowCount ?? 0) + (kept.rowCount ?? 0);
    }
    return { rows_scrubbed: scrubbed };
  });
}
