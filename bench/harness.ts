/**
 * Shared by the calibration benchmarks: runs a calibration over worker threads while counting and
 * timing its E-steps, measures reference E-steps in the same run (the same kernel in one thread,
 * and a naive textbook E-step), and prints the figures. Benchmarks print; they do not assert.
 */
import {
  calibrate,
  collapsePatterns,
  computeShardExpectations,
  sliceRows,
  type CalibrationResult,
  type CalibrationSettings,
  type EStepRunner,
  type ItemParameterArrays,
  type Quadrature,
  type ResponseData,
} from '../engine/calibration';
import { createThreadedRunner } from '../engine/calibration/parallel';
import { gridNodes, normalWeights } from '../engine/irt';
import type { SimulatedCalibrationData } from '../engine/simulation';

export function secondsSince(from: number): number {
  return (performance.now() - from) / 1000;
}

/** Peak resident memory of the process (worker threads included), in MiB. */
export function peakMemoryMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export interface TimedCalibration {
  readonly wallSeconds: number;
  readonly result: CalibrationResult;
  readonly threads: number;
  /** Seconds of every E-step the run asked for (EM cycles, SQUAREM extrapolations, standard errors). */
  readonly eStepSeconds: number[];
}

/** calibrate() over worker threads, with its E-steps counted and timed. */
export async function timedCalibration(data: ResponseData, settings: CalibrationSettings): Promise<TimedCalibration> {
  const eStepSeconds: number[] = [];
  let threads = 1;
  const started = performance.now();
  const result = await calibrate(data, settings, {
    hooks: { now: () => performance.now(), timeStandardErrors: true },
    createRunner: async (prepared): Promise<EStepRunner> => {
      const runner = await createThreadedRunner(prepared);
      threads = runner.threads;
      return {
        ...runner,
        expectations: async (params, quadrature) => {
          const t = performance.now();
          const stats = await runner.expectations(params, quadrature);
          eStepSeconds.push(secondsSince(t));
          return stats;
        },
      };
    },
  });
  return { wallSeconds: secondsSince(started), result, threads, eStepSeconds };
}

/**
 * The textbook E-step: every person separately, every node, the likelihood from exp/log of each
 * answer's probability computed afresh; no probability table, no pattern collapse, one thread.
 */
export function naiveEStep(data: ResponseData, params: ItemParameterArrays, quadrature: Quadrature): { r: Float64Array; n: Float64Array } {
  const Q = quadrature.nodes.length;
  const r = new Float64Array(data.itemIds.length * Q);
  const n = new Float64Array(data.itemIds.length * Q);
  const logLike = new Float64Array(Q);
  const post = new Float64Array(Q);
  for (let row = 0; row < data.rowStart.length - 1; row++) {
    const start = data.rowStart[row] as number;
    const end = data.rowStart[row + 1] as number;
    let top = -Infinity;
    for (let q = 0; q < Q; q++) {
      let sum = Math.log(quadrature.weights[q] as number);
      for (let j = start; j < end; j++) {
        const i = data.items[j] as number;
        const p = 1 / (1 + Math.exp(-((params.a[i] as number) * (quadrature.nodes[q] as number) + (params.d[i] as number))));
        sum += data.scores[j] === 1 ? Math.log(p) : Math.log(1 - p);
      }
      logLike[q] = sum;
      if (sum > top) top = sum;
    }
    let total = 0;
    for (let q = 0; q < Q; q++) {
      post[q] = Math.exp((logLike[q] as number) - top);
      total += post[q] as number;
    }
    for (let j = start; j < end; j++) {
      const i = data.items[j] as number;
      for (let q = 0; q < Q; q++) {
        const v = (post[q] as number) / total;
        n[i * Q + q] = (n[i * Q + q] as number) + v;
        if (data.scores[j] === 1) r[i * Q + q] = (r[i * Q + q] as number) + v;
      }
    }
  }
  return { r, n };
}

export interface ReferenceFigures {
  /** Seconds per answer per node of one E-step. */
  readonly naive: number;
  readonly kernelOneThread: number;
}

/** Times the references on (a prefix of) the data, at the true parameters. */
export function referenceTimings(sim: SimulatedCalibrationData, rows: number): ReferenceFigures {
  const data = sliceRows(sim.data, 0, Math.min(rows, sim.data.rowStart.length - 1));
  const answers = data.items.length;
  const nodes = gridNodes(-6, 6, 61);
  const quadrature = { nodes, weights: normalWeights(nodes) };
  const params = { a: Float64Array.from(sim.items, (i) => i.a), d: Float64Array.from(sim.items, (i) => i.d) };
  let t = performance.now();
  naiveEStep(data, params, quadrature);
  const naive = secondsSince(t) / (answers * 61);
  const collapsed = collapsePatterns(data).data;
  computeShardExpectations(collapsed, params, quadrature); // warm-up
  t = performance.now();
  const repeats = 3;
  for (let k = 0; k < repeats; k++) computeShardExpectations(collapsed, params, quadrature);
  const kernelOneThread = secondsSince(t) / repeats / (answers * 61);
  return { naive, kernelOneThread };
}

export function rmse(sim: SimulatedCalibrationData, result: CalibrationResult, pick: (p: { a: number; b: number }) => number): number {
  let sum = 0;
  sim.items.forEach((truth, i) => (sum += (pick(result.items[i]!) - pick(truth)) ** 2));
  return Math.sqrt(sum / sim.items.length);
}

export function report(
  title: string,
  sim: SimulatedCalibrationData,
  run: TimedCalibration,
  reference: ReferenceFigures,
  extra: Record<string, string> = {},
): void {
  const { result } = run;
  const Q = result.quadrature.nodes.length;
  // The median E-step: the first one also pays for starting the worker threads.
  const sorted = [...run.eStepSeconds].sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  const perAnswerNode = median / (result.answers * Q);
  const lines: [string, string][] = [
    ['data', `${sim.items.length} items, ${result.persons} persons, ${result.answers} answers`],
    ['model', `${result.model}, priors ${result.settings.priors.slope ? 'on' : 'off'}, ${Q} nodes, tolerance ${result.settings.tolerance}`],
    ['wall seconds', run.wallSeconds.toFixed(2)],
    ['engine seconds', (result.seconds ?? NaN).toFixed(2)],
    ['peak memory (maxRSS)', `${peakMemoryMiB().toFixed(0)} MiB`],
    ['EM cycles (iterations)', `${result.iterations}, converged ${result.converged}`],
    [
      'E-steps',
      `${sorted.length} on ${run.threads} worker threads: first ${(run.eStepSeconds[0] as number).toFixed(3)} s (starts the threads), median ${median.toFixed(3)} s`,
    ],
    ['E-step time per answer per node', `${(perAnswerNode * 1e9).toFixed(2)} ns (median E-step)`],
    [
      'reference: same kernel, one thread',
      `${(reference.kernelOneThread * 1e9).toFixed(2)} ns per answer per node (threads give ×${(reference.kernelOneThread / perAnswerNode).toFixed(2)})`,
    ],
    [
      'reference: naive E-step, one thread',
      `${(reference.naive * 1e9).toFixed(2)} ns per answer per node (engine is ×${(reference.naive / perAnswerNode).toFixed(1)} faster)`,
    ],
    ['standard errors', result.standardErrors],
    ['RMSE vs truth', `b ${rmse(sim, result, (p) => p.b).toFixed(4)}, a ${rmse(sim, result, (p) => p.a).toFixed(4)}`],
    ...Object.entries(extra),
  ];
  console.log(`\n${title}`);
  for (const [name, value] of lines) console.log(`  ${name.padEnd(38)} ${value}`);
}
