/**
 * Choosing the next question of a certification test (decision 008, "Selection").
 *
 * Candidates: challenges of the frozen bank in the candidate's language, of a competence the candidate
 * reached (positioned level ≥ 1), at most `levelsAbove` (1) levels above the positioned level and within the
 * competence's highest `levelWindow` levels still available, whose tube and skill were not asked yet.
 * Competences: never the last question's (a hard rule: the test ends rather than repeat), rounds through
 * the competences (content balance; every reachable competence is visited within the first round), and
 * not one of the last `recentCompetences` when another is possible. Among the candidates, skills are
 * ranked by Fisher information at θ̂ (EAP after the scored answers so far), one is drawn by randomesque
 * exposure control, then one of its challenges uniformly (a skill's challenges — prototype and
 * declinations — are interchangeable, which halves their exposure).
 */
import { itemInformation } from '../irt';
import { matchesLocale, randomesque } from '../positioning';
import type { RandomGenerator } from '../random';
import { certificationEap, scoredResponses } from './estimate';
import { resolveCertificationSettings } from './settings';
import type { CertificationChallenge, CertificationNext, CertificationSettings, CertificationTestInput, PositionedCompetence } from './types';

/** Positioned level per competence, capped at maxReachableLevel; competences at 0 are left out. */
export function reachableLevels(positioned: readonly PositionedCompetence[], settings: CertificationSettings): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of positioned) {
    if (!Number.isInteger(p.level) || p.level < 0) throw new RangeError(`certification: bad positioned level ${p.level} for ${p.competenceCode}`);
    const level = Math.min(p.level, settings.maxReachableLevel);
    if (level >= 1) out.set(p.competenceCode, level);
  }
  return out;
}

interface Plan {
  settings: CertificationSettings;
  /** Candidate challenges per competence, after the tube/skill/level rules. */
  byCompetence: Map<string, CertificationChallenge[]>;
  /** Questions already shown per competence. */
  counts: Map<string, number>;
  /** Competences of the answers, in order. */
  history: string[];
}

/** The candidates left after `answers`, per competence (exported for tests and the simulation). */
export function planNext(input: CertificationTestInput, respectExposure = true): Plan {
  const settings = resolveCertificationSettings(input.settings);
  const levels = reachableLevels(input.positioned, settings);
  const byId = new Map(input.bank.map((c) => [c.id, c]));
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
  const open = new Map<string, CertificationChallenge[]>();
  const exposure = input.exposure;
  const capped = (id: string) =>
    respectExposure && exposure !== undefined && exposure.tests >= settings.exposureWarmUp && exposure.tests > 0
      ? (exposure.shown[id] ?? 0) / exposure.tests >= settings.maxExposureRate
      : false;
  for (const c of input.bank) {
    if (capped(c.id)) continue;
    const level = levels.get(c.competenceCode);
    if (level === undefined || c.level > level + settings.levelsAbove || c.level < 1) continue;
    if (askedTubes.has(c.tubeId) || askedSkills.has(c.skillId) || !matchesLocale(c.locales, input.locale)) continue;
    const list = open.get(c.competenceCode) ?? [];
    list.push(c);
    open.set(c.competenceCode, list);
  }
  // The competence's highest levels still available: [top − window + 1, top].
  const byCompetence = new Map<string, CertificationChallenge[]>();
  for (const [code, list] of open) {
    const top = Math.max(...list.map((c) => c.level));
    byCompetence.set(
      code,
      list.filter((c) => c.level > top - settings.levelWindow),
    );
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

/**
 * The next question of the test, or why it is over. `rng` drives exposure control only: use
 * `certificationStepRandom(seed, answers.length)` so a reload at the same point gives the same question.
 */
export function nextCertificationChallenge(input: CertificationTestInput, rng: RandomGenerator): CertificationNext {
  let plan = planNext(input);
  const { settings } = plan;
  if (input.answers.length >= settings.maxQuestions) return { kind: 'done', reason: 'max_questions' };
  let competences = allowedCompetences(plan);
  // The exposure ceiling never leaves a candidate unscorable: below minAnswers it gives way.
  if (competences.length === 0 && input.exposure && input.answers.filter((a) => !a.neutralised).length < settings.minAnswers) {
    plan = planNext(input, false);
    competences = allowedCompetences(plan);
  }
  if (competences.length === 0) return { kind: 'done', reason: input.answers.length === 0 ? 'no_reachable_competence' : 'no_challenge' };

  const byId = new Map(input.bank.map((c) => [c.id, c.params]));
  const { responses } = scoredResponses(input.answers, (id) => byId.get(id));
  const { theta } = certificationEap(responses, settings);

  // Tubes ranked by the information of their best challenge at θ̂ (ties by tube id: reproducible); one
  // drawn by randomesque exposure control; then one of its skills in the window and one of that skill's
  // challenges, uniformly (the tube's level is what the information ranking is about; spreading the draws
  // inside the tube keeps any one challenge's exposure down).
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
  const skills = [...new Set(chosen.challenges.map((c) => c.skillId))].sort();
  const skillId = skills[Math.min(skills.length - 1, Math.floor(rng.next() * skills.length))] as string;
  const challenges = chosen.challenges.filter((c) => c.skillId === skillId).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const challenge = challenges[Math.min(challenges.length - 1, Math.floor(rng.next() * challenges.length))] as CertificationChallenge;
  return { kind: 'challenge', challengeId: challenge.id, questionNumber: input.answers.length + 1 };
}
