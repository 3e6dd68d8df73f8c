/**
 * Campaign results: targeted skills of a target profile, a participant's mastery, stars, stages and
 * badges, and the collective results of a campaign. Pure functions of their inputs.
 */

export interface TargetTube {
  tubeId: string;
  /** Skills of the tube up to this level (inclusive) are targeted. */
  maxLevel: number;
}

export interface FrameworkSkill {
  id: string;
  tubeId: string;
  level: number;
  status: string;
}

export interface TargetedSkill {
  id: string;
  tubeId: string;
  level: number;
}

/** Skill statuses a target profile can aim at (the live ones). */
export const TARGETABLE_SKILL_STATUSES: readonly string[] = ['actif'];

/** The skills of the profile's tubes up to each tube's cap, active ones only, by tube then level. */
export function targetedSkills(tubes: readonly TargetTube[], skills: readonly FrameworkSkill[]): TargetedSkill[] {
  const cap = new Map(tubes.map((t) => [t.tubeId, t.maxLevel]));
  return skills
    .filter((s) => TARGETABLE_SKILL_STATUSES.includes(s.status) && s.level <= (cap.get(s.tubeId) ?? 0))
    .map((s) => ({ id: s.id, tubeId: s.tubeId, level: s.level }))
    .sort((a, b) => (a.tubeId === b.tubeId ? a.level - b.level : a.tubeId < b.tubeId ? -1 : 1));
}

/** Validated targeted skills / targeted skills, in [0, 1]; 0 when nothing is targeted. */
export function masteryRate(validatedTargeted: number, targeted: number): number {
  if (targeted <= 0) return 0;
  return Math.min(1, Math.max(0, validatedTargeted / targeted));
}

export type MasteryBand = 'insufficient' | 'fragile' | 'satisfactory' | 'veryGood';
export const MASTERY_BANDS: readonly MasteryBand[] = ['insufficient', 'fragile', 'satisfactory', 'veryGood'];

/** Highest whole percentage of each band: 0–20 % insuffisante, 21–50 % fragile, 51–80 % satisfaisante, 81–100 % très bonne. */
export const MASTERY_BAND_MAX_PERCENT: Readonly<Record<MasteryBand, number>> = {
  insufficient: 20,
  fragile: 50,
  satisfactory: 80,
  veryGood: 100,
};

/** Mastery as a whole percentage (rounded to nearest). */
export function masteryPercent(rate: number): number {
  return Math.round(rate * 100);
}

/** The band of a mastery percentage (as shown, i.e. already rounded). */
export function masteryBandOfPercent(percent: number): MasteryBand {
  return MASTERY_BANDS.find((band) => percent <= MASTERY_BAND_MAX_PERCENT[band]) ?? 'veryGood';
}

/** The band of a mastery rate, on the rounded percentage. */
export function masteryBand(rate: number): MasteryBand {
  return masteryBandOfPercent(masteryPercent(rate));
}

/** Stars out of MASTERY_BANDS.length (4) shown for a band: 1 (insuffisante) … 4 (très bonne). */
export function bandStars(band: MasteryBand): number {
  return MASTERY_BANDS.indexOf(band) + 1;
}

/** Stars out of 4 shown for a mastery rate. */
export function masteryStars(rate: number): number {
  return bandStars(masteryBand(rate));
}

export interface Stage {
  /** Threshold in percent of mastery, 0–100. */
  threshold: number;
  title: string;
  message?: string;
}

/** Index (in threshold order) of the highest stage whose threshold the mastery reaches, or -1. */
export function reachedStageIndex(stages: readonly Stage[], rate: number): number {
  const pct = masteryPercent(rate);
  const sorted = [...stages].sort((a, b) => a.threshold - b.threshold);
  let index = -1;
  sorted.forEach((s, i) => {
    if (pct >= s.threshold) index = i;
  });
  return index;
}

