/**
 * digest-fleet: N sellers' digests due at one instant, sent by 2 workers (issue 19); see
 * digest-fleet.ts (which the insights benchmark runs too). Options: --sellers (default
 * 10000), --workers (default 2), --whatsapp-share (default 0.2), --mps (default 10),
 * --timeout s after the due instant (default 600), --sync-concurrency (default 3),
 * --lock-s (JOB_LOCK_LIFETIME_MS in s; default the product's), --lead-s (default 25).
 */
import { digestFleet } from './digest-fleet.ts';
import type { Bench } from './run.ts';

const bench: Bench = (options) => digestFleet(options);

export default bench;
