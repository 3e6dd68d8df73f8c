/**
 * Diagnostics of a calibration run that need the persons' answers, computed once where the answers
 * are in memory (the worker at the end of a run, the CLI) and stored with the run:
 *
 * - the distribution of person fit lz (Drasgow, Levine & Williams 1985) at each person's EAP θ̂, with
 *   the share of misfitting persons (lz below −1.645): `personFitDistribution`;
 * - local dependence between challenges of one skill or one tube, Yen's (1984) Q3 at EAP θ̂ over the
 *   persons who answered both, the pairs above 0.2 listed, with Q3* = Q3 − mean Q3 (Christensen,
 *   Makransky & Horton 2017, "Critical values for Yen's Q3", Applied Psychological Measurement 41(3))
 *   and Q3's expected mean under local independence, about −1/(k − 1) for k answers per person
 *   (Yen 1993): `localDependence`.
 *
 * Both use the same functions as the CLI (`personFit`, `yenQ3` in diagnostics.ts).
 */
import type { ResponseData } from './data';
import type { CalibrationResult } from './em';
import { personFit, yenQ3 } from './diagnostics';
import { scorePersons } from './persons';

export const PERSON_FIT_HISTOGRAM = { from: -5, step: 0.5, bins: 16 } as const;

export interface PersonFitDistribution {
  /** lz below this is a misfit (one-sided 5 %). */
  readonly threshold: number;
  /** Weighted persons with an lz (at least one answer to a calibrated challenge). */
  readonly persons: number;
  /** Weighted persons with lz < threshold, and their share of `persons`. */
  readonly misfittingPersons: number;
  readonly misfitting: number;
  readonly mean: number | null;
  readonly sd: number | null;
  /** Weighted counts of lz in [from + k·step, from + (k+1)·step); the first and last bins take what is beyond. */
  readonly histogram: { readonly from: number; readonly step: number; readonly counts: readonly number[] };
}

/** Summary of lz values (NaN: undefined, left out), weighted like the data's rows. */
export function summarisePersonFit(
  lz: ArrayLike<number>,
  weights: ArrayLike<number> | null,
  threshold = -1.645,
  spec: { readonly from: number; readonly step: number; readonly bins: number } = PERSON_FIT_HISTOGRAM,
): PersonFitDistribution {
  const counts = new Array<number>(spec.bins).fill(0);
  let w = 0;
  let below = 0;
  let sum = 0;
  let sum2 = 0;
  for (let r = 0; r < lz.length; r++) {
    const value = lz[r] as number;
    if (!Number.isFinite(value)) continue;
    const wr = weights === null ? 1 : (weights[r] as number);
    w += wr;
    sum += wr * value;
    sum2 += wr * value * value;
    if (value < threshold) below += wr;
    const bin = Math.min(spec.bins - 1, Math.max(0, Math.floor((value - spec.from) / spec.step)));
    counts[bin] = (counts[bin] as number) + wr;
  }
  const mean = w > 0 ? sum / w : null;
  const sd = w > 1 && mean !== null ? Math.sqrt(Math.max(0, (sum2 - w * mean * mean) / (w - 1))) : null;
  return {
    threshold,
    persons: w,
    misfittingPersons: below,
    misfitting: w > 0 ? below / w : 0,
    mean,
    sd,
    histogram: { from: spec.from, step: spec.step, counts },
  };
}

/** Person fit lz of every row at its EAP θ̂ (`personFit`), summarised. */
export function personFitDistribution(
  data: ResponseData,
  result: CalibrationResult,
  options: { readonly theta?: Float64Array; readonly threshold?: number } = {},
): PersonFitDistribution {
  const fit = personFit(data, result, options);
  return summarisePersonFit(fit.lz, data.weights, fit.threshold);
}

/** Where a challenge sits in the framework. */
export interface ItemPlace {
  readonly skill: string;
  readonly tube: string;
  /** Pairs are only computed within one competence (default: all in one). */
  readonly competence?: string;
}

export interface DependentPair {
  readonly items: readonly [string, string];
  /** The closest unit the two challenges share. */
  readonly relation: 'skill' | 'tube';
  readonly q3: number;
  /** Q3* = Q3 − the mean Q3 of all the pairs computed (same competence). */
  readonly adjusted: number;
  /** Weighted persons who answered both. */
  readonly n: number;
}

