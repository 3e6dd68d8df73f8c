/** Small dense linear algebra for information matrices (row-major Float64Array). */

/**
 * Inverse of a symmetric positive-definite matrix by Cholesky decomposition.
 * Returns null when the matrix is not positive definite.
 */
export function invertSymmetricPositiveDefinite(matrix: Float64Array, size: number): Float64Array | null {
  const L = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * size + j] as number;
      for (let k = 0; k < j; k++) sum -= (L[i * size + k] as number) * (L[j * size + k] as number);
      if (i === j) {
        if (!(sum > 0)) return null;
        L[i * size + i] = Math.sqrt(sum);
      } else {
        L[i * size + j] = sum / (L[j * size + j] as number);
      }
    }
  }
  // inverse of L (lower triangular)
  const Linv = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    Linv[i * size + i] = 1 / (L[i * size + i] as number);
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= (L[i * size + k] as number) * (Linv[k * size + j] as number);
      Linv[i * size + j] = sum / (L[i * size + i] as number);
    }
  }
  // A⁻¹ = L⁻ᵀ L⁻¹
  const inv = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = i; k < size; k++) sum += (Linv[k * size + i] as number) * (Linv[k * size + j] as number);
      inv[i * size + j] = sum;
      inv[j * size + i] = sum;
    }
  }
  return inv;
}
