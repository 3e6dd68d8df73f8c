/**
 * The WebAssembly Louis pass (louis.wat) gives the JavaScript pass's observed information to 1e-12
 * (each entry against √(I_jj·I_kk), the scale of an entry of a positive-definite matrix), on the
 * 2PL, the Rasch model with σ, anchored items with the latent mean and σ, odd and even node counts,
 * long complete rows, weighted patterns, empty and zero-weight rows; the 3PL and rows that answer
 * an item twice fall back to the JavaScript pass.
 */
import { describe, expect, it } from 'vitest';
import {
  calibrate,
  collapsePatterns,
  createLocalRunner,
  louisWasmAvailable,
  responseDataFromRows,
  shardBoundaries,
  sliceRows,
  type ModelState,
  type MStepSettings,
  type ResponseData,
} from '.';
import { createThreadedRunner } from './parallel';
import { louisInformationFromPartial, louisShardPartial, louisShardPartialInJs, mergeLouisPartials, type LouisPartial } from './louis-pass';
import { louisTestPriors, stateNear } from './louis.fixture';
import { simulate3pl } from './three-pl.fixture';
import { gridNodes } from '../irt';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';

const priors = louisTestPriors;

/** The information from shard partials computed by `pass`, merged. */
function information(data: ResponseData, state: ModelState, settings: MStepSettings, nodes: Float64Array, shards: number, pass: typeof louisShardPartialInJs) {
  const bounds = shardBoundaries(data, shards);
  const parts = bounds.slice(0, -1).map((from, k) => pass(sliceRows(data, from, bounds[k + 1]!), state, settings, nodes));
  return louisInformationFromPartial(mergeLouisPartials(parts), state, settings, nodes);
}

/** Largest |wasm − js| / √(|js_jj · js_kk|) over the matrix. */
function worstScaledDifference(data: ResponseData, state: ModelState, settings: MStepSettings, nodes: Float64Array, shards = 1): number {
  const js = information(data, state, settings, nodes, shards, louisShardPartialInJs);
  const wasm = information(data, state, settings, nodes, shards, (d, s, m, n) => louisShardPartial(d, s, m, n, 'wasm'));
  expect(wasm.parameters).toEqual(js.parameters);
  const P = js.parameters.length;
  let worst = 0;
  for (let j = 0; j < P; j++) {
    for (let k = 0; k < P; k++) {
      const scale = Math.sqrt(Math.abs(js.information[j * P + j]! * js.information[k * P + k]!));
      worst = Math.max(worst, Math.abs(wasm.information[j * P + k]! - js.information[j * P + k]!) / scale);
    }
  }
  return worst;
}

function expectSamePartial(x: LouisPartial, y: LouisPartial): void {
  for (const key of ['blocks', 'latentItems', 'latentLatent', 'expectedAnswers', 'expectedCorrect', 'expectedPersons'] as const) {
    expect(Array.from(x[key]), key).toEqual(Array.from(y[key]));
  }
}

