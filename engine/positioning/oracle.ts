/**
 * What any policy could reach on a bank: an oracle that knows the TRUE item parameters and the TRUE
 * level function, asks k questions and answers with the Bayes decision (the level of highest posterior
 * probability). Pure and seeded; for the simulation report only (never used by a session).
 *
 * - `greedy-accuracy`: each question maximises the expected probability that the Bayes decision is right
 *   after its answer (one-step look-ahead).
 * - `greedy-information`: each question maximises the mutual information between the level and its
 *   answer (a classification CAT criterion).
 * Both are achievable by the oracle, so the best of them at each k is a lower bound on the oracle's
 * optimum at k. `allItems` (every live challenge of the bank answered, Bayes decision) is an UPPER bound
 * on the exact-level rate of every policy at every length: any policy's decision is a function of a
 * subset of those answers, and the Bayes decision on all of them is the best function of all of them;
 * its within-one rate uses the decision that maximises P(|level − d| ≤ 1), so it bounds that rate too.
 */
import { probability, type ItemParameters } from '../irt';
import { normal, type RandomGenerator } from '../random';
import { chooseNext } from './select';
import { applyAnswer, startPositioning } from './session';
import type { SimulatedCompetenceBank } from './simulate';
import { trueCompetenceLevel } from './simulate';
import type { PositioningSettings } from './types';

export interface OracleRates {
  exact: number;
  withinOne: number;
}

interface OracleBank {
  nodes: Float64Array;
  prior: Float64Array;
  levelAt: Int32Array;
  levels: number;
  /** P(correct | node) per live item, true parameters. */
  curves: Float64Array[];
  truth: ItemParameters[];
}

const GRID = { min: -6, max: 6, points: 241 };

function compileOracle(sim: SimulatedCompetenceBank, maxReachableLevel: number): OracleBank {
  const live = sim.bank.challenges.filter((c) => c.status === 'valide');
  const n = GRID.points;
  const nodes = new Float64Array(n);
  const prior = new Float64Array(n);
  let total = 0;
  for (let q = 0; q < n; q++) {
    nodes[q] = GRID.min + ((GRID.max - GRID.min) * q) / (n - 1);
    prior[q] = Math.exp(-0.5 * (nodes[q] as number) ** 2);
    total += prior[q] as number;
  }
  for (let q = 0; q < n; q++) prior[q] = (prior[q] as number) / total;
  const levelAt = new Int32Array(n);
  for (let q = 0; q < n; q++) levelAt[q] = trueCompetenceLevel(sim, nodes[q] as number, maxReachableLevel).level;
  const truth = live.map((c) => sim.truth[c.id] as ItemParameters);
  const curves = truth.map((p) => Float64Array.from(nodes, (t) => probability(p, t)));
  return { nodes, prior, levelAt, levels: maxReachableLevel + 1, curves, truth };
}

function levelMass(ob: OracleBank, post: Float64Array, curve: Float64Array | null, y: 0 | 1, into: Float64Array): number {
  into.fill(0);
  let total = 0;
  for (let q = 0; q < post.length; q++) {
    const p = curve ? (y === 1 ? (curve[q] as number) : 1 - (curve[q] as number)) : 1;
    const w = (post[q] as number) * p;
    const l = ob.levelAt[q] as number;
    into[l] = (into[l] as number) + w;
    total += w;
  }
  return total;
}

function argmax(xs: Float64Array): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if ((xs[i] as number) > (xs[best] as number)) best = i;
  return best;
}

function entropy(xs: Float64Array, total: number): number {
  let h = 0;
  for (const x of xs) if (x > 0) h -= (x / total) * Math.log(x / total);
  return h;
}

/** Runs one oracle learner; returns the Bayes decision after each answer (index = answers − 1). */
function runOracle(
  ob: OracleBank,
  theta: number,
  maxK: number,
  criterion: 'greedy-accuracy' | 'greedy-information',
  rng: RandomGenerator,
  nearDecisions?: number[],
): number[] {
  const post = Float64Array.from(ob.prior);
  const asked = new Uint8Array(ob.curves.length);
  const m1 = new Float64Array(ob.levels);
  const m0 = new Float64Array(ob.levels);
  const decisions: number[] = [];
  for (let k = 0; k < Math.min(maxK, ob.curves.length); k++) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < ob.curves.length; i++) {
      if (asked[i]) continue;
      const t1 = levelMass(ob, post, ob.curves[i] as Float64Array, 1, m1);
      const t0 = levelMass(ob, post, ob.curves[i] as Float64Array, 0, m0);
      let value: number;
      if (criterion === 'greedy-accuracy') {
        value = (m1[argmax(m1)] as number) + (m0[argmax(m0)] as number);
        // Ties (no single answer can change the decision): prefer the more informative about the level.
        value += 1e-6 * -(t1 * entropy(m1, t1) + t0 * entropy(m0, t0));
      } else {
        value = -(t1 * entropy(m1, t1) + t0 * entropy(m0, t0)); // maximise I(level; answer)
      }
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    asked[best] = 1;
    const correct = rng.next() < probability(ob.truth[best] as ItemParameters, theta);
    const curve = ob.curves[best] as Float64Array;
    let total = 0;
    for (let q = 0; q < post.length; q++) {
      post[q] = (post[q] as number) * (correct ? (curve[q] as number) : 1 - (curve[q] as number));
      total += post[q] as number;
    }
    for (let q = 0; q < post.length; q++) post[q] = (post[q] as number) / total;
    levelMass(ob, post, null, 1, m1);
    decisions.push(argmax(m1));
    // The decision that maximises P(|level − d| ≤ 1) instead (its own Bayes decision).
    let bestNear = 0;
    let bestNearMass = -1;
    for (let d = 0; d < ob.levels; d++) {
      const mass = (m1[d - 1] ?? 0) + (m1[d] as number) + (m1[d + 1] ?? 0);
      if (mass > bestNearMass) {
        bestNearMass = mass;
        bestNear = d;
      }
    }
    nearDecisions?.push(bestNear);
  }
  return decisions;
}

