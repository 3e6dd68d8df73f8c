/** Messages between the threaded runner and its E-step workers. */
import type { KernelKind } from '../estep-wasm';
import type { DiagnosticOptions, DiagnosticStatistics, SufficientStatistics } from '../kernel';
import type { LouisBlocks, LouisPartial } from '../louis-pass';
import type { LouisMatrixTarget } from '../louis-wasm';
import type { ModelState, MStepSettings } from '../mstep';

/** What each worker is given once: shared views on the data and its range of rows. */
export interface WorkerSetup {
  readonly itemIds: readonly string[];
  readonly rowStart: SharedArrayBuffer;
  readonly items: SharedArrayBuffer;
  readonly scores: SharedArrayBuffer;
  readonly weights: SharedArrayBuffer | null;
  readonly fromRow: number;
  readonly toRow: number;
  /** The E-step kernel the worker runs. */
  readonly kernel: KernelKind;
  /** The kernel of its share of the exact standard errors (the Louis pass). */
  readonly exactKernel: KernelKind;
}

interface EStepRequest {
  readonly id: number;
  readonly a: Float64Array;
  readonly d: Float64Array;
  /** 3PL lower asymptotes, when the model has them. */
  readonly c?: Float64Array | undefined;
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

/** One factorisation step on rows [rowFrom, rowTo): the panel, or the trailing update (linalg-blocked.ts). */
interface StepRequest {
  readonly id: number;
  /** The padded matrix in shared memory (the exact information, then its Cholesky factor), size × size. */
  readonly matrix: SharedArrayBuffer;
  /** With the WebAssembly kernel: the shared memory whose doubles [0, size²) are the matrix, and this worker's scratch. */
  readonly memory?: WebAssembly.Memory;
  readonly scratchAt?: number;
  readonly size: number;
  readonly k0: number;
  readonly rowFrom: number;
  readonly rowTo: number;
}

export type WorkerRequest =
  | (EStepRequest & { readonly kind: 'expectations' })
  /**
   * The final pass; with `rows`, also the θ̂, SD and lz of the worker's rows (DiagnosticStatistics.rowScores); with
   * `noScore`, scoreOuter left 0 (DiagnosticOptions.scoreOuter false).
   */
  | (EStepRequest & { readonly kind: 'diagnostics'; readonly rows?: boolean; readonly noScore?: boolean })
  /**
   * The final pass and the worker's share of the exact information in one walk over its rows: the Louis pass
   * reads the diagnostic pass's posteriors (where both run in WebAssembly; else the two passes one after the other).
   */
  | (EStepRequest & {
      readonly kind: 'diagnostics-louis';
      readonly rows?: boolean;
      readonly noScore?: boolean;
      readonly state: ModelState;
      readonly settings: MStepSettings;
      readonly target?: LouisMatrixTarget;
    })
  /** The worker's rows' share of the exact information (louis-pass.ts). */
  | {
      readonly id: number;
      readonly kind: 'louis';
      readonly state: ModelState;
      readonly settings: MStepSettings;
      readonly nodes: Float64Array;
      /** Where the WebAssembly pass sums its blocks: a half of the shared matrix (louis-wasm.ts). */
      readonly target?: LouisMatrixTarget;
    }
  /**
   * The lower triangle of the item rows [itemFrom, itemTo) of the shared matrix from the workers' blocks,
   * some summed into the matrix itself, added in worker order (louis-pass.ts, mergeLouisHalves).
   */
  | {
      readonly id: number;
      readonly kind: 'louis-halves';
      readonly matrix: SharedArrayBuffer;
      readonly size: number;
      readonly parts: readonly LouisBlocks[];
      readonly freeItems: number;
      readonly blockSize: number;
      readonly itemFrom: number;
      readonly itemTo: number;
    }
  /**
   * The item rows [itemFrom, itemTo) of the exact information written into the shared matrix from the
   * workers' packed blocks (views on their shared memories), summed in worker order (louis-pass.ts).
   */
  | {
      readonly id: number;
      readonly kind: 'louis-rows';
      readonly matrix: SharedArrayBuffer;
      readonly size: number;
      readonly blocks: readonly Float64Array[];
      readonly state: ModelState;
      readonly settings: MStepSettings;
      readonly itemFrom: number;
      readonly itemTo: number;
    }
  /**
   * The M-step of the free items [itemFrom, itemTo) (mstep.ts, maximiseItems): `r` and `n` hold those items' rows of the
   * merged expected counts only (nodeCount values an item, item itemFrom first); the reply their new a, d (and c).
   */
  | {
      readonly id: number;
      readonly kind: 'mstep';
      readonly r: Float64Array;
      readonly n: Float64Array;
      readonly nodeCount: number;
      readonly state: ModelState;
      readonly settings: MStepSettings;
      readonly nodes: Float64Array;
      readonly itemFrom: number;
      readonly itemTo: number;
    }
  | (StepRequest & { readonly kind: 'panel' })
  | (StepRequest & { readonly kind: 'update' })
  /** Columns of L⁻¹ for the blocks [blockFrom, blockTo) of `bounds`, and the group covariances they give. */
  | {
      readonly id: number;
      readonly kind: 'inverse';
      readonly matrix: SharedArrayBuffer;
      readonly memory?: WebAssembly.Memory;
      readonly scratchAt?: number;
      readonly size: number;
      readonly groups: Int32Array;
      readonly bounds: Int32Array;
      readonly blockFrom: number;
      readonly blockTo: number;
    };

/** A thread started without data (startThreads) gets it in this message, before any request. */
export interface SetupMessage {
  readonly kind: 'setup';
  readonly setup: WorkerSetup;
}

/** What a worker receives. */
export type WorkerMessage = WorkerRequest | SetupMessage;

export type WorkerReply =
  | { readonly id: number; readonly kind: 'expectations'; readonly result: SufficientStatistics }
  | { readonly id: number; readonly kind: 'diagnostics'; readonly result: DiagnosticStatistics }
  | { readonly id: number; readonly kind: 'louis'; readonly result: LouisPartial }
  | { readonly id: number; readonly kind: 'diagnostics-louis'; readonly result: { readonly diagnostics: DiagnosticStatistics; readonly louis: LouisPartial } }
  | { readonly id: number; readonly kind: 'done' }
  /** The M-step's items [itemFrom, itemTo): their a, d (and c), item itemFrom first. */
  | { readonly id: number; readonly kind: 'mstep'; readonly result: { readonly a: Float64Array; readonly d: Float64Array; readonly c?: Float64Array } }
  | { readonly id: number; readonly kind: 'inverse'; readonly result: Float64Array }
  | { readonly id: number; readonly kind: 'error'; readonly message: string };

/** The fields of a final-pass request that carry its DiagnosticOptions (none when they are the defaults). */
export function diagnosticRequestOf(options: DiagnosticOptions | undefined): { readonly rows?: true; readonly noScore?: true } {
  return { ...(options?.rowScores === true ? { rows: true } : {}), ...(options?.scoreOuter === false ? { noScore: true } : {}) };
}

/** The DiagnosticOptions of a final-pass request (diagnosticRequestOf's inverse). */
export function diagnosticOptionsOf(request: { readonly rows?: boolean; readonly noScore?: boolean }): DiagnosticOptions {
  return { rowScores: request.rows === true, ...(request.noScore === true ? { scoreOuter: false } : {}) };
}
