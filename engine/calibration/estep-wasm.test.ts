/**
 * The WebAssembly E-step gives the JavaScript kernel's sums bit for bit: the same products in the same
 * order, the same rescaling points, the same sums per node.
 */
import { describe, expect, it } from 'vitest';
import {
  calibrate,
  collapsePatterns,
  computeShardDiagnostics,
  computeShardDiagnosticsInJs,
  computeShardExpectations,
  computeShardExpectationsInJs,
  createExpectationKernel,
  createLocalRunner,
  responseDataFromRows,
  wasmKernelAvailable,
  type DiagnosticStatistics,
  type ItemParameterArrays,
  type Quadrature,
  type ResponseData,
  type SufficientStatistics,
} from '.';
import { addAnswerFit, buildProbabilityTable, emptyDiagnosticSums, expectationPass, type DiagnosticSums } from './kernel';
import { createThreadedRunner } from './parallel';
import { warmUp } from './parallel/shard-handler';
import { scoreRows } from './persons';
import { gridNodes, normalWeights } from '../irt';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';

function quadratureOf(count: number, mean = 0, sd = 1): Quadrature {
  const nodes = gridNodes(-6, 6, count);
  return { nodes, weights: normalWeights(nodes, mean, sd) };
}

/** Sparse rows collapsed into patterns, with every `every`-th pattern's weight 0 and the others scaled by `scale(r)`. */
function weightedPatterns(seed: number, every: number, scale: (r: number) => number = () => 1) {
  const sparse = simulateCalibrationData(createRandom(seed), { items: 40, persons: 3000, design: { kind: 'random', perPerson: 7 } });
  const collapsed = collapsePatterns(sparse.data).data;
  const weights = new Float64Array(collapsed.weights as Float64Array);
  for (let r = 0; r < weights.length; r++) weights[r] = r % every === 0 ? 0 : (weights[r] as number) * scale(r);
  return { sparse, weighted: { ...collapsed, weights } };
}

function expectIdentical(wasm: SufficientStatistics, js: SufficientStatistics): void {
  expect(wasm.itemCount).toBe(js.itemCount);
  expect(wasm.nodeCount).toBe(js.nodeCount);
  expect(wasm.logLik).toBe(js.logLik);
  expect(wasm.persons).toBe(js.persons);
  expect(Array.from(wasm.nodeTotals)).toEqual(Array.from(js.nodeTotals));
  expect(Array.from(wasm.r)).toEqual(Array.from(js.r));
  expect(Array.from(wasm.n)).toEqual(Array.from(js.n));
}

function paramsOf(sim: { items: readonly { a: number; d: number }[] }): ItemParameterArrays {
  return { a: Float64Array.from(sim.items, (i) => i.a), d: Float64Array.from(sim.items, (i) => i.d) };
}

