/**
 * Compact binary forms of what travels between a calibration's parent job and its shard jobs:
 * a shard of the response matrix (in Redis or PostgreSQL, read by any worker on any machine), item
 * parameters with the quadrature (in the shard job's data) and the statistics a shard sends back
 * (through a Redis key). Little-endian typed arrays after a small header; no JSON for numbers.
 */
import type { DiagnosticOptions, DiagnosticStatistics, ItemParameterArrays, Quadrature, ResponseData, SufficientStatistics } from '../engine/calibration';

const SHARD_MAGIC = 0x43534844; // "CSHD"
const STATS_MAGIC = 0x43535453; // "CSTS"
const DIAG_MAGIC = 0x43534447; // "CSDG"

/** Copies a typed array's bytes into a Buffer slice. */
function bytesOf(array: Int32Array | Uint16Array | Uint8Array | Float64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** 8-byte aligned offset (Float64Array views need it). */
function align8(n: number): number {
  return (n + 7) & ~7;
}

/** A typed view on `bytes` at `offset` (copied when the offset is not aligned for the element size). */
function view<T extends Int32Array | Uint16Array | Float64Array>(
  Kind: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; new (length: number): T; BYTES_PER_ELEMENT: number },
  bytes: Uint8Array,
  offset: number,
  length: number,
): T {
  const at = bytes.byteOffset + offset;
  if (at % Kind.BYTES_PER_ELEMENT === 0) return new Kind(bytes.buffer, at, length);
  const copy = new Kind(length);
  new Uint8Array(copy.buffer).set(bytes.subarray(offset, offset + length * Kind.BYTES_PER_ELEMENT));
  return copy;
}

/**
 * Shard layout: header Int32 × 6 [magic, itemCount, rows, answers, itemWidth (2|4), hasWeights],
 * then rowStart (Int32, rows + 1), items (Uint16 or Int32), scores (Uint8), weights (Float64,
 * rows) at an 8-byte boundary. Item ids are not stored: the parent keeps them, and shards use indices.
 */
export function encodeShard(data: ResponseData, into?: Uint8Array): Buffer {
  const rows = data.rowStart.length - 1;
  const answers = data.items.length;
  const itemCount = data.itemIds.length;
  const itemWidth = itemCount <= 0xffff ? 2 : 4;
  const hasWeights = data.weights !== null ? 1 : 0;
  const headerBytes = 24;
  const rowStartBytes = (rows + 1) * 4;
  const itemsBytes = answers * itemWidth;
  const scoresAt = headerBytes + rowStartBytes + itemsBytes;
  const weightsAt = align8(scoresAt + answers);
  const total = encodedShardBytes(rows, answers, itemCount, hasWeights === 1);
  // Every byte is written below (the padding before the weights too): no zero fill first, and the items go
  // straight to their place (a fresh page costs ~18 µs on these machines, decision 021 h43). `into` (large enough,
  // its start 8-byte aligned): the shard is written there, pages already touched by an earlier shard (h67).
  const out =
    into !== undefined && into.byteLength >= total && into.byteOffset % 8 === 0
      ? Buffer.from(into.buffer, into.byteOffset, total)
      : Buffer.allocUnsafeSlow(total);
  const header = new Int32Array([SHARD_MAGIC, itemCount, rows, answers, itemWidth, hasWeights]);
  out.set(bytesOf(header), 0);
  out.set(bytesOf(data.rowStart), headerBytes);
  const itemsAt = headerBytes + rowStartBytes;
  if (itemWidth === 2) new Uint16Array(out.buffer, out.byteOffset + itemsAt, answers).set(data.items);
  else out.set(bytesOf(data.items), itemsAt);
  out.set(data.scores, scoresAt);
  if (hasWeights) {
    out.fill(0, scoresAt + answers, weightsAt);
    out.set(bytesOf(data.weights as Float64Array), weightsAt);
  }
  return out;
}

