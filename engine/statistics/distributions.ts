/**
 * Tail probabilities of the normal, chi-square and Student t distributions, for the p-values of DIF
 * tests, rank correlations and likelihood-ratio tests. simple-statistics gives log Γ (gammaln) but neither the complementary
 * error function to full relative precision in the tail (1 − erf loses small p-values) nor Student's t
 * distribution, so those two are written here.
 */
import { gammaln } from 'simple-statistics';

/** z of a two-sided 95 % interval (Φ⁻¹(0.975)). */
export const Z95 = 1.959963984540054;

/** Complementary error function, |relative error| < 1.2e-7 (Chebyshev fit, Numerical Recipes). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Upper tail of the standard normal distribution. */
export function normalUpper(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Upper tail of the chi-square distribution with one degree of freedom. */
export function chiSquare1Upper(x: number): number {
  return x <= 0 ? 1 : erfc(Math.sqrt(x / 2));
}

/**
 * Upper tail P(X ≥ x) of the χ² distribution with `df` degrees of freedom (df > 0): the regularised
 * upper incomplete gamma Q(df/2, x/2), by its series below a + 1 and its continued fraction above
 * (Numerical Recipes, gser/gcf), accurate to ~1e-14.
 */
export function chiSquareUpper(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chiSquareUpper needs df > 0, got ${df}`);
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  const a = df / 2;
  const z = x / 2;
  const logPrefix = a * Math.log(z) - z - gammaln(a);
  if (z < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= z / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return Math.min(1, Math.max(0, 1 - sum * Math.exp(logPrefix)));
  }
  const tiny = 1e-300;
  let b = z + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.min(1, Math.max(0, Math.exp(logPrefix) * h));
}

/** Two-sided tail probability of Student's t with `df` degrees of freedom. */
export function studentTwoSided(t: number, df: number): number {
  const x = df / (df + t * t);
  return Math.min(1, Math.max(0, regularisedIncompleteBeta(x, df / 2, 0.5)));
}

/** I_x(a, b) by the continued fraction (Numerical Recipes, betacf), accurate to ~1e-12. */
function regularisedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(gammaln(a + b) - gammaln(a) - gammaln(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return h;
}
