/**
 * The E-step over worker threads (node:worker_threads), for one machine with several cores.
 *
 * This folder is the only part of the engine that uses a Node API; it sits apart from
 * engine/calibration/index.ts so the pure calibration code stays importable anywhere. The data
 * is copied once into SharedArrayBuffers, each worker owns a contiguous range of rows (about the
 * same number of answers each) and returns its expected counts; the main thread merges them, and
 * the M-step's items are shared out to the same threads (each a range of items; the latent part here).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId, Worker } from 'node:worker_threads';
import {
  BLOCK,
  SOLVE_ROWS,
  createSharedMatrix,
  calibrate,
  columnBlocks,
  computeShardSummary,
  factorDiagonalBlock,
  freeParameters,
  mergeLouisHalves,
  mergeLouisPartials,
  louisRegionBytes,
  paddedInformation,
  paddedSize,
  parameterGroups,
  trailingSplit,
  inverseSplit,
  createLocalRunner,
  mergeDiagnostics,
  mergeStatistics,
  shardBoundaries,
  maximiseItems,
  latentStep,
  itemArraysFor,
  type CalibrateOptions,
  type CalibrationResult,
  type CalibrationSettings,
  type DataSummary,
  type DiagnosticOptions,
  type DiagnosticStatistics,
  type LouisPartial,
  type EStepRunner,
  type ExactCovariance,
  type ModelState,
  type MStepSettings,
  type ItemParameterArrays,
  type KernelKind,
  type LouisMatrixTarget,
  type SharedMatrix,
  type Quadrature,
  type ResponseData,
  type SufficientStatistics,
} from '..';
import { diagnosticRequestOf, type WorkerMessage, type WorkerReply, type WorkerRequest, type WorkerSetup } from './protocol';
import { createShardHandler } from './shard-handler';

export interface ThreadOptions {
  /** Worker threads (default: the machine's available parallelism). */
  readonly threads?: number;
  /**
   * Below this many stored answers per thread, threads cost more than they save and the runner
   * works in-process instead (default 50,000).
   */
  readonly minAnswersPerThread?: number;
  /** The E-step kernel: WebAssembly SIMD (default) or the JavaScript reference ('js'). */
  readonly kernel?: KernelKind;
  /** The exact standard errors' kernel (the Louis pass): WebAssembly SIMD or JavaScript (default: as `kernel`). */
  readonly exactKernel?: KernelKind;
  /** Threads started ahead of the data (startThreads): taken first, the others started here. */
  readonly pool?: ThreadPool;
  /**
   * The calling thread computes the last shard itself, after handing the others out: one thread fewer to
   * start (≈ 50–75 ms of CPU each), the same sums in the same order. Its event loop is busy during each
   * pass, so this is for a command line, not a server (default false).
   */
  readonly inline?: boolean;
  /**
   * prepareCovariance makes the fused pass's matrix before the EM and has its pages touched by a low-priority thread
   * only when that memory is at least this many bytes (default 64 MiB); smaller, it changes nothing.
   */
  readonly touchAheadMinBytes?: number;
}

/**
 * Worker threads started before the data is ready, so that their start (Node's own for each thread, then the
 * worker's code: ≈ 50–75 ms of CPU each) overlaps the reading of the data. A runner takes them with
 * ThreadOptions.pool; the ones no runner took end with close(). Idle, they do not keep the process alive.
 */
export interface ThreadPool {
  /** Up to `count` started threads, removed from the pool (a thread that failed while idle is not given). */
  take(count: number): Worker[];
  /** Ends the threads still in the pool. */
  close(): Promise<void>;
}

/** The threads a runner uses for this many stored answers. */
function threadCount(storedAnswers: number, options: ThreadOptions): number {
  const wanted = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  return Math.max(1, Math.min(wanted, Math.floor(storedAnswers / (options.minAnswersPerThread ?? 50_000))));
}

/**
 * The threads a runner would use for data of at most `answers` stored answers, started now (startThreads);
 * null when that is one (the runner then works in-process).
 */
