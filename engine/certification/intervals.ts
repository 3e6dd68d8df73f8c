/**
 * θ → level and pix per competence, Pix v3 style (decision 019, "Scoring").
 *
 * Each competence has its own intervals on the θ scale, derived from the frozen parameter set and the
 * competence's calibrated skills: a skill is "reached" at θ when the mean success on its challenges, with
 * the frozen parameters, is at least one half (its threshold θₛ); the competence's pix at θ are the pix
 * values of the skills reached (each skill is worth 8 / the number of calibrated skills of its level in the
 * competence, as in a profile), and the lower bound of level ℓ is the θ at which those pix first reach 8ℓ.
 * This is the profile's own rule (pix from validated skills, level = ⌊pix / 8⌋) read off θ instead of off
 * the answers. Inside an interval the pix rise linearly with θ, as Flash maps θ to its score.
 */
import { MAX_SKILL_PIX, PIX_PER_LEVEL } from '../framework';
import { probability, type ItemParameters } from '../irt';
import type { CertificationChallenge } from './types';

/** Lower θ bound of each level, per competence: { "1.1": { "1": θ, "2": θ, … }, … }. */
export type CompetenceIntervals = Record<string, Record<string, number>>;

const THETA_MIN = -6;
const THETA_MAX = 6;

/** θ at which the mean success on `items` reaches one half (bisection on [−6, 6]; the bound when never reached). */
export function skillThreshold(items: readonly ItemParameters[]): number {
  const mean = (theta: number) => items.reduce((s, p) => s + probability(p, theta), 0) / items.length;
  if (mean(THETA_MIN) >= 0.5) return THETA_MIN;
  if (mean(THETA_MAX) < 0.5) return THETA_MAX;
  let lo = THETA_MIN;
  let hi = THETA_MAX;
  for (let i = 0; i < 50; i++) {
    const mid = 0.5 * (lo + hi);
    if (mean(mid) >= 0.5) hi = mid;
    else lo = mid;
  }
  return hi;
}

const cache = new WeakMap<readonly CertificationChallenge[], Map<number, CompetenceIntervals>>();

/**
 * The intervals of every competence of the bank, from its challenges' parameters (all locales: the scale
 * does not depend on the candidate's language). Levels whose pix are never reached have no bound.
 * Memoised per bank array (selection asks for them at every step).
 */
export function competenceIntervals(bank: readonly CertificationChallenge[], maxReachableLevel: number): CompetenceIntervals {
  const hit = cache.get(bank)?.get(maxReachableLevel);
  if (hit) return hit;
  const bySkill = new Map<string, { competenceCode: string; level: number; items: ItemParameters[] }>();
  for (const c of bank) {
    const entry = bySkill.get(c.skillId) ?? { competenceCode: c.competenceCode, level: c.level, items: [] };
    entry.items.push(c.params);
    bySkill.set(c.skillId, entry);
  }
  const peers = new Map<string, number>();
  for (const s of bySkill.values()) peers.set(`${s.competenceCode}|${s.level}`, (peers.get(`${s.competenceCode}|${s.level}`) ?? 0) + 1);
  const byCompetence = new Map<string, { threshold: number; pix: number }[]>();
  for (const s of bySkill.values()) {
    const list = byCompetence.get(s.competenceCode) ?? [];
    list.push({ threshold: skillThreshold(s.items), pix: Math.min(MAX_SKILL_PIX, PIX_PER_LEVEL / (peers.get(`${s.competenceCode}|${s.level}`) as number)) });
    byCompetence.set(s.competenceCode, list);
  }
  const out: CompetenceIntervals = {};
  for (const code of [...byCompetence.keys()].sort()) {
    const skills = (byCompetence.get(code) as { threshold: number; pix: number }[]).sort((x, y) => x.threshold - y.threshold);
    const bounds: Record<string, number> = {};
    let pix = 0;
    let level = 1;
    for (const s of skills) {
      pix += s.pix;
      while (level <= maxReachableLevel && Math.floor(pix + 1e-9) >= PIX_PER_LEVEL * level) {
        bounds[String(level)] = s.threshold;
        level++;
      }
    }
    out[code] = bounds;
  }
  const byLevel = cache.get(bank) ?? new Map<number, CompetenceIntervals>();
  byLevel.set(maxReachableLevel, out);
  cache.set(bank, byLevel);
  return out;
}

/**
 * Continuous level at θ through one competence's bounds: ℓ at the lower bound of ℓ, rising linearly to
 * ℓ + 1 at the next bound; from 0 (one mean interval width below level 1's bound) up to level 1; the
 * competence's highest bounded level from its bound on (the bank offers nothing above).
 */
export function levelAt(bounds: Readonly<Record<string, number>>, theta: number): number {
  const cuts = Object.entries(bounds)
    .map(([k, v]) => [Number(k), v] as [number, number])
    .filter(([l, v]) => Number.isInteger(l) && l >= 1 && Number.isFinite(v))
    .sort((x, y) => x[0] - y[0]);
  const top = cuts[cuts.length - 1];
  return top ? continuousLevel(cuts, theta, top[0]) : 0;
}

/**
 * Continuous level at θ from the cut scores: ℓ at cut_ℓ, rising linearly to ℓ+1 at the next cut; below the
 * first cut, from 0 (one interval width below it) to its level; above the last cut, one more interval of
 * the same width, capped at maxLevel. Levels the set has no cut for are skipped (the interval spans them).
 */
export function continuousLevel(cuts: readonly [number, number][], theta: number, maxLevel: number): number {
  if (cuts.length === 0) return 0;
  // Width of one level for the extrapolated ends: the mean spacing per level, or 1 θ unit.
  const [firstLevel, firstCut] = cuts[0] as [number, number];
  const [lastLevel, lastCut] = cuts[cuts.length - 1] as [number, number];
  const step = lastLevel > firstLevel && lastCut > firstCut ? (lastCut - firstCut) / (lastLevel - firstLevel) : 1;
  if (theta < firstCut) {
    const below = firstCut - firstLevel * step;
    return Math.max(0, ((theta - below) / (firstCut - below)) * firstLevel);
  }
  for (let i = cuts.length - 1; i >= 0; i--) {
    const [level, cut] = cuts[i] as [number, number];
    if (theta < cut) continue;
    const next = cuts[i + 1];
    if (!next) return Math.min(maxLevel, level + (theta - cut) / step);
    const [nextLevel, nextCut] = next;
    if (nextCut <= cut) return Math.min(maxLevel, nextLevel);
    return Math.min(maxLevel, level + ((theta - cut) / (nextCut - cut)) * (nextLevel - level));
  }
  return 0;
}

/** Level and pix of a competence at θ: pix = ⌊8 · continuous level⌋, capped at 8 × maxReachableLevel; level = ⌊pix / 8⌋. */
export function competenceAt(bounds: Readonly<Record<string, number>>, theta: number, maxReachableLevel: number): { level: number; pix: number } {
  const pix = Math.min(PIX_PER_LEVEL * maxReachableLevel, Math.floor(PIX_PER_LEVEL * levelAt(bounds, theta) + 1e-9));
  return { level: Math.floor(pix / PIX_PER_LEVEL), pix };
}

/** The θ in the middle of level ℓ of a competence (where a profile at ℓ says the candidate is); null without bounds. */
export function levelMidpoint(bounds: Readonly<Record<string, number>>, level: number): number | null {
  const lo = bounds[String(level)];
  const hi = bounds[String(level + 1)];
  if (lo === undefined) return null;
  return hi === undefined ? lo + 0.4 : 0.5 * (lo + hi);
}
