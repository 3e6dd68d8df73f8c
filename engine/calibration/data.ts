/**
 * Response data for calibration: a sparse person × item matrix in CSR layout by person.
 *
 * Row r holds the answers `rowStart[r] .. rowStart[r+1]-1`; each answer is an item index and a
 * score (0/1). Unanswered items are simply absent, so a person contributes to the likelihood only
 * through the items they answered. A row may stand for several identical persons (`weights`).
 */

export interface ResponseData {
  /** Item identifiers; item index i in `items` refers to itemIds[i]. */
  readonly itemIds: readonly string[];
  /** Row offsets into `items`/`scores`, length rows + 1, rowStart[0] = 0. */
  readonly rowStart: Int32Array;
  /** Item index of each answer. Within a row, each item appears at most once. */
  readonly items: Int32Array;
  /** Score of each answer: 0 or 1. */
  readonly scores: Uint8Array;
  /** How many persons each row stands for; null means 1 each. */
  readonly weights: Float64Array | null;
}

export function rowCount(data: ResponseData): number {
  return data.rowStart.length - 1;
}

/** Grows typed arrays as rows are added; used by file readers and by the simulation. */
export class ResponseDataBuilder {
  private rowStartBuf = new Int32Array(1024);
  private itemsBuf = new Int32Array(4096);
  private scoresBuf = new Uint8Array(4096);
  private weightsBuf: Float64Array | null = null;
  private rows = 0;
  private answers = 0;
  private readonly seen: Int32Array;
  private stamp = 0;

  constructor(readonly itemIds: readonly string[]) {
    this.seen = new Int32Array(itemIds.length);
  }

  /**
   * Makes room for `rows` rows and `answers` answers in all (counting those already added), when a reader can
   * tell them beforehand (e.g. from a file's size): the arrays are sized once instead of doubling as rows come.
   * A hint only: more rows or answers are still taken; a hint that is not a finite count is ignored.
   */
  reserve(rows: number, answers: number): void {
    if (Number.isFinite(rows) && rows + 2 > this.rowStartBuf.length) this.rowStartBuf = grow(this.rowStartBuf, Math.ceil(rows) + 2);
    if (this.weightsBuf !== null && this.weightsBuf.length < this.rowStartBuf.length) this.weightsBuf = growFloat(this.weightsBuf, this.rowStartBuf.length, 1);
    if (Number.isFinite(answers) && answers > this.itemsBuf.length) this.growAnswers(Math.ceil(answers));
  }

  private growAnswers(size: number): void {
    this.itemsBuf = grow(this.itemsBuf, size);
    const s = new Uint8Array(size);
    s.set(this.scoresBuf);
    this.scoresBuf = s;
  }

  get rowsAdded(): number {
    return this.rows;
  }

  get answersAdded(): number {
    return this.answers;
  }

  /** Starts a row. Answers added until the next `beginRow`/`build` belong to it. */
  beginRow(weight = 1): void {
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`row weight must be a finite number ≥ 0, got ${weight}`);
    if (this.rows + 2 > this.rowStartBuf.length) this.rowStartBuf = grow(this.rowStartBuf, (this.rows + 2) * 2);
    if (weight !== 1 && this.weightsBuf === null) {
      this.weightsBuf = new Float64Array(this.rowStartBuf.length).fill(1);
    }
    if (this.weightsBuf !== null) {
      if (this.weightsBuf.length < this.rowStartBuf.length) this.weightsBuf = growFloat(this.weightsBuf, this.rowStartBuf.length, 1);
      this.weightsBuf[this.rows] = weight;
    }
    this.rows++;
    this.rowStartBuf[this.rows] = this.answers;
    this.stamp++;
  }

  /** Adds one answer to the current row. Throws if the item was already answered in this row. */
  addAnswer(item: number, score: number): void {
    if (this.rows === 0) throw new Error('addAnswer before beginRow');
    if (!(item >= 0 && item < this.itemIds.length) || !Number.isInteger(item)) throw new RangeError(`item index ${item} out of range`);
    if (score !== 0 && score !== 1) throw new RangeError(`score must be 0 or 1, got ${score}`);
    if (this.seen[item] === this.stamp) throw new RangeError(`item ${this.itemIds[item]} answered twice in row ${this.rows}`);
    this.seen[item] = this.stamp;
    if (this.answers + 1 > this.itemsBuf.length) this.growAnswers(this.itemsBuf.length * 2);
    this.itemsBuf[this.answers] = item;
    this.scoresBuf[this.answers] = score;
    this.answers++;
    this.rowStartBuf[this.rows] = this.answers;
  }

  build(): ResponseData {
    const rowStart = this.rowStartBuf.slice(0, this.rows + 1);
    return {
      itemIds: this.itemIds,
      rowStart,
      items: handOver(this.itemsBuf, this.answers),
      scores: handOver(this.scoresBuf, this.answers),
      weights: this.weightsBuf === null ? null : this.weightsBuf.slice(0, this.rows),
    };
  }
}

