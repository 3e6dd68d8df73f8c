/**
 * Choosing the next question of a certification test (decisions 008 and 019, "Selection").
 *
 * Candidates: challenges of the frozen bank in the candidate's language, at a level the platform certifies,
 * whose tube and skill were not asked yet and whose family (prototype and declinations) the candidate was
 * never shown before (`excludedFamilies`). Every competence of the bank is visited: the profile does not
 * decide where the candidate is measured. Competences: never the last question's (a hard rule: the test ends
 * rather than repeat), rounds through the competences (content balance), and not one of the last
 * `recentCompetences` when another is possible. Among the candidates, tubes are ranked by Fisher information
 * at θ̂ — the EAP of the answers so far under a prior centred where the positioned profile places the
 * candidate (the profile chooses where the test starts; the score never reads it) — one is drawn by
 * randomesque exposure control, then one of its skills and one of that skill's challenges, uniformly.
 * Variable length (`targetSe`): the test ends once minAnswers scored answers are in and the SD of the
 * score's posterior (prior N(priorMean, priorSd), answers alone) is at most targetSe.
 */
import { itemInformation } from '../irt';
import { matchesLocale, randomesque } from '../positioning';
import type { RandomGenerator } from '../random';
import { certificationEap, scoredResponses } from './estimate';
import { competenceIntervals, levelMidpoint } from './intervals';
import { resolveCertificationSettings } from './settings';
import type { CertificationChallenge, CertificationNext, CertificationSettings, CertificationTestInput, PositionedCompetence } from './types';

/** Positioned level per competence, capped at maxReachableLevel (checked: whole and non-negative). */
export function positionedLevels(positioned: readonly PositionedCompetence[], settings: CertificationSettings): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of positioned) {
    if (!Number.isInteger(p.level) || p.level < 0) throw new RangeError(`certification: bad positioned level ${p.level} for ${p.competenceCode}`);
    out.set(p.competenceCode, Math.min(p.level, settings.maxReachableLevel));
  }
  return out;
}

/**
 * Where the profile places the candidate on the θ scale: the mean, over the competences positioned at
 * level ≥ 1, of the middle of that level's interval in the competence; the prior mean when none.
 */
export function profileStart(bank: readonly CertificationChallenge[], positioned: readonly PositionedCompetence[], settings: CertificationSettings): number {
  const intervals = competenceIntervals(bank, settings.maxReachableLevel);
  const points: number[] = [];
  for (const [code, level] of positionedLevels(positioned, settings)) {
    if (level < 1) continue;
    const bounds = intervals[code];
    const mid = bounds ? levelMidpoint(bounds, level) : null;
    if (mid !== null) points.push(mid);
  }
  return points.length > 0 ? points.reduce((x, y) => x + y, 0) / points.length : settings.priorMean;
}

/** The family of a challenge: its prototype (itself when it is one or when unknown). */
export const familyOf = (c: Pick<CertificationChallenge, 'id' | 'familyId'>): string => c.familyId ?? c.id;

interface Plan {
  settings: CertificationSettings;
  /** Candidate challenges per competence, after the tube/skill/family rules. */
  byCompetence: Map<string, CertificationChallenge[]>;
  /** Questions already shown per competence. */
  counts: Map<string, number>;
  /** Competences of the answers, in order. */
  history: string[];
}

/** The candidates left after `answers`, per competence (exported for tests and the simulation). */
export function planNext(input: CertificationTestInput, respectExposure = true): Plan {
  const settings = resolveCertificationSettings(input.settings);
  positionedLevels(input.positioned, settings);
  const byId = new Map(input.bank.map((c) => [c.id, c]));
  const excluded = new Set(input.excludedFamilies ?? []);
  const askedTubes = new Set<string>();
  const askedSkills = new Set<string>();
  const counts = new Map<string, number>();
  const history: string[] = [];
  for (const answer of input.answers) {
    const c = byId.get(answer.challengeId);
    if (!c) throw new RangeError(`certification: answered challenge ${answer.challengeId} is not in the bank`);
    askedTubes.add(c.tubeId);
    askedSkills.add(c.skillId);
    counts.set(c.competenceCode, (counts.get(c.competenceCode) ?? 0) + 1);
    history.push(c.competenceCode);
  }
  const exposure = input.exposure;
  const capped = (id: string) =>
    respectExposure && exposure !== undefined && exposure.tests >= settings.exposureWarmUp && exposure.tests > 0
      ? (exposure.shown[id] ?? 0) / exposure.tests >= settings.maxExposureRate
      : false;
  const byCompetence = new Map<string, CertificationChallenge[]>();
  for (const c of input.bank) {
    if (c.level < 1 || c.level > settings.maxReachableLevel || capped(c.id) || excluded.has(familyOf(c))) continue;
    if (askedTubes.has(c.tubeId) || askedSkills.has(c.skillId) || !matchesLocale(c.locales, input.locale)) continue;
    const list = byCompetence.get(c.competenceCode) ?? [];
    list.push(c);
    byCompetence.set(c.competenceCode, list);
  }
  return { settings, byCompetence, counts, history };
}