export interface LocalDependenceReport {
  readonly threshold: number;
  readonly minPersons: number;
  /** Pairs computed: both challenges in one competence, answered together by at least minPersons. */
  readonly pairsComputed: number;
  /** Among them, pairs of one skill or one tube. */
  readonly relatedPairs: number;
  /** Mean Q3 of the pairs computed (null: none). */
  readonly meanQ3: number | null;
  /** Mean number of calibrated answers of the persons with two or more (weighted), and −1/(k − 1). */
  readonly answersPerPerson: number | null;
  readonly expectedMean: number | null;
  /** Largest Q3 among the related pairs. */
  readonly maxRelated: number | null;
  /** Related pairs with Q3 above the threshold, by decreasing Q3 (at most `limit`). */
  readonly pairs: readonly DependentPair[];
  /** Related pairs above the threshold in all (may exceed pairs.length). */
  readonly above: number;
}

export function localDependence(
  data: ResponseData,
  result: CalibrationResult,
  places: ReadonlyMap<string, ItemPlace>,
  options: { readonly theta?: Float64Array; readonly threshold?: number; readonly minPersons?: number; readonly limit?: number } = {},
): LocalDependenceReport {
  const threshold = options.threshold ?? 0.2;
  const minPersons = options.minPersons ?? 30;
  const limit = options.limit ?? 200;
  const theta = options.theta ?? scorePersons(data, result).theta;
  const place = result.items.map((item) => places.get(item.item) ?? null);
  // Each item's competence as a number (−1: not placed), so the test per pair of answers is one comparison.
  const competenceIndex = new Map<string, number>();
  const competenceOf = Int32Array.from(place, (p) => {
    if (p === null || p === undefined) return -1;
    const key = p.competence ?? '';
    let k = competenceIndex.get(key);
    if (k === undefined) competenceIndex.set(key, (k = competenceIndex.size));
    return k;
  });
  const include = (i: number, j: number) => {
    const c = competenceOf[i] as number;
    return c >= 0 && c === competenceOf[j];
  };
  const all = yenQ3(data, result, { theta, minPersons, include });
  let sum = 0;
  for (const p of all) sum += p.q3;
  const meanQ3 = all.length > 0 ? sum / all.length : null;
  const related: DependentPair[] = [];
  let maxRelated: number | null = null;
  let relatedPairs = 0;
  let above = 0;
  for (const p of all) {
    const a = place[p.i] as ItemPlace;
    const b = place[p.j] as ItemPlace;
    const relation = a.skill === b.skill ? 'skill' : a.tube === b.tube ? 'tube' : null;
    if (relation === null) continue;
    relatedPairs++;
    if (maxRelated === null || p.q3 > maxRelated) maxRelated = p.q3;
    if (!(p.q3 > threshold)) continue;
    above++;
    if (related.length < limit) related.push({ items: p.items, relation, q3: p.q3, adjusted: p.q3 - (meanQ3 ?? 0), n: p.n });
  }
  // Answers per person to the calibrated challenges, over the persons with at least two.
  const known = new Set(result.items.map((i) => i.item));
  const calibrated = data.itemIds.map((id) => known.has(id));
  let persons = 0;
  let answers = 0;
  for (let r = 0; r + 1 < data.rowStart.length; r++) {
    let k = 0;
    for (let t = data.rowStart[r] as number; t < (data.rowStart[r + 1] as number); t++) if (calibrated[data.items[t] as number]) k++;
    if (k < 2) continue;
    const w = data.weights === null ? 1 : (data.weights[r] as number);
    persons += w;
    answers += w * k;
  }
  const answersPerPerson = persons > 0 ? answers / persons : null;
  return {
    threshold,
    minPersons,
    pairsComputed: all.length,
    relatedPairs,
    meanQ3,
    answersPerPerson,
    expectedMean: answersPerPerson !== null && answersPerPerson > 1 ? -1 / (answersPerPerson - 1) : null,
    maxRelated,
    pairs: related,
    above,
  };
}
