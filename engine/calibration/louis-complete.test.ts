/**
 * The complete design's Louis sums (louis-complete.ts) against the pair pass (the JavaScript reference
 * of louis-pass.ts), and the exact SEs of a complete calibration by either path.
 */
import { describe, expect, it } from 'vitest';
import { collapsePatterns, sliceRows, shardBoundaries, type ModelState, type MStepSettings, type ResponseData } from '.';
import { createThreadedRunner } from './parallel';
import { louisCompletePartial } from './louis-complete';
import { louisInformationFromPartial, louisShardPartial, louisShardPartialInJs, mergeLouisPartials } from './louis-pass';
import { louisTestPriors as priors, stateNear, worstRelativeToDiagonal } from './louis.fixture';
import { itemErrorsFromGroupCovariance } from './standard-errors';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';
import { gridNodes } from '../irt';

const nodes = gridNodes(-6, 6, 61);

/** Largest |complete − pair pass| over the information matrix, relative to its largest diagonal entry. */
function worstDifference(data: ResponseData, state: ModelState, settings: MStepSettings, shards: number): number {
  const bounds = shardBoundaries(data, shards);
  const parts = (pass: (part: ResponseData) => ReturnType<typeof louisShardPartialInJs>) =>
    mergeLouisPartials(bounds.slice(0, -1).map((from, k) => pass(sliceRows(data, from, bounds[k + 1]!))));
  const reference = louisInformationFromPartial(
    parts((part) => louisShardPartialInJs(part, state, settings, nodes)),
    state,
    settings,
    nodes,
  );
  const complete = louisInformationFromPartial(
    parts((part) => louisCompletePartial(part, state, settings, nodes)!),
    state,
    settings,
    nodes,
  );
  expect(complete.parameters).toEqual(reference.parameters);
  return worstRelativeToDiagonal(reference, complete);
}

describe('Louis sums of a complete design', () => {
  it('equal the pair pass to 1e-9 (2PL, 2PL with fixed items, Rasch; collapsed or not, in shards)', () => {
    const rng = createRandom(311);
    const sim = simulateCalibrationData(createRandom(312), { items: 25, persons: 3000 });
    const collapsed = collapsePatterns(sim.data).data;
    const all = new Uint8Array(25).fill(1);
    const twoPl: MStepSettings = { model: '2pl', priors, free: all, estimateMean: false, estimateSd: false };
    const state = stateNear(rng, sim.items);
    const worstCollapsed = worstDifference(collapsed, state, twoPl, 3);
    const worstRaw = worstDifference(sim.data, state, twoPl, 1);
    const fixed = Uint8Array.from(all, (_, i) => (i % 7 === 3 ? 0 : 1));
    const worstFixed = worstDifference(collapsed, state, { ...twoPl, free: fixed }, 2);
    const rasch: MStepSettings = { model: 'rasch', priors, free: all, estimateMean: false, estimateSd: false };
    const worstRasch = worstDifference(collapsed, { ...state, a: new Float64Array(25).fill(1), mean: 0.2, sd: 1.1 }, rasch, 2);
    console.log(
      `complete-design Louis sums vs pair pass, max |Δ| / max diagonal: 2PL collapsed ${worstCollapsed.toExponential(2)}, ` +
        `raw ${worstRaw.toExponential(2)}, fixed items ${worstFixed.toExponential(2)}, Rasch ${worstRasch.toExponential(2)}`,
    );
    for (const worst of [worstCollapsed, worstRaw, worstFixed, worstRasch]) expect(worst).toBeLessThan(1e-9);
  });

  it('are not taken for a sparse design, a latent mean or SD, or the 3PL; the pass then runs as before', () => {
    const rng = createRandom(313);
    const sparse = simulateCalibrationData(createRandom(314), { items: 30, persons: 500, design: { kind: 'random', perPerson: 10 } });
    const settings: MStepSettings = { model: '2pl', priors, free: new Uint8Array(30).fill(1), estimateMean: false, estimateSd: false };
    const state = stateNear(rng, sparse.items);
    expect(louisCompletePartial(sparse.data, state, settings, nodes)).toBeNull();
    const complete = simulateCalibrationData(createRandom(315), { items: 30, persons: 500 });
    expect(louisCompletePartial(complete.data, state, settings, nodes)).not.toBeNull();
    expect(louisCompletePartial(complete.data, state, { ...settings, estimateSd: true }, nodes)).toBeNull();
    expect(louisCompletePartial(complete.data, { ...state, c: new Float64Array(30).fill(0.2) }, { ...settings, model: '3pl' }, nodes)).toBeNull();
    // The default kernel takes it; the JavaScript reference never does.
    const fast = louisShardPartial(complete.data, state, settings, nodes);
    const reference = louisShardPartial(complete.data, state, settings, nodes, 'js');
    let worst = 0;
    let scale = 0;
    for (let k = 0; k < reference.blocks.length; k++) {
      worst = Math.max(worst, Math.abs(fast.blocks[k]! - reference.blocks[k]!));
      scale = Math.max(scale, Math.abs(reference.blocks[k]!));
    }
    expect(worst / scale).toBeLessThan(1e-9);
  });

  it('give the exact SEs of the pair pass to 1e-9 relative, on two worker threads', async () => {
    const sim = simulateCalibrationData(createRandom(316), { items: 40, persons: 6000 });
    const data = collapsePatterns(sim.data).data;
    const rng = createRandom(317);
    const state = stateNear(rng, sim.items);
    const settings: MStepSettings = { model: '2pl', priors, free: new Uint8Array(40).fill(1), estimateMean: false, estimateSd: false };
    const errors = async (exactKernel: 'js' | 'wasm') => {
      const runner = await createThreadedRunner(data, { threads: 2, minAnswersPerThread: 1, exactKernel });
      const covariance = await runner.exactCovariance!(state, settings, nodes);
      await runner.close?.();
      return itemErrorsFromGroupCovariance(40, covariance.parameters, covariance.band);
    };
    const reference = await errors('js');
    const complete = await errors('wasm');
    let worst = 0;
    for (let i = 0; i < 40; i++) {
      worst = Math.max(worst, Math.abs(complete.seA[i]! / reference.seA[i]! - 1), Math.abs(complete.seD[i]! / reference.seD[i]! - 1));
      worst = Math.max(worst, Math.abs(complete.covAD[i]! - reference.covAD[i]!) / (reference.seA[i]! * reference.seD[i]!));
    }
    console.log(`complete-design exact SEs vs pair pass (two threads), worst relative difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-9);
  }, 120_000);
});