/** The competences the next question may come from (empty: the test is over). */
export function allowedCompetences(plan: Plan): string[] {
  const { settings, byCompetence, counts, history } = plan;
  const last = history[history.length - 1];
  let pool = [...byCompetence.keys()].filter((code) => code !== last).sort();
  if (pool.length === 0) return pool;
  const askable = [...byCompetence.keys()];
  const min = Math.min(...askable.map((code) => counts.get(code) ?? 0));
  const balanced = pool.filter((code) => (counts.get(code) ?? 0) < min + settings.maxSpread);
  if (balanced.length > 0) pool = balanced;
  const recent = new Set(history.slice(-settings.recentCompetences));
  const notRecent = pool.filter((code) => !recent.has(code));
  if (notRecent.length > 0) pool = notRecent;
  return pool;
}

/** Variable length: at least minAnswers scored answers and the score's posterior SD at most targetSe. */
function precisionReached(input: CertificationTestInput, settings: CertificationSettings): boolean {
  const byId = new Map(input.bank.map((c) => [c.id, c.params]));
  const { responses } = scoredResponses(input.answers, (id) => byId.get(id));
  if (responses.length < settings.minAnswers) return false;
  return certificationEap(responses, settings).sd <= (settings.targetSe as number);
}

/**
 * The next question of the test, or why it is over. `rng` drives exposure control only: use
 * `certificationStepRandom(seed, answers.length)` so a reload at the same point gives the same question.
 */
export function nextCertificationChallenge(input: CertificationTestInput, rng: RandomGenerator): CertificationNext {
  let plan = planNext(input);
  const { settings } = plan;
  if (input.answers.length >= settings.maxQuestions) return { kind: 'done', reason: 'max_questions' };
  if (settings.targetSe !== null && precisionReached(input, settings)) return { kind: 'done', reason: 'precision_reached' };
  let competences = allowedCompetences(plan);
  // The exposure ceiling never leaves a candidate unscorable: below minAnswers it gives way.
  if (competences.length === 0 && input.exposure && input.answers.filter((a) => !a.neutralised).length < settings.minAnswers) {
    plan = planNext(input, false);
    competences = allowedCompetences(plan);
  }
  if (competences.length === 0) return { kind: 'done', reason: input.answers.length === 0 ? 'no_reachable_competence' : 'no_challenge' };

  const byId = new Map(input.bank.map((c) => [c.id, c.params]));
  const { responses } = scoredResponses(input.answers, (id) => byId.get(id));
  const { theta } = certificationEap(responses, { priorMean: profileStart(input.bank, input.positioned, settings), priorSd: settings.priorSd });

  // Tubes ranked by the information of their best challenge at θ̂ (ties by tube id: reproducible); one
  // drawn by randomesque exposure control; then, in that tube, the most informative skill (the second with
  // probability 1 − exposurePickProbability, to spread exposure) and one of that skill's challenges,
  // uniformly (prototype and declinations are interchangeable).
  const byTube = new Map<string, { info: number; challenges: CertificationChallenge[] }>();
  for (const code of competences) {
    for (const c of plan.byCompetence.get(code) ?? []) {
      const entry = byTube.get(c.tubeId) ?? { info: -Infinity, challenges: [] };
      entry.info = Math.max(entry.info, itemInformation(c.params, theta));
      entry.challenges.push(c);
      byTube.set(c.tubeId, entry);
    }
  }
  const ranked = [...byTube.entries()].sort((x, y) => y[1].info - x[1].info || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const [, chosen] = randomesque(ranked, settings.exposureTopK, settings.exposurePickProbability, rng);
  const skillInfo = new Map<string, number>();
  for (const c of chosen.challenges) skillInfo.set(c.skillId, Math.max(skillInfo.get(c.skillId) ?? -Infinity, itemInformation(c.params, theta)));
  const skills = [...skillInfo.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const [skillId] = randomesque(skills, 2, settings.exposurePickProbability, rng);
  const challenges = chosen.challenges.filter((c) => c.skillId === skillId).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const challenge = challenges[Math.min(challenges.length - 1, Math.floor(rng.next() * challenges.length))] as CertificationChallenge;
  return { kind: 'challenge', challengeId: challenge.id, questionNumber: input.answers.length + 1 };
}
