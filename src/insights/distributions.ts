/**
 * How likely a count is, for the detectors: a Poisson count at a known rate (orders on a
 * day), and the two counts whose usual rate is itself only estimated from a product's
 * weeks before (a cancellation: k of n orders; a return: events against the orders they
 * come from). For those the tail is the count's predictive distribution given what the
 * weeks before saw (`usual` events in `usualBase`): beta-binomial and negative binomial.
 * A product with few sales has a rate known loosely, so one more event there says less
 * than at a best seller, and the rule can ask of every product the same tail.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7: 15 digits). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0] as number;
  for (let i = 1; i < c.length; i++) a += (c[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const lnBeta = (a: number, b: number) => lnGamma(a) + lnGamma(b) - lnGamma(a + b);

/** P(X ≤ k) for X ~ Poisson(λ). */
export function poissonCdf(k: number, lambda: number): number {
  let term = Math.exp(-lambda);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= lambda / i;
    sum += term;
  }
  return Math.min(1, sum);
}

/**
 * P(X ≥ k) for X, the count of `n` trials at a rate known from `usual` of `usualBase`
 * (beta-binomial: the rate ~ Beta(usual, usualBase − usual)).
 */
export function betaBinomialTail(k: number, n: number, usual: number, usualBase: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  const a = usual;
  const b = usualBase - usual;
  const lnPmf = (i: number) =>
    lnGamma(n + 1) - lnGamma(i + 1) - lnGamma(n - i + 1) + lnBeta(i + a, n - i + b) - lnBeta(a, b);
  // p(i + 1) / p(i)
  const ratio = (i: number) => ((n - i) * (i + a)) / ((i + 1) * (n - i - 1 + b));
  return tail(k, (n * a) / usualBase, lnPmf, ratio, n);
}

/**
 * P(X ≥ k) for X, the events over an exposure of `base` at a rate per unit known from
 * `usual` events over `usualBase` (negative binomial: the rate ~ Gamma(usual, usualBase)).
 */
export function negativeBinomialTail(k: number, base: number, usual: number, usualBase: number): number {
  if (k <= 0) return 1;
  const q = usualBase / (usualBase + base);
  const lnPmf = (i: number) =>
    lnGamma(i + usual) - lnGamma(usual) - lnGamma(i + 1) + usual * Math.log(q) + i * Math.log(1 - q);
  const ratio = (i: number) => ((i + usual) * (1 - q)) / (i + 1);
  return tail(k, (base * usual) / usualBase, lnPmf, ratio, Number.POSITIVE_INFINITY);
}

/**
 * P(X ≥ k) of a count with pmf `lnPmf` (its log) and p(i + 1) / p(i) = `ratio(i)`: above
 * the mean summed upward from k (a small tail keeps its digits), below it as 1 − P(X < k).
 */
function tail(
  k: number,
  mean: number,
  lnPmf: (i: number) => number,
  ratio: (i: number) => number,
  last: number,
): number {
  if (k > mean) {
    let term = Math.exp(lnPmf(k));
    let sum = 0;
    for (let i = k; i <= last && term > sum * 1e-17; i++) {
      sum += term;
      term *= ratio(i);
    }
    return Math.min(1, sum);
  }
  let term = Math.exp(lnPmf(0));
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += term;
    term *= ratio(i);
  }
  return Math.max(0, 1 - below);
}
