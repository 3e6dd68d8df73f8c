/**
 * The fast Louis pass (node moments per pair of a person's items, packed item blocks, shards merged)
 * against the one-thread reference pass of information.ts, on every model and layout.
 */
import { describe, expect, it } from 'vitest';
import { collapsePatterns, sliceRows, shardBoundaries, type ModelState, type MStepSettings, type ResponseData } from '.';
import { louisObservedInformation } from './information';
import { louisInformationFromPartial, louisShardPartial, mergeLouisHalves, mergeLouisPartials, writeLouisItemRows, type LouisPartial } from './louis-pass';
import { louisRegionBytes } from './louis-wasm';
import { BLOCK, paddedSize, SOLVE_ROWS } from './linalg-blocked';
import { createSharedMatrix } from './linalg-wasm';
import { louisTestPriors, stateNear, worstRelativeToDiagonal } from './louis.fixture';
import { simulate3pl } from './three-pl.fixture';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';
import { gridNodes } from '../irt';

const nodes = gridNodes(-6, 6, 61);

/** Largest |fast − reference| over the matrix, relative to its largest diagonal entry. */
function worstDifference(data: ResponseData, state: ModelState, settings: MStepSettings, shards: number): number {
  const reference = louisObservedInformation(data, state, settings, nodes);
  const bounds = shardBoundaries(data, shards);
  const parts = bounds.slice(0, -1).map((from, k) => louisShardPartial(sliceRows(data, from, bounds[k + 1]!), state, settings, nodes));
  const fast = louisInformationFromPartial(mergeLouisPartials(parts), state, settings, nodes);
  expect(fast.parameters).toEqual(reference.parameters);
  return worstRelativeToDiagonal(reference, fast);
}

const priors = louisTestPriors;

/** 3PL settings over `items` items, every parameter free but the c of item `fixedC`. */
function threePlSettings(items: number, fixedC: number): MStepSettings {
  const guessingFree = new Uint8Array(items).fill(1);
  guessingFree[fixedC] = 0;
  return {
    model: '3pl',
    priors,
    free: new Uint8Array(items).fill(1),
    estimateMean: false,
    estimateSd: false,
    guessing: { mode: new Float64Array(items).fill(0.2), weight: 20, free: guessingFree },
  };
}

