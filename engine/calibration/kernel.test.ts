/** The E-step is a sum over persons: shards, collapsed patterns and threads must all agree. */
import { describe, expect, it } from 'vitest';
import {
  calibrate,
  collapsePatterns,
  computeShardDiagnostics,
  computeShardExpectations,
  createLocalRunner,
  mergeDiagnostics,
  mergeStatistics,
  responseDataFromRows,
  shardBoundaries,
  sliceRows,
  type SufficientStatistics,
} from '.';
import { createThreadedRunner } from './parallel';
import { gridNodes, normalWeights, posteriorOnGrid, type ItemResponse } from '../irt';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';

const sim = simulateCalibrationData(createRandom(5), { items: 30, persons: 4000, design: { kind: 'random', perPerson: 12 } });
const params = { a: Float64Array.from(sim.items, (i) => i.a), d: Float64Array.from(sim.items, (i) => i.d) };
const nodes = gridNodes(-6, 6, 61);
const quadrature = { nodes, weights: normalWeights(nodes) };

function expectSameStatistics(x: SufficientStatistics, y: SufficientStatistics): void {
  expect(x.logLik).toBeCloseTo(y.logLik, 6);
  expect(x.persons).toBeCloseTo(y.persons, 9);
  for (let k = 0; k < x.r.length; k++) {
    expect(Math.abs(x.r[k]! - y.r[k]!)).toBeLessThan(1e-9 * (1 + Math.abs(y.r[k]!)));
    expect(Math.abs(x.n[k]! - y.n[k]!)).toBeLessThan(1e-9 * (1 + Math.abs(y.n[k]!)));
  }
}

