/**
 * The bank of one competence, compiled once for the session: lookups, the θ grid, and per skill the
 * probability of success on its challenges at each grid node (the "skill curve").
 */
import type { KnowledgeElement, Skill, Tube } from '../framework';
import { MAX_LEVEL, MIN_LEVEL } from '../framework';
import { DEFAULT_EAP_GRID, gridNodes, normalWeights, probability, type ItemParameters } from '../irt';
import type { CompetenceBank, PositioningChallenge, PositioningContext, PositioningSettings } from './types';
import { DEFAULT_POSITIONING_SETTINGS } from './types';

/** The θ grid of the posterior: 121 nodes on [−6, 6] (the irt default for EAP). */
export const POSITIONING_GRID = DEFAULT_EAP_GRID;

/**
 * Provisional difficulty of an uncalibrated challenge, from its skill's level: b = (level − 3.5) × 0.8,
 * slope 1. Level 1 → −2.0, 2 → −1.2, 3 → −0.4, 4 → 0.4, 5 → 1.2, 6 → 2.0. Used to choose among
 * pretest challenges and, for a skill with no calibrated live challenge, to settle it from θ; never to
 * move θ.
 */
export const PROVISIONAL_CENTRE_LEVEL = 3.5;
export const PROVISIONAL_LEVEL_STEP = 0.8;
export const PROVISIONAL_SLOPE = 1;

export function provisionalDifficulty(level: number): number {
  return (level - PROVISIONAL_CENTRE_LEVEL) * PROVISIONAL_LEVEL_STEP;
}

export function provisionalParameters(level: number): ItemParameters {
  return { a: PROVISIONAL_SLOPE, d: -PROVISIONAL_SLOPE * provisionalDifficulty(level) };
}

/** Live = validated by review ('valide'). */
export function isLive(challenge: PositioningChallenge): boolean {
  return challenge.status === 'valide';
}