/** Bytes of an encoded shard of `rows` rows and `answers` answers on `itemCount` items (encodeShard's layout). */
export function encodedShardBytes(rows: number, answers: number, itemCount: number, hasWeights: boolean): number {
  const scoresAt = 24 + (rows + 1) * 4 + answers * (itemCount <= 0xffff ? 2 : 4);
  return hasWeights ? align8(scoresAt + answers) + rows * 8 : scoresAt + answers;
}

/**
 * The shard in `bytes`. Its arrays are views on `bytes` where they are aligned (the bytes must then stay as
 * they are while the shard is used), copies where not; the items, stored on 16 bits, are widened into a new
 * array. A shard read by `readShardBytes` is aligned: its only new array is then the items.
 */
export function decodeShard(bytes: Uint8Array): ResponseData {
  const header = view(Int32Array, bytes, 0, 6);
  if (header[0] !== SHARD_MAGIC) throw new Error('not a calibration shard');
  const itemCount = header[1] as number;
  const rows = header[2] as number;
  const answers = header[3] as number;
  const itemWidth = header[4] as number;
  const hasWeights = header[5] === 1;
  const headerBytes = 24;
  const rowStart = view(Int32Array, bytes, headerBytes, rows + 1);
  const itemsAt = headerBytes + (rows + 1) * 4;
  let items: Int32Array;
  if (itemWidth === 2) {
    items = new Int32Array(answers);
    items.set(view(Uint16Array, bytes, itemsAt, answers));
  } else items = view(Int32Array, bytes, itemsAt, answers);
  const scoresAt = itemsAt + answers * itemWidth;
  const scores = bytes.subarray(scoresAt, scoresAt + answers);
  const weights = hasWeights ? view(Float64Array, bytes, align8(scoresAt + answers), rows) : null;
  // Shards work with item indices; the kernels only need the number of items.
  const itemIds = new Array<string>(itemCount).fill('');
  return { itemIds, rowStart, items, scores, weights };
}

const PASS_MAGIC = 0x43535041; // "CSPA"

/**
 * A pass's item parameters and quadrature, packed once by the parent into one buffer (a Redis key every
 * shard job of the pass reads): Float64 [magic, itemCount, nodeCount, hasC] then a, d, (c), nodes, weights.
 */
export function encodePass(params: ItemParameterArrays, quadrature: Quadrature): Buffer {
  const items = params.a.length;
  const nodes = quadrature.nodes.length;
  const c = params.c ?? null;
  const out = new Float64Array(4 + items * (c ? 3 : 2) + 2 * nodes);
  out.set([PASS_MAGIC, items, nodes, c ? 1 : 0], 0);
  let k = 4;
  for (const part of c ? [params.a, params.d, c] : [params.a, params.d]) {
    out.set(part, k);
    k += items;
  }
  out.set(quadrature.nodes, k);
  out.set(quadrature.weights, k + nodes);
  return Buffer.from(out.buffer);
}

export function decodePass(bytes: Uint8Array): { params: ItemParameterArrays; quadrature: Quadrature } {
  const source = float64View(bytes);
  if (source[0] !== PASS_MAGIC) throw new Error('not calibration parameters');
  const items = source[1] as number;
  const nodes = source[2] as number;
  const hasC = source[3] === 1;
  let k = 4;
  const take = (n: number) => source.slice(k, (k += n));
  const a = take(items);
  const d = take(items);
  const c = hasC ? take(items) : undefined;
  return { params: c ? { a, d, c } : { a, d }, quadrature: { nodes: take(nodes), weights: take(nodes) } };
}

/** Float64 header [magic, itemCount, nodeCount, logLik, persons] then r, n, nodeTotals. */
function statsLength(stats: SufficientStatistics): number {
  return 5 + stats.r.length + stats.n.length + stats.nodeTotals.length;
}

function writeStats(target: Float64Array, at: number, stats: SufficientStatistics, magic: number): number {
  target.set([magic, stats.itemCount, stats.nodeCount, stats.logLik, stats.persons], at);
  let k = at + 5;
  target.set(stats.r, k);
  k += stats.r.length;
  target.set(stats.n, k);
  k += stats.n.length;
  target.set(stats.nodeTotals, k);
  return k + stats.nodeTotals.length;
}

