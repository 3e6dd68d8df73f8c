import { describe, expect, it } from 'vitest';
import {
  collapsePatterns,
  computeShardDiagnostics,
  computeShardExpectations,
  mergeDiagnostics,
  mergeStatistics,
  shardBoundaries,
  sliceRows,
} from '../engine/calibration';
import { gridNodes, normalWeights } from '../engine/irt';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';
import {
  decodeDiagnostics,
  decodePass,
  decodeShard,
  decodeStatistics,
  encodeDiagnostics,
  encodePass,
  encodeShard,
  encodeStatistics,
  encodedShardBytes,
} from './calibration-codec';
import { shardCount } from './calibration-shards';
import { shardCopyReader } from '../app/models/calibration-run.server';

/** A shard's binary COPY stream as PostgreSQL sends it for readRunShard: rows (lease, total length, piece) in order; null: no row. */
function copyStream(lease: string, data: Uint8Array | null, piece = 1000): Buffer {
  const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), int32(0), int32(0)];
  for (let from = 0; data !== null && (from < data.length || from === 0); from += piece) {
    const bytes = Buffer.from(data.subarray(from, from + piece));
    parts.push(int16(3), int32(Buffer.byteLength(lease)), Buffer.from(lease), int32(4), int32(data.length), int32(bytes.length), bytes);
  }
  parts.push(int16(-1));
  return Buffer.concat(parts);
}

const sim = simulateCalibrationData(createRandom(5), { items: 40, persons: 3000, design: { kind: 'random', perPerson: 8 } });
const data = collapsePatterns(sim.data).data;
const nodes = gridNodes(-6, 6, 61);
const quadrature = { nodes, weights: normalWeights(nodes, 0, 1) };
const params = { a: Float64Array.from(sim.items, (i) => i.a), d: Float64Array.from(sim.items, (i) => i.d) };

