/** collapsePatterns against a plain reference (string keys in a Map): same patterns, order, weights and mapping. */
import { describe, expect, it } from 'vitest';
import { collapsePatterns, ResponseDataBuilder, sliceRows, type ResponseData } from './data';
import { createRandom } from '../random';

function reference(data: ResponseData) {
  const rows = data.rowStart.length - 1;
  const index = new Map<string, number>();
  const patterns: number[][] = [];
  const weights: number[] = [];
  const patternOfRow: number[] = [];
  for (let r = 0; r < rows; r++) {
    const w = data.weights === null ? 1 : (data.weights[r] as number);
    if (w === 0) {
      patternOfRow.push(-1);
      continue;
    }
    const codes: number[] = [];
    for (let j = data.rowStart[r] as number; j < (data.rowStart[r + 1] as number); j++)
      codes.push(((data.items[j] as number) << 1) | (data.scores[j] as number));
    codes.sort((a, b) => a - b);
    const key = codes.join(',');
    let p = index.get(key);
    if (p === undefined) {
      p = patterns.length;
      index.set(key, p);
      patterns.push(codes);
      weights.push(0);
    }
    weights[p] = (weights[p] as number) + w;
    patternOfRow.push(p);
  }
  return { patterns, weights, patternOfRow };
}

function check(data: ResponseData): void {
  const expected = reference(data);
  const { data: collapsed, patternOfRow } = collapsePatterns(data);
  expect(Array.from(patternOfRow)).toEqual(expected.patternOfRow);
  expect(Array.from(collapsed.weights ?? [])).toEqual(expected.weights);
  const patterns: number[][] = [];
  for (let p = 0; p + 1 < collapsed.rowStart.length; p++) {
    const codes: number[] = [];
    for (let j = collapsed.rowStart[p] as number; j < (collapsed.rowStart[p + 1] as number); j++)
      codes.push(((collapsed.items[j] as number) << 1) | (collapsed.scores[j] as number));
    patterns.push(codes);
  }
  expect(patterns).toEqual(expected.patterns);
  expect(collapsed.items.length).toBe(collapsed.rowStart[collapsed.rowStart.length - 1]);
  // The result never shares memory with the input (the caller may keep and change either).
  expect(collapsed.items.buffer).not.toBe(data.items.buffer);
  expect(collapsed.rowStart.buffer).not.toBe(data.rowStart.buffer);
}

function randomData(seed: number, options: { rows: number; items: number; shuffle: boolean; duplicates: boolean; zeroWeights: boolean }): ResponseData {
  const random = createRandom(seed);
  const ids = Array.from({ length: options.items }, (_, i) => `q${i + 1}`);
  const builder = new ResponseDataBuilder(ids);
  const kept: [number, 0 | 1][][] = [];
  for (let r = 0; r < options.rows; r++) {
    let answers: [number, 0 | 1][];
    if (options.duplicates && kept.length > 0 && random.next() < 0.4) answers = kept[Math.floor(random.next() * kept.length)] as [number, 0 | 1][];
    else {
      answers = [];
      for (let i = 0; i < options.items; i++) if (random.next() < 0.8) answers.push([i, random.next() < 0.5 ? 1 : 0]);
      kept.push(answers);
    }
    const order = answers.slice();
    if (options.shuffle) order.sort(() => random.next() - 0.5);
    builder.beginRow(options.zeroWeights && random.next() < 0.1 ? 0 : 1);
    for (const [item, score] of order) builder.addAnswer(item, score);
  }
  return builder.build();
}

describe('collapsePatterns', () => {
  it('keeps every row of distinct rows in item order (the wide file case), as copies', () => {
    check(randomData(1, { rows: 300, items: 30, shuffle: false, duplicates: false, zeroWeights: false }));
  });
  it('merges duplicates, rows in any order and rows of weight 0 like the reference', () => {
    for (const shuffle of [false, true]) {
      for (const zeroWeights of [false, true]) check(randomData(2, { rows: 400, items: 6, shuffle, duplicates: true, zeroWeights }));
    }
    check(randomData(3, { rows: 200, items: 20, shuffle: true, duplicates: false, zeroWeights: false }));
  });
  it('reads a slice of rows (views with an offset) the same way', () => {
    const data = randomData(4, { rows: 300, items: 25, shuffle: false, duplicates: false, zeroWeights: false });
    check(sliceRows(data, 50, 220));
    check(sliceRows(randomData(5, { rows: 300, items: 5, shuffle: true, duplicates: true, zeroWeights: true }), 17, 250));
  });
  it('handles empty rows and no rows', () => {
    const builder = new ResponseDataBuilder(['a', 'b']);
    builder.beginRow();
    builder.beginRow();
    builder.addAnswer(1, 1);
    builder.beginRow();
    check(builder.build());
    check(new ResponseDataBuilder(['a']).build());
  });
});

describe('ResponseDataBuilder.reserve', () => {
  it('gives the same data as growing, and a built result does not change when rows are added after', () => {
    const plain = new ResponseDataBuilder(['a', 'b', 'c']);
    const reserved = new ResponseDataBuilder(['a', 'b', 'c']);
    reserved.reserve(20, 44); // 40 answers: the result is a view of the buffer, 4 places left
    for (const builder of [plain, reserved]) {
      for (let r = 0; r < 20; r++) {
        builder.beginRow(r === 1 ? 2 : 1);
        builder.addAnswer(2, 1);
        builder.addAnswer(0, r % 2 === 0 ? 1 : 0);
      }
    }
    const first = reserved.build();
    expect(first).toEqual(plain.build());
    const items = Array.from(first.items);
    reserved.beginRow();
    reserved.addAnswer(1, 0);
    reserved.addAnswer(0, 1);
    expect(Array.from(first.items)).toEqual(items);
    expect(first.rowStart.length).toBe(21);
    expect(Array.from(reserved.build().items)).toEqual([...items, 1, 0]);
    reserved.reserve(Number.NaN, Number.POSITIVE_INFINITY); // not a count: ignored
  });
});