function readStats(source: Float64Array, at: number, magic: number): { stats: SufficientStatistics; next: number } {
  if (source[at] !== magic) throw new Error('not calibration statistics');
  const itemCount = source[at + 1] as number;
  const nodeCount = source[at + 2] as number;
  const logLik = source[at + 3] as number;
  const persons = source[at + 4] as number;
  const cells = itemCount * nodeCount;
  let k = at + 5;
  const r = source.slice(k, k + cells);
  k += cells;
  const n = source.slice(k, k + cells);
  k += cells;
  const nodeTotals = source.slice(k, k + nodeCount);
  k += nodeCount;
  return { stats: { itemCount, nodeCount, r, n, nodeTotals, logLik, persons }, next: k };
}

/**
 * The sums in binary form; with `lead`, that number first (a Float64: a shard job's result starts with its shard
 * index), written into the same buffer rather than a copy of it concatenated.
 */
export function encodeStatistics(stats: SufficientStatistics, lead?: number): Buffer {
  const at = lead === undefined ? 0 : 1;
  const out = new Float64Array(at + statsLength(stats));
  if (lead !== undefined) out[0] = lead;
  writeStats(out, at, stats, STATS_MAGIC);
  return Buffer.from(out.buffer);
}

function float64View(bytes: Uint8Array): Float64Array {
  return view(Float64Array, bytes, 0, Math.floor(bytes.byteLength / 8));
}

export function decodeStatistics(bytes: Uint8Array): SufficientStatistics {
  return readStats(float64View(bytes), 0, STATS_MAGIC).stats;
}

const DIAGNOSTIC_ARRAYS = [
  'squaredResidual',
  'variance',
  'standardisedSquaredResidual',
  'expectedSquaredResidual',
  'expectedVariance',
  'expectedStandardisedSquaredResidual',
  'sumW',
  'sumY',
  'sumT',
  'sumTT',
  'sumYT',
  'scoreOuter',
] as const;

/**
 * The diagnostic sums; `options.scoreOuter === false` (the pass did not form them: they are 0) leaves
 * `scoreOuter` out (length 0), and decodeDiagnostics gives it back as zeros. `lead` as in encodeStatistics.
 */
export function encodeDiagnostics(diag: DiagnosticStatistics, options?: DiagnosticOptions, lead?: number): Buffer {
  const omit = (name: (typeof DIAGNOSTIC_ARRAYS)[number]) => name === 'scoreOuter' && options?.scoreOuter === false;
  const at = lead === undefined ? 0 : 1;
  let length = at + statsLength(diag.expectations) + 1;
  for (const name of DIAGNOSTIC_ARRAYS) length += 1 + (omit(name) ? 0 : diag[name].length);
  const out = new Float64Array(length);
  if (lead !== undefined) out[0] = lead;
  out[at] = DIAG_MAGIC;
  let k = writeStats(out, at + 1, diag.expectations, STATS_MAGIC);
  for (const name of DIAGNOSTIC_ARRAYS) {
    if (omit(name)) {
      out[k++] = 0;
      continue;
    }
    out[k++] = diag[name].length;
    out.set(diag[name], k);
    k += diag[name].length;
  }
  return Buffer.from(out.buffer);
}

export function decodeDiagnostics(bytes: Uint8Array): DiagnosticStatistics {
  const source = float64View(bytes);
  if (source[0] !== DIAG_MAGIC) throw new Error('not calibration diagnostics');
  const { stats, next } = readStats(source, 1, STATS_MAGIC);
  let k = next;
  const arrays: Partial<Record<(typeof DIAGNOSTIC_ARRAYS)[number], Float64Array>> = {};
  for (const name of DIAGNOSTIC_ARRAYS) {
    const length = source[k++] as number;
    // Left out by a pass that did not form it (encodeDiagnostics): zeros, as the kernel leaves it.
    arrays[name] = name === 'scoreOuter' && length === 0 ? new Float64Array(3 * stats.itemCount) : source.slice(k, k + length);
    k += length;
  }
  return { expectations: stats, ...(arrays as Record<(typeof DIAGNOSTIC_ARRAYS)[number], Float64Array>) };
}
