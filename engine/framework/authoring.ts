/**
 * Rules for editing the framework: tube names, skill status changes, tutorial fields, and the quality
 * signal an author sees on each skill of the workspace grid. Pure: no database, no clock.
 */
import type { SkillStatus } from './types';
import { MAX_LEVEL, MIN_LEVEL } from './types';

/** Skill statuses in the order authors meet them. */
export const SKILL_STATUS_ORDER: readonly SkillStatus[] = ['en_construction', 'actif', 'archive', 'perime'];

/**
 * A tube name: `@`, then lowercase letters and digits, starting and ending with a letter (`@mdp`,
 * `@web2pro`). Ending with a letter keeps skill names unambiguous: `@mdp` + 3 = `@mdp3`.
 */
export const TUBE_NAME_PATTERN = /^@[a-z][a-z0-9]*[a-z]$/;
export const TUBE_NAME_MAX_LENGTH = 40;

export type TubeNameProblem = 'missing' | 'at' | 'characters' | 'edges' | 'length';

/** Why a tube name is not acceptable, or null when it is. Uniqueness is checked against the database. */
export function tubeNameProblem(name: string): TubeNameProblem | null {
  if (name.length === 0) return 'missing';
  if (!name.startsWith('@')) return 'at';
  if (name.length > TUBE_NAME_MAX_LENGTH) return 'length';
  const body = name.slice(1);
  if (!/^[a-z0-9]+$/.test(body)) return 'characters';
  if (!/^[a-z]/.test(body) || !/[a-z]$/.test(body) || body.length < 2) return 'edges';
  return TUBE_NAME_PATTERN.test(name) ? null : 'characters';
}

export function isSkillLevel(level: number): boolean {
  return Number.isInteger(level) && level >= MIN_LEVEL && level <= MAX_LEVEL;
}

/**
 * Skill statuses an author may move a skill to. A skill goes back and forth between "en construction",
 * "actif" and "archivé"; "périmé" is final (what it evidenced is no longer true, as in Pix).
 */
export function allowedSkillStatuses(from: SkillStatus): SkillStatus[] {
  if (from === 'perime') return ['perime'];
  return [...SKILL_STATUS_ORDER];
}

export function canChangeSkillStatus(from: SkillStatus, to: SkillStatus): boolean {
  return allowedSkillStatuses(from).includes(to);
}

// ───────────── Tutorials ─────────────

export const TUTORIAL_FORMATS = ['vidéo', 'page', 'pdf', 'outil', 'jeu', 'son'] as const;
export type TutorialFormat = (typeof TUTORIAL_FORMATS)[number];

/** Languages offered for a tutorial (Pix's locale codes). */
export const TUTORIAL_LOCALES = ['fr-fr', 'fr', 'en-us', 'en', 'es', 'de', 'it', 'nl'] as const;

/** `hh:mm:ss` with minutes and seconds below 60 and a non-zero total. */
export const DURATION_PATTERN = /^(\d{2}):([0-5]\d):([0-5]\d)$/;

export function durationSeconds(duration: string): number | null {
  const m = DURATION_PATTERN.exec(duration);
  if (!m) return null;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** An absolute http(s) address with a host. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

// ───────────── Quality signal of a skill ─────────────

export type ChallengeStatusCounts = Record<'propose' | 'submitted' | 'valide' | 'archive' | 'perime', number>;

export interface SkillQualityInput {
  status: SkillStatus;
  challenges: ChallengeStatusCounts;
  /** Live (validé) challenges that are declinations of a prototype. */
  liveDeclinations: number;
  tutorials: number;
  deadTutorials: number;
  hint: string;
}

/**
 * What is missing before a skill is complete:
 * - `no_live_challenge`: an active skill without a validated challenge is never asked;
 * - `no_declination`: an active skill needs a validated declination besides its prototype, so that a
 *   learner who retries does not see the same question again;
 * - `no_tutorial`: an active skill without any tutorial leaves learners without help;
 * - `no_hint`: an active skill without a hint;
 * - `dead_tutorial`: a tutorial of the skill points to a dead link (for any skill still in use).
 * Archived and obsolete skills are not asked any more: nothing is reported for them.
 */
export type SkillQualityIssue = 'no_live_challenge' | 'no_declination' | 'no_tutorial' | 'no_hint' | 'dead_tutorial';

export function skillQualityIssues(skill: SkillQualityInput): SkillQualityIssue[] {
  if (skill.status === 'archive' || skill.status === 'perime') return [];
  const issues: SkillQualityIssue[] = [];
  if (skill.status === 'actif') {
    if (skill.challenges.valide === 0) issues.push('no_live_challenge');
    else if (skill.liveDeclinations === 0) issues.push('no_declination');
    if (skill.tutorials === 0) issues.push('no_tutorial');
    if (skill.hint.trim() === '') issues.push('no_hint');
  }
  if (skill.deadTutorials > 0) issues.push('dead_tutorial');
  return issues;
}
