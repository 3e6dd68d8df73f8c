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
  /** The final pass ran with the Louis pass (diagnosticsWithCovariance): its seconds are in the Louis pass's. */
  readonly fused?: boolean;
  readonly result: CalibrationResult;
  readonly threads: number;
  readonly kernel: KernelKind;
  /** The exact standard errors' kernel (the Louis pass). */
  readonly exactKernel: KernelKind;
  /** Seconds of every E-step the run asked for (EM cycles, SQUAREM extrapolations, standard errors). */
  readonly eStepSeconds: number[];
  /** Load average (1 min) when the run ended. */
  readonly load: number;
  /** The process's CPU seconds (every thread) and minor page faults: up to the final pass, then that pass and the SEs' factorisation. */
  readonly usage?: { readonly emCpu: number; readonly emFaults: number; readonly finalCpu: number; readonly finalFaults: number };
}

/** calibrate() over worker threads, with its E-steps counted and timed (`exactKernel`: the Louis pass's kernel, default as `kernel`). */
export async function timedCalibration(
  data: ResponseData,
  settings: CalibrationSettings,
  kernel: KernelKind = 'wasm',
  exactKernel: KernelKind = kernel,
): Promise<TimedCalibration> {
  const eStepSeconds: number[] = [];
  let threads = 1;
  let diagnosticsStarted = NaN;
  let diagnosticsSeconds = NaN;
  let fused = false;
  const started = performance.now();
  const usageAt: NodeJS.ResourceUsage[] = [process.resourceUsage()];
  const result = await calibrate(data, settings, {
    hooks: { now: () => performance.now(), timeStandardErrors: true },
    createRunner: async (prepared): Promise<EStepRunner> => {
      const runner = await createThreadedRunner(prepared, { kernel, exactKernel });
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
        // The final pass fused with the exact SEs' Louis pass (h45): its seconds are in the Louis pass's;
        // --separate-passes runs them one after the other, as before.
        diagnosticsWithCovariance: process.argv.includes('--separate-passes')
          ? undefined
          : async (params, quadrature, options, state, mSettings, now) => {
              diagnosticsStarted = performance.now();
              diagnosticsSeconds = 0;
              fused = true;
              usageAt.push(process.resourceUsage());
              const out = await runner.diagnosticsWithCovariance!(params, quadrature, options, state, mSettings, now);
              usageAt.push(process.resourceUsage());
              return out;
            },
      };
    },
  });
  const wallSeconds = secondsSince(started);
  return {
    wallSeconds,
    emSeconds: (diagnosticsStarted - started) / 1000,
    diagnosticsSeconds,
    fused,
    result,
    threads,
    kernel,
    exactKernel,
    eStepSeconds,
    load: loadavg()[0] as number,
    ...(usageAt.length === 3 ? { usage: usageBetween(usageAt) } : {}),
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

/** The exact SEs' kernel picked on the command line (`--exact-kernel js|wasm`, default wasm). */
export function exactKernelArgument(argv: readonly string[]): KernelKind {
  const at = argv.indexOf('--exact-kernel');
  const value = at === -1 ? 'wasm' : argv[at + 1];
  if (value !== 'js' && value !== 'wasm') throw new Error('--exact-kernel takes js or wasm');
  return value;
}

/** `--rounds N` (default 1). */
export function roundsArgument(argv: readonly string[]): number {
  const at = argv.indexOf('--rounds');
  const rounds = at === -1 ? 1 : Number(argv[at + 1]);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a positive integer');
  return rounds;
}

/** A run's seconds by phase: EM, the final pass, the exact SEs' Louis pass and factorisation, the rest. */
/** CPU seconds and minor page faults from usage[0] to usage[1] (the EM) and from usage[1] to usage[2] (the final pass and the SEs). */
function usageBetween(usage: readonly NodeJS.ResourceUsage[]): NonNullable<TimedCalibration['usage']> {
  const [start, pass, end] = usage as [NodeJS.ResourceUsage, NodeJS.ResourceUsage, NodeJS.ResourceUsage];
  const cpu = (x: NodeJS.ResourceUsage, y: NodeJS.ResourceUsage) => (y.userCPUTime + y.systemCPUTime - x.userCPUTime - x.systemCPUTime) / 1e6;
  return {
    emCpu: cpu(start, pass),
    emFaults: pass.minorPageFault - start.minorPageFault,
    finalCpu: cpu(pass, end),
    finalFaults: end.minorPageFault - pass.minorPageFault,
  };
}

export function phaseSeconds(run: TimedCalibration): string {
  const parts = run.result.standardErrorsSeconds;
  const exact = parts === undefined ? 0 : parts.pass + parts.factorisation;
  return [
    `wall ${run.wallSeconds.toFixed(2)} s: EM ${run.emSeconds.toFixed(2)}`,
    `final pass ${run.fused === true ? 'in the Louis pass' : run.diagnosticsSeconds.toFixed(2)}`,
    ...(parts === undefined
      ? []
      : [`${run.fused === true ? 'final + Louis pass' : 'Louis pass'} ${parts.pass.toFixed(2)}`, `factorisation ${parts.factorisation.toFixed(2)}`]),
    `rest ${(run.wallSeconds - run.emSeconds - run.diagnosticsSeconds - exact).toFixed(2)} (load ${run.load.toFixed(2)})`,
    ...(run.usage === undefined
      ? []
      : [
          `CPU s and minor faults: EM ${run.usage.emCpu.toFixed(2)} / ${run.usage.emFaults}, ` +
            `final + Louis pass + factorisation ${run.usage.finalCpu.toFixed(2)} / ${run.usage.finalFaults}`,
        ]),
  ].join(', ');
}

/**
 * The exact standard errors' two kernels back to back (`--compare-exact-kernels`): the same calibration
 * with the Louis pass in JavaScript, then in WebAssembly (the E-step in WebAssembly for both),
 * alternated `rounds` times. Returns the last WebAssembly run and the lines to print.
 */
export async function compareExactKernels(
  data: ResponseData,
  settings: CalibrationSettings,
  rounds: number,
): Promise<{ readonly last: TimedCalibration; readonly lines: Record<string, string> }> {
  const runs: { js: TimedCalibration[]; wasm: TimedCalibration[] } = { js: [], wasm: [] };
  for (let round = 0; round < rounds; round++) {
    for (const kind of ['js', 'wasm'] as const) runs[kind].push(await timedCalibration(data, settings, 'wasm', kind));
  }
  const lines: Record<string, string> = {};
  for (const kind of ['js', 'wasm'] as const) runs[kind].forEach((run, k) => (lines[`exact SEs' kernel ${kind}, round ${k + 1}`] = phaseSeconds(run)));
  const best = (kind: 'js' | 'wasm', pick: (run: TimedCalibration) => number) => Math.min(...runs[kind].map(pick));
  const pass = (run: TimedCalibration) => run.result.standardErrorsSeconds?.pass ?? NaN;
  const factorisation = (run: TimedCalibration) => run.result.standardErrorsSeconds?.factorisation ?? NaN;
  const wall = (run: TimedCalibration) => run.wallSeconds;
  lines['  JavaScript / WebAssembly (best of each)'] =
    `Louis pass ×${(best('js', pass) / best('wasm', pass)).toFixed(2)}, factorisation ×${(best('js', factorisation) / best('wasm', factorisation)).toFixed(2)}, ` +
    `wall ×${(best('js', wall) / best('wasm', wall)).toFixed(2)}`;
  const last = runs.wasm[runs.wasm.length - 1] as TimedCalibration;
  const reference = runs.js[runs.js.length - 1] as TimedCalibration;
  let worst = 0;
  last.result.items.forEach((item, i) => {
    for (const key of ['a', 'b'] as const) {
      const expected = reference.result.items[i]?.se[key];
      const value = item.se[key];
      if (typeof expected === 'number' && typeof value === 'number') worst = Math.max(worst, Math.abs(value - expected) / expected);
    }
  });
  lines['  SEs, WebAssembly against JavaScript'] = `max relative |Δ| ${worst.toExponential(1)} (a and b of every item)`;
  return { last, lines };
}

/**
 * The benches' main run: with `--compare-exact-kernels` both exact kernels back to back (the run is the
 * last WebAssembly one), else one run with `--exact-kernel`'s; and the lines that describe it.
 */
export async function exactKernelRuns(
  data: ResponseData,
  settings: CalibrationSettings,
  argv: readonly string[],
): Promise<{ readonly run: TimedCalibration; readonly lines: Record<string, string> }> {
  const comparison = argv.includes('--compare-exact-kernels') ? await compareExactKernels(data, settings, roundsArgument(argv)) : undefined;
  const run = comparison?.last ?? (await timedCalibration(data, settings, 'wasm', exactKernelArgument(argv)));
  return {
    run,
    lines: {
      'exact SEs kernel (Louis pass, factorisation)': run.exactKernel === 'wasm' ? 'WebAssembly SIMD' : 'JavaScript',
      'by phase': phaseSeconds(run),
      ...comparison?.lines,
    },
  };
}
