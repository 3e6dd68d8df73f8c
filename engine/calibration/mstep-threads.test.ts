/**
 * The M-step shared out over worker threads (decision 021, h56: the sharded runner's parent, whose cores idle while
 * it maximises): each thread a range of items, the latent distribution in the calling thread. The items are
 * independent, so the result must be mStep's bit for bit — one step, and whole calibrations whose runner gives it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate, createLocalRunner, mStep, type EStepRunner, type ModelState, type MStepSettings } from '.';
import { createThreadedRunner, startMStepThreads } from './parallel';
import { createExpectationKernel } from './estep-wasm';
import { gridNodes, normalWeights } from '../irt';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';
import { simulate3pl } from './three-pl.fixture';
import { DEFAULT_PRIORS } from './mstep';

const two = startMStepThreads(2);
const one = startMStepThreads(1);
afterAll(async () => {
  await two.close();
  await one.close();
});

function sameState(x: ModelState, y: ModelState): void {
  expect(x.a).toEqual(y.a);
  expect(x.d).toEqual(y.d);
  expect(x.c).toEqual(y.c);
  expect(Object.is(x.mean, y.mean) && Object.is(x.sd, y.sd)).toBe(true);
}

describe('startMStepThreads', () => {
  it('gives one M-step bit for bit (2PL and Rasch with anchors at the ranges’ edges, latent mean and SD; 3PL)', async () => {
    const sim = simulateCalibrationData(createRandom(31), { items: 40, persons: 3000, design: { kind: 'random', perPerson: 12 } });
    const nodes = gridNodes(-6, 6, 41);
    const quadrature = { nodes, weights: normalWeights(nodes, 0.1, 1.1) };
    const current: ModelState = {
      a: Float64Array.from(sim.items, (item, i) => item.a * (1 + 0.1 * Math.sin(i))),
      d: Float64Array.from(sim.items, (item) => item.d + 0.2),
      mean: 0.1,
      sd: 1.1,
    };
    const stats = createExpectationKernel(sim.data).expectations({ a: current.a, d: current.d }, quadrature);
    const free = Uint8Array.from({ length: 40 }, (_, i) => (i === 0 || i === 13 || i === 14 || i === 26 || i === 39 ? 0 : 1));
    for (const model of ['2pl', 'rasch'] as const) {
      const settings: MStepSettings = { model, priors: DEFAULT_PRIORS, free, estimateMean: true, estimateSd: true };
      const plain = mStep(stats, current, quadrature, settings);
      sameState(await two.mStep(stats, current, quadrature, settings), plain);
      sameState(await one.mStep(stats, current, quadrature, settings), plain);
      const fixed = { ...settings, estimateMean: false, estimateSd: false };
      sameState(await two.mStep(stats, current, quadrature, fixed), mStep(stats, current, quadrature, fixed));
    }
    const three = simulate3pl(createRandom(8), { items: 12, persons: 2000 });
    const c = new Float64Array(12).fill(0.2);
    const start: ModelState = { a: new Float64Array(12).fill(1), d: new Float64Array(12).fill(0.3), c, mean: 0, sd: 1 };
    const stats3 = createExpectationKernel(three.data).expectations({ a: start.a, d: start.d, c }, quadrature);
    const guessing = { mode: new Float64Array(12).fill(0.2), weight: 20, free: Uint8Array.from({ length: 12 }, (_, i) => (i === 5 ? 0 : 1)) };
    const settings3: MStepSettings = {
      model: '3pl',
      priors: DEFAULT_PRIORS,
      free: new Uint8Array(12).fill(1),
      estimateMean: false,
      estimateSd: false,
      guessing,
    };
    sameState(await two.mStep(stats3, start, quadrature, settings3), mStep(stats3, start, quadrature, settings3));
  });

  it('gives the same calibration as mStep in the driver (2PL, Rasch with anchors, 3PL)', async () => {
    const withThreads = (runner: EStepRunner): EStepRunner => ({ ...runner, mStep: two.mStep });
    const sim = simulateCalibrationData(createRandom(5), { items: 30, persons: 4000, design: { kind: 'random', perPerson: 10 } });
    const anchors = new Map(sim.items.slice(0, 4).map((item) => [item.id, { a: item.a, d: item.d }]));
    const three = simulate3pl(createRandom(6), { items: 10, persons: 3000 });
    const cases = [
      { data: sim.data, settings: { standardErrors: 'none' as const } },
      { data: sim.data, settings: { model: 'rasch' as const, anchors, standardErrors: 'none' as const } },
      { data: three.data, settings: { model: '3pl' as const, standardErrors: 'none' as const } },
    ];
    for (const { data, settings } of cases) {
      const plain = await calibrate(data, settings);
      const threaded = await calibrate(data, settings, { createRunner: (prepared) => withThreads(createLocalRunner(prepared)) });
      expect(threaded.settings.anchors).toBe(settings.model === 'rasch' ? 4 : 0);
      expect(threaded.iterations).toBe(plain.iterations);
      sameState(threaded.parameters, plain.parameters);
      expect(threaded.items).toEqual(plain.items);
      expect(Object.is(threaded.logLik, plain.logLik)).toBe(true);
    }
  });

  it("is the threaded runner's too, on its E-step threads (with one shard inline or none): mStep bit for bit (2PL with anchors, 3PL)", async () => {
    const sim = simulateCalibrationData(createRandom(41), { items: 30, persons: 3000, design: { kind: 'random', perPerson: 10 } });
    const nodes = gridNodes(-6, 6, 31);
    const quadrature = { nodes, weights: normalWeights(nodes, -0.1, 0.9) };
    const current: ModelState = {
      a: Float64Array.from(sim.items, (item) => item.a * 0.9),
      d: Float64Array.from(sim.items, (item) => item.d - 0.1),
      mean: -0.1,
      sd: 0.9,
    };
    const free = Uint8Array.from({ length: 30 }, (_, i) => (i === 0 || i === 14 || i === 15 ? 0 : 1));
    const settings: MStepSettings = { model: '2pl', priors: DEFAULT_PRIORS, free, estimateMean: true, estimateSd: true };
    const three = simulate3pl(createRandom(9), { items: 10, persons: 2000 });
    const c = new Float64Array(10).fill(0.15);
    const start3: ModelState = { a: new Float64Array(10).fill(1.1), d: new Float64Array(10).fill(-0.2), c, mean: 0, sd: 1 };
    const guessing = { mode: new Float64Array(10).fill(0.2), weight: 20, free: Uint8Array.from({ length: 10 }, (_, i) => (i === 3 ? 0 : 1)) };
    const settings3: MStepSettings = {
      model: '3pl',
      priors: DEFAULT_PRIORS,
      free: new Uint8Array(10).fill(1),
      estimateMean: false,
      estimateSd: false,
      guessing,
    };
    for (const inline of [false, true]) {
      const runner = await createThreadedRunner(sim.data, { threads: 2, minAnswersPerThread: 1, inline });
      const runner3 = await createThreadedRunner(three.data, { threads: 3, minAnswersPerThread: 1, inline });
      try {
        expect(runner.mStep).toBeDefined();
        const stats = await runner.expectations({ a: current.a, d: current.d }, quadrature);
        sameState(await (runner.mStep as NonNullable<EStepRunner['mStep']>)(stats, current, quadrature, settings), mStep(stats, current, quadrature, settings));
        const stats3 = await runner3.expectations({ a: start3.a, d: start3.d, c }, quadrature);
        sameState(
          await (runner3.mStep as NonNullable<EStepRunner['mStep']>)(stats3, start3, quadrature, settings3),
          mStep(stats3, start3, quadrature, settings3),
        );
      } finally {
        await runner.close?.();
        await runner3.close?.();
      }
    }
  });
});
