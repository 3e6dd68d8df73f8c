/**
 * The blocked Cholesky factorisation and the diagonal blocks of the inverse against the dense
 * inverse of linalg.ts: on LSAT7's exact information, on a simulated bank's, and on a random
 * positive-definite matrix spanning several factorisation steps; a matrix that is not positive
 * definite gives null as before.
 */
import { describe, expect, it } from 'vitest';
import { calibrate, collapsePatterns } from '.';
import { louisObservedInformation } from './information';
import { BLOCK, inverseDiagonalBlocks } from './linalg-blocked';
import { invertSymmetricPositiveDefinite } from './linalg';
import { parameterGroups } from './standard-errors';
import { lsat7Data } from '../../tests/fixtures/lsat7';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';

/** Largest |blocked − dense| over the group entries, relative to √(var_p var_q). */
function worstRelative(matrix: Float64Array, size: number, groupStart: Int32Array): number {
  const band = inverseDiagonalBlocks(matrix, size, groupStart);
  const dense = invertSymmetricPositiveDefinite(matrix, size);
  expect(band).not.toBeNull();
  expect(dense).not.toBeNull();
  let worst = 0;
  for (let g = 0; g + 1 < groupStart.length; g++) {
    const end = groupStart[g + 1]!;
    for (let p = groupStart[g]!; p < end; p++) {
      for (let e = 0; e < 3 && p + e < end; e++) {
        const reference = dense![p * size + p + e]!;
        const scale = Math.sqrt(dense![p * size + p]! * dense![(p + e) * size + p + e]!);
        worst = Math.max(worst, Math.abs(band![3 * p + e]! - reference) / scale);
      }
    }
  }
  return worst;
}

describe('diagonal blocks of the inverse by a blocked Cholesky factorisation', () => {
  it('equal the dense inverse to 1e-9 relative (LSAT7, a simulated bank, a random matrix over several steps)', async () => {
    const lsat7 = lsat7Data();
    const fit = await calibrate(lsat7, { priors: false });
    const settings = { model: fit.model, priors: fit.settings.priors, free: new Uint8Array(5).fill(1), estimateMean: false, estimateSd: false };
    const lsat = louisObservedInformation(collapsePatterns(lsat7).data, fit.parameters, settings, fit.quadrature.nodes);
    const lsatWorst = worstRelative(lsat.information, lsat.parameters.length, parameterGroups(lsat.parameters));

    const sim = simulateCalibrationData(createRandom(21), { items: 160, persons: 8000, design: { kind: 'random', perPerson: 10 } });
    const bank = await calibrate(sim.data, { model: 'rasch', standardErrors: 'none' });
    const bankSettings = { model: bank.model, priors: bank.settings.priors, free: new Uint8Array(160).fill(1), estimateMean: false, estimateSd: true };
    const bankInformation = louisObservedInformation(collapsePatterns(sim.data).data, bank.parameters, bankSettings, bank.quadrature.nodes);
    const bankWorst = worstRelative(bankInformation.information, bankInformation.parameters.length, parameterGroups(bankInformation.parameters));

    // Random positive-definite matrix over 3+ factorisation steps, groups of 1, 2 and 3.
    const rng = createRandom(22);
    const size = 2 * BLOCK + 77;
    const factor = Float64Array.from({ length: size * size }, () => rng.next() - 0.5);
    const matrix = new Float64Array(size * size);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j <= i; j++) {
        let s = i === j ? size * 0.05 : 0;
        for (let k = 0; k < size; k++) s += factor[i * size + k]! * factor[j * size + k]!;
        matrix[i * size + j] = s;
        matrix[j * size + i] = s;
      }
    }
    const starts = [0];
    while (starts[starts.length - 1]! < size) starts.push(Math.min(size, starts[starts.length - 1]! + 1 + (starts.length % 3)));
    const randomWorst = worstRelative(matrix, size, Int32Array.from(starts));
    console.log(
      `blocked vs dense inverse, worst relative: LSAT7 ${lsatWorst.toExponential(2)}, bank ${bankWorst.toExponential(2)}, random ${randomWorst.toExponential(2)}`,
    );
    for (const worst of [lsatWorst, bankWorst, randomWorst]) expect(worst).toBeLessThan(1e-9);

    // Not positive definite: null, as the dense inverse.
    const broken = new Float64Array(matrix);
    broken[(size - 5) * size + size - 5] = -1;
    expect(invertSymmetricPositiveDefinite(broken, size)).toBeNull();
    expect(inverseDiagonalBlocks(broken, size, Int32Array.from(starts))).toBeNull();
  }, 120_000);
});
