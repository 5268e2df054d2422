/**
 * The worker as the manifests deploy it (the production overlay, rendered): benchmarks
 * run their workers with the same Node options, and report against the same memory limit.
 */
import { fileURLToPath } from 'node:url';
import { containersOf, kustomize } from '../../test/support/kustomize.ts';

export interface DeployedWorker {
  /** NODE_OPTIONS of the worker's container: V8's heap sizes. */
  nodeOptions: string;
  /** Its memory limit in MB (10^6 bytes, as the benchmarks report RSS). */
  memoryLimitMb: number;
}

const OVERLAY = fileURLToPath(new URL('../../manifests/overlays/production', import.meta.url));

export function deployedWorker(): DeployedWorker {
  const deployment = kustomize(OVERLAY).find((o) => o.kind === 'Deployment' && o.metadata.name === 'shopiq-worker');
  const container = deployment && containersOf(deployment).find((c) => c.name === 'shopiq');
  if (!container) throw new Error('the production overlay has no shopiq-worker container');
  const env = (container.env ?? []) as { name: string; value?: string }[];
  const nodeOptions = env.find((e) => e.name === 'NODE_OPTIONS')?.value;
  const limit = (container.resources as { limits?: { memory?: string } } | undefined)?.limits?.memory;
  if (!nodeOptions || !limit) throw new Error('the shopiq-worker container sets no NODE_OPTIONS or memory limit');
  return { nodeOptions, memoryLimitMb: Math.round(quantityBytes(limit) / 1e6) };
}

/** A Kubernetes memory quantity ("512Mi", "400M", "1Gi") in bytes. */
function quantityBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity);
  if (!match) throw new Error(`unreadable memory quantity: ${quantity}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, K: 1e3, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
}