/**
 * The first `length` values of a builder's buffer. A buffer at most 1/8 larger (sized by `reserve`) is handed
 * over as a view rather than copied (rows added later are written past `length`, never inside it), and
 * the copy of millions of values costs more than the few unused ones kept.
 */
function handOver<T extends Int32Array | Uint8Array>(buf: T, length: number): T {
  return (length * 9 >= buf.length * 8 ? buf.subarray(0, length) : buf.slice(0, length)) as T;
}

function grow(buf: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(size);
  out.set(buf);
  return out;
}

function growFloat(buf: Float64Array, size: number, fill: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(size).fill(fill);
  out.set(buf);
  return out;
}

/** Builds response data from rows given as {item id → score} (convenient for small data and tests). */
export function responseDataFromRows(itemIds: readonly string[], rows: readonly { answers: Readonly<Record<string, 0 | 1>>; weight?: number }[]): ResponseData {
  const index = new Map(itemIds.map((id, i) => [id, i] as const));
  const builder = new ResponseDataBuilder(itemIds);
  for (const row of rows) {
    builder.beginRow(row.weight ?? 1);
    for (const [id, score] of Object.entries(row.answers)) {
      const i = index.get(id);
      if (i === undefined) throw new RangeError(`unknown item ${id}`);
      builder.addAnswer(i, score);
    }
  }
  return builder.build();
}

/** The rows [from, to) as a data set of their own (a shard); arrays are views, not copies. */
export function sliceRows(data: ResponseData, from: number, to: number): ResponseData {
  const start = data.rowStart[from] as number;
  const end = data.rowStart[to] as number;
  const rowStart = new Int32Array(to - from + 1);
  for (let r = from; r <= to; r++) rowStart[r - from] = (data.rowStart[r] as number) - start;
  return {
    itemIds: data.itemIds,
    rowStart,
    items: data.items.subarray(start, end),
    scores: data.scores.subarray(start, end),
    weights: data.weights === null ? null : data.weights.subarray(from, to),
  };
}

/**
 * The same rows with only the answers to some items, renumbered: `newIndex[i]` is item i's index among
 * `itemIds` (the items of the result), or −1 to drop the answers to it. Rows keep their place and weight.
 */
export function selectItems(data: ResponseData, newIndex: Int32Array, itemIds: readonly string[]): ResponseData {
  const rows = data.rowStart.length - 1;
  const rowStart = new Int32Array(rows + 1);
  const items: number[] = [];
  const scores: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = data.rowStart[r] as number; j < (data.rowStart[r + 1] as number); j++) {
      const k = newIndex[data.items[j] as number] as number;
      if (k < 0) continue;
      items.push(k);
      scores.push(data.scores[j] as number);
    }
    rowStart[r + 1] = items.length;
  }
  return { itemIds, rowStart, items: Int32Array.from(items), scores: Uint8Array.from(scores), weights: data.weights };
}

/**
 * Splits the rows into `count` contiguous shards of about equal numbers of answers.
 * Returns the row boundaries: shard k is rows [bounds[k], bounds[k+1]).
 */
export function shardBoundaries(data: ResponseData, count: number): number[] {
  const rows = rowCount(data);
  const total = data.rowStart[rows] as number;
  const bounds = [0];
  let row = 0;
  for (let k = 1; k < count; k++) {
    const target = (total * k) / count;
    while (row < rows && (data.rowStart[row] as number) < target) row++;
    bounds.push(Math.max(row, bounds[bounds.length - 1] as number));
  }
  bounds.push(rows);
  return bounds;
}

export interface CollapsedData {
  /** One row per distinct response pattern, weighted by the total weight of its rows. */
  readonly data: ResponseData;
  /** For each original row, the row of its pattern in `data`. */
  readonly patternOfRow: Int32Array;
}

/**
 * Merges rows with identical response patterns (same items, same scores, in any order) into one
 * weighted row, so the E-step processes each pattern once. Rows of weight 0 are left out
 * (their patternOfRow is −1). Uses an open-addressing hash table on typed arrays, so it stays
 * fast and small for hundreds of thousands of distinct patterns.
 *
 * Two passes: every row's hash first (a tight loop over the answers), then the table's look-ups, one a row
 * (each a cache miss on a large table: in a loop of their own the processor has several under way at once).
 */
