/**
 * The one answer path (answer.server.ts), tried on the three kinds of test with the same scenarios: a
 * positioning test on a competence, a campaign's test, a certification test. Each kind is started the way
 * its learner starts it (for certification: session, enrolment, entry, the invigilator's go-ahead), then
 * answered through its own use case.
 */
import crypto from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_ANSWER_CHARS, TIMER_GRACE_SECONDS, type LearnerChallengeView, type LearnerResponse } from '../../engine/challenges';
import { testDb } from '../../tests/setup/db';
import { makeCertificationBank } from '../../tests/setup/certification-fixtures';
import { deactivateParameterSets, makeLearner, makePositioningFixture, respond, uid, type PositioningFixture } from '../../tests/setup/positioning-fixtures';
import type { TestKind } from './answer.server';
import { completeParticipation, createCampaign, startParticipation } from './campaign.server';
import { campaignStep, submitCampaignAnswer } from './campaign-assessment.server';
import { setAuthorised } from './certification-invigilator.server';
import { createSession, enrolCandidate } from './certification-session.server';
import { candidateStep, enterSession, startCertification, submitCertificationAnswer } from './certification-test.server';
import { currentStep, startPositioning, submitAnswer } from './positioning.server';
import { createRelease } from './release.server';
import { createTargetProfile } from './target-profile.server';

const db = () => testDb();
const T0 = new Date('2026-05-04T08:00:00Z');
const seconds = (s: number) => new Date(T0.getTime() + s * 1000);
/** Every challenge of the timed fixtures has this timer. */
const TIMER = 30;

interface Question {
  challengeId: string;
  view: LearnerChallengeView;
}

/** A test under way for a new learner, and how its kind answers. */
interface TestUnderWay {
  userId: string;
  assessmentId: string;
  /** The question the learner is on. */
  current(now: Date): Promise<Question>;
  /** Answers through the kind's own use case; what comes back is what the learner's page gets. */
  answer(userId: string, challengeId: string, response: LearnerResponse, now: Date): Promise<{ duplicate: boolean }>;
  /** A right response to a question, as the learner would give it. */
  right(question: Question): LearnerResponse;
  /** A challenge of the same bank that this test did not ask. */
  notAsked(question: Question): string;
  /** The refusal code a learner gets when answering someone else's test. */
  foreignCode: string;
}

interface Kind {
  kind: TestKind;
  start(options: { timed: boolean }): Promise<TestUnderWay>;
}

const positioningFixtures: PositioningFixture[] = [];
let activeBefore: string[] | null = null;
afterAll(async () => {
  for (const f of positioningFixtures) await deactivateParameterSets(db(), f);
  if (activeBefore) {
    await db().parameterSet.updateMany({ where: { active: true }, data: { active: false } });
    await db().parameterSet.updateMany({ where: { id: { in: activeBefore } }, data: { active: true } });
  }
});

async function positioningFixture(timed: boolean): Promise<PositioningFixture> {
  const f = await makePositioningFixture(db(), { calibrated: true, timed: timed ? 'all' : 'none', perSkill: 2 });
  positioningFixtures.push(f);
  return f;
}

const positioning: Kind = {
  kind: 'positioning',
  async start({ timed }) {
    const f = await positioningFixture(timed);
    const learner = await makeLearner(db());
    const started = await startPositioning(db(), { userId: learner.id, competenceCode: f.competence.code, now: T0 });
    const current = async (now: Date) => {
      const step = await currentStep(db(), { userId: learner.id, competenceCode: f.competence.code, now });
      if (step.kind !== 'challenge') throw new Error(`expected a question, got ${step.kind}`);
      return step;
    };
    return {
      userId: learner.id,
      assessmentId: started.assessmentId,
      current,
      answer: (userId, challengeId, response, now) =>
        submitAnswer(db(), { userId, competenceCode: f.competence.code, assessmentId: started.assessmentId, challengeId, response, now }),
      right: (q) => respond(f, q.challengeId, q.view, true),
      notAsked: (q) => [...f.bodies.keys()].find((id) => id !== q.challengeId)!,
      foreignCode: 'not_found',
    };
  },
};