describe('WebAssembly Louis pass', () => {
  it('compiles here (Node has WebAssembly SIMD), so the exact standard errors use it', () => {
    expect(louisWasmAvailable()).toBe(true);
  });

  it('gives the JavaScript information to 1e-12: 2PL sparse weighted patterns over shards, odd and even node counts', () => {
    const sim = simulateCalibrationData(createRandom(261), { items: 80, persons: 4000, design: { kind: 'random', perPerson: 12 } });
    const data = collapsePatterns(sim.data).data;
    expect(data.weights).not.toBeNull();
    const settings: MStepSettings = { model: '2pl', priors, free: new Uint8Array(80).fill(1), estimateMean: false, estimateSd: false };
    for (const count of [61, 30, 21]) {
      const worst = worstScaledDifference(data, stateNear(createRandom(1), sim.items), settings, gridNodes(-6, 6, count), 3);
      expect(worst, `${count} nodes`).toBeLessThanOrEqual(1e-12);
    }
  });

  it('gives the JavaScript information to 1e-12 on long complete rows (100 answers) with steep items', () => {
    const sim = simulateCalibrationData(createRandom(262), { items: 100, persons: 400 });
    const state = stateNear(createRandom(2), sim.items);
    state.a.forEach((a, i) => (state.a[i] = 2.5 * a));
    const settings: MStepSettings = { model: '2pl', priors, free: new Uint8Array(100).fill(1), estimateMean: false, estimateSd: false };
    expect(worstScaledDifference(sim.data, state, settings, gridNodes(-6, 6, 61))).toBeLessThanOrEqual(1e-12);
  });

  it('gives the JavaScript information to 1e-12 for the Rasch model with σ, and anchored items with the latent mean and σ', () => {
    const complete = simulateCalibrationData(createRandom(263), { items: 15, persons: 2000 });
    const data = collapsePatterns(complete.data).data;
    const nodes = gridNodes(-6, 6, 61);
    const rasch: MStepSettings = { model: 'rasch', priors, free: new Uint8Array(15).fill(1), estimateMean: false, estimateSd: true };
    const raschState = { ...stateNear(createRandom(3), complete.items), a: new Float64Array(15).fill(1), sd: 1.2 };
    expect(worstScaledDifference(data, raschState, rasch, nodes, 2)).toBeLessThanOrEqual(1e-12);

    const free = new Uint8Array(15).fill(1);
    free[0] = 0;
    free[3] = 0;
    const anchored: MStepSettings = { model: '2pl', priors, free, estimateMean: true, estimateSd: true };
    expect(worstScaledDifference(data, stateNear(createRandom(4), complete.items, { mean: 0.1, sd: 0.9 }), anchored, nodes, 2)).toBeLessThanOrEqual(1e-12);

    const anchoredRasch: MStepSettings = { model: 'rasch', priors, free, estimateMean: true, estimateSd: true };
    const anchoredRaschState = { ...stateNear(createRandom(5), complete.items, { mean: -0.2, sd: 1.1 }), a: new Float64Array(15).fill(1) };
    expect(worstScaledDifference(data, anchoredRaschState, anchoredRasch, gridNodes(-5, 5, 40), 1)).toBeLessThanOrEqual(1e-12);
  });

  it('skips empty and zero-weight rows as the JavaScript pass does', () => {
    const data = responseDataFromRows(
      ['x', 'y', 'z'],
      [{ answers: { x: 1, y: 0 }, weight: 2 }, { answers: { z: 1 }, weight: 0 }, { answers: {} }, { answers: { z: 0, x: 0, y: 1 }, weight: 0.5 }],
    );
    const state: ModelState = { a: Float64Array.of(1.2, 0.7, 2.1), d: Float64Array.of(0.3, -0.4, 1.1), mean: 0, sd: 1 };
    const settings: MStepSettings = { model: '2pl', priors, free: new Uint8Array(3).fill(1), estimateMean: false, estimateSd: true };
    expect(worstScaledDifference(data, state, settings, gridNodes(-6, 6, 21))).toBeLessThanOrEqual(1e-12);
    const wasm = louisShardPartial(data, state, settings, gridNodes(-6, 6, 21));
    const js = louisShardPartialInJs(data, state, settings, gridNodes(-6, 6, 21));
    // Expected persons: 2 + 0.5 (the empty and the zero-weight rows count for nothing).
    expect(wasm.expectedPersons.reduce((s, v) => s + v, 0)).toBeCloseTo(2.5, 12);
    expect(js.expectedPersons.reduce((s, v) => s + v, 0)).toBeCloseTo(2.5, 12);
  });

  it('leaves the 3PL and rows answering an item twice to the JavaScript pass (the same bits)', () => {
    const three = simulate3pl(createRandom(264), { items: 8, persons: 600 });
    const threeData = collapsePatterns(three.data).data;
    const threePl: MStepSettings = {
      model: '3pl',
      priors,
      free: new Uint8Array(8).fill(1),
      estimateMean: false,
      estimateSd: false,
      guessing: { mode: new Float64Array(8).fill(0.2), weight: 20, free: new Uint8Array(8).fill(1) },
    };
    const threeState = stateNear(createRandom(6), three.items, { c: Float64Array.from(three.items, (item) => item.c) });
    const nodes = gridNodes(-6, 6, 31);
    expectSamePartial(louisShardPartial(threeData, threeState, threePl, nodes), louisShardPartialInJs(threeData, threeState, threePl, nodes));

    const twice: ResponseData = {
      itemIds: ['x', 'y'],
      rowStart: Int32Array.of(0, 3, 5),
      items: Int32Array.of(0, 1, 0, 1, 0),
      scores: Uint8Array.of(1, 0, 0, 1, 1),
      weights: null,
    };
    const state: ModelState = { a: Float64Array.of(1.1, 0.8), d: Float64Array.of(0.2, -0.3), mean: 0, sd: 1 };
    const settings: MStepSettings = { model: '2pl', priors, free: new Uint8Array(2).fill(1), estimateMean: false, estimateSd: false };
    expectSamePartial(louisShardPartial(twice, state, settings, nodes), louisShardPartialInJs(twice, state, settings, nodes));
  });

  it('gives the same standard errors as the JavaScript pass in a calibration, in process and over worker threads', async () => {
    const sim = simulateCalibrationData(createRandom(265), { items: 40, persons: 5000, design: { kind: 'random', perPerson: 10 } });
    const settings = { standardErrors: 'observed' as const };
    const js = await calibrate(sim.data, settings, { createRunner: (data) => createLocalRunner(data, { exactKernel: 'js' }) });
    const wasm = await calibrate(sim.data, settings);
    // Over threads the E-step's shards change the estimates by rounding: compare threads with threads.
    const threads = (exactKernel: 'js' | 'wasm') =>
      calibrate(sim.data, settings, { createRunner: (data) => createThreadedRunner(data, { threads: 2, minAnswersPerThread: 1, exactKernel }) });
    const [threadedJs, threadedWasm] = [await threads('js'), await threads('wasm')];
    expect(wasm.standardErrors).toBe('observed');
    for (const [other, reference] of [
      [wasm, js],
      [threadedWasm, threadedJs],
    ] as const) {
      expect(other.items.map((item) => item.a)).toEqual(reference.items.map((item) => item.a));
      other.items.forEach((item, i) => {
        for (const key of ['a', 'b'] as const) {
          const expected = reference.items[i]!.se[key]!;
          expect(Math.abs(item.se[key]! - expected), `SE(${key}) of item ${i}`).toBeLessThanOrEqual(1e-10 * expected);
        }
      });
    }
  });
});
