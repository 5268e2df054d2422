/**
 * The tails the spike detectors decide by: each against its distribution summed term by
 * term from its definition, and at the limit where the usual rate is known exactly
 * (binomial, Poisson), and wider than that limit when it is known from few orders.
 */
import { describe, expect, it } from 'vitest';
import { betaBinomialTail, lnGamma, negativeBinomialTail, poissonCdf } from '../../src/insights/distributions.ts';

const lnChoose = (n: number, k: number) => lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1);
const lnBeta = (a: number, b: number) => lnGamma(a) + lnGamma(b) - lnGamma(a + b);

/** Within a relative `digits` of each other. */
const near = (actual: number, expected: number, digits: number) =>
  expect(Math.abs(actual - expected) / expected).toBeLessThan(10 ** -digits);

/** Σ_{i ≥ k} of a pmf, summed upward. */
const upper = (k: number, last: number, lnPmf: (i: number) => number) => {
  let sum = 0;
  for (let i = k; i <= last; i++) sum += Math.exp(lnPmf(i));
  return sum;
};

describe('distributions', () => {
  it('ln Γ matches factorials and Γ(1/2)', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(11)).toBeCloseTo(Math.log(3_628_800), 10);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(lnGamma(171)).toBeCloseTo(706.5730622457874, 8);
  });

  it('the beta-binomial tail is its pmf summed', () => {
    for (const [k, n, a, ab] of [
      [3, 10, 4.2, 100],
      [7, 12, 30, 700],
      [1, 5, 0.7, 20],
      [2, 40, 3, 60],
      [40, 300, 12, 500],
    ] as const) {
      const b = ab - a;
      const direct = upper(k, n, (i) => lnChoose(n, i) + lnBeta(i + a, n - i + b) - lnBeta(a, b));
      near(betaBinomialTail(k, n, a, ab), direct, 10);
    }
    expect(betaBinomialTail(0, 10, 1, 20)).toBe(1);
    expect(betaBinomialTail(11, 10, 1, 20)).toBe(0);
  });

  it('the negative binomial tail is its pmf summed', () => {
    for (const [k, base, a, ab] of [
      [3, 10, 4.2, 100],
      [9, 8.5, 30, 600],
      [2, 0.4, 0.6, 30],
    ] as const) {
      const q = ab / (ab + base);
      const direct = upper(
        k,
        k + 2000,
        (i) => lnGamma(i + a) - lnGamma(a) - lnGamma(i + 1) + a * Math.log(q) + i * Math.log(1 - q),
      );
      near(negativeBinomialTail(k, base, a, ab), direct, 10);
    }
  });

  it('a rate seen over many orders gives the binomial and Poisson tails; over few, a wider one', () => {
    // 5 of 12 orders at 4%
    const binomial = upper(5, 12, (i) => lnChoose(12, i) + i * Math.log(0.04) + (12 - i) * Math.log(0.96));
    near(betaBinomialTail(5, 12, 0.04 * 1e7, 1e7), binomial, 4);
    expect(betaBinomialTail(5, 12, 0.04 * 100, 100)).toBeGreaterThan(2 * binomial);
    // 6 events where 0.5 are expected
    const poisson = 1 - poissonCdf(5, 0.5);
    near(negativeBinomialTail(6, 10, 0.05 * 1e7, 1e7), poisson, 4);
    expect(negativeBinomialTail(6, 10, 0.05 * 100, 100)).toBeGreaterThan(2 * poisson);
  });
});
