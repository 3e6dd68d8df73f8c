/**
 * Shared by the calibration benchmarks: runs a calibration over worker threads while counting and
 * timing its E-steps, measures reference E-steps in the same run (the same kernel in one thread,
 * the previous JavaScript kernel in one thread, and a naive textbook E-step), and prints the
 * figures. Benchmarks print; they do not assert.
 */
import { availableParallelism, loadavg } from 'node:os';
import {
  calibrate,
  collapsePatterns,
  createExpectationKernel,
  sliceRows,
  type CalibrationResult,
  type CalibrationSettings,
  type EStepRunner,
  type ItemParameterArrays,
  type KernelKind,
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
  /** From the start to the final diagnostic pass: pattern collapse, threads' start, EM cycles. */
  readonly emSeconds: number;
  /** The final diagnostic pass (fit statistics, the last log-likelihood). */
  readonly diagnosticsSeconds: number;
  readonly result: CalibrationResult;
  readonly threads: number;
  readonly kernel: KernelKind;
  /** Seconds of every E-step the run asked for (EM cycles, SQUAREM extrapolations, standard errors). */
  readonly eStepSeconds: number[];
  /** Load average (1 min) when the run ended. */
  readonly load: number;
}

/** calibrate() over worker threads, with its E-steps counted and timed. */
export async function timedCalibration(data: ResponseData, settings: CalibrationSettings, kernel: KernelKind = 'wasm'): Promise<TimedCalibration> {
  const eStepSeconds: number[] = [];
  let threads = 1;
  let diagnosticsStarted = NaN;
  let diagnosticsSeconds = NaN;
  const started = performance.now();
  const result = await calibrate(data, settings, {
    hooks: { now: () => performance.now(), timeStandardErrors: true },
    createRunner: async (prepared): Promise<EStepRunner> => {
      const runner = await createThreadedRunner(prepared, { kernel });
      threads = runner.threads;
      return {
        ...runner,
        expectations: async (params, quadrature) => {
          const t = performance.now();
          const stats = await runner.expectations(params, quadrature);
          eStepSeconds.push(secondsSince(t));
          return stats;
        },
        diagnostics: async (params, quadrature) => {
          diagnosticsStarted = performance.now();
          const stats = await runner.diagnostics(params, quadrature);
          diagnosticsSeconds = secondsSince(diagnosticsStarted);
          return stats;
        },
      };
    },
  });
  const wallSeconds = secondsSince(started);
  return {
    wallSeconds,
    emSeconds: (diagnosticsStarted - started) / 1000,
    diagnosticsSeconds,
    result,
    threads,
    kernel,
    eStepSeconds,
    load: loadavg()[0] as number,
  };
}

