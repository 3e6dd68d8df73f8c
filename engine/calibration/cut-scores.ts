/**
 * Level cut scores on the θ scale of a parameter set.
 *
 * The cut score of level ℓ is the ability at which the expected success on the live challenges of
 * the skills of level ℓ reaches a set probability (0.5 by default): the θ solving
 * mean_i P_i(θ) = p over those challenges. A learner at that θ succeeds on half of what level ℓ
 * asks; above it, on more. Levels are ordered, so cut scores are made non-decreasing: a level whose
 * raw cut falls below the previous level's takes the previous level's value and is reported as
 * adjusted (its challenges are, on the data, easier than the level below: worth a look).
 */
import { probability, type ItemParameters } from '../irt';

export interface LevelledItem extends ItemParameters {
  /** The level of the item's skill (1–8). */
  readonly level: number;
}

export interface CutScoreSettings {
  /** Expected success that defines reaching a level (default 0.5). */
  readonly probability?: number;
  /** Search range for θ (default [−6, 6], the calibration quadrature's range). */
  readonly min?: number;
  readonly max?: number;
}

export interface LevelCutScore {
  readonly level: number;
  /** Number of items of the level. */
  readonly items: number;
  /** θ solving mean P = probability, before ordering (clamped to the range when never reached). */
  readonly raw: number;
  /** The cut score kept (non-decreasing over levels). */
  readonly theta: number;
  /** True when `theta` differs from `raw` because the level came out easier than a lower one. */
  readonly adjusted: boolean;
  /** True when the mean probability never reaches the target inside the range (raw is a bound). */
  readonly outOfRange: boolean;
}

export interface CutScoreReport {
  readonly probability: number;
  readonly levels: LevelCutScore[];
  /** { "1": θ, "2": θ, … } for the levels that have items: what a parameter set stores. */
  readonly cutScores: Record<string, number>;
}

function meanProbability(items: readonly ItemParameters[], theta: number): number {
  let total = 0;
  for (const item of items) total += probability(item, theta);
  return total / items.length;
}

/** Cut scores per level from the items' parameters and levels. Levels without items are left out. */
export function levelCutScores(items: readonly LevelledItem[], settings: CutScoreSettings = {}): CutScoreReport {
  const target = settings.probability ?? 0.5;
  const min = settings.min ?? -6;
  const max = settings.max ?? 6;
  if (!(target > 0 && target < 1)) throw new RangeError(`probability must be in (0, 1), got ${target}`);
  if (!(min < max)) throw new RangeError(`empty θ range [${min}, ${max}]`);
  const byLevel = new Map<number, LevelledItem[]>();
  for (const item of items) {
    if (!Number.isFinite(item.a) || !Number.isFinite(item.d)) continue;
    const list = byLevel.get(item.level) ?? [];
    list.push(item);
    byLevel.set(item.level, list);
  }
  const levels: LevelCutScore[] = [];
  let previous = -Infinity;
  for (const level of [...byLevel.keys()].sort((x, y) => x - y)) {
    const group = byLevel.get(level) as LevelledItem[];
    let raw: number;
    let outOfRange = false;
    const atMin = meanProbability(group, min) - target;
    const atMax = meanProbability(group, max) - target;
    if (atMin >= 0) {
      raw = min;
      outOfRange = atMin > 0;
    } else if (atMax <= 0) {
      raw = max;
      outOfRange = atMax < 0;
    } else {
      // Bisection: the mean of increasing logistic curves is increasing when slopes are positive;
      // with a negative slope among them it may not be, and bisection still finds a crossing.
      let lo = min;
      let hi = max;
      for (let k = 0; k < 80 && hi - lo > 1e-10; k++) {
        const mid = 0.5 * (lo + hi);
        if (meanProbability(group, mid) < target) lo = mid;
        else hi = mid;
      }
      raw = 0.5 * (lo + hi);
    }
    const theta = Math.max(raw, previous);
    levels.push({ level, items: group.length, raw, theta, adjusted: theta !== raw, outOfRange });
    previous = theta;
  }
  const cutScores: Record<string, number> = {};
  for (const l of levels) cutScores[String(l.level)] = l.theta;
  return { probability: target, levels, cutScores };
}

/** The level of ability θ under cut scores (0 below the first cut). */
export function levelAt(cutScores: Readonly<Record<string, number>>, theta: number): number {
  let level = 0;
  for (const [key, cut] of Object.entries(cutScores)) {
    const l = Number(key);
    if (theta >= cut && l > level) level = l;
  }
  return level;
}
