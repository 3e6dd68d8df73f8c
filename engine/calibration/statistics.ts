/** Distribution functions used by the DIF tests. */

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
            t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Upper tail of the chi-square distribution with one degree of freedom. */
export function chiSquare1Upper(x: number): number {
  return x <= 0 ? 1 : erfc(Math.sqrt(x / 2));
}

/** Upper tail of the standard normal distribution. */
export function normalUpper(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}