/** Median E-step of a run, per answer per quadrature node, in seconds. */
export function medianEStepPerAnswerNode(run: TimedCalibration): number {
  const sorted = [...run.eStepSeconds].sort((x, y) => x - y);
  return (sorted[Math.floor(sorted.length / 2)] as number) / (run.result.answers * run.result.quadrature.nodes.length);
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
  /** The previous kernel (JavaScript), one thread. */
  readonly jsOneThread: number;
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
  const timeKernel = (kind: KernelKind): number => {
    const kernel = createExpectationKernel(collapsed, kind);
    kernel.expectations(params, quadrature); // warm-up
    const started = performance.now();
    const repeats = 3;
    for (let k = 0; k < repeats; k++) kernel.expectations(params, quadrature);
    return secondsSince(started) / repeats / (answers * 61);
  };
  // Alternated, so that both see the same moments of a shared machine.
  const js1 = timeKernel('js');
  const wasm1 = timeKernel('wasm');
  const js2 = timeKernel('js');
  const wasm2 = timeKernel('wasm');
  return { naive, kernelOneThread: Math.min(wasm1, wasm2), jsOneThread: Math.min(js1, js2) };
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
  previous?: TimedCalibration,
): void {
  const { result } = run;
  const Q = result.quadrature.nodes.length;
  // The median E-step: the first one also pays for starting the worker threads.
  const sorted = [...run.eStepSeconds].sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  const perAnswerNode = medianEStepPerAnswerNode(run);
  const ns = (seconds: number): string => `${(seconds * 1e9).toFixed(2)} ns`;
  const lines: [string, string][] = [
    ['data', `${sim.items.length} items, ${result.persons} persons, ${result.answers} answers`],
    ['model', `${result.model}, priors ${result.settings.priors.slope ? 'on' : 'off'}, ${Q} nodes, tolerance ${result.settings.tolerance}`],
    ['E-step kernel', run.kernel === 'wasm' ? 'WebAssembly SIMD' : 'JavaScript'],
    ['wall seconds', run.wallSeconds.toFixed(2)],
    [
      '  of which',
      `EM ${run.emSeconds.toFixed(2)} s (collapse, threads' start, cycles), diagnostic pass ${run.diagnosticsSeconds.toFixed(2)} s, standard errors and reports ${(run.wallSeconds - run.emSeconds - run.diagnosticsSeconds).toFixed(2)} s`,
    ],
    ['engine seconds', (result.seconds ?? NaN).toFixed(2)],
    ['peak memory (maxRSS)', `${peakMemoryMiB().toFixed(0)} MiB`],
    ['EM cycles (iterations)', `${result.iterations}, converged ${result.converged}`],
    [
      'E-steps',
      `${sorted.length} on ${run.threads} worker threads: first ${(run.eStepSeconds[0] as number).toFixed(3)} s (starts the threads), median ${median.toFixed(3)} s`,
    ],
    ['E-step time per answer per node', `${ns(perAnswerNode)} (median E-step)`],
    [
      'reference: same kernel, one thread',
      `${ns(reference.kernelOneThread)} per answer per node (threads give ×${(reference.kernelOneThread / perAnswerNode).toFixed(2)})`,
    ],
    [
      'reference: previous kernel (JS), one thread',
      `${ns(reference.jsOneThread)} per answer per node (this kernel is ×${(reference.jsOneThread / reference.kernelOneThread).toFixed(2)} faster)`,
    ],
    ['reference: naive E-step, one thread', `${ns(reference.naive)} per answer per node (engine is ×${(reference.naive / perAnswerNode).toFixed(1)} faster)`],
    ['standard errors', result.standardErrors],
    ['RMSE vs truth', `b ${rmse(sim, result, (p) => p.b).toFixed(4)}, a ${rmse(sim, result, (p) => p.a).toFixed(4)}`],
    ...Object.entries(extra),
  ];
  if (previous !== undefined) {
    let db = 0;
    let da = 0;
    result.items.forEach((item, i) => {
      db = Math.max(db, Math.abs(item.b - previous.result.items[i]!.b));
      da = Math.max(da, Math.abs(item.a - previous.result.items[i]!.a));
    });
    const previousPerAnswerNode = medianEStepPerAnswerNode(previous);
    lines.push(
      [
        'reference: previous kernel (JS), same run',
        `wall ${previous.wallSeconds.toFixed(2)} s (×${(previous.wallSeconds / run.wallSeconds).toFixed(2)}), EM ${previous.emSeconds.toFixed(2)} s (×${(previous.emSeconds / run.emSeconds).toFixed(2)}), diagnostic pass ${previous.diagnosticsSeconds.toFixed(2)} s (×${(previous.diagnosticsSeconds / run.diagnosticsSeconds).toFixed(2)}), median E-step ${ns(previousPerAnswerNode)} per answer per node (×${(previousPerAnswerNode / perAnswerNode).toFixed(2)}), ${previous.result.iterations} cycles`,
      ],
      ['  estimates against the previous kernel', `max |Δb| ${db.toExponential(1)}, max |Δa| ${da.toExponential(1)}`],
      ['  load average (1 min) after each run', `previous ${previous.load.toFixed(2)}, this ${run.load.toFixed(2)} on ${availableParallelism()} cores`],
    );
  }
  console.log(`\n${title}`);
  for (const [name, value] of lines) console.log(`  ${name.padEnd(44)} ${value}`);
}