export function startThreadsFor(answers: number, options: ThreadOptions = {}): ThreadPool | null {
  const count = threadCount(answers, options);
  return count > 1 ? startThreads(options.inline === true ? count - 1 : count) : null;
}

/** Starts `count` E-step worker threads without data (see ThreadPool). */
export function startThreads(count: number): ThreadPool {
  const idle = new Set<Worker>();
  for (let k = 0; k < count; k++) {
    const worker = startWorker(null);
    worker.unref();
    // A thread that fails before it is taken is dropped (the runner starts another).
    worker.once('error', () => idle.delete(worker));
    idle.add(worker);
  }
  return {
    take(wanted) {
      const taken = [...idle].slice(0, Math.max(0, wanted));
      for (const worker of taken) {
        idle.delete(worker);
        worker.removeAllListeners('error');
        worker.ref();
      }
      return taken;
    },
    async close() {
      const rest = [...idle];
      idle.clear();
      await Promise.all(rest.map((worker) => worker.terminate()));
    },
  };
}

/**
 * The array's memory as a SharedArrayBuffer: its own when it is one and the array spans it (collapsePatterns'
 * results: the workers only read it), else a copy.
 */
function toShared<T extends Int32Array | Uint8Array | Float64Array>(array: T): SharedArrayBuffer {
  const own = array.buffer;
  if (own instanceof SharedArrayBuffer && array.byteOffset === 0 && array.byteLength === own.byteLength) return own;
  const shared = new SharedArrayBuffer(array.byteLength);
  new Uint8Array(shared).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return shared;
}

/**
 * Starts a worker. Under tsx or vitest the worker source is TypeScript, and worker threads do not
 * inherit the loader. The worker's modules are bundled into one CommonJS script (esbuild, which tsx
 * runs on; kept in the project's .cache folder for the next process) that each thread evaluates without a
 * loader. Where that bundler cannot be found, a small bootstrap registers tsx in the worker before
 * importing it (its loader thread and per-file transforms cost 0.3–1 s per worker).
 */
function startWorker(setup: WorkerSetup | null): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), { workerData: setup });
  const worker = new URL('./worker.ts', here);
  const bundle = workerBundle(worker);
  if (bundle !== null) return new Worker(bundle, { eval: true, workerData: setup });
  const bootstrap = `import(${JSON.stringify(tsxEsmApi())}).then((m) => { m.register(); return import(${JSON.stringify(worker.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: setup });
}

/**
 * The smallest memory prepareCovariance has touched ahead (64 MiB = 16,384 pages at ≈ 2 µs of CPU each, h64): the
 * 10.5M bench's ≈ 270 MB, not a 100-item bank's few MB.
 */
const TOUCH_MIN_BYTES = 64 * 1024 * 1024;

/**
 * A thread that writes each 4 KB page of `buffer` once with a value-preserving atomic (compareExchange of 0 by 0:
 * a locked write that changes no value, so it may race with the pass that fills the memory), niced to 19 first
 * (per thread on Linux): the pages' first touch (≈ 12–17 µs of CPU each on this guest, h58) taken in the core
 * time the EM leaves idle instead of in the Louis pass. Unreferenced: it never keeps the process alive.
 */
function startPageToucher(buffer: SharedArrayBuffer): Worker {
  const code = `const { workerData } = require('node:worker_threads');