function primaryLanguage(locale: string): string {
  return locale.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

/** A challenge is in the learner's language when one of its locales has the same primary subtag ('fr-fr' ~ 'fr'). */
export function matchesLocale(locales: readonly string[], learnerLocale: string): boolean {
  const wanted = primaryLanguage(learnerLocale);
  return locales.some((l) => primaryLanguage(l) === wanted);
}

export function resolveSettings(settings: Partial<PositioningSettings> | undefined): PositioningSettings {
  const s: PositioningSettings = { ...DEFAULT_POSITIONING_SETTINGS, ...(settings ?? {}) };
  const bad = (name: string, value: unknown) => new RangeError(`positioning settings: bad ${name} (${String(value)})`);
  // Decision 017: the evidence rules are not a setting; θ never overrules the answers.
  if (settings !== undefined && 'finalStatus' in settings)
    throw bad('finalStatus (removed by decision 017)', (settings as Record<string, unknown>).finalStatus);
  if (!Number.isInteger(s.maxReachableLevel) || s.maxReachableLevel < MIN_LEVEL || s.maxReachableLevel > MAX_LEVEL) {
    throw bad('maxReachableLevel', s.maxReachableLevel);
  }
  if (!Number.isInteger(s.maxLength) || s.maxLength < 1) throw bad('maxLength', s.maxLength);
  if (!Number.isInteger(s.minLength) || s.minLength < 0) throw bad('minLength', s.minLength);
  if (!(s.levelCertainty > 0 && s.levelCertainty <= 1)) throw bad('levelCertainty', s.levelCertainty);
  if (!(s.withinOneCertainty >= 0 && s.withinOneCertainty <= 1)) throw bad('withinOneCertainty', s.withinOneCertainty);
  if (!(s.seStop >= 0)) throw bad('seStop', s.seStop);
  if (!Number.isInteger(s.exposureTopK) || s.exposureTopK < 1) throw bad('exposureTopK', s.exposureTopK);
  if (!(s.exposurePickProbability > 0 && s.exposurePickProbability <= 1)) {
    throw bad('exposurePickProbability', s.exposurePickProbability);
  }
  if (!(s.pretestRate >= 0 && s.pretestRate <= 1)) throw bad('pretestRate', s.pretestRate);
  if (!Number.isInteger(s.maxPretest) || s.maxPretest < 0) throw bad('maxPretest', s.maxPretest);
  if (!(s.reachAboveLevel >= 0)) throw bad('reachAboveLevel', s.reachAboveLevel);
  if (!(s.estimateValidatedAt > 0.5 && s.estimateValidatedAt <= 1)) throw bad('estimateValidatedAt', s.estimateValidatedAt);
  if (!(s.estimateInvalidatedAt >= 0 && s.estimateInvalidatedAt < 0.5)) {
    throw bad('estimateInvalidatedAt', s.estimateInvalidatedAt);
  }
  if (!(Number.isInteger(s.tryLevelsAbove) && s.tryLevelsAbove >= 0)) throw bad('tryLevelsAbove', s.tryLevelsAbove);
  if (s.selection !== 'level' && s.selection !== 'theta') throw bad('selection', s.selection);
  if (s.levelDecision !== 'bayes' && s.levelDecision !== 'median') throw bad('levelDecision', s.levelDecision);
  if (!(s.withinOneWeight >= 0 && Number.isFinite(s.withinOneWeight))) throw bad('withinOneWeight', s.withinOneWeight);
  return s;
}

export interface CompiledBank {
  readonly bank: CompetenceBank;
  readonly skillById: ReadonlyMap<string, Skill>;
  readonly tubeById: ReadonlyMap<string, Tube>;
  readonly challengeById: ReadonlyMap<string, PositioningChallenge>;
  /** The skills of each tube (all statuses). */
  readonly skillsByTube: ReadonlyMap<string, readonly Skill[]>;
  /** θ grid nodes and the N(0, 1) prior on them. */
  readonly nodes: Float64Array;
  readonly prior: Float64Array;
  /**
   * Per skill: mean success probability over its live calibrated challenges at each node (or, with
   * none, the provisional curve of its level).
   */
  readonly curves: ReadonlyMap<string, Float64Array>;
  /** Per skill: the first node where its curve reaches 0.5 (nodes.length when it never does). */
  readonly thresholds: ReadonlyMap<string, number>;
}

const compiled = new WeakMap<CompetenceBank, CompiledBank>();

/** Compiles (and memoises, per bank object) the bank; throws on an inconsistent bank. */
export function compileBank(bank: CompetenceBank): CompiledBank {
  const hit = compiled.get(bank);
  if (hit) return hit;

  const tubeById = new Map<string, Tube>();
  for (const t of bank.tubes) tubeById.set(t.id, t);
  const skillById = new Map<string, Skill>();
  const skillsByTube = new Map<string, Skill[]>();
  for (const s of bank.skills) {
    if (skillById.has(s.id)) throw new RangeError(`bank: duplicate skill ${s.id}`);
    if (!tubeById.has(s.tubeId)) throw new RangeError(`bank: skill ${s.id} has unknown tube ${s.tubeId}`);
    if (s.competenceCode !== bank.competenceCode) {
      throw new RangeError(`bank: skill ${s.id} belongs to competence ${s.competenceCode}, not ${bank.competenceCode}`);
    }
    skillById.set(s.id, s);
    const list = skillsByTube.get(s.tubeId) ?? [];
    list.push(s);
    skillsByTube.set(s.tubeId, list);
  }
  const challengeById = new Map<string, PositioningChallenge>();
  const calibratedBySkill = new Map<string, ItemParameters[]>();
  for (const c of bank.challenges) {
    if (challengeById.has(c.id)) throw new RangeError(`bank: duplicate challenge ${c.id}`);
    const skill = skillById.get(c.skillId);
    if (!skill) throw new RangeError(`bank: challenge ${c.id} has unknown skill ${c.skillId}`);
    if (c.tubeId !== undefined && c.tubeId !== skill.tubeId) throw new RangeError(`bank: challenge ${c.id} tube disagrees with its skill`);
    if (c.level !== undefined && c.level !== skill.level) throw new RangeError(`bank: challenge ${c.id} level disagrees with its skill`);
    if (c.params && !(Number.isFinite(c.params.a) && c.params.a > 0 && Number.isFinite(c.params.d))) {
      throw new RangeError(`bank: challenge ${c.id} has bad parameters`);
    }
    challengeById.set(c.id, c);
    if (c.params && isLive(c)) {
      const list = calibratedBySkill.get(c.skillId) ?? [];
      list.push(c.params);
      calibratedBySkill.set(c.skillId, list);
    }
  }

  const nodes = gridNodes(POSITIONING_GRID.min, POSITIONING_GRID.max, POSITIONING_GRID.points);
  const prior = normalWeights(nodes, 0, 1);
  const curves = new Map<string, Float64Array>();
  const thresholds = new Map<string, number>();
  for (const s of bank.skills) {
    const items = calibratedBySkill.get(s.id) ?? [provisionalParameters(s.level)];
    const curve = new Float64Array(nodes.length);
    let threshold = nodes.length;
    for (let q = 0; q < nodes.length; q++) {
      let sum = 0;
      for (const item of items) sum += probability(item, nodes[q] as number);
      curve[q] = sum / items.length;
      if (threshold === nodes.length && (curve[q] as number) >= 0.5) threshold = q;
    }
    curves.set(s.id, curve);
    thresholds.set(s.id, threshold);
  }

  const result: CompiledBank = { bank, skillById, tubeById, challengeById, skillsByTube, nodes, prior, curves, thresholds };
  compiled.set(bank, result);
  return result;
}

/** The bank, resolved settings and the earlier knowledge elements on this competence's skills. */
export interface Session {
  readonly cb: CompiledBank;
  readonly settings: PositioningSettings;
  readonly priorKnowledge: readonly KnowledgeElement[];
}

export function openSession(context: PositioningContext): Session {
  const cb = compileBank(context.bank);
  const settings = resolveSettings(context.settings);
  const priorKnowledge = (context.knowledgeElements ?? []).filter((ke) => cb.skillById.has(ke.skillId));
  return { cb, settings, priorKnowledge };
}

/** Active skills at or below the max reachable level: the ones a session settles. */
export function reachableSkills(session: Session): Skill[] {
  return session.cb.bank.skills.filter((s) => s.status === 'actif' && s.level <= session.settings.maxReachableLevel);
}

/**
 * Challenges that may be served: live, in the learner's language, of an active skill at or below the
 * max reachable level.
 */
export function servableChallenges(session: Session): PositioningChallenge[] {
  const { cb, settings } = session;
  return cb.bank.challenges.filter((c) => {
    if (!isLive(c) || !matchesLocale(c.locales, settings.locale)) return false;
    const skill = cb.skillById.get(c.skillId) as Skill;
    return skill.status === 'actif' && skill.level <= settings.maxReachableLevel;
  });
}