describe('WebAssembly E-step kernel', () => {
  it('compiles here (Node has WebAssembly SIMD), so runs use it', () => {
    expect(wasmKernelAvailable()).toBe(true);
  });

  it('gives the JavaScript sums bit for bit on sparse weighted rows, for odd and even node counts', () => {
    const sim = simulateCalibrationData(createRandom(11), { items: 40, persons: 3000, design: { kind: 'random', perPerson: 9 } });
    const data = collapsePatterns(sim.data).data;
    expect(data.weights).not.toBeNull();
    const kernel = createExpectationKernel(data);
    // Vectors of two nodes: 31, 25, 16, 15, 9, 8, 4, 1 — whole groups of eight in the product loop and 0, 1 or 7 left over, or fewer than eight.
    for (const count of [61, 49, 32, 30, 17, 15, 7, 2]) {
      const quadrature = quadratureOf(count, 0.2, 1.3);
      expectIdentical(kernel.expectations(paramsOf(sim), quadrature), computeShardExpectationsInJs(data, paramsOf(sim), quadrature));
    }
  });

  it('gives the same bits on long complete rows, where the likelihood is rescaled several times per row', () => {
    // 400 answers per person: the product of the smallest probabilities passes 1e-200 several times.
    const sim = simulateCalibrationData(createRandom(12), { items: 400, persons: 300 });
    const params = paramsOf(sim);
    params.a.forEach((a, i) => (params.a[i] = 2.5 * a));
    const quadrature = quadratureOf(61);
    const js = computeShardExpectationsInJs(sim.data, params, quadrature);
    expect(Number.isFinite(js.logLik)).toBe(true);
    expectIdentical(computeShardExpectations(sim.data, params, quadrature), js);
  });

  it("accumulates a row's posterior only over the nodes above 1e-14 of its largest, as the JavaScript kernel does", () => {
    // 30 answers per person with steep items: most posteriors fall below the cut at one end or both (odd and even
    // bounds, so the kernel's scalar ends and whole vectors are both used), and the cut changes the counts.
    const sim = simulateCalibrationData(createRandom(14), { items: 60, persons: 1500, design: { kind: 'random', perPerson: 30 } });
    const params = paramsOf(sim);
    params.a.forEach((a, i) => (params.a[i] = 1.5 + a));
    const quadrature = quadratureOf(61);
    const Q = quadrature.nodes.length;
    const uncut = new Float64Array(sim.data.itemIds.length * Q);
    const bounds = { lowCut: 0, highCut: 0, oddLow: 0, oddHigh: 0 };
    const js = expectationPass(sim.data, quadrature, buildProbabilityTable(params, quadrature.nodes), (row, _w, like) => {
      let top = 0;
      for (const v of like) if (v > top) top = v;
      let lo = 0;
      while ((like[lo] as number) < top * 1e-14) lo++;
      let hi = Q;
      while ((like[hi - 1] as number) < top * 1e-14) hi--;
      bounds.lowCut += lo > 0 ? 1 : 0;
      bounds.highCut += hi < Q ? 1 : 0;
      bounds.oddLow += lo % 2;
      bounds.oddHigh += hi % 2;
      for (let j = sim.data.rowStart[row] as number; j < (sim.data.rowStart[row + 1] as number); j++) {
        const i = sim.data.items[j] as number;
        for (let q = 0; q < Q; q++) uncut[i * Q + q] = (uncut[i * Q + q] as number) + (like[q] as number);
      }
    });
    for (const count of Object.values(bounds)) expect(count).toBeGreaterThan(100);
    const wasm = computeShardExpectations(sim.data, params, quadrature);
    expectIdentical(wasm, js);
    // The cut is visible in the counts (a kernel that added every node would not give these bits).
    expect(Array.from(wasm.n).some((n, k) => n !== uncut[k])).toBe(true);
  });

  it('gives the same bits for 3PL parameters, rows of zero weight and an empty row', () => {
    const data: ResponseData = responseDataFromRows(
      ['x', 'y', 'z'],
      [{ answers: { x: 1, y: 0 }, weight: 2 }, { answers: { z: 1 }, weight: 0 }, { answers: {} }, { answers: { x: 0, y: 1, z: 0 }, weight: 0.5 }],
    );
    const params = { a: Float64Array.of(1.2, 0.7, 2.1), d: Float64Array.of(0.3, -0.4, 1.1), c: Float64Array.of(0.2, 0, 0.1) };
    const quadrature = quadratureOf(21);
    const js = computeShardExpectationsInJs(data, params, quadrature);
    expect(js.persons).toBe(3.5);
    expectIdentical(computeShardExpectations(data, params, quadrature), js);
  });

  it('reuses one kernel across E-steps at other parameters without carrying anything over', () => {
    const sim = simulateCalibrationData(createRandom(13), { items: 25, persons: 2000, design: { kind: 'random', perPerson: 6 } });
    const kernel = createExpectationKernel(sim.data);
    const quadrature = quadratureOf(41);
    const shifted = paramsOf(sim);
    shifted.d.forEach((d, i) => (shifted.d[i] = d - 0.5));
    kernel.expectations(paramsOf(sim), quadrature);
    expectIdentical(kernel.expectations(shifted, quadrature), computeShardExpectationsInJs(sim.data, shifted, quadrature));
  });

  it('gives the diagnostic pass of the JavaScript kernel: its expectations bit for bit, its per-item sums to rounding', () => {
    const sim = simulateCalibrationData(createRandom(15), { items: 50, persons: 5000, design: { kind: 'random', perPerson: 10 } });
    const data = collapsePatterns(sim.data).data;
    const params = { ...paramsOf(sim), c: new Float64Array(50).fill(0.1) };
    for (const count of [61, 20]) {
      const quadrature = quadratureOf(count);
      const wasm = computeShardDiagnostics(data, params, quadrature);
      const js = computeShardDiagnosticsInJs(data, params, quadrature);
      expectIdentical(wasm.expectations, js.expectations);
      for (const key of Object.keys(js) as (keyof DiagnosticStatistics)[]) {
        if (key === 'expectations' || key === 'rowScores') continue;
        const [x, y] = [wasm[key] as Float64Array, js[key] as Float64Array];
        expect(x.length).toBe(y.length);
        y.forEach((value, k) => expect(Math.abs(x[k]! - value), `${key}[${k}]`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(value))));
      }
    }
  });

  it("gives each row's θ̂, SD and lz with the diagnostics bit for bit as scoreRows, rescaled rows, weights 0 and 3PL included", () => {
    const bits = (x: Float64Array | undefined) => Array.from(new BigUint64Array((x as Float64Array).slice().buffer));
    // Complete rows of 120 items (rescaled several times each), and sparse ones with weights (some 0).
    const complete = simulateCalibrationData(createRandom(21), { items: 120, persons: 400 });
    const { sparse, weighted } = weightedPatterns(22, 17);
    const empty = responseDataFromRows(['i1', 'i2'], [{ answers: {} }, { answers: { i1: 1 } }, { answers: { i2: 0 }, weight: 0 }]);
    const cases: [ResponseData, ItemParameterArrays][] = [
      [complete.data, paramsOf(complete)],
      [weighted, { ...paramsOf(sparse), c: new Float64Array(40).fill(0.15) }],
      [sparse.data, paramsOf(sparse)],
      [empty, { a: new Float64Array([1.2, 0.8]), d: new Float64Array([0.3, -0.4]) }],
    ];
    for (const [data, params] of cases) {
      for (const count of [61, 21]) {
        const quadrature = quadratureOf(count, 0.2, 1.1);
        const expected = scoreRows(data, params, quadrature);
        for (const kind of ['wasm', 'js'] as const) {
          const kernel = createExpectationKernel(data, kind);
          const withRows = kernel.diagnostics(params, quadrature, { rowScores: true });
          const without = kernel.diagnostics(params, quadrature);
          expect(without.rowScores).toBeUndefined();
          expect(bits(withRows.rowScores?.theta), `${kind} θ̂, ${count} nodes`).toEqual(bits(expected.theta));
          expect(bits(withRows.rowScores?.sd), `${kind} SD`).toEqual(bits(expected.sd));
          expect(bits(withRows.rowScores?.lz), `${kind} lz`).toEqual(bits(expected.lz));
          // The rest of the pass is what it is without the row scores.
          expectIdentical(withRows.expectations, without.expectations);
          expect(bits(withRows.scoreOuter)).toEqual(bits(without.scoreOuter));
          expect(bits(withRows.sumT)).toEqual(bits(without.sumT));
        }
      }
    }
  });

  it('leaves scoreOuter 0 when not asked for, every other sum the same bits (both kernels, threads, weights 0, 3PL, odd nodes)', async () => {
    const bits = (x: Float64Array | undefined) => Array.from(new BigUint64Array((x as Float64Array).slice().buffer));
    const complete = simulateCalibrationData(createRandom(31), { items: 120, persons: 300 });
    const { sparse, weighted } = weightedPatterns(32, 13);
    const cases: [ResponseData, ItemParameterArrays][] = [
      [complete.data, paramsOf(complete)],
      [weighted, { ...paramsOf(sparse), c: new Float64Array(40).fill(0.2) }],
      [sparse.data, paramsOf(sparse)],
    ];
    const same = (x: DiagnosticStatistics, y: DiagnosticStatistics, what: string) => {
      expectIdentical(x.expectations, y.expectations);
      for (const key of Object.keys(x) as (keyof DiagnosticStatistics)[]) {
        if (key === 'expectations' || key === 'scoreOuter') continue;
        if (key === 'rowScores') {
          for (const part of ['theta', 'sd', 'lz'] as const) expect(bits(x.rowScores?.[part]), `${what} ${part}`).toEqual(bits(y.rowScores?.[part]));
        } else expect(bits(x[key]), `${what} ${key}`).toEqual(bits(y[key]));
      }
    };
    for (const [data, params] of cases) {
      for (const count of [61, 21]) {
        const quadrature = quadratureOf(count, -0.1, 1.2);
        for (const kind of ['wasm', 'js'] as const) {
          const kernel = createExpectationKernel(data, kind);
          for (const rowScores of [false, true]) {
            const all = kernel.diagnostics(params, quadrature, { rowScores });
            const fit = kernel.diagnostics(params, quadrature, { rowScores, scoreOuter: false });
            same(fit, all, `${kind}, ${count} nodes, rows ${rowScores}`);
            expect(fit.scoreOuter.every((v) => v === 0)).toBe(true);
            expect(all.scoreOuter.some((v) => v !== 0)).toBe(true);
          }
        }
      }
    }
    // Over worker threads (the option carried by the request), one shard inline or none.
    const [data, params] = cases[1]!;
    const quadrature = quadratureOf(61);
    for (const inline of [false, true]) {
      const runner = await createThreadedRunner(data, { threads: 2, minAnswersPerThread: 1, inline });
      try {
        const fit = await runner.diagnostics(params, quadrature, { rowScores: true, scoreOuter: false });
        expect(fit.scoreOuter.every((v) => v === 0)).toBe(true);
        const all = await runner.diagnostics(params, quadrature, { rowScores: true });
        same(fit, all, `threads, inline ${inline}`);
        expect(all.scoreOuter.some((v) => v !== 0)).toBe(true);
      } finally {
        await runner.close?.();
      }
    }
  });

  it("adds the fit sums in the kernel with addAnswerFit's arithmetic, bit for bit (2PL, 3PL, weights 0, odd nodes)", () => {
    const bits = (x: Float64Array | undefined) => Array.from(new BigUint64Array((x as Float64Array).slice().buffer));
    // The reference: each answer's node sums formed as $diagnose forms them (two lanes, even and odd nodes, then
    // lane 0 + lane 1), then addAnswerFit in answer order, as the kernel did before its $fit.
    const reference = (data: ResponseData, params: ItemParameterArrays, quadrature: Quadrature): DiagnosticSums => {
      const table = buildProbabilityTable(params, quadrature.nodes);
      const Q = quadrature.nodes.length;
      const sums = emptyDiagnosticSums(data.itemIds.length);
      expectationPass(data, quadrature, table, (row, w, like) => {
        for (let j = data.rowStart[row] as number; j < (data.rowStart[row + 1] as number); j++) {
          const i = data.items[j] as number;
          const y = data.scores[j] as number;
          const base = ((i << 1) | y) * Q;
          const rightBase = ((i << 1) | 1) * Q;
          const lanes = new Float64Array(8);
          for (let q = 0; q < Q; q++) {
            const lane = q & 1;
            const loo = (like[q] as number) * (1 / (table.values[base + q] as number));
            const right = loo * (table.values[rightBase + q] as number);
            const theta = quadrature.nodes[q] as number;
            lanes[lane] = (lanes[lane] as number) + loo;
            lanes[2 + lane] = (lanes[2 + lane] as number) + loo * theta;
            lanes[4 + lane] = (lanes[4 + lane] as number) + right;
            lanes[6 + lane] = (lanes[6 + lane] as number) + right * theta;
          }
          const sum = (k: number) => (lanes[2 * k] as number) + (lanes[2 * k + 1] as number);
          addAnswerFit(sums, params, i, y, w, sum(0), sum(1), sum(2), sum(3));
        }
      });
      return sums;
    };
    const complete = simulateCalibrationData(createRandom(41), { items: 60, persons: 300 });
    // Fractional weights (a weight of 1 would hide the order of w·loo·loo), every 11th 0.
    const { sparse, weighted } = weightedPatterns(42, 11, (r) => 0.7 + (r % 5) * 0.173);
    const cases: [ResponseData, ItemParameterArrays][] = [
      [complete.data, paramsOf(complete)],
      [weighted, { ...paramsOf(sparse), c: Float64Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 0 : 0.1 + i / 400)) }],
      [sparse.data, paramsOf(sparse)],
    ];
    for (const [data, params] of cases) {
      for (const count of [61, 21]) {
        const quadrature = quadratureOf(count, 0.3, 0.9);
        const expected = reference(data, params, quadrature);
        const kernel = createExpectationKernel(data, 'wasm');
        for (const options of [{ scoreOuter: false }, { rowScores: true }]) {
          const got = kernel.diagnostics(params, quadrature, options);
          for (const key of Object.keys(expected) as (keyof DiagnosticSums)[]) {
            if (key === 'scoreOuter') continue;
            expect(bits(got[key]), `${key}, ${count} nodes`).toEqual(bits(expected[key]));
          }
        }
      }
    }
  });

  it('gives the same calibration as the JavaScript kernel, in process and over worker threads', async () => {
    const sim = simulateCalibrationData(createRandom(14), { items: 30, persons: 6000, design: { kind: 'random', perPerson: 12 } });
    const js = await calibrate(sim.data, {}, { createRunner: (data) => createLocalRunner(data, { kernel: 'js' }) });
    const wasm = await calibrate(sim.data, {});
    expect(wasm.iterations).toBe(js.iterations);
    expect(wasm.logLik).toBe(js.logLik);
    wasm.items.forEach((item, i) => {
      expect(item.a).toBe(js.items[i]!.a);
      expect(item.d).toBe(js.items[i]!.d);
      // Fit statistics come from the diagnostic pass, whose sums over nodes differ by rounding.
      expect(Math.abs(item.infit! - js.items[i]!.infit!)).toBeLessThan(1e-9);
      expect(Math.abs(item.pointBiserial! - js.items[i]!.pointBiserial!)).toBeLessThan(1e-9);
      expect(Math.abs(item.se.b! - js.items[i]!.se.b!)).toBeLessThan(1e-9);
    });
    // Over worker threads: the same shards with either kernel give the same bits.
    const threads = (kernel: 'js' | 'wasm') =>
      calibrate(sim.data, {}, { createRunner: (data) => createThreadedRunner(data, { threads: 2, minAnswersPerThread: 1, kernel }) });
    const [threadedJs, threadedWasm] = [await threads('js'), await threads('wasm')];
    expect(threadedWasm.logLik).toBe(threadedJs.logLik);
    threadedWasm.items.forEach((item, i) => {
      expect(item.a).toBe(threadedJs.items[i]!.a);
      expect(item.d).toBe(threadedJs.items[i]!.d);
      expect(Math.abs(item.b - wasm.items[i]!.b)).toBeLessThan(1e-8);
    });
  });

  it("warms a worker's kernel up on shards shorter than its 2,000 rows, weighted or not, leaving the shard's sums as they were", () => {
    const data = weightedPatterns(12, 5).weighted;
    const quadrature = quadratureOf(21);
    const params = { a: new Float64Array(40).fill(1.2), d: new Float64Array(40).fill(0.3) };
    const kernel = createExpectationKernel(data);
    const before = kernel.expectations(params, quadrature);
    warmUp(data, 40);
    warmUp(simulateCalibrationData(createRandom(13), { items: 40, persons: 50, design: { kind: 'random', perPerson: 7 } }).data, 40);
    const after = kernel.expectations(params, quadrature);
    expect(after.r).toEqual(before.r);
    expect(after.n).toEqual(before.n);
    expect(Object.is(after.logLik, before.logLik)).toBe(true);
  });
});