describe('calibration shards and statistics in binary form', () => {
  it('a shard read back is the same data (weights, and item indices beyond 65,535 too)', () => {
    const part = sliceRows(data, 100, 900);
    const encoded = encodeShard(part);
    const back = decodeShard(encoded);
    // Every byte written (the padding before the weights too): the same shard gives the same bytes.
    expect(encoded.equals(encodeShard(part))).toBe(true);
    expect(back.itemIds).toHaveLength(40);
    expect([...back.rowStart]).toEqual([...part.rowStart]);
    expect([...back.items]).toEqual([...part.items]);
    expect([...back.scores]).toEqual([...part.scores]);
    expect([...(back.weights ?? [])]).toEqual([...(part.weights ?? [])]);
    const wide = { ...part, itemIds: new Array<string>(70_000).fill('x'), items: part.items.map((i) => i + 65_000) };
    expect([...decodeShard(encodeShard(wide)).items]).toEqual([...wide.items]);
  });

  it('a shard written into a buffer of an earlier, larger shard: the same bytes as a fresh one, at its start; too small: a fresh one', () => {
    const larger = sliceRows(data, 0, 1000);
    const smaller = sliceRows(data, 1000, 1400);
    for (const part of [larger, smaller]) {
      const size = encodedShardBytes(part.rowStart.length - 1, part.items.length, part.itemIds.length, part.weights !== null);
      expect(encodeShard(part).byteLength).toBe(size);
    }
    const scratch = Buffer.allocUnsafeSlow(encodeShard(larger).byteLength);
    const first = encodeShard(larger, scratch);
    expect(first.buffer).toBe(scratch.buffer);
    expect(first.equals(encodeShard(larger))).toBe(true);
    // The larger shard's bytes are still there past the smaller one's end: every byte of the smaller one is written.
    scratch.fill(0xa5);
    const second = encodeShard(smaller, scratch);
    expect(second.buffer).toBe(scratch.buffer);
    expect(second.equals(encodeShard(smaller))).toBe(true);
    expect([...decodeShard(second).items]).toEqual([...smaller.items]);
    const tooSmall = encodeShard(larger, Buffer.allocUnsafeSlow(100));
    expect(tooSmall.byteLength).toBe(first.byteLength);
    expect(tooSmall.equals(encodeShard(larger))).toBe(true);
  });

  it('a shard from its COPY stream, in chunks cut anywhere: the same bytes in an aligned array, decoded into views on it', () => {
    const bytes = encodeShard(sliceRows(data, 10, 60));
    const stream = copyStream('8f24926c-74ef-437f-b718-c876d2e4ac58', bytes);
    for (const cuts of [[], [1], [11], [20], [25], [64], [65], [66], [70, 71, 72], [300, 301], [1077, 1078, 1079, 1080, 1100, 1200], [stream.length - 1]]) {
      const reader = shardCopyReader();
      let from = 0;
      // Each chunk in a buffer reused for the next one, as the driver does.
      const scratch = Buffer.alloc(stream.length);
      for (const to of [...cuts, stream.length]) {
        const chunk = scratch.subarray(0, to - from);
        stream.copy(chunk, 0, from, to);
        reader.push(chunk);
        scratch.fill(7);
        from = to;
      }
      const row = reader.finish();
      expect(row?.lease).toBe('8f24926c-74ef-437f-b718-c876d2e4ac58');
      expect(Buffer.from(row!.data).equals(bytes)).toBe(true);
      expect(row!.data.byteOffset % 8).toBe(0);
      const shard = decodeShard(row!.data);
      // Only the items (widened from 16 bits) are a new array; the rest are views on the bytes read.
      expect(shard.rowStart.buffer).toBe(row!.data.buffer);
      expect(shard.scores.buffer).toBe(row!.data.buffer);
      expect(shard.weights?.buffer).toBe(row!.data.buffer);
      expect([...shard.items]).toEqual([...sliceRows(data, 10, 60).items]);
    }
    const none = shardCopyReader();
    none.push(copyStream('', null));
    expect(none.finish()).toBeNull();
    const empty = shardCopyReader();
    empty.push(copyStream('L', new Uint8Array(0)));
    expect(empty.finish()?.data.length).toBe(0);
    const cut = shardCopyReader();
    cut.push(stream.subarray(0, stream.length - 100));
    expect(() => cut.finish()).toThrow(/truncated/);
    expect(() => shardCopyReader().push(Buffer.from('not a copy stream at all'))).toThrow(/not a binary COPY/);
  });

  it('the E-step and diagnostics over encoded shards, merged, equal the whole-data pass', () => {
    const bounds = shardBoundaries(data, 3);
    const pass = decodePass(encodePass(params, quadrature));
    const parts = [0, 1, 2].map((k) => decodeShard(encodeShard(sliceRows(data, bounds[k]!, bounds[k + 1]!))));
    const merged = mergeStatistics(parts.map((p) => decodeStatistics(encodeStatistics(computeShardExpectations(p, pass.params, pass.quadrature)))));
    const whole = computeShardExpectations(data, params, quadrature);
    expect(merged.logLik).toBeCloseTo(whole.logLik, 8);
    expect(merged.persons).toBe(whole.persons);
    for (let k = 0; k < whole.r.length; k++) expect(merged.r[k]).toBeCloseTo(whole.r[k]!, 9);
    const diag = mergeDiagnostics(parts.map((p) => decodeDiagnostics(encodeDiagnostics(computeShardDiagnostics(p, pass.params, pass.quadrature)))));
    const wholeDiag = computeShardDiagnostics(data, params, quadrature);
    for (let i = 0; i < 40; i++) {
      expect(diag.sumYT[i]).toBeCloseTo(wholeDiag.sumYT[i]!, 8);
      expect(diag.scoreOuter[3 * i]).toBeCloseTo(wholeDiag.scoreOuter[3 * i]!, 8);
    }
    expect(diag.expectations.logLik).toBeCloseTo(wholeDiag.expectations.logLik, 8);
  });

  it('a job result: the shard index first in the same buffer; diagnostics without scoreOuter leave it out and read back as zeros', () => {
    const part = sliceRows(data, 0, 500);
    const stats = computeShardExpectations(part, params, quadrature);
    const led = encodeStatistics(stats, 3);
    expect(led.readDoubleLE(0)).toBe(3);
    expect(led.subarray(8).equals(encodeStatistics(stats))).toBe(true);
    const full = computeShardDiagnostics(part, params, quadrature);
    const without = computeShardDiagnostics(part, params, quadrature, { scoreOuter: false });
    const bytes = encodeDiagnostics(without, { scoreOuter: false }, 2);
    expect(bytes.readDoubleLE(0)).toBe(2);
    expect(bytes.byteLength).toBe(8 + encodeDiagnostics(full).byteLength - 3 * 40 * 8);
    const back = decodeDiagnostics(bytes.subarray(8));
    expect([...back.scoreOuter]).toEqual(new Array(3 * 40).fill(0));
    expect([...back.sumYT]).toEqual([...full.sumYT]);
    expect([...back.expectedVariance]).toEqual([...full.expectedVariance]);
    expect([...back.expectations.n]).toEqual([...full.expectations.n]);
    // Asked for (no option): written and read back as it was.
    expect([...decodeDiagnostics(encodeDiagnostics(full)).scoreOuter]).toEqual([...full.scoreOuter]);
  });

  it('the parameters of a pass read back are the same numbers, with the 3PL asymptotes when there are some', () => {
    const back = decodePass(encodePass(params, quadrature));
    expect([...back.params.a]).toEqual([...params.a]);
    expect([...back.params.d]).toEqual([...params.d]);
    expect(back.params.c).toBeUndefined();
    expect([...back.quadrature.nodes]).toEqual([...quadrature.nodes]);
    expect([...back.quadrature.weights]).toEqual([...quadrature.weights]);
    const c = params.a.map((_, i) => 0.1 + i / 1000);
    expect([...(decodePass(encodePass({ ...params, c }, quadrature)).params.c ?? [])]).toEqual([...c]);
    // Read from an odd offset of a larger buffer, as a Redis reply may be.
    const bytes = encodePass(params, quadrature);
    const odd = Buffer.alloc(bytes.length + 3);
    bytes.copy(odd, 3);
    expect([...decodePass(odd.subarray(3)).params.d]).toEqual([...params.d]);
  });

  it('shards: one per 4M answers, rounded up to a multiple of the worker processes', () => {
    expect(shardCount(10_500_000, 1)).toBe(3);
    expect(shardCount(10_500_000, 2)).toBe(4);
    expect(shardCount(10_500_000, 3)).toBe(3);
    expect(shardCount(1000, 4)).toBe(4);
    expect(shardCount(1000, 0)).toBe(1);
  });
});
