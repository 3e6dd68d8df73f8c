/**
 * The final pass fused with the exact SEs' Louis pass (h45): on two worker threads, one walk over the rows in
 * which the Louis pass reads the diagnostic pass's posteriors. The diagnostics are the separate pass's bit for
 * bit; the covariance agrees with the separate Louis pass's (its own log-likelihood and exp) to rounding, its
 * expected answers being the diagnostic pass's n (h52).
 */
import { describe, expect, it } from 'vitest';
import { calibrate, collapsePatterns, type DiagnosticStatistics, type MStepSettings } from '.';
import { createThreadedRunner } from './parallel';
import { louisShardPass, louisShardPartial } from './louis-pass';
import { createExpectationKernel } from './estep-wasm';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';

function worstRelative(x: Float64Array, y: Float64Array): number {
  let worst = 0;
  for (let k = 0; k < x.length; k++) {
    const scale = Math.max(Math.abs(x[k] as number), Math.abs(y[k] as number));
    if (scale > 0) worst = Math.max(worst, Math.abs((x[k] as number) - (y[k] as number)) / scale);
  }
  return worst;
}

/** max |x − y| / max |y|: the sums' blocks hold entries that cancel, whose element-wise relative error means little. */
function worstScaled(x: Float64Array, y: Float64Array): number {
  let worst = 0;
  let top = 0;
  for (let k = 0; k < x.length; k++) {
    worst = Math.max(worst, Math.abs((x[k] as number) - (y[k] as number)));
    top = Math.max(top, Math.abs(y[k] as number));
  }
  return worst / top;
}

function expectSameDiagnostics(fused: DiagnosticStatistics, separate: DiagnosticStatistics): void {
  const { expectations: e1, rowScores: r1, ...rest1 } = fused;
  const { expectations: e2, rowScores: r2, ...rest2 } = separate;
  expect(e1).toEqual(e2);
  expect(r1).toEqual(r2);
  expect(rest1).toEqual(rest2);
}

const cases: { name: string; model: '2pl' | 'rasch'; anchor: boolean }[] = [
  { name: '2PL', model: '2pl', anchor: false },
  { name: '2PL with an anchor, latent mean and SD estimated', model: '2pl', anchor: true },
  { name: 'Rasch with the SD estimated', model: 'rasch', anchor: false },
];