const campaign: Kind = {
  kind: 'campaign',
  async start({ timed }) {
    const f = await positioningFixture(timed);
    const tubeA = f.skills.find((s) => s.name.startsWith('@pa'))!.tubeId;
    const org = await db().organisation.create({ data: { name: `Lycée ${uid()}`, type: 'SCO' } });
    const teacher = await db().user.create({ data: { email: `prof-${uid()}@exemple.fr`, firstName: 'Paul', lastName: 'Prof', passwordHash: 'x' } });
    const profile = await createTargetProfile(db(), org.id, {
      name: 'Profil',
      description: '',
      tubes: [{ tubeId: tubeA, maxLevel: 4 }],
      stages: [],
      badges: [],
    });
    const created = await createCampaign(db(), org.id, teacher.id, {
      name: 'Parcours',
      type: 'ASSESSMENT',
      targetProfileId: profile.id,
      title: null,
      landingText: null,
      externalIdLabel: null,
      multipleSendings: false,
      autoShare: false,
    });
    const learner = await makeLearner(db());
    const joined = await startParticipation(db(), learner.id, created.code, null, T0);
    if (!joined.ok) throw new Error(joined.error);
    const participationId = joined.participationId;
    const { id: assessmentId } = await db().assessment.findFirstOrThrow({ where: { participationId }, select: { id: true } });
    return {
      userId: learner.id,
      assessmentId,
      current: async (now) => {
        const step = await campaignStep(db(), { userId: learner.id, participationId, now }, completeParticipation);
        if (step.kind !== 'challenge') throw new Error(`expected a question, got ${step.kind}`);
        return step;
      },
      answer: (userId, challengeId, response, now) =>
        submitCampaignAnswer(db(), { userId, participationId, assessmentId, challengeId, response, now }, completeParticipation),
      right: (q) => respond(f, q.challengeId, q.view, true),
      notAsked: (q) => [...f.bodies.keys()].find((id) => id !== q.challengeId)!,
      foreignCode: 'not_found',
    };
  },
};

const certification: Kind = {
  kind: 'certification',
  async start({ timed }) {
    const bank = await makeCertificationBank(db(), { competences: 5, ...(timed ? { timer: TIMER } : {}) });
    await db().$transaction((tx) => createRelease(tx, `Certification ${uid()}`, null));
    activeBefore ??= (await db().parameterSet.findMany({ where: { active: true }, select: { id: true } })).map((s) => s.id);
    await db().parameterSet.updateMany({ where: { active: true }, data: { active: false } });
    await db().parameterSet.update({ where: { id: bank.parameterSetId }, data: { active: true } });
    // A learner certifiable on the bank: every skill up to level 3 of its five competences validated.
    const u = uid();
    const learner = await db().user.create({
      data: { email: `cand-${u}@t.fr`, passwordHash: 'x', firstName: 'Inès', lastName: `Durand${u}`, roles: ['LEARNER'] },
    });
    const skills = await db().skill.findMany({
      where: { level: { lte: 3 }, tube: { competence: { code: { in: bank.competenceCodes } } } },
      select: { id: true, tube: { select: { competenceId: true } } },
    });
    await db().knowledgeElement.createMany({
      data: skills.map((s) => ({
        userId: learner.id,
        skillId: s.id,
        competenceId: s.tube.competenceId,
        status: 'validated' as const,
        source: 'direct' as const,
        createdAt: seconds(-86_400),
      })),
    });
    const centre = await db().certificationCentre.create({ data: { name: `Centre ${u}`, type: 'SCO' } });
    const member = await db().user.create({ data: { email: `staff-${u}@t.fr`, passwordHash: 'x', firstName: 'S', lastName: u, roles: [] } });
    const scope = { centreIds: [centre.id] };
    const session = await createSession(db(), scope, {
      centreId: centre.id,
      userId: member.id,
      session: { date: '2026-05-04', time: '08:00', address: '1 rue des Tests', room: 'B2', examiner: 'Mme Test', description: '', durationMinutes: 105 },
    });
    const enrolled = await enrolCandidate(
      db(),
      scope,
      session.id,
      { lastName: learner.lastName, firstName: 'Inès', birthDate: '12/04/2007', birthPlace: 'Lyon', email: learner.email, extraTimePercentage: '0' },
      T0,
    );
    if (!enrolled.ok) throw new Error('enrolment refused');
    const entered = await enterSession(db(), {
      userId: learner.id,
      code: session.accessCode,
      lastName: learner.lastName,
      firstName: 'Inès',
      birthDate: '12/04/2007',
      ip: `ip-${u}`,
      now: T0,
    });
    if (!entered.ok) throw new Error(entered.refusal);
    const candidateId = entered.candidateId;
    await setAuthorised(db(), session.id, candidateId, true, T0);
    await startCertification(db(), { userId: learner.id, candidateId, locale: 'fr', now: T0 });
    const { assessment } = await db().certificationCourse.findUniqueOrThrow({ where: { candidateId }, select: { assessment: { select: { id: true } } } });
    const versions = new Set(bank.challenges.map((c) => c.id));
    return {
      userId: learner.id,
      assessmentId: assessment!.id,
      current: async (now) => {
        const step = await candidateStep(db(), { userId: learner.id, candidateId, now });
        if (step.kind !== 'challenge') throw new Error(`expected a question, got ${step.kind}`);
        return step;
      },
      answer: (userId, challengeId, response, now) => submitCertificationAnswer(db(), { userId, candidateId, challengeId, response, now }),
      // The bank's QCUs have their right answer first and are not shuffled.
      right: () => ({ choice: 0 }),
      notAsked: (q) => [...versions].find((id) => id !== q.challengeId)!,
      foreignCode: 'not_found',
    };
  },
};

async function refusalCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    throw error;
  }
  throw new Error('expected a refusal');
}

function storedAnswers(assessmentId: string) {
  return db().answer.findMany({ where: { assessmentId }, select: { challengeId: true, result: true, value: true }, orderBy: { createdAt: 'asc' } });
}