/**
 * The oracle bound on one bank for learners θ ~ N(0, 1) (`count` of them), for each length in `lengths`.
 * Rates are over the learners; pass the same `rng` stream for reproducibility.
 */
export function oracleBound(
  sim: SimulatedCompetenceBank,
  options: { count: number; lengths: readonly number[]; maxReachableLevel: number },
  rng: RandomGenerator,
): { byLength: Record<string, Record<'greedy-accuracy' | 'greedy-information', OracleRates>>; allItems: OracleRates & { items: number } } {
  const ob = compileOracle(sim, options.maxReachableLevel);
  const maxK = Math.max(...options.lengths);
  const counts = {
    'greedy-accuracy': options.lengths.map(() => ({ exact: 0, withinOne: 0 })),
    'greedy-information': options.lengths.map(() => ({ exact: 0, withinOne: 0 })),
  };
  const all = { exact: 0, withinOne: 0 };
  for (let i = 0; i < options.count; i++) {
    const theta = normal(rng, 0, 1);
    const truth = trueCompetenceLevel(sim, theta, options.maxReachableLevel).level;
    for (const criterion of ['greedy-accuracy', 'greedy-information'] as const) {
      const decisions = runOracle(ob, theta, maxK, criterion, rng);
      options.lengths.forEach((k, j) => {
        const d = decisions[Math.min(k, decisions.length) - 1] as number;
        const c = counts[criterion][j] as OracleRates;
        if (d === truth) c.exact++;
        if (Math.abs(d - truth) <= 1) c.withinOne++;
      });
    }
    const near: number[] = [];
    const full = runOracle(ob, theta, ob.curves.length, 'greedy-information', rng, near);
    if (full[full.length - 1] === truth) all.exact++;
    if (Math.abs((near[near.length - 1] as number) - truth) <= 1) all.withinOne++;
  }
  const byLength: Record<string, Record<'greedy-accuracy' | 'greedy-information', OracleRates>> = {};
  options.lengths.forEach((k, j) => {
    byLength[String(k)] = {
      'greedy-accuracy': {
        exact: (counts['greedy-accuracy'][j] as OracleRates).exact / options.count,
        withinOne: (counts['greedy-accuracy'][j] as OracleRates).withinOne / options.count,
      },
      'greedy-information': {
        exact: (counts['greedy-information'][j] as OracleRates).exact / options.count,
        withinOne: (counts['greedy-information'][j] as OracleRates).withinOne / options.count,
      },
    };
  });
  return { byLength, allItems: { exact: all.exact / options.count, withinOne: all.withinOne / options.count, items: ob.curves.length } };
}

/**
 * The oracle under the evidence rules (decision 017), for `levelAccuracyVsOracle`: the positioning engine
 * itself, given the TRUE parameters of the bank, without exposure control nor pretest, asking exactly
 * `maxK` questions (no early stop but when nothing is left to ask). Its level after k answers is the level
 * the knowledge elements would give if the session closed then (direct and inferred elements stand, θ
 * settles only the untouched skills, and only after a right answer), so it follows the same evidence rules
 * as every policy; what it has that they do not is the truth of the parameters. Returns a function giving,
 * for one learner, the level after each answer (index k − 1; the last one repeated when it ran out of
 * questions before `maxK`).
 */
export function evidenceOracle(
  sim: SimulatedCompetenceBank,
  options: { maxK: number; maxReachableLevel: number; locale?: string },
): (theta: number, rng: RandomGenerator) => number[] {
  const bank = {
    ...sim.bank,
    challenges: sim.bank.challenges.map((c) => ({ ...c, params: (sim.truth[c.id] as ItemParameters | undefined) ?? c.params })),
  };
  const settings: Partial<PositioningSettings> = {
    maxReachableLevel: options.maxReachableLevel,
    maxLength: options.maxK,
    minLength: options.maxK,
    levelCertainty: 1,
    withinOneCertainty: 0,
    seStop: 0,
    tryLevelsAbove: 0,
    exposureTopK: 1,
    pretestRate: 0,
    ...(options.locale ? { locale: options.locale } : {}),
  };
  const context = { bank, settings };
  return (theta, rng) => {
    let state = startPositioning(context);
    const levels: number[] = [];
    for (let k = 0; k < options.maxK; k++) {
      const next = chooseNext(context, state, rng);
      if (next.done) break;
      const p = probability(bank.challenges.find((c) => c.id === next.challengeId)?.params as ItemParameters, theta);
      const correct = theta === Infinity || (theta !== -Infinity && rng.next() < p);
      state = applyAnswer(context, state, { challengeId: next.challengeId, result: correct ? 'ok' : 'ko' });
      levels.push(state.level);
    }
    while (levels.length < options.maxK) levels.push(levels.length === 0 ? state.level : (levels[levels.length - 1] as number));
    return levels;
  };
}

/** The exact-level rate at a mean length `length` from the rates at whole lengths (rates[k − 1]), linearly between them. */
export function rateAtLength(rates: readonly number[], length: number): number {
  if (rates.length === 0) return 0;
  if (length <= 1) return rates[0] as number;
  if (length >= rates.length) return rates[rates.length - 1] as number;
  const lo = Math.floor(length);
  const t = length - lo;
  return (1 - t) * (rates[lo - 1] as number) + t * (rates[lo] as number);
}
