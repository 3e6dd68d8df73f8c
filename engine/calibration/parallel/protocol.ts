/** Messages between the threaded runner and its E-step workers. */
import type { KernelKind } from '../estep-wasm';
import type { DiagnosticStatistics, SufficientStatistics } from '../kernel';

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
}

export interface WorkerRequest {
  readonly id: number;
  readonly kind: 'expectations' | 'diagnostics';
  readonly a: Float64Array;
  readonly d: Float64Array;
  /** 3PL lower asymptotes, when the model has them. */
  readonly c?: Float64Array | undefined;
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

export type WorkerReply =
  | { readonly id: number; readonly kind: 'expectations'; readonly result: SufficientStatistics }
  | { readonly id: number; readonly kind: 'diagnostics'; readonly result: DiagnosticStatistics }
  | { readonly id: number; readonly kind: 'error'; readonly message: string };
