/** The q-th percentile (nearest rank) of some timings; NaN when there are none. */
export function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((q / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export const round = (n: number, digits: number) => Number(n.toFixed(digits));