describe('E-step', () => {
  it('gives each row the marginal likelihood that direct integration gives', () => {
    const data = responseDataFromRows(['x', 'y', 'z'], [{ answers: { x: 1, y: 0 } }, { answers: { z: 1 } }, { answers: { x: 0, y: 1, z: 0 } }]);
    const p = { a: Float64Array.of(1.2, 0.7, 2.1), d: Float64Array.of(0.3, -0.4, 1.1) };
    const stats = computeShardExpectations(data, p, quadrature);
    let direct = 0;
    for (let r = 0; r < 3; r++) {
      const responses: ItemResponse[] = [];
      for (let j = data.rowStart[r]!; j < data.rowStart[r + 1]!; j++) {
        const i = data.items[j]!;
        responses.push({ a: p.a[i]!, d: p.d[i]!, score: data.scores[j] as 0 | 1 });
      }
      direct += posteriorOnGrid(responses, { grid: { min: -6, max: 6, points: 61 } }).logMarginal;
    }
    expect(stats.logLik).toBeCloseTo(direct, 10);
    // Every answer distributes one person over the nodes.
    const totalN = stats.n.reduce((s, v) => s + v, 0);
    expect(totalN).toBeCloseTo(6, 10);
  });

  it('shards computed separately and merged equal the whole', () => {
    const whole = computeShardExpectations(sim.data, params, quadrature);
    const bounds = shardBoundaries(sim.data, 3);
    const parts = [0, 1, 2].map((k) => computeShardExpectations(sliceRows(sim.data, bounds[k]!, bounds[k + 1]!), params, quadrature));
    expectSameStatistics(mergeStatistics(parts), whole);
    const diagnostics = mergeDiagnostics([0, 1, 2].map((k) => computeShardDiagnostics(sliceRows(sim.data, bounds[k]!, bounds[k + 1]!), params, quadrature)));
    const direct = computeShardDiagnostics(sim.data, params, quadrature);
    for (let i = 0; i < 30; i++) expect(diagnostics.squaredResidual[i]).toBeCloseTo(direct.squaredResidual[i]!, 9);
  });

  it('collapsing identical patterns into weighted rows changes nothing', () => {
    const complete = simulateCalibrationData(createRandom(6), { items: 4, persons: 3000 });
    const { data, patternOfRow } = collapsePatterns(complete.data);
    expect(data.rowStart.length - 1).toBeLessThanOrEqual(16);
    expect(patternOfRow.length).toBe(3000);
    const p = { a: Float64Array.from(complete.items, (i) => i.a), d: Float64Array.from(complete.items, (i) => i.d) };
    expectSameStatistics(computeShardExpectations(data, p, quadrature), computeShardExpectations(complete.data, p, quadrature));
  });

  it('worker threads give the same statistics as the calling thread', async () => {
    const runner = await createThreadedRunner(sim.data, { threads: 2, minAnswersPerThread: 1 });
    try {
      expect(runner.threads).toBe(2);
      expectSameStatistics(await runner.expectations(params, quadrature), await createLocalRunner(sim.data).expectations(params, quadrature));
      const diagnostics = await runner.diagnostics(params, quadrature);
      expect(diagnostics.expectations.logLik).toBeCloseTo(computeShardExpectations(sim.data, params, quadrature).logLik, 6);
    } finally {
      await runner.close?.();
    }
  });

  it('a calibration over threads matches one in the calling thread', async () => {
    const { calibrateInThreads } = await import('./parallel');
    const settings = { standardErrors: 'louis-block' } as const;
    const local = await calibrate(sim.data, settings);
    const threaded = await calibrateInThreads(sim.data, settings, { threads: 2, minAnswersPerThread: 1 });
    expect(threaded.iterations).toBe(local.iterations);
    expect(threaded.logLik).toBeCloseTo(local.logLik, 6);
    threaded.items.forEach((item, i) => {
      expect(item.b).toBeCloseTo(local.items[i]!.b, 7);
      expect(item.se.b!).toBeCloseTo(local.items[i]!.se.b!, 7);
      expect(item.infit!).toBeCloseTo(local.items[i]!.infit!, 7);
    });
  });

  it('threads started before the data (startThreads), and this thread computing a shard, give the same bits as threads started with it', async () => {
    const { calibrateInThreads, startThreads } = await import('./parallel');
    const options = { threads: 2, minAnswersPerThread: 1, rowScores: true } as const;
    const fresh = await calibrateInThreads(sim.data, {}, options);
    // Three started, two taken (the runner's threads, closed with it), one left for close().
    const pool = startThreads(3);
    const ahead = await calibrateInThreads(sim.data, {}, { ...options, pool });
    expect(pool.take(5)).toHaveLength(1);
    await pool.close();
    // A pool with fewer threads than the runner wants: the runner starts the others.
    const short = startThreads(1);
    const mixed = await calibrateInThreads(sim.data, {}, { ...options, pool: short });
    expect(short.take(1)).toHaveLength(0);
    // This thread computing the last shard itself (inline), with or without a pool: the same bits too.
    const inline = await calibrateInThreads(sim.data, {}, { ...options, inline: true });
    const inlinePool = startThreads(1);
    const inlineAhead = await calibrateInThreads(sim.data, {}, { ...options, inline: true, threads: 3, pool: inlinePool });
    expect(inlinePool.take(1)).toHaveLength(0);
    const three = await calibrateInThreads(sim.data, {}, { ...options, threads: 3 });
    expect(inlineAhead.logLik).toBe(three.logLik);
    expect(inlineAhead.items.map((item) => [item.a, item.d, item.se.a, item.se.d])).toEqual(three.items.map((item) => [item.a, item.d, item.se.a, item.se.d]));
    expect(inlineAhead.rowScores?.lz).toEqual(three.rowScores?.lz);
    for (const result of [ahead, mixed, inline]) {
      expect(result.logLik).toBe(fresh.logLik);
      expect(result.items.map((item) => [item.a, item.d, item.se.a, item.se.d, item.infit])).toEqual(
        fresh.items.map((item) => [item.a, item.d, item.se.a, item.se.d, item.infit]),
      );
      expect(result.rowScores?.theta).toEqual(fresh.rowScores?.theta);
      expect(result.rowScores?.lz).toEqual(fresh.rowScores?.lz);
    }
  });
});
