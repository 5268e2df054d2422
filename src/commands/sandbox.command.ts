import { AppError } from '../errors/app-error.ts';
import { parseFaultSpec } from '../sandbox/http/faults.ts';
import { createSandbox } from '../sandbox/sandbox-server.ts';
import { type AnomalySpec, parseAnomalies } from '../sandbox/world/anomalies.ts';

export interface SandboxCommandOptions {
  port: string;
  host: string;
  seed: string;
  orders: string;
  sellers: string;
  faults?: string;
  anomalies?: string;
  limits: boolean;
  start?: string;
}

/** Runs the sandbox marketplaces standalone until SIGINT/SIGTERM; prints where to reach them. */
export async function sandboxCommand(o: SandboxCommandOptions): Promise<void> {
  const int = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new AppError('BAD_REQUEST', `--${name}: expected a whole number from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
  const startMs = o.start === undefined ? undefined : Date.parse(o.start);
  if (startMs !== undefined && Number.isNaN(startMs)) {
    throw new AppError('BAD_REQUEST', `--start: expected an ISO date such as 2026-11-01, got "${o.start}"`);
  }
  if (o.faults) {
    try {
      parseFaultSpec(o.faults);
    } catch (error) {
      throw new AppError('BAD_REQUEST', `--faults: ${(error as Error).message}`);
    }
  }
  let anomalies: AnomalySpec[];
  try {
    anomalies = parseAnomalies(o.anomalies);
  } catch (error) {
    throw new AppError('BAD_REQUEST', `--anomalies: ${(error as Error).message}`);
  }
  const create = () =>
    createSandbox({
      seed: int('seed', o.seed, 0, 2 ** 31),
      ordersPerStore: int('orders', o.orders, 10, 1_000_000),
      sellers: int('sellers', o.sellers, 1, 50),
      faults: o.faults,
      limits: o.limits,
      startMs,
      anomalies,
    });
  let sandbox: ReturnType<typeof createSandbox>;
  try {
    sandbox = create();
  } catch (error) {
    // a planted anomaly names a store or product the world does not have
    if (error instanceof RangeError) throw new AppError('BAD_REQUEST', `--anomalies: ${error.message}`);
    throw error;
  }
  const base = await sandbox.listen(int('port', o.port, 0, 65535), o.host).catch((error: NodeJS.ErrnoException) => {
    throw new AppError('LISTEN_FAILED', `cannot listen on ${o.host}:${o.port}: ${error.code ?? error.message}`);
  });
  const { world } = sandbox.context;
  const out = [
    `ShopIQ sandbox marketplaces on ${base} (seed ${world.seed}, ${world.stores[0]?.orders} orders per store, clock ${new Date(world.clockMs).toISOString()})`,
    `  Shopify    ${base}/shopify/<shop>       (Admin GraphQL 2026-01, OAuth)`,
    `  Flipkart   ${base}/flipkart             (Seller API, OAuth)`,
    `  Amazon     ${base}/amazon               (SP-API and Login with Amazon)`,
    `  FX rates   ${base}/fx/v1/<date>?base=USD`,
    `  admin      ${base}/_sandbox/stores | clock | mutate | faults | limits | truth`,
    '  stores:',
    ...world.stores.map(
      (s) => `    ${s.key.padEnd(12)} ${s.sellerName.padEnd(16)} ${s.accountId.padEnd(30)} ${s.currency}`,
    ),
    `  rate limits ${o.limits ? 'on (published rates)' : 'off'}${o.faults ? `; faults: ${o.faults}` : ''}`,
    ...(anomalies.length > 0 ? [`  anomalies planted (listed in the truth): ${o.anomalies}`] : []),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