describe.each([positioning, campaign, certification])('answering a $kind test', (kind) => {
  it('takes a right answer once, stores it in the body’s order, and sends back the next question without any solution', async () => {
    const test = await kind.start({ timed: false });
    const q = await test.current(T0);
    expect(JSON.stringify(q)).not.toMatch(/Explication|secret|"correct"|"accepted"/);
    const outcome = await test.answer(test.userId, q.challengeId, test.right(q), seconds(20));
    expect(outcome.duplicate).toBe(false);
    // What the learner's page gets back: the next step, redacted.
    expect(JSON.stringify(outcome)).not.toMatch(/Explication|secret|"correct"|"accepted"/);
    const stored = await storedAnswers(test.assessmentId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ challengeId: q.challengeId, result: 'ok' });
    const next = await test.current(seconds(21));
    expect(next.challengeId).not.toBe(q.challengeId);
  });

  it('counts an answer sent twice at the same moment (double click, two tabs) once', async () => {
    const test = await kind.start({ timed: false });
    const q = await test.current(T0);
    const [a, b] = await Promise.all([
      test.answer(test.userId, q.challengeId, test.right(q), seconds(5)),
      test.answer(test.userId, q.challengeId, test.right(q), seconds(5)),
    ]);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    // And again later: still one answer.
    expect((await test.answer(test.userId, q.challengeId, test.right(q), seconds(60))).duplicate).toBe(true);
    expect(await storedAnswers(test.assessmentId)).toHaveLength(1);
  });

  it('refuses an answer to a challenge this test did not ask, and stores nothing', async () => {
    const test = await kind.start({ timed: false });
    const q = await test.current(T0);
    expect(await refusalCode(test.answer(test.userId, test.notAsked(q), { choice: 0 }, seconds(5)))).toBe('not_asked');
    expect(await refusalCode(test.answer(test.userId, crypto.randomUUID(), { choice: 0 }, seconds(5)))).toBe('not_asked');
    expect(await storedAnswers(test.assessmentId)).toHaveLength(0);
    // The learner is still on the same question.
    expect((await test.current(seconds(6))).challengeId).toBe(q.challengeId);
  });

  it('refuses an answer from another learner to this test, and stores nothing', async () => {
    const test = await kind.start({ timed: false });
    const q = await test.current(T0);
    const intruder = await makeLearner(db());
    expect(await refusalCode(test.answer(intruder.id, q.challengeId, test.right(q), seconds(5)))).toBe(test.foreignCode);
    expect(await storedAnswers(test.assessmentId)).toHaveLength(0);
  });

  it('refuses a response that does not fit the challenge, and stores nothing', async () => {
    const test = await kind.start({ timed: false });
    const q = await test.current(T0);
    expect(await refusalCode(test.answer(test.userId, q.challengeId, { fields: { x: 'y' } } as unknown as LearnerResponse, seconds(5)))).toBe('bad_response');
    expect(await storedAnswers(test.assessmentId)).toHaveLength(0);
  });

  it('refuses an oversized response (over 10,000 characters, more choices than proposals, more fields), and stores nothing', async () => {
    const test = await kind.start({ timed: false });
    const q = await test.current(T0);
    const proposals = 'proposals' in q.view.answer ? q.view.answer.proposals.length : 4;
    const oversized: LearnerResponse[] = [
      { value: 'a'.repeat(MAX_ANSWER_CHARS + 1) },
      { choices: Array.from({ length: proposals + 1 }, (_, i) => i % proposals) },
      { values: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, 'x'])) },
      { values: { a: 'b'.repeat(MAX_ANSWER_CHARS + 1) } },
    ];
    for (const response of oversized) expect(await refusalCode(test.answer(test.userId, q.challengeId, response, seconds(5)))).toBe('response_too_large');
    expect(await storedAnswers(test.assessmentId)).toHaveLength(0);
    // The learner is still on the same question and can answer it.
    expect((await test.current(seconds(6))).challengeId).toBe(q.challengeId);
    await test.answer(test.userId, q.challengeId, test.right(q), seconds(7));
    expect(await storedAnswers(test.assessmentId)).toHaveLength(1);
  });

  it('counts a right answer after the challenge’s timer and its grace as timed out, one within the grace as right', async () => {
    const test = await kind.start({ timed: true });
    const first = await test.current(T0);
    expect(first.view).toBeDefined();
    await test.answer(test.userId, first.challengeId, test.right(first), seconds(TIMER + TIMER_GRACE_SECONDS));
    const askedAt = seconds(TIMER + TIMER_GRACE_SECONDS);
    const second = await test.current(askedAt);
    await test.answer(test.userId, second.challengeId, test.right(second), new Date(askedAt.getTime() + (TIMER + TIMER_GRACE_SECONDS + 1) * 1000));
    const stored = await storedAnswers(test.assessmentId);
    expect(stored.map((a) => [a.challengeId, a.result])).toEqual([
      [first.challengeId, 'ok'],
      [second.challengeId, 'timedout'],
    ]);
  });
});
