/**
 * /_sandbox: administration of the sandbox itself (not a marketplace API).
 *   GET  /stores          sellers, stores, account ids, app credentials, base URLs
 *   GET  /clock           the sandbox time; POST /clock {advanceMs} moves it
 *   POST /mutate          {count, advanceMs?, newShare?, stores?, sameInstant?}
 *   GET|PUT|DELETE /faults  read / merge (spec string or object) / clear faults
 *   GET  /limits          whether limits are on; requests counted per operation and account
 *   PUT  /limits          {enabled}
 *   GET  /truth           ground truth from the generated source records
 */
import express, { Router } from 'express';
import { z } from 'zod';
import { flipkartSelfAccessCredentials } from '../flipkart/flipkart-auth.ts';
import { parseFaultSpec } from '../http/faults.ts';
import type { SandboxContext } from '../sandbox-context.ts';
import { computeTruth } from '../truth/truth.ts';

const mutation = z.object({
  count: z.number().int().min(1).max(1_000_000),
  advanceMs: z.number().int().min(0).optional(),
  newShare: z.number().min(0).max(1).optional(),
  stores: z.array(z.string()).optional(),
  sameInstant: z.boolean().optional(),
});

export function createAdminRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.use(express.json({ limit: '100kb' }));

  router.get('/stores', (_req, res) => {
    const base = ctx.baseUrl();
    res.json({
      seed: ctx.world.seed,
      clock: new Date(ctx.world.clockMs).toISOString(),
      apps: ctx.apps,
      baseUrls: {
        shopify: `${base}/shopify/{shop}`,
        flipkart: `${base}/flipkart`,
        amazonLwa: `${base}/amazon`,
        amazonSpApi: `${base}/amazon`,
        fx: `${base}/fx`,
      },
      stores: ctx.world.stores.map((s) => ({
        ...s,
        orders: ctx.world.orders(s.key).count,
        // a Flipkart seller's own API app, for the client-credentials grant
        ...(s.marketplace === 'flipkart' ? { selfAccess: flipkartSelfAccessCredentials(ctx, s.key) } : {}),
      })),
    });
  });

  router.get('/clock', (_req, res) => {
    res.json({ now: new Date(ctx.world.clockMs).toISOString(), start: new Date(ctx.world.startMs).toISOString() });
  });

  router.post('/clock', (req, res) => {
    const parsed = z.object({ advanceMs: z.number().int().min(0) }).safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'advanceMs: a non-negative integer is required' });
    ctx.world.advanceClock(parsed.data.advanceMs);
    res.json({ now: new Date(ctx.world.clockMs).toISOString() });
  });

  router.post('/mutate', (req, res) => {
    const parsed = mutation.safeParse(req.body);
    if (!parsed.success)
      return void res.status(400).json({ error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    try {
      const changed = ctx.world.mutate(parsed.data);
      res.json({ now: new Date(ctx.world.clockMs).toISOString(), changed });
    } catch (error) {
      res.status(400).json({ error: error instanceof Error ? error.message : String(error) });
    }
  });

  router.get('/faults', (_req, res) => {
    res.json(ctx.faults.snapshot());
  });
  router.put('/faults', (req, res) => {
    try {
      const body = req.body as unknown;
      const spec =
        typeof body === 'object' && body && 'spec' in body ? String((body as { spec: unknown }).spec) : undefined;
      ctx.faults.apply(spec !== undefined ? parseFaultSpec(spec) : (body as Record<string, never>));
      res.json(ctx.faults.snapshot());
    } catch (error) {
      res.status(400).json({ error: error instanceof Error ? error.message : String(error) });
    }
  });
  router.delete('/faults', (_req, res) => {
    ctx.faults.clear();
    res.json({});
  });

  /** Whether limits are on, and the requests counted per operation and account (Flipkart, Amazon). */
  router.get('/limits', (_req, res) => {
    res.json({ enabled: ctx.limits.enabled, requests: Object.fromEntries(ctx.limits.requests) });
  });

  router.put('/limits', (req, res) => {
    const parsed = z.object({ enabled: z.boolean() }).safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'enabled: true or false' });
    ctx.limits.enabled = parsed.data.enabled;
    res.json({ enabled: ctx.limits.enabled });
  });

  let truth: { version: number; value: ReturnType<typeof computeTruth> } | undefined;
  router.get('/truth', (_req, res) => {
    if (truth?.version !== ctx.world.version) truth = { version: ctx.world.version, value: computeTruth(ctx.world) };
    res.json(truth.value);
  });

  return router;
}