try { require('node:os').setPriority(0, 19); } catch {}
const view = new Int32Array(workerData);
for (let k = 0; k < view.length; k += 1024) Atomics.compareExchange(view, k, 0, 0);`;
  const worker = new Worker(code, { eval: true, workerData: buffer });
  worker.unref();
  // A failure here only means the pass touches its pages itself.
  worker.on('error', () => undefined);
  return worker;
}

interface Bundler {
  buildSync(options: Record<string, unknown>): { outputFiles?: { text: string }[]; metafile?: { inputs: Record<string, unknown> } };
}

/** A bundle kept on disk, with the files it was built from and a hash of their contents. */
interface CachedBundle {
  readonly inputs: string[];
  readonly hash: string;
  readonly code: string;
}

/** The worker bundled as one script, per process; null where esbuild is missing or fails (then tsx's loader). */
let bundled: string | null | undefined;

function contentHash(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/**
 * The worker's bundle: from the cache file in the project's .cache folder (the sources' owner's, not a
 * shared temporary folder whose files anybody could plant) when none of its source files
 * changed (their contents hashed: ~2 ms), else built by esbuild (~0.1–0.2 s) and saved there.
 */
function workerBundle(worker: URL): string | null {
  if (bundled !== undefined) return bundled;
  bundled = null;
  const entry = fileURLToPath(worker);
  const cacheFolder = fileURLToPath(new URL('../../../.cache/calibration-worker/', worker));
  const cacheFile = join(cacheFolder, `${createHash('sha256').update(entry).digest('hex').slice(0, 16)}.json`);
  try {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as CachedBundle;
    if (contentHash(cached.inputs) === cached.hash) return (bundled = cached.code);
  } catch {
    // No cache, or a source file gone: build.
  }
  try {
    const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
    const esbuild = fromTsx('esbuild') as Bundler;
    const workingDir = dirname(entry);
    const output = esbuild.buildSync({
      entryPoints: [entry],
      absWorkingDir: workingDir,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: `node${process.versions.node}`,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = output.outputFiles?.[0]?.text;
    if (code === undefined) return null;
    bundled = code;
    const inputs = Object.keys(output.metafile?.inputs ?? {}).map((input) => resolve(workingDir, input));
    try {
      mkdirSync(cacheFolder, { recursive: true });
      const temporary = `${cacheFile}.${process.pid}.${threadId}`;
      writeFileSync(temporary, JSON.stringify({ inputs, hash: contentHash(inputs), code } satisfies CachedBundle));
      renameSync(temporary, cacheFile);
    } catch {
      // A read-only project folder: build again next time.
    }
  } catch {
    bundled = null;
  }
  return bundled;
}

/** URL of tsx's ESM API (`tsx/esm/api` under the "import" condition), read from its exports map. */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } } | string>;
  };
  const entry = manifest.exports['./esm/api'];
  const target = typeof entry === 'object' ? entry.import?.default : undefined;
  if (target === undefined) throw new Error('cannot find tsx/esm/api to start TypeScript worker threads');
  return pathToFileURL(join(dirname(manifestPath), target)).href;
}

/** Where a shard's passes run: a worker thread, or this thread (ThreadOptions.inline). */
interface Thread {
  postMessage(message: WorkerMessage, transfer?: ArrayBuffer[]): void;
  terminate(): Promise<number>;
}

/** A request without its id, kind by kind. */
type Request = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve: (reply: WorkerReply) => void;
  reject: (error: Error) => void;
}

/** The exact information's matrix and the Louis passes' targets in it (createThreadedRunner's exactSetup). */
interface ExactSetup {
  readonly state: ModelState;
  readonly settings: MStepSettings;
  readonly nodes: Float64Array;
  readonly size: number;
  readonly N: number;
  /** Bytes of each Louis pass's region in the WebAssembly matrix's memory (0: none). */
  readonly regionBytes: number;
  readonly wasmMatrix: SharedMatrix | null;
  readonly shared: SharedArrayBuffer;
  readonly matrix: Float64Array;
  readonly target: (k: number) => LouisMatrixTarget | undefined;
}

/** An EStepRunner whose passes run on worker threads. Call close() when done. */
export async function createThreadedRunner(data: ResponseData, options: ThreadOptions = {}): Promise<EStepRunner & { readonly threads: number }> {
  const threads = threadCount(data.items.length, options);
  const kernel = options.kernel ?? 'wasm';
  const exactKernel = options.exactKernel ?? kernel;
  if (threads === 1) return { ...createLocalRunner(data, { kernel, exactKernel }), threads: 1 };

  const shared = {
    rowStart: toShared(data.rowStart),
    items: toShared(data.items),
    scores: toShared(data.scores),
    weights: data.weights === null ? null : toShared(data.weights),
  };
  const bounds = shardBoundaries(data, threads);
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let failure: Error | null = null;
  const onReply = (reply: WorkerReply) => {
    const waiting = pending.get(reply.id);
    if (waiting === undefined) return;
    pending.delete(reply.id);
    if (reply.kind === 'error') waiting.reject(new Error(`E-step worker failed: ${reply.message}`));
    else waiting.resolve(reply);
  };
  const inline = options.inline === true;
  const started = options.pool?.take(inline ? threads - 1 : threads) ?? [];
  const workers = Array.from({ length: threads }, (_, k): Thread => {
    const setup: WorkerSetup = { itemIds: data.itemIds, ...shared, fromRow: bounds[k] as number, toRow: bounds[k + 1] as number, kernel, exactKernel };
    // The last shard in this thread: asked last (after the workers have theirs), answered at once.
    if (inline && k === threads - 1) {
      const handle = createShardHandler(setup);
      return { postMessage: (message) => handle(message, onReply), terminate: () => Promise.resolve(0) };
    }
    const ready = started[k];
    // A thread from the pool gets its data now (messages keep their order: before any pass).
    if (ready !== undefined) ready.postMessage({ kind: 'setup', setup } satisfies WorkerMessage);
    const worker = ready ?? startWorker(setup);
    worker.on('message', onReply);
    worker.on('error', (error) => {
      failure = error;
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
    });
    return worker;
  });

  const ask = (worker: Thread, request: Request, transfer?: ArrayBuffer[]): Promise<WorkerReply> =>
    new Promise((resolve, reject) => {
      if (failure !== null) {
        reject(failure);
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id }, transfer);
    });
  const everyWorker = (kind: 'expectations' | 'diagnostics', params: ItemParameterArrays, quadrature: Quadrature, options?: DiagnosticOptions) =>
    Promise.all(
      workers.map((worker) =>
        ask(worker, { kind, a: params.a, d: params.d, c: params.c, nodes: quadrature.nodes, weights: quadrature.weights, ...diagnosticRequestOf(options) }),
      ),
    );
  /** Sends one request per worker (`part(k)` for worker k) and waits for all the replies. */
  const shareOut = (part: (k: number) => Request) => Promise.all(workers.map((worker, k) => ask(worker, part(k))));

  /** The longest row, for the Louis pass's scratch in the shared matrix's memory. */
  let longest = 0;
  for (let r = 0; r + 1 < data.rowStart.length; r++) longest = Math.max(longest, (data.rowStart[r + 1] as number) - (data.rowStart[r] as number));

  /**
   * The Louis pass on the workers' rows, then the information into the padded matrix from their partials.
   * With the shared WebAssembly matrix (2PL, Rasch), workers 0 and 1 sum their blocks straight into it —
   * its upper triangle, and its lower one transposed, each in its own region of that memory (no packed
   * triangle of fresh pages each) — and the workers then add the halves in place, each a range of item
   * rows (mergeLouisHalves; only the lower triangle, which the factorisation reads). Else, blocks in
   * shared memory (the WebAssembly pass): the workers write the item rows, each its range of items;
   * else all here. The partials are not kept beyond this call.
   */
  const informationOnThreads = async (exact: ExactSetup, parts: readonly LouisPartial[], expectedAnswers?: Float64Array) => {
    const { state, settings, nodes, shared, matrix, N } = exact;
    const F = parts[0]?.freeItems ?? 0;
    const T = workers.length;
    const inMatrix = parts.some((part) => part.inMatrix !== undefined);
    const blocksShared = !inMatrix && parts.every((part) => part.blocks.buffer instanceof SharedArrayBuffer);
    if (inMatrix) {
      // Row j of the lower triangle holds j blocks: ranges of equal area.
      const itemAt = (k: number) => Math.round(F * Math.sqrt(k / T));
      const blocks = parts.map((part) => ({ blocks: part.blocks, inMatrix: part.inMatrix, diagonal: part.diagonal }));
      const b = parts[0]?.blockSize ?? 1;
      await shareOut((k) => ({
        kind: 'louis-halves',
        matrix: shared,
        size: N,
        parts: blocks,
        freeItems: F,
        blockSize: b,
        itemFrom: itemAt(k),
        itemTo: itemAt(k + 1),
      }));
    } else if (blocksShared) {
      const blocks = parts.map((part) => part.blocks);
      const itemAt = (k: number) => Math.round((F * k) / T);
      await shareOut((k) => ({ kind: 'louis-rows', matrix: shared, size: N, blocks, state, settings, itemFrom: itemAt(k), itemTo: itemAt(k + 1) }));
    }
    const written = inMatrix || blocksShared;
    const merged = mergeLouisPartials(written ? parts.map((part) => ({ ...part, blocks: new Float64Array(0) })) : parts);
    // The fused pass's expected answers are the diagnostic pass's n (the same posterior × weight over the same nodes).
    let partial = merged;
    if (merged.expectedAnswersLeft === true) {
      if (expectedAnswers === undefined) throw new Error('the Louis pass left its expected answers to an E-step that gave none');
      const { expectedAnswersLeft: _left, ...rest } = merged;
      partial = { ...rest, expectedAnswers };
    }
    return paddedInformation(partial, state, settings, nodes, matrix, N, written);
  };

  /**
   * The exact information's matrix (shared) and where each worker's Louis pass sums its blocks; `given`: with
   * room in each worker's region for the posteriors the final pass gives it (diagnosticsWithCovariance).
   */
  /** The shared matrix made before the EM (prepareCovariance), taken by the next exactSetup of its size. */
  let prepared: { readonly N: number; readonly regionBytes: number; readonly matrix: SharedMatrix } | null = null;
  let toucher: Worker | null = null;

  const exactSetup = (state: ModelState, settings: MStepSettings, nodes: Float64Array, given: boolean): ExactSetup => {
    const size = freeParameters(state, settings).length;
    const N = paddedSize(size);
    // With the WebAssembly kernel, the matrix lives in a shared WebAssembly memory the workers update in place,
    // with room in each worker's scratch for its Louis pass (2PL, Rasch: the WebAssembly pass's models).
    const twoPlOrRasch = settings.model === 'rasch' || settings.model === '2pl' || state.c === undefined;
    const free = settings.free.reduce((n, f) => n + (f === 1 ? 1 : 0), 0);
    const latent = (settings.estimateMean ? 1 : 0) + (settings.estimateSd ? 1 : 0);
    const regionBytes =
      exactKernel === 'wasm' && twoPlOrRasch
        ? louisRegionBytes(state.a.length, free, settings.model === 'rasch' ? 1 : 2, latent, nodes.length, longest, given)
        : 0;
    const ready = prepared !== null && prepared.N === N && prepared.regionBytes === regionBytes ? prepared.matrix : null;
    prepared = null;
    const wasmMatrix = ready ?? (exactKernel === 'wasm' ? createSharedMatrix(N, workers.length, BLOCK, SOLVE_ROWS, regionBytes) : null);
    const shared = (wasmMatrix?.memory.buffer as SharedArrayBuffer | undefined) ?? new SharedArrayBuffer(N * N * 8);
    const matrix = wasmMatrix?.matrix ?? new Float64Array(shared);
    const target = (k: number): LouisMatrixTarget | undefined =>
      wasmMatrix === null || regionBytes === 0 || k > 1
        ? undefined
        : { memory: wasmMatrix.memory, size: N, regionAt: 8 * wasmMatrix.scratchAt(k), regionBytes, half: k === 0 ? 'upper' : 'lower' };
    return { state, settings, nodes, size, N, regionBytes, wasmMatrix, shared, matrix, target };
  };

  /** The exact information on the threads: each worker's rows, then the factorisation and the inverse's blocks shared out. */
  const exactCovariance = async (state: ModelState, settings: MStepSettings, nodes: Float64Array, now?: () => number): Promise<ExactCovariance> => {
    const started = now?.();
    const exact = exactSetup(state, settings, nodes, false);
    const replies = await shareOut((k) => {
      const where = exact.target(k);
      return { kind: 'louis', state, settings, nodes, ...(where === undefined ? {} : { target: where }) };
    });
    return covarianceFrom(
      exact,
      replies.map((r) => (r as Extract<WorkerReply, { kind: 'louis' }>).result),
      started,
      now,
    );
  };

  /** The final pass and the Louis pass in one request per worker (EStepRunner.diagnosticsWithCovariance). */
  const diagnosticsWithCovariance = async (
    params: ItemParameterArrays,
    quadrature: Quadrature,
    diagnosticOptions: DiagnosticOptions | undefined,
    state: ModelState,
    settings: MStepSettings,
    now?: () => number,
  ): Promise<{ diagnostics: DiagnosticStatistics; covariance: ExactCovariance }> => {
    const started = now?.();
    const exact = exactSetup(state, settings, quadrature.nodes, true);
    const replies = await shareOut((k) => {
      const where = exact.target(k);
      return {
        kind: 'diagnostics-louis',
        a: params.a,
        d: params.d,
        c: params.c,
        nodes: quadrature.nodes,
        weights: quadrature.weights,
        ...diagnosticRequestOf(diagnosticOptions),
        state,
        settings,
        ...(where === undefined ? {} : { target: where }),
      };
    });
    const results = replies.map((r) => (r as Extract<WorkerReply, { kind: 'diagnostics-louis' }>).result);
    const diagnostics = mergeDiagnostics(results.map((result) => result.diagnostics));
    const covariance = await covarianceFrom(
      exact,
      results.map((result) => result.louis),
      started,
      now,
      diagnostics.expectations.n,
    );
    return { diagnostics, covariance };
  };

  /** The information from the workers' Louis partials, then the factorisation and the inverse's blocks shared out. */
  const covarianceFrom = async (
    exact: ExactSetup,
    louisParts: readonly LouisPartial[],
    started: number | undefined,
    now?: () => number,
    expectedAnswers?: Float64Array,
  ): Promise<ExactCovariance> => {
    const { size, N, wasmMatrix, shared, matrix } = exact;
    const inMemory = (k: number) => (wasmMatrix === null ? {} : { memory: wasmMatrix.memory, scratchAt: wasmMatrix.scratchAt(k) });
    const parameters = await informationOnThreads(exact, louisParts, expectedAnswers);
    const passed = now?.();
    const T = workers.length;
    let positive = true;
    for (let k0 = 0; k0 < N; k0 += BLOCK) {
      if (!factorDiagonalBlock(matrix, N, k0)) {
        positive = false;
        break;
      }
      const k1 = k0 + BLOCK;
      if (k1 >= N) break;
      const rows = (k: number) => k1 + Math.round(((N - k1) * k) / T);
      await shareOut((k) => ({ kind: 'panel', matrix: shared, ...inMemory(k), size: N, k0, rowFrom: rows(k), rowTo: rows(k + 1) }));
      const split = trailingSplit(N, k1, T);
      await shareOut((k) => ({ kind: 'update', matrix: shared, ...inMemory(k), size: N, k0, rowFrom: split[k] as number, rowTo: split[k + 1] as number }));
    }
    let band: Float64Array | null = null;
    if (positive) {
      const groups = parameterGroups(parameters);
      const bounds = columnBlocks(groups);
      const cut = inverseSplit(N, bounds, T);
      const parts = await shareOut((k) => ({
        kind: 'inverse',
        matrix: shared,
        ...inMemory(k),
        size: N,
        groups,
        bounds,
        blockFrom: cut[k] as number,
        blockTo: cut[k + 1] as number,
      }));
      band = new Float64Array(3 * size);
      for (const part of parts) {
        const result = (part as Extract<WorkerReply, { kind: 'inverse' }>).result;
        for (let k = 0; k < band.length; k++) band[k] = (band[k] as number) + (result[k] as number);
      }
    }
    const finished = now?.();
    return {
      parameters,
      band,
      milliseconds:
        started === undefined || passed === undefined || finished === undefined ? null : { pass: passed - started, factorisation: finished - passed },
    };
  };

  return {
    itemIds: data.itemIds,
    threads,
    summary: (): DataSummary => computeShardSummary(data),
    expectations: async (params, quadrature): Promise<SufficientStatistics> => {
      const replies = await everyWorker('expectations', params, quadrature);
      return mergeStatistics(replies.map((r) => (r as Extract<WorkerReply, { kind: 'expectations' }>).result));
    },
    // The M-step's items shared out to the threads, idle between E-steps (the inline shard's range on this thread).
    mStep: (stats, current, quadrature, settings) =>
      mStepInRanges(stats, current, quadrature, settings, workers.length, false, (k, request, transfer) => ask(workers[k] as Thread, request, transfer)),
    diagnostics: async (params, quadrature, diagnosticOptions): Promise<DiagnosticStatistics> => {
      const replies = await everyWorker('diagnostics', params, quadrature, diagnosticOptions);
      return mergeDiagnostics(replies.map((r) => (r as Extract<WorkerReply, { kind: 'diagnostics' }>).result));
    },
    exactCovariance,
    diagnosticsWithCovariance,
    prepareCovariance: (state, settings, nodes) => {
      if (exactKernel !== 'wasm' || prepared !== null) return;
      // exactSetup's memory for the fused pass, made now; a low-priority thread touches its pages meanwhile.
      const setup = exactSetup(state, settings, nodes, true);
      // Below that size the extra thread's start (tens of ms of CPU, before it lowers its priority) costs more than the faults.
      if (setup.wasmMatrix === null || setup.shared.byteLength < (options.touchAheadMinBytes ?? TOUCH_MIN_BYTES)) return;
      prepared = { N: setup.N, regionBytes: setup.regionBytes, matrix: setup.wasmMatrix };
      toucher = startPageToucher(setup.shared);
    },
    close: async () => {
      await Promise.all([...workers, ...(toucher === null ? [] : [toucher])].map((worker) => worker.terminate()));
    },
  };
}

/** calibrate() with the E-steps spread over worker threads. */
export function calibrateInThreads(
  data: ResponseData,
  settings: CalibrationSettings = {},
  options: Omit<CalibrateOptions, 'createRunner'> & ThreadOptions = {},
): Promise<CalibrationResult> {
  return calibrate(data, settings, { ...options, createRunner: (prepared) => createThreadedRunner(prepared, options) });
}

/** The M-step with its items split over worker threads and this one (startMStepThreads). */
export interface MStepThreads {
  /** mStep (mstep.ts) bit for bit: the same items' maximisations, each range on its thread, then the latent part here. */
  mStep(stats: SufficientStatistics, current: ModelState, quadrature: Quadrature, settings: MStepSettings): Promise<ModelState>;
  /** Ends the threads. */
  close(): Promise<void>;
}

/**
 * `count` worker threads (the E-step's, started without data: they only take 'mstep' requests) that share the M-step's
 * items with the calling thread (decision 021, h56): the free items are cut into count + 1 ranges of equal numbers,
 * the threads take the first ones and this thread the last, then the latent distribution is done here. Items are
 * independent in the M-step (each maximised from its own counts and current values), so the result is mStep's bit
 * for bit. For a coordinator whose own E-step runs elsewhere (the sharded runner's parent): its cores idle meanwhile.
 * The threads hold no reference on the event loop while idle.
 */
export function startMStepThreads(count = 1): MStepThreads {
  const threads = Array.from({ length: Math.max(1, Math.floor(count)) }, () => startWorker(null));
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let failure: Error | null = null;
  const idle = () => {
    if (pending.size === 0) for (const thread of threads) thread.unref();
  };
  for (const thread of threads) {
    thread.unref();
    thread.on('message', (reply: WorkerReply) => {
      const waiting = pending.get(reply.id);
      if (waiting === undefined) return;
      pending.delete(reply.id);
      idle();
      if (reply.kind === 'error') waiting.reject(new Error(`M-step worker failed: ${reply.message}`));
      else waiting.resolve(reply);
    });
    thread.on('error', (error) => {
      failure = error;
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
      idle();
    });
  }
  const ask = (thread: Worker, request: Omit<Extract<WorkerRequest, { kind: 'mstep' }>, 'id'>, transfer: ArrayBuffer[]) =>
    new Promise<WorkerReply>((resolve, reject) => {
      if (failure !== null) {
        reject(failure);
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve, reject });
      thread.ref();
      thread.postMessage({ ...request, id } satisfies WorkerMessage, transfer);
    });
  return {
    mStep: (stats, current, quadrature, settings) =>
      mStepInRanges(stats, current, quadrature, settings, threads.length, true, (k, request, transfer) => ask(threads[k] as Worker, request, transfer)),
    async close() {
      await Promise.all(threads.map((thread) => thread.terminate()));
    },
  };
}

type MStepRequest = Omit<Extract<WorkerRequest, { kind: 'mstep' }>, 'id'>;

/**
 * mStep (mstep.ts) bit for bit with its free items cut into ranges of equal numbers of free items (anchors cost
 * nothing): `asked` ranges sent out (`ask(k, …)` for range k, its rows of the counts transferred), and with `here`
 * one more, the last, maximised on this thread meanwhile; then the latent distribution here. Items are independent
 * in the M-step (each maximised from its own counts and current values), so where each range runs changes no bit.
 */
async function mStepInRanges(
  stats: SufficientStatistics,
  current: ModelState,
  quadrature: Quadrature,
  settings: MStepSettings,
  asked: number,
  here: boolean,
  ask: (k: number, request: MStepRequest, transfer: ArrayBuffer[]) => Promise<WorkerReply>,
): Promise<ModelState> {
  const items = current.a.length;
  const Q = stats.nodeCount;
  const T = asked + (here ? 1 : 0);
  let free = 0;
  for (let i = 0; i < items; i++) free += settings.free[i] === 1 ? 1 : 0;
  const cuts = [0];
  for (let i = 0, seen = 0, k = 1; i < items && k < T; i++) {
    seen += settings.free[i] === 1 ? 1 : 0;
    while (k < T && seen >= Math.round((free * k) / T)) {
      cuts.push(i + 1);
      k++;
    }
  }
  while (cuts.length < T) cuts.push(items);
  cuts.push(items);
  // The arrays written (and a 3PL without c refused) before any range is asked.
  const out = itemArraysFor(current, settings);
  const state: ModelState = { a: current.a, d: current.d, ...(current.c === undefined ? {} : { c: current.c }), mean: current.mean, sd: current.sd };
  const replies = Array.from({ length: asked }, (_, k) => {
    const from = cuts[k] as number;
    const to = cuts[k + 1] as number;
    const r = stats.r.slice(from * Q, to * Q);
    const n = stats.n.slice(from * Q, to * Q);
    return ask(k, { kind: 'mstep', r, n, nodeCount: Q, state, settings, nodes: quadrature.nodes, itemFrom: from, itemTo: to }, [
      r.buffer as ArrayBuffer,
      n.buffer as ArrayBuffer,
    ]);
  });
  replies.forEach((reply) => reply.catch(() => undefined));
  if (here) maximiseItems(stats, 0, current, quadrature.nodes, settings, cuts[T - 1] as number, items, out);
  const latent = latentStep(stats, current, quadrature, settings);
  const results = await Promise.all(replies);
  results.forEach((reply, k) => {
    const part = (reply as Extract<WorkerReply, { kind: 'mstep' }>).result;
    out.a.set(part.a, cuts[k] as number);
    out.d.set(part.d, cuts[k] as number);
    if (out.c !== undefined && part.c !== undefined) out.c.set(part.c, cuts[k] as number);
  });
  return { ...out, mean: latent.mean, sd: latent.sd };
}