describe('fast Louis pass', () => {
  it('equals the reference pass to 1e-9 (2PL sparse, Rasch with σ, anchors with mean and σ, 3PL with fixed c), split into shards or not', () => {
    const rng = createRandom(18);
    const sparse = simulateCalibrationData(createRandom(181), { items: 60, persons: 3000, design: { kind: 'random', perPerson: 12 } });
    const sparseData = collapsePatterns(sparse.data).data;
    const twoPl: MStepSettings = { model: '2pl', priors, free: new Uint8Array(60).fill(1), estimateMean: false, estimateSd: false };
    const worst2pl = worstDifference(sparseData, stateNear(rng, sparse.items), twoPl, 3);

    const complete = simulateCalibrationData(createRandom(182), { items: 15, persons: 2000 });
    const completeData = collapsePatterns(complete.data).data;
    const rasch: MStepSettings = { model: 'rasch', priors, free: new Uint8Array(15).fill(1), estimateMean: false, estimateSd: true };
    const raschState = { ...stateNear(rng, complete.items), a: new Float64Array(15).fill(1), sd: 1.2 };
    const worstRasch = worstDifference(completeData, raschState, rasch, 1);

    const free = new Uint8Array(15).fill(1);
    free[0] = 0;
    free[3] = 0;
    const anchored: MStepSettings = { model: '2pl', priors, free, estimateMean: true, estimateSd: true };
    const worstAnchored = worstDifference(completeData, stateNear(rng, complete.items, { mean: 0.1, sd: 0.9 }), anchored, 2);

    const three = simulate3pl(createRandom(183), { items: 10, persons: 1500 });
    const threeData = collapsePatterns(three.data).data;
    const threePl = threePlSettings(10, 2);
    const worst3pl = worstDifference(threeData, stateNear(rng, three.items, { c: Float64Array.from(three.items, (item) => item.c) }), threePl, 2);

    console.log(
      `fast Louis pass vs reference, max |Δ| / max diagonal: 2PL sparse ${worst2pl.toExponential(2)}, Rasch ${worstRasch.toExponential(2)}, ` +
        `anchored ${worstAnchored.toExponential(2)}, 3PL ${worst3pl.toExponential(2)}`,
    );
    for (const worst of [worst2pl, worstRasch, worstAnchored, worst3pl]) expect(worst).toBeLessThan(1e-9);
  }, 120_000);

  it("writes the item rows from the shards' unmerged blocks, range by range, exactly as the merged partial does (2PL with anchors and latent scores, Rasch, 3PL with a fixed c)", () => {
    const rng = createRandom(19);
    const sparse = simulateCalibrationData(createRandom(191), { items: 40, persons: 2000, design: { kind: 'random', perPerson: 10 } });
    const sparseData = collapsePatterns(sparse.data).data;
    const free = new Uint8Array(40).fill(1);
    free[1] = 0;
    free[17] = 0;
    const anchored: MStepSettings = { model: '2pl', priors, free, estimateMean: true, estimateSd: true };
    const rasch: MStepSettings = { model: 'rasch', priors, free: new Uint8Array(40).fill(1), estimateMean: false, estimateSd: true };
    const three = simulate3pl(createRandom(192), { items: 12, persons: 1200 });
    const threePl = threePlSettings(12, 4);
    const cases: [ResponseData, ModelState, MStepSettings][] = [
      [sparseData, stateNear(rng, sparse.items, { mean: 0.2, sd: 1.1 }), anchored],
      [sparseData, { ...stateNear(rng, sparse.items), a: new Float64Array(40).fill(1), sd: 1.1 }, rasch],
      [collapsePatterns(three.data).data, stateNear(rng, three.items, { c: Float64Array.from(three.items, (item) => item.c) }), threePl],
    ];
    for (const [data, state, settings] of cases) {
      const bounds = shardBoundaries(data, 3);
      const shards = () => bounds.slice(0, -1).map((from, k) => louisShardPartial(sliceRows(data, from, bounds[k + 1]!), state, settings, nodes));
      const P = louisInformationFromPartial(mergeLouisPartials(shards()), state, settings, nodes).parameters.length;
      const stride = P + 3;
      const expected = new Float64Array(P * stride);
      louisInformationFromPartial(mergeLouisPartials(shards()), state, settings, nodes, { matrix: expected, stride });
      const parts = shards();
      const F = parts[0]!.freeItems;
      const written = new Float64Array(P * stride);
      const cuts = [0, Math.floor(F / 8), Math.floor((3 * F) / 4), F]; // one range longer than a tile of rows
      for (let k = 2; k >= 0; k--)
        writeLouisItemRows(
          parts.map((part) => part.blocks),
          state,
          settings,
          written,
          stride,
          cuts[k],
          cuts[k + 1],
        );
      louisInformationFromPartial(mergeLouisPartials(parts.map((part) => ({ ...part, blocks: new Float64Array(0) }))), state, settings, nodes, {
        matrix: written,
        stride,
        itemRowsWritten: true,
      });
      expect(written).toEqual(expected);
    }
  });

  it('sums shards straight into one padded matrix (upper triangle, lower one transposed, a third packed; or the two halves alone): the lower triangle equals the merged path bit for bit (2PL with anchors and latent scores, Rasch)', () => {
    const rng = createRandom(23);
    const sparse = simulateCalibrationData(createRandom(231), { items: 40, persons: 2000, design: { kind: 'random', perPerson: 10 } });
    const data = collapsePatterns(sparse.data).data;
    const free = new Uint8Array(40).fill(1);
    free[3] = 0;
    free[22] = 0;
    const anchored: MStepSettings = { model: '2pl', priors, free, estimateMean: true, estimateSd: true };
    const rasch: MStepSettings = { model: 'rasch', priors, free: new Uint8Array(40).fill(1), estimateMean: false, estimateSd: true };
    const cases: [ModelState, MStepSettings][] = [
      [stateNear(rng, sparse.items, { mean: 0.2, sd: 1.1 }), anchored],
      [{ ...stateNear(rng, sparse.items), a: new Float64Array(40).fill(1), sd: 1.1 }, rasch],
    ];
    const bounds = shardBoundaries(data, 3);
    const shard = (k: number) => sliceRows(data, bounds[k]!, bounds[k + 1]!);
    let longest = 0;
    for (let r = 0; r + 1 < data.rowStart.length; r++) longest = Math.max(longest, data.rowStart[r + 1]! - data.rowStart[r]!);
    for (const [state, settings] of cases) {
      const shards = (count = 3) => [0, 1, 2].slice(0, count).map((k) => louisShardPartial(shard(k), state, settings, nodes));
      const P = louisInformationFromPartial(mergeLouisPartials(shards()), state, settings, nodes).parameters.length;
      const N = paddedSize(P);
      const merged = (count: number) => {
        const matrix = new Float64Array(N * N);
        louisInformationFromPartial(mergeLouisPartials(shards(count)), state, settings, nodes, { matrix, stride: N });
        return matrix;
      };
      const expected = merged(3);
      // Two shards alone (the threaded runner's usual case: mergeLouisHalves's plain loops).
      const expectedTwo = merged(2);
      const F = shards()[0]!.freeItems;
      const b = settings.model === 'rasch' ? 1 : 2;
      const L = (settings.estimateMean ? 1 : 0) + (settings.estimateSd ? 1 : 0);
      const direct = (withLower: boolean, withPacked = true): Float64Array => {
        const shared = createSharedMatrix(N, 2, BLOCK, SOLVE_ROWS, louisRegionBytes(40, F, b, L, nodes.length, longest))!;
        expect(shared).not.toBeNull();
        const target = (k: number, half: 'upper' | 'lower') => ({
          memory: shared.memory,
          size: N,
          regionAt: 8 * shared.scratchAt(k),
          regionBytes: 8 * (shared.scratchAt(1) - shared.scratchAt(0)),
          half,
        });
        const parts: LouisPartial[] = [
          louisShardPartial(shard(0), state, settings, nodes, 'wasm', target(0, 'upper')),
          louisShardPartial(shard(1), state, settings, nodes, 'wasm', target(1, 'lower')),
          louisShardPartial(shard(2), state, settings, nodes),
        ];
        expect(parts.map((part) => part.inMatrix)).toEqual(['upper', 'lower', undefined]);
        const used = !withPacked ? [parts[0]!, parts[1]!] : withLower ? parts : [parts[0]!, parts[2]!];
        const cuts = [0, Math.floor(F / 8), Math.floor((3 * F) / 4), F]; // one range longer than a tile of rows
        for (let k = 2; k >= 0; k--) mergeLouisHalves(used, F, b, shared.matrix, N, cuts[k], cuts[k + 1]);
        const rest = mergeLouisPartials((withPacked ? parts : used).map((part) => ({ ...part, blocks: new Float64Array(0) })));
        louisInformationFromPartial(rest, state, settings, nodes, { matrix: shared.matrix, stride: N, itemRowsWritten: true });
        return shared.matrix;
      };
      const lowerDiffers = (matrix: Float64Array, reference = expected): number => {
        let differ = 0;
        for (let i = 0; i < P; i++) for (let j = 0; j <= i; j++) if (!Object.is(matrix[i * N + j], reference[i * N + j])) differ++;
        return differ;
      };
      expect(lowerDiffers(direct(true)), settings.model).toBe(0);
      expect(lowerDiffers(direct(false)), `${settings.model}, the lower half left out`).toBeGreaterThan(0);
      const two = direct(true, false);
      expect(lowerDiffers(two, expectedTwo), `${settings.model}, upper and lower halves alone`).toBe(0);
      expect(lowerDiffers(two, merged(1)), `${settings.model}, upper and lower halves alone: not the first shard's alone`).toBeGreaterThan(0);
    }
  });
});