export function sortStages<T extends Stage>(stages: readonly T[]): T[] {
  return [...stages].sort((a, b) => a.threshold - b.threshold);
}

export interface BadgeCriterion {
  tubeId: string;
  /** Minimum mastery of the tube's targeted skills, in percent. */
  minPercent: number;
}

export interface Badge {
  key: string;
  title: string;
  criteria: readonly BadgeCriterion[];
}

/** Per tube: targeted skills, validated targeted skills, highest validated level (0 if none). */
export interface TubeResult {
  targeted: number;
  validated: number;
  reached: number;
}

export type TubeResults = Record<string, TubeResult>;

/** A badge is earned when every criterion holds (a tube without targeted skills never holds). */
export function badgeEarned(badge: Badge, tubes: TubeResults): boolean {
  return badge.criteria.every((c) => {
    const t = tubes[c.tubeId];
    if (!t || t.targeted === 0) return false;
    return masteryPercent(t.validated / t.targeted) >= c.minPercent;
  });
}

export interface ParticipantResult {
  validated: number;
  targeted: number;
  masteryRate: number;
  tubes: TubeResults;
}

/** Results of one participant from the set of skills whose latest knowledge element is validated. */
export function participantResult(targeted: readonly TargetedSkill[], validatedSkillIds: ReadonlySet<string>): ParticipantResult {
  const tubes: TubeResults = {};
  let validated = 0;
  for (const skill of targeted) {
    const t = (tubes[skill.tubeId] ??= { targeted: 0, validated: 0, reached: 0 });
    t.targeted++;
    if (validatedSkillIds.has(skill.id)) {
      t.validated++;
      validated++;
      if (skill.level > t.reached) t.reached = skill.level;
    }
  }
  return { validated, targeted: targeted.length, masteryRate: masteryRate(validated, targeted.length), tubes };
}

export interface CollectiveRow {
  key: string;
  targeted: number;
  /** Mean mastery over participants, in [0, 1]. */
  masteryRate: number;
}

/**
 * Collective mastery per tube: Σ validated / (targeted × participants). `tubeToGroup` maps a tube to its
 * competence (or area) to get the same per group.
 */
export function collectiveMastery(
  participants: readonly { tubes: TubeResults }[],
  targeted: readonly TargetedSkill[],
  tubeToGroup: (tubeId: string) => string = (t) => t,
): CollectiveRow[] {
  const targetedByGroup = new Map<string, number>();
  for (const s of targeted) {
    const g = tubeToGroup(s.tubeId);
    targetedByGroup.set(g, (targetedByGroup.get(g) ?? 0) + 1);
  }
  const validatedByGroup = new Map<string, number>();
  for (const p of participants) {
    for (const [tubeId, t] of Object.entries(p.tubes)) {
      const g = tubeToGroup(tubeId);
      validatedByGroup.set(g, (validatedByGroup.get(g) ?? 0) + t.validated);
    }
  }
  const n = participants.length;
  return [...targetedByGroup.entries()].map(([key, count]) => ({
    key,
    targeted: count,
    masteryRate: n === 0 ? 0 : (validatedByGroup.get(key) ?? 0) / (count * n),
  }));
}

export interface AnswerOutcome {
  challengeId: string;
  ok: boolean;
}

export interface QuestionSuccess {
  challengeId: string;
  answers: number;
  successes: number;
  rate: number;
}

/** Success rate per question, hardest first. */
export function successRates(answers: readonly AnswerOutcome[]): QuestionSuccess[] {
  const by = new Map<string, QuestionSuccess>();
  for (const a of answers) {
    const q = by.get(a.challengeId) ?? { challengeId: a.challengeId, answers: 0, successes: 0, rate: 0 };
    q.answers++;
    if (a.ok) q.successes++;
    by.set(a.challengeId, q);
  }
  return [...by.values()].map((q) => ({ ...q, rate: q.successes / q.answers })).sort((a, b) => a.rate - b.rate || (a.challengeId < b.challengeId ? -1 : 1));
}
