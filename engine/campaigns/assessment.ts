/**
 * The adaptive test of an assessment campaign (decision 011): the positioning engine
 * (engine/positioning) driven across the competences of a target profile.
 *
 * - One positioning session per competence of the profile, each with its own posterior of θ, on a
 *   bank restricted to the profile's targeted skills of that competence (`restrictBank`): only their
 *   challenges are served, and answers infer and settle only targeted skills (as Pix limits the tube
 *   rule to the target profile's skills).
 * - The competences take turns (in the order of `banks`): after an answer in competence k, the next
 *   question comes from the first competence after k, cyclically, whose session is not over.
 * - A competence's session is over when the positioning engine says so with the campaign settings:
 *   every targeted skill known (answered, inferred, already in the learner's profile, or settled by θ
 *   at 95 %), the posterior SD at most `seStop`, the maximum length, or nothing left to ask. The
 *   engine's "level certain" stop is off (`levelCertainty` 1): on a bank of targeted skills only, its
 *   level is not the learner's competence level, and mastery is about the targeted skills.
 * - When every competence is over, each session closes as a positioning test does (`finishPositioning`):
 *   its targeted skills still open are settled by the posterior median θ.
 *
 * Randomness: the step of competence c after n of its answers draws from `stepRandom(seed|c, n)`, so
 * asking twice at the same point gives the same challenge. Everything is re-derived from the answers.
 */
import type { KnowledgeElement } from '../framework';
import {
  applyAnswer,
  chooseNext,
  finishPositioning,
  replay,
  resolveSettings,
  stepRandom,
  type CompetenceBank,
  type NextChallenge,
  type PositioningAnswer,
  type PositioningContext,
  type PositioningSettings,
  type PositioningState,
} from '../positioning';

/** Settings of a campaign test: the positioning defaults with the level-certainty stop turned off. */
export const CAMPAIGN_TEST_SETTINGS: Readonly<Partial<PositioningSettings>> = Object.freeze({ levelCertainty: 1 });

/**
 * The bank of one competence restricted to the targeted skills: their challenges and only those
 * skills (tubes unchanged). Returns null when the competence has no targeted skill.
 */
export function restrictBank(bank: CompetenceBank, targetedSkillIds: ReadonlySet<string>): CompetenceBank | null {
  const skills = bank.skills.filter((s) => targetedSkillIds.has(s.id));
  if (skills.length === 0) return null;
  const kept = new Set(skills.map((s) => s.id));
  return { ...bank, skills, challenges: bank.challenges.filter((c) => kept.has(c.skillId)) };
}

export interface CampaignTestContext {
  /** One restricted bank per competence of the profile, in the order the competences take turns. */
  banks: readonly CompetenceBank[];
  /** Positioning settings (locale, max reachable level…) over CAMPAIGN_TEST_SETTINGS. */
  settings?: Partial<PositioningSettings>;
  /**
   * The learner's knowledge from their profile before the test: a skill with one is known and never
   * asked (the caller decides which elements count, e.g. only validated ones on a retry).
   */
  knowledgeElements?: readonly KnowledgeElement[];
}

export interface CampaignTestInput extends CampaignTestContext {
  /** The answers in the order the challenges were asked (any competence). */
  answers: readonly PositioningAnswer[];
}

export interface CompetenceProgress {
  competenceCode: string;
  state: PositioningState;
  /** The engine's verdict for this competence with its answers so far. */
  next: NextChallenge;
  /** Reachable targeted skills, and how many of them are known now. */
  reachable: number;
  known: number;
}

export interface CampaignTestState {
  answers: PositioningAnswer[];
  competences: CompetenceProgress[];
}

export type CampaignNext = { done: false; challengeId: string; competenceCode: string; reason: string } | { done: true };

function contextOf(input: CampaignTestContext, bank: CompetenceBank): PositioningContext {
  return { bank, settings: { ...CAMPAIGN_TEST_SETTINGS, ...(input.settings ?? {}) }, knowledgeElements: input.knowledgeElements ?? [] };
}

function seedOf(seed: string, competenceCode: string): string {
  return `${seed}|${competenceCode}`;
}

/** The competence whose bank holds a challenge, or null. */
export function competenceOfChallenge(input: CampaignTestContext, challengeId: string): string | null {
  for (const bank of input.banks) if (bank.challenges.some((c) => c.id === challengeId)) return bank.competenceCode;
  return null;
}

