/**
 * Synthetic item banks, persons and answers with known truth, from a seeded generator.
 */
import { ResponseDataBuilder, type ResponseData } from '../calibration';
import { posteriorOnGrid, probability, summarisePosterior, updatePosterior, type ItemModel } from '../irt';
import { logNormal, normal, randomInt, type RandomGenerator } from '../random';

export interface SimulatedItem {
  readonly id: string;
  readonly a: number;
  readonly d: number;
  /** b = −d / a. */
  readonly b: number;
}

export interface ItemBankSettings {
  readonly count: number;
  /** '2pl' draws slopes from logN(slopeMeanLog, slopeSdLog); 'rasch' sets every slope to 1. */
  readonly model?: ItemModel;
  readonly slopeMeanLog?: number;
  readonly slopeSdLog?: number;
  /** Difficulties b ~ N(difficultyMean, difficultySd). */
  readonly difficultyMean?: number;
  readonly difficultySd?: number;
  /** Item ids are idPrefix + a zero-padded number (default "item"). */
  readonly idPrefix?: string;
}

export function simulateItemBank(rng: RandomGenerator, settings: ItemBankSettings): SimulatedItem[] {
  const model = settings.model ?? '2pl';
  const width = String(settings.count).length;
  const items: SimulatedItem[] = [];
  for (let i = 0; i < settings.count; i++) {
    const a = model === 'rasch' ? 1 : logNormal(rng, settings.slopeMeanLog ?? 0, settings.slopeSdLog ?? 0.3);
    const b = normal(rng, settings.difficultyMean ?? 0, settings.difficultySd ?? 1);
    items.push({ id: `${settings.idPrefix ?? 'item'}${String(i + 1).padStart(width, '0')}`, a, d: -a * b, b });
  }
  return items;
}

export interface AbilitySettings {
  readonly count: number;
  readonly mean?: number;
  readonly sd?: number;
}

/** Abilities θ ~ N(mean, sd²). */
export function simulateAbilities(rng: RandomGenerator, settings: AbilitySettings): Float64Array {
  const thetas = new Float64Array(settings.count);
  for (let p = 0; p < settings.count; p++) thetas[p] = normal(rng, settings.mean ?? 0, settings.sd ?? 1);
  return thetas;
}

/**
 * Who answers what.
 * - complete: every person answers every item.
 * - random: each person answers `perPerson` distinct items drawn uniformly.
 * - adaptive: each person answers `perPerson` distinct items chosen one at a time near their
 *   current estimate, as an adaptive test does: θ̂ starts at 0 and is the EAP of the answers so
 *   far (N(0, 1) prior); the next item is the unused one whose b is nearest a target drawn from
 *   N(θ̂, spread²) (spread default 0.5, for exposure control). Selection depends only on answers
 *   already given, so the missing answers are ignorable and calibration stays unbiased
 *   (choosing items by the true θ would not be).
 */
export type SimulationDesign =
  | { readonly kind: 'complete' }
  | { readonly kind: 'random'; readonly perPerson: number }
  | { readonly kind: 'adaptive'; readonly perPerson: number; readonly spread?: number };

/** Draws the answers of each person under the design. Row p of the result is person p. */
export function simulateResponses(rng: RandomGenerator, items: readonly SimulatedItem[], thetas: Float64Array, design: SimulationDesign): ResponseData {
  const N = items.length;
  const builder = new ResponseDataBuilder(items.map((item) => item.id));
  /** Draws person θ's answer to item i, adds it to the current row and returns it. */
  const answer = (i: number, theta: number): 0 | 1 => {
    const score = rng.next() < probability(items[i] as SimulatedItem, theta) ? 1 : 0;
    builder.addAnswer(i, score);
    return score;
  };
  if (design.kind !== 'complete' && !(design.perPerson >= 1 && design.perPerson <= N)) {
    throw new RangeError(`perPerson must be between 1 and ${N}, got ${design.perPerson}`);
  }
  const used = new Int32Array(N).fill(-1); // person index that last used the item
  const chosen = new Int32Array(design.kind === 'random' ? design.perPerson : 0);
  // For the adaptive design: items sorted by difficulty, and the prior of the running EAP.
  const byDifficulty = Int32Array.from(items.keys()).sort((x, y) => (items[x] as SimulatedItem).b - (items[y] as SimulatedItem).b);
  const sortedB = Float64Array.from(byDifficulty, (i) => (items[i] as SimulatedItem).b);
  const prior = posteriorOnGrid([], { grid: { min: -4, max: 4, points: 41 } });
  for (let p = 0; p < thetas.length; p++) {
    const theta = thetas[p] as number;
    builder.beginRow();
    if (design.kind === 'complete') {
      for (let i = 0; i < N; i++) answer(i, theta);
    } else if (design.kind === 'random') {
      for (let k = 0; k < design.perPerson; k++) {
        let pick: number;
        do pick = randomInt(rng, N);
        while (used[pick] === p);
        used[pick] = p;
        chosen[k] = pick;
      }
      // Answers are stored in item order (the order within a row does not matter to calibration).
      chosen.sort();
      for (const i of chosen) answer(i, theta);
    } else {
      let posterior = prior;
      let estimate = 0;
      for (let k = 0; k < design.perPerson; k++) {
        const pick = nearestUnused(sortedB, byDifficulty, normal(rng, estimate, design.spread ?? 0.5), used, p);
        used[pick] = p;
        posterior = updatePosterior(posterior, { ...(items[pick] as SimulatedItem), score: answer(pick, theta) });
        estimate = summarisePosterior(posterior).theta;
      }
    }
  }
  return builder.build();
}

function nearestUnused(sortedB: Float64Array, order: Int32Array, target: number, used: Int32Array, person: number): number {
  // Binary search for the first b ≥ target, then walk outwards to the nearest unused item.
  let lo = 0;
  let hi = sortedB.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sortedB[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  let left = lo - 1;
  let right = lo;
  for (;;) {
    const leftGap = left >= 0 ? target - (sortedB[left] as number) : Infinity;
    const rightGap = right < sortedB.length ? (sortedB[right] as number) - target : Infinity;
    if (leftGap === Infinity && rightGap === Infinity) throw new Error('no unused item left');
    if (leftGap <= rightGap) {
      const item = order[left] as number;
      if (used[item] !== person) return item;
      left--;
    } else {
      const item = order[right] as number;
      if (used[item] !== person) return item;
      right++;
    }
  }
}

export interface CalibrationDataSettings {
  readonly items: number;
  readonly persons: number;
  readonly model?: ItemModel;
  readonly design?: SimulationDesign;
  readonly bank?: Omit<ItemBankSettings, 'count' | 'model'>;
  readonly abilities?: Omit<AbilitySettings, 'count'>;
}

export interface SimulatedCalibrationData {
  readonly data: ResponseData;
  /** True item parameters, index-aligned with data.itemIds. */
  readonly items: SimulatedItem[];
  /** True ability of each row. */
  readonly thetas: Float64Array;
}

/** An item bank, a population and their answers, each from its own part of the generator. */
export function simulateCalibrationData(rng: RandomGenerator, settings: CalibrationDataSettings): SimulatedCalibrationData {
  const items = simulateItemBank(rng, { count: settings.items, model: settings.model, ...settings.bank });
  const thetas = simulateAbilities(rng, { count: settings.persons, ...settings.abilities });
  const data = simulateResponses(rng, items, thetas, settings.design ?? { kind: 'complete' });
  return { data, items, thetas };
}
