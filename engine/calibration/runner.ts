/**
 * Where the heavy passes over the data run. The EM driver only talks to an EStepRunner, so the
 * same driver works in-process, over worker threads, or over shards computed on other machines
 * (a runner whose methods fan out shards and merge the answers).
 */
import type { ResponseData } from './data';
import { createExpectationKernel, type KernelKind } from './estep-wasm';
import { exactCovariance, type ExactCovariance } from './exact-covariance';
import type { ModelState, MStepSettings } from './mstep';
import {
  computeShardSummary,
  type DataSummary,
  type DiagnosticOptions,
  type DiagnosticStatistics,
  type ItemParameterArrays,
  type Quadrature,
  type SufficientStatistics,
} from './kernel';

type MaybePromise<T> = T | Promise<T>;

export interface EStepRunner {
  readonly itemIds: readonly string[];
  /** Parameter-free counts (answers and correct answers per item, persons). */
  summary(): MaybePromise<DataSummary>;
  /** E-step: expected counts at these parameters, over all the data. */
  expectations(params: ItemParameterArrays, quadrature: Quadrature): MaybePromise<SufficientStatistics>;
  /**
   * Final pass: fit, point-biserial and information sums at these parameters; with `rowScores` (when the
   * runner holds the data and can), also each row's θ̂, SD and lz. A runner may ignore the option.
   */
  diagnostics(params: ItemParameterArrays, quadrature: Quadrature, options?: DiagnosticOptions): MaybePromise<DiagnosticStatistics>;
  /**
   * The exact observed information's covariance groups (exact-covariance.ts) over all the data, when
   * the runner can compute it (it holds the data); `now` times its parts.
   */
  exactCovariance?(state: ModelState, settings: MStepSettings, nodes: Float64Array, now?: () => number): MaybePromise<ExactCovariance>;
  /**
   * The final pass and the exact covariance in one walk over the data, where the runner can (the threaded
   * runner: the Louis pass reads the final pass's posteriors instead of forming its own). The diagnostics are
   * those of `diagnostics` bit for bit; the covariance that of `exactCovariance` to rounding (the two passes'
   * posteriors agree to rounding, not bit for bit). `now` times its parts (the pass then includes the final pass).
   */
  diagnosticsWithCovariance?(
    params: ItemParameterArrays,
    quadrature: Quadrature,
    options: DiagnosticOptions | undefined,
    state: ModelState,
    settings: MStepSettings,
    now?: () => number,
  ): Promise<{ readonly diagnostics: DiagnosticStatistics; readonly covariance: ExactCovariance }>;
  /**
   * Called once before the EM when the run will end with diagnosticsWithCovariance at this model's shape (`state`:
   * the starting values): the runner may prepare that pass meanwhile (the threaded runner: its shared matrix, whose
   * pages a low-priority thread touches in the EM's idle core time). Changes no result.
   */
  prepareCovariance?(state: ModelState, settings: MStepSettings, nodes: Float64Array): void;
  /**
   * The M-step (mstep.ts) where the runner can share it out (threads of its own, idle meanwhile): the same ModelState
   * as mStep's, bit for bit. Absent: the driver calls mStep itself.
   */
  mStep?(stats: SufficientStatistics, current: ModelState, quadrature: Quadrature, settings: MStepSettings): MaybePromise<ModelState>;
  /** Releases threads or connections, if any. */
  close?(): MaybePromise<void>;
}

/** Which kernels a runner uses. */
export interface KernelOptions {
  /** The E-step kernel: WebAssembly SIMD (the default) or the JavaScript reference ('js'). */
  readonly kernel?: KernelKind;
  /** The exact standard errors' Louis pass: WebAssembly SIMD or JavaScript (default: as `kernel`). */
  readonly exactKernel?: KernelKind;
}

/**
 * Runs every pass in the calling thread. The kernel (WebAssembly by default, `kernel: 'js'` for the
 * JavaScript reference) is made once, on the first pass.
 */
export function createLocalRunner(data: ResponseData, options: KernelOptions = {}): EStepRunner {
  let kernel: ReturnType<typeof createExpectationKernel> | null = null;
  return {
    itemIds: data.itemIds,
    summary: () => computeShardSummary(data),
    expectations: (params, quadrature) => (kernel ??= createExpectationKernel(data, options.kernel)).expectations(params, quadrature),
    diagnostics: (params, quadrature, diagnosticOptions) =>
      (kernel ??= createExpectationKernel(data, options.kernel)).diagnostics(params, quadrature, diagnosticOptions),
    exactCovariance: (state, settings, nodes, now) => exactCovariance(data, state, settings, nodes, now, options.exactKernel ?? options.kernel),
  };
}