export function collapsePatterns(data: ResponseData): CollapsedData {
  const rows = rowCount(data);
  const { items: inItems, scores: inScores, rowStart: inStart, weights: inWeights } = data;
  // A pattern is the answers of its first row, read in place when that row is in item order (every row of a
  // wide file or of a simulated design), or the row's sorted codes (item << 1 | score) in `codes` (from
  // `codeOfRow[r]`, −1: in place) when it is not.
  const rowHash = new Int32Array(rows);
  let codeOfRow: Int32Array | null = null;
  let codes: Int32Array | null = null;
  let usedCodes = 0;
  for (let r = 0; r < rows; r++) {
    const start = inStart[r] as number;
    const end = inStart[r + 1] as number;
    let sorted = true;
    let previous = -1;
    let h = 0x811c9dc5 ^ (end - start);
    for (let j = start; j < end; j++) {
      const code = ((inItems[j] as number) << 1) | (inScores[j] as number);
      if (code < previous) sorted = false;
      previous = code;
      h = Math.imul(h ^ code, 0x01000193);
      h ^= h >>> 15;
    }
    // Rows in item order need no sorting (sorting them again cost more than all the rest).
    if (!sorted && (inWeights === null || inWeights[r] !== 0)) {
      codeOfRow ??= new Int32Array(rows).fill(-1);
      codes ??= new Int32Array(inItems.length);
      const at = usedCodes;
      const len = end - start;
      for (let j = 0; j < len; j++) codes[at + j] = ((inItems[start + j] as number) << 1) | (inScores[start + j] as number);
      codes.subarray(at, at + len).sort();
      h = 0x811c9dc5 ^ len;
      for (let j = 0; j < len; j++) {
        h = Math.imul(h ^ (codes[at + j] as number), 0x01000193);
        h ^= h >>> 15;
      }
      codeOfRow[r] = at;
      usedCodes += len;
    }
    rowHash[r] = h;
  }
  /** Whether rows r and s (of the same hash) have the same codes. */
  const samePattern = (r: number, s: number): boolean => {
    const start = inStart[r] as number;
    const len = (inStart[r + 1] as number) - start;
    const ps = inStart[s] as number;
    if ((inStart[s + 1] as number) - ps !== len) return false;
    const at = codeOfRow === null ? -1 : (codeOfRow[r] as number);
    const pc = codeOfRow === null ? -1 : (codeOfRow[s] as number);
    for (let j = 0; j < len; j++) {
      const mine = at < 0 ? ((inItems[start + j] as number) << 1) | (inScores[start + j] as number) : ((codes as Int32Array)[at + j] as number);
      const theirs = pc < 0 ? ((inItems[ps + j] as number) << 1) | (inScores[ps + j] as number) : ((codes as Int32Array)[pc + j] as number);
      if (mine !== theirs) return false;
    }
    return true;
  };
  let tableSize = 16;
  while (tableSize < rows * 2) tableSize *= 2;
  const mask = tableSize - 1;
  const table = new Int32Array(tableSize).fill(-1); // pattern index or −1
  const patternOfRow = new Int32Array(rows);
  const sourceRow = new Int32Array(rows);
  const weights = new Float64Array(new Memory(rows * 8));
  let patterns = 0;
  let used = 0;
  for (let r = 0; r < rows; r++) {
    const w = inWeights === null ? 1 : (inWeights[r] as number);
    if (w === 0) {
      patternOfRow[r] = -1;
      continue;
    }
    const h = rowHash[r] as number;
    let slot = h & mask;
    let found = -1;
    for (;;) {
      const p = table[slot] as number;
      if (p < 0) break;
      const s = sourceRow[p] as number;
      if (rowHash[s] === h && samePattern(r, s)) {
        found = p;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (found < 0) {
      found = patterns++;
      table[slot] = found;
      sourceRow[found] = r;
      used += (inStart[r + 1] as number) - (inStart[r] as number);
    }
    weights[found] = (weights[found] as number) + w;
    patternOfRow[r] = found;
  }
  // Every row its own pattern, in item order (a wide file of distinct persons): the patterns are the rows.
  if (patterns === rows && codeOfRow === null && inStart[0] === 0) {
    return {
      data: {
        itemIds: data.itemIds,
        rowStart: copyOf(inStart.subarray(0, rows + 1)),
        items: copyOf(inItems.subarray(0, used)),
        scores: copyOf(inScores.subarray(0, used)),
        weights,
      },
      patternOfRow,
    };
  }
  const rowStart = new Int32Array(new Memory((patterns + 1) * 4));
  const items = new Int32Array(new Memory(used * 4));
  const scores = new Uint8Array(new Memory(used));
  let k = 0;
  for (let p = 0; p < patterns; p++) {
    const source = sourceRow[p] as number;
    const start = inStart[source] as number;
    const end = inStart[source + 1] as number;
    const pc = codeOfRow === null ? -1 : (codeOfRow[source] as number);
    if (pc < 0) {
      items.set(inItems.subarray(start, end), k);
      scores.set(inScores.subarray(start, end), k);
      k += end - start;
    } else {
      for (let j = 0; j < end - start; j++, k++) {
        const c = (codes as Int32Array)[pc + j] as number;
        items[k] = c >> 1;
        scores[k] = c & 1;
      }
    }
    rowStart[p + 1] = k;
  }
  return { data: { itemIds: data.itemIds, rowStart, items, scores, weights: copyOf(weights.subarray(0, patterns)) }, patternOfRow };
}

/**
 * The memory of collapsePatterns' results: shared where the platform has it, so that the threaded runner hands
 * them to its workers as they are instead of copying 10.5M answers again (≈ 25–45 ms at that size).
 */
const Memory: new (bytes: number) => ArrayBufferLike = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : ArrayBuffer;

/** A copy of `array` in Memory. */
function copyOf<T extends Int32Array | Uint8Array | Float64Array>(array: T): T {
  const copy = new (array.constructor as new (buffer: ArrayBufferLike) => T)(new Memory(array.byteLength));
  copy.set(array);
  return copy;
}
