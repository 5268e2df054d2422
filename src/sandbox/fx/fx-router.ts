/**
 * A daily exchange-rate API in the shape of the public ECB-based ones:
 *   GET /fx/v1/latest?base=USD&symbols=INR,EUR
 *   GET /fx/v1/2026-01-05?base=USD&symbols=INR
 *   GET /fx/v1/2026-01-01..2026-01-31?base=USD&symbols=INR   (business days only)
 *   GET /fx/v1/currencies                                      (codes served)
 * Answers {amount, base, date, rates} (or start_date, end_date and rates by date).
 */
import { Router } from 'express';
import type { SandboxContext } from '../sandbox-context.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export function createFxRouter(ctx: SandboxContext): Router {
  const router = Router();
  const { fx } = ctx.world;
  router.use(
    '/v1',
    ctx.faults.middleware('fx', 'rates', (status) => ({ message: `error ${status}` })),
  );

  router.get('/v1/currencies', (_req, res) => {
    const today = new Date(ctx.world.clockMs).toISOString().slice(0, 10);
    res.json(Object.fromEntries(Object.keys(fx.usdRates(fx.businessDay(today))).map((code) => [code, code])));
  });

  router.get('/v1/:when', (req, res) => {
    const base = String(req.query.base ?? 'EUR').toUpperCase();
    const symbols = req.query.symbols ? String(req.query.symbols).toUpperCase().split(',') : undefined;
    const today = new Date(ctx.world.clockMs).toISOString().slice(0, 10);
    const when = req.params.when === 'latest' ? today : req.params.when;
    const [from, to] = when.split('..');
    if (
      !from ||
      !DATE.test(from) ||
      (to !== undefined && to !== '' && !DATE.test(to)) ||
      Number.isNaN(Date.parse(from))
    ) {
      return void res.status(422).json({ message: 'invalid date' });
    }
    if (from > today) return void res.status(404).json({ message: 'not found' });
    const known = fx.rates(today, base, symbols);
    if (!known) return void res.status(404).json({ message: 'not found' });
    if (symbols?.some((s) => !(s in known.rates) && s !== base))
      return void res.status(404).json({ message: 'not found' });
    if (to === undefined) {
      const day = fx.rates(from, base, symbols);
      return void res.json({ amount: 1, base, date: day?.date, rates: day?.rates });
    }
    const end = to === '' || to > today ? today : to;
    const rates: Record<string, Record<string, number>> = {};
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${end}T00:00:00Z`); t += DAY_MS) {
      const date = new Date(t).toISOString().slice(0, 10);
      if (fx.businessDay(date) !== date) continue;
      rates[date] = fx.rates(date, base, symbols)?.rates ?? {};
    }
    res.json({ amount: 1, base, start_date: Object.keys(rates)[0] ?? from, end_date: end, rates });
  });
  return router;
}