/** What comes next in one competence's session, and how many of its reachable targeted skills are known. */
function progressOf(input: CampaignTestContext, bank: CompetenceBank, state: PositioningState, seed: string): CompetenceProgress {
  const context = contextOf(input, bank);
  const next = chooseNext(context, state, stepRandom(seedOf(seed, bank.competenceCode), state.answers.length));
  const settings = resolveSettings(context.settings);
  const reachable = bank.skills.filter((s) => s.status === 'actif' && s.level <= settings.maxReachableLevel);
  const known = new Set([...(input.knowledgeElements ?? []), ...state.knowledgeElements, ...state.estimatedKnowledgeElements].map((k) => k.skillId));
  return { competenceCode: bank.competenceCode, state, next, reachable: reachable.length, known: reachable.filter((s) => known.has(s.id)).length };
}

/** Re-derives every competence's session from the answers and says, per competence, what comes next. */
export function replayCampaignTest(input: CampaignTestInput, seed: string): CampaignTestState {
  const owner = new Map<string, string>();
  for (const bank of input.banks) for (const c of bank.challenges) owner.set(c.id, bank.competenceCode);
  const byCompetence = new Map<string, PositioningAnswer[]>(input.banks.map((b) => [b.competenceCode, []]));
  for (const answer of input.answers) {
    const code = owner.get(answer.challengeId);
    if (code === undefined) throw new RangeError(`campaign test: challenge ${answer.challengeId} is not in the target profile`);
    (byCompetence.get(code) as PositioningAnswer[]).push(answer);
  }
  const competences = input.banks.map((bank) => {
    const context = contextOf(input, bank);
    return progressOf(input, bank, replay({ ...context, answers: byCompetence.get(bank.competenceCode) as PositioningAnswer[] }), seed);
  });
  return { answers: [...input.answers], competences };
}

/**
 * The next challenge of the campaign test: from the first competence, cyclically after the last
 * answer's, whose session is not over; done when all are.
 */
export function nextCampaignChallenge(input: CampaignTestContext, state: CampaignTestState): CampaignNext {
  const n = state.competences.length;
  if (n === 0) return { done: true };
  const last = state.answers[state.answers.length - 1];
  const lastCode = last ? competenceOfChallenge(input, last.challengeId) : null;
  const lastIndex = lastCode === null ? -1 : state.competences.findIndex((c) => c.competenceCode === lastCode);
  for (let step = 1; step <= n; step++) {
    const c = state.competences[(lastIndex + step + n) % n] as CompetenceProgress;
    if (!c.next.done) return { done: false, challengeId: c.next.challengeId, competenceCode: c.competenceCode, reason: c.next.reason };
  }
  return { done: true };
}

/**
 * Share of the test done, 0..1: per competence, a finished session counts all its reachable targeted
 * skills, one under way the ones known so far; over all the profile's reachable targeted skills.
 */
export function campaignTestProgress(state: CampaignTestState): number {
  let total = 0;
  let done = 0;
  for (const c of state.competences) {
    total += c.reachable;
    done += c.next.done ? c.reachable : c.known;
  }
  return total === 0 ? 1 : Math.min(1, done / total);
}

export interface CampaignClosing {
  competenceCode: string;
  /** The estimated knowledge elements that close this competence's session (targeted skills only). */
  knowledgeElements: KnowledgeElement[];
}

/** The closing knowledge elements of every competence (call once the test is done). */
export function finishCampaignTest(input: CampaignTestContext, state: CampaignTestState, createdAt?: number): CampaignClosing[] {
  return input.banks.map((bank, i) => {
    const s = (state.competences[i] as CompetenceProgress).state;
    const result = finishPositioning(contextOf(input, bank), s, createdAt);
    return { competenceCode: bank.competenceCode, knowledgeElements: result.knowledgeElements.slice(s.knowledgeElements.length) };
  });
}

/**
 * The direct and inferred knowledge elements one more answer creates (in its competence's session),
 * for the caller to store with the answer.
 */
export function answerKnowledge(
  input: CampaignTestContext,
  state: CampaignTestState,
  answer: PositioningAnswer,
  seed: string,
): { after: CampaignTestState; created: KnowledgeElement[]; competenceCode: string } {
  const code = competenceOfChallenge(input, answer.challengeId);
  if (code === null) throw new RangeError(`campaign test: challenge ${answer.challengeId} is not in the target profile`);
  // Only the answered competence's session moves (incrementally); the others stay as they are.
  const index = input.banks.findIndex((b) => b.competenceCode === code);
  const bank = input.banks[index] as CompetenceBank;
  const before = state.competences[index] as CompetenceProgress;
  const moved = progressOf(input, bank, applyAnswer(contextOf(input, bank), before.state, answer), seed);
  const competences = state.competences.map((c, i) => (i === index ? moved : c));
  return {
    after: { answers: [...state.answers, answer], competences },
    created: moved.state.knowledgeElements.slice(before.state.knowledgeElements.length),
    competenceCode: code,
  };
}
