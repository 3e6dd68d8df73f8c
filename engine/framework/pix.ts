/**
 * Pix, levels, profile and certifiability (docs/domain/crcn.md, "Pix, levels, profile").
 */
import { latestKnowledgeElements } from './knowledge';
import type { KnowledgeElement, Skill, SkillStatus } from './types';
import { COMPETENCE_CODES, MAX_LEVEL, MAX_SKILL_PIX, MIN_LEVEL, PIX_PER_LEVEL } from './types';

/** Level ≥ 1 in at least this many competences makes a learner certifiable. */
export const MIN_CERTIFIABLE_COMPETENCES = 5;

/**
 * Skills whose validation earns pix: live skills, and archived ones (a learner keeps what was earned
 * when an author retires a skill). Skills under construction are never served; obsolete ones (périmé)
 * no longer say anything true.
 */
export const PIX_EARNING_SKILL_STATUSES: readonly SkillStatus[] = ['actif', 'archive'];

/** Sums of thirds and the like must not lose a pix to rounding (8/3 × 3 = 7.999…). */
const EPSILON = 1e-9;

function checkMaxReachableLevel(maxReachableLevel: number): void {
  if (!Number.isInteger(maxReachableLevel) || maxReachableLevel < MIN_LEVEL || maxReachableLevel > MAX_LEVEL) {
    throw new RangeError(`maxReachableLevel must be an integer from ${MIN_LEVEL} to ${MAX_LEVEL}, got ${maxReachableLevel}`);
  }
}

/**
 * A skill's pix value: min(4, 8 / number of active skills of the same competence and level).
 * `activeSkills` may hold any skills: only those with status `actif` count. A skill that is not active
 * itself is counted with them, so its value is always defined.
 */
export function skillPixValue(skill: Skill, activeSkills: readonly Skill[]): number {
  const peers = new Set<string>([skill.id]);
  for (const s of activeSkills) {
    if (s.status === 'actif' && s.competenceCode === skill.competenceCode && s.level === skill.level) peers.add(s.id);
  }
  return Math.min(MAX_SKILL_PIX, PIX_PER_LEVEL / peers.size);
}

export interface CompetenceScore {
  /** floor(Σ pix of validated skills), capped at 8 × maxReachableLevel. */
  pix: number;
  /** Σ pix of validated skills before rounding and cap. */
  exactPix: number;
  /** min(floor(pix / 8), maxReachableLevel); 0 when nothing is validated. */
  level: number;
  /** Pix still needed for the next level; 0 at the max reachable level. */
  pixToNextLevel: number;
  /** Share of the way from this level to the next, from 0 to 1 (1 at the max reachable level). */
  progress: number;
  isMaxLevel: boolean;
  /** Skills whose latest knowledge element is validated and that earned pix, in the order of `skills`. */
  validatedSkillIds: string[];
}

/**
 * A learner's score on one competence. `skills` are that competence's skills (all statuses: the
 * active ones fix the pix values); knowledge elements on other skills are ignored. The latest
 * knowledge element per skill counts.
 */
export function competenceScore(kes: readonly KnowledgeElement[], skills: readonly Skill[], maxReachableLevel: number): CompetenceScore {
  checkMaxReachableLevel(maxReachableLevel);
  const latest = latestKnowledgeElements(kes);
  let exactPix = 0;
  const validatedSkillIds: string[] = [];
  for (const skill of skills) {
    if (!PIX_EARNING_SKILL_STATUSES.includes(skill.status)) continue;
    if (latest.get(skill.id)?.status !== 'validated') continue;
    exactPix += skillPixValue(skill, skills);
    validatedSkillIds.push(skill.id);
  }
  const maxPix = PIX_PER_LEVEL * maxReachableLevel;
  const pix = Math.min(maxPix, Math.floor(exactPix + EPSILON));
  const level = Math.min(Math.floor(pix / PIX_PER_LEVEL), maxReachableLevel);
  const isMaxLevel = level >= maxReachableLevel;
  const pixToNextLevel = isMaxLevel ? 0 : PIX_PER_LEVEL * (level + 1) - pix;
  const progress = isMaxLevel ? 1 : (pix - PIX_PER_LEVEL * level) / PIX_PER_LEVEL;
  return { pix, exactPix, level, pixToNextLevel, progress, isMaxLevel, validatedSkillIds };
}

export interface CompetenceProfile extends CompetenceScore {
  competenceCode: string;
}

export interface Profile {
  /** One entry per competence, in framework order, including those not started (level 0, 0 pix). */
  competences: CompetenceProfile[];
  totalPix: number;
  /** 16 × 8 × maxReachableLevel with the default competences. */
  maxPix: number;
}

/** A learner's profile: level and pix on each of the 16 competences, and total pix. */
export function profile(
  kes: readonly KnowledgeElement[],
  skills: readonly Skill[],
  maxReachableLevel: number,
  competenceCodes: readonly string[] = COMPETENCE_CODES,
): Profile {
  checkMaxReachableLevel(maxReachableLevel);
  const byCompetence = new Map<string, Skill[]>();
  for (const s of skills) {
    const list = byCompetence.get(s.competenceCode) ?? [];
    list.push(s);
    byCompetence.set(s.competenceCode, list);
  }
  const competences = competenceCodes.map((competenceCode) => ({
    competenceCode,
    ...competenceScore(kes, byCompetence.get(competenceCode) ?? [], maxReachableLevel),
  }));
  return {
    competences,
    totalPix: competences.reduce((sum, c) => sum + c.pix, 0),
    maxPix: competenceCodes.length * PIX_PER_LEVEL * maxReachableLevel,
  };
}

export interface Certifiability {
  certifiable: boolean;
  /** Competences at level 1 or more. */
  competencesWithLevel: string[];
  /** Competences still at level 0 (the ones to work on), in framework order. */
  competencesWithoutLevel: string[];
  /** How many more competences need level 1 (0 when certifiable). */
  missingCount: number;
}

/**
 * Certifiable when level ≥ 1 in at least 5 competences. `levels` by competence code, or a profile's
 * competence list; a competence not mentioned is at level 0.
 */
export function certifiability(
  levels: Readonly<Record<string, number>> | readonly { competenceCode: string; level: number }[],
  competenceCodes: readonly string[] = COMPETENCE_CODES,
): Certifiability {
  const byCode = new Map<string, number>(
    Array.isArray(levels)
      ? (levels as readonly { competenceCode: string; level: number }[]).map((l) => [l.competenceCode, l.level])
      : Object.entries(levels as Readonly<Record<string, number>>),
  );
  const codes = [...competenceCodes, ...[...byCode.keys()].filter((c) => !competenceCodes.includes(c))];
  const competencesWithLevel = codes.filter((c) => (byCode.get(c) ?? 0) >= 1);
  const competencesWithoutLevel = codes.filter((c) => (byCode.get(c) ?? 0) < 1);
  const missingCount = Math.max(0, MIN_CERTIFIABLE_COMPETENCES - competencesWithLevel.length);
  return { certifiable: missingCount === 0, competencesWithLevel, competencesWithoutLevel, missingCount };
}