describe('the final pass fused with the Louis pass', () => {
  for (const { name, model, anchor } of cases) {
    it(`gives the same diagnostics (bit for bit) and the same covariance (to 1e-12 relative) on two threads: ${name}`, async () => {
      const sim = simulateCalibrationData(createRandom(45), { items: 120, persons: 9_000, design: { kind: 'random', perPerson: 12 } });
      const anchorId = sim.data.itemIds[3]!;
      const anchors = anchor ? { [anchorId]: { a: sim.items[3]!.a, d: -sim.items[3]!.a * sim.items[3]!.b } } : undefined;
      const fit = await calibrate(sim.data, { model, ...(anchors === undefined ? {} : { anchors }) });
      const data = collapsePatterns(sim.data).data;
      const state = fit.parameters;
      const free = new Uint8Array(120).fill(1);
      if (anchor) free[data.itemIds.indexOf(anchorId)] = 0;
      const mSettings: MStepSettings = { model, priors: fit.settings.priors, free, estimateMean: anchor, estimateSd: anchor || model === 'rasch' };
      const nodes = fit.quadrature.nodes;
      const quadrature = fit.quadrature;
      const params = { a: state.a, d: state.d };
      const runner = await createThreadedRunner(data, { threads: 2, minAnswersPerThread: 1 });
      try {
        expect(runner.threads).toBe(2);
        const separateDiagnostics = await runner.diagnostics(params, quadrature, { rowScores: true });
        const separate = await runner.exactCovariance!(state, mSettings, nodes);
        const fused = await runner.diagnosticsWithCovariance!(params, quadrature, { rowScores: true }, state, mSettings);
        expectSameDiagnostics(fused.diagnostics, separateDiagnostics);
        expect(fused.covariance.parameters).toEqual(separate.parameters);
        expect(fused.covariance.band).not.toBeNull();
        const worst = worstRelative(fused.covariance.band!, separate.band!);
        console.log(`fused vs separate passes (${name}): covariance band, worst relative difference ${worst.toExponential(2)}`);
        expect(worst).toBeLessThan(1e-12);
      } finally {
        await runner.close?.();
      }
    }, 120_000);
  }

  it('feeds the Louis pass the posteriors it is given (a wrong posterior changes the sums; the right one agrees to rounding)', async () => {
    const sim = simulateCalibrationData(createRandom(7), { items: 40, persons: 3_000, design: { kind: 'random', perPerson: 10 } });
    const fit = await calibrate(sim.data);
    const data = collapsePatterns(sim.data).data;
    const state = fit.parameters;
    const mSettings: MStepSettings = {
      model: fit.model,
      priors: fit.settings.priors,
      free: new Uint8Array(40).fill(1),
      estimateMean: false,
      estimateSd: false,
    };
    const nodes = fit.quadrature.nodes;
    const quadrature = fit.quadrature;
    const reference = louisShardPartial(data, state, mSettings, nodes);
    const kernel = createExpectationKernel(data);
    expect(kernel.givesPosteriors).toBe(true);
    let n: Float64Array = new Float64Array(0);
    const run = (spoil: boolean, expectedAnswers = true) => {
      const pass = louisShardPass(data, state, mSettings, nodes, 'wasm', undefined, expectedAnswers);
      expect(pass).not.toBeNull();
      n = kernel.diagnostics({ a: state.a, d: state.d }, quadrature, undefined, (from, to, posteriors, width) => {
        if (spoil) for (let k = 0; k < posteriors.length; k += width) posteriors.fill(1 / nodes.length, k, k + nodes.length);
        pass!.feed(from, to, posteriors, width);
      }).expectations.n;
      return pass!.finish();
    };
    const given = run(false);
    const blocks = worstScaled(given.blocks, reference.blocks);
    const answers = worstScaled(given.expectedAnswers, reference.expectedAnswers);
    console.log(`given posteriors vs the pass's own: blocks ${blocks.toExponential(2)}, expected answers ${answers.toExponential(2)} (of the largest entry)`);
    expect(blocks).toBeLessThan(1e-12);
    expect(answers).toBeLessThan(1e-12);
    expect(worstScaled(run(true).blocks, reference.blocks)).toBeGreaterThan(1e-3);
    // h52: the pass may leave its expected answers to the E-step that gave the posteriors: its n is the same sums to rounding.
    const left = run(false, false);
    expect(left.expectedAnswersLeft).toBe(true);
    expect(left.expectedAnswers.length).toBe(0);
    expect(left.blocks).toEqual(given.blocks);
    expect(left.expectedPersons).toEqual(given.expectedPersons);
    const fromN = worstScaled(n, reference.expectedAnswers);
    console.log(
      `the E-step's n vs the pass's own expected answers: ${fromN.toExponential(2)} (of the largest entry), element-wise ${worstRelative(n, reference.expectedAnswers).toExponential(2)}`,
    );
    expect(fromN).toBeLessThan(1e-12);
  });

  it('gives the same bits when its matrix was made before the EM and its pages touched meanwhile (prepareCovariance, h64)', async () => {
    const sim = simulateCalibrationData(createRandom(64), { items: 60, persons: 5_000, design: { kind: 'random', perPerson: 10 } });
    const fit = await calibrate(sim.data);
    const data = collapsePatterns(sim.data).data;
    const state = fit.parameters;
    const mSettings: MStepSettings = { model: '2pl', priors: fit.settings.priors, free: new Uint8Array(60).fill(1), estimateMean: false, estimateSd: false };
    const params = { a: state.a, d: state.d };
    const fused = async (prepare: 'no' | 'now' | 'touched') => {
      // A small bank's matrix is below the default size for touching ahead: every size here.
      const runner = await createThreadedRunner(data, { threads: 2, minAnswersPerThread: 1, touchAheadMinBytes: 0 });
      try {
        if (prepare !== 'no') runner.prepareCovariance!(state, mSettings, fit.quadrature.nodes);
        // 'touched': an E-step first, which gives the low-priority thread time to touch the pages.
        if (prepare === 'touched') await runner.expectations(params, fit.quadrature);
        return await runner.diagnosticsWithCovariance!(params, fit.quadrature, undefined, state, mSettings);
      } finally {
        await runner.close?.();
      }
    };
    const fresh = await fused('no');
    for (const prepare of ['now', 'touched'] as const) {
      const prepared = await fused(prepare);
      expect(prepared.covariance.parameters).toEqual(fresh.covariance.parameters);
      expect(prepared.covariance.band).toEqual(fresh.covariance.band);
      expectSameDiagnostics(prepared.diagnostics, fresh.diagnostics);
    }
  }, 120_000);
});
