/**
 * The fast Louis pass (node moments per pair of a person's items, packed item blocks, shards merged)
 * against the one-thread reference pass of information.ts, on every model and layout.
 */
import { describe, expect, it } from 'vitest';
import { collapsePatterns, sliceRows, shardBoundaries, type ModelState, type MStepSettings, type ResponseData } from '.';
import { louisObservedInformation } from './information';
import { louisInformationFromPartial, louisShardPartial, mergeLouisPartials, writeLouisItemRows } from './louis-pass';
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
});
