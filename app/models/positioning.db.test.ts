import { afterAll, describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { deactivateParameterSets, makeLearner, makePositioningFixture, respond, type PositioningFixture } from '../../tests/setup/positioning-fixtures';
import { TIMER_GRACE_SECONDS } from '../../engine/challenges';
import { clearAnswerSnapshots, currentStep, startPositioning, submitAnswer, type ChallengeStep } from './positioning.server';
import { competenceScoreOf, resetCompetence } from './knowledge.server';
import { PositioningError } from './positioning-error.server';
import { positioningResults } from './positioning-results.server';
import { learnerProfile } from './profile.server';
import { setUserTutorial } from './learner-tutorials.server';

const DAY = 24 * 3600 * 1000;
const T0 = new Date('2026-03-02T09:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

const fixtures: PositioningFixture[] = [];
async function fixture(options: Parameters<typeof makePositioningFixture>[1] = {}) {
  const f = await makePositioningFixture(testDb(), options);
  fixtures.push(f);
  return f;
}

afterAll(async () => {
  for (const f of fixtures) await deactivateParameterSets(testDb(), f);
});

async function challenge(userId: string, code: string, now = T0): Promise<ChallengeStep> {
  const step = await currentStep(testDb(), { userId, competenceCode: code, now });
  if (step.kind !== 'challenge') throw new Error(`expected a challenge, got ${step.kind}`);
  return step;
}

/** Answers every question (right when `right` says so) until the end; returns the number of answers. */
async function takeToTheEnd(f: PositioningFixture, userId: string, right: (n: number) => boolean, now = T0): Promise<number> {
  for (let n = 0; n < 40; n++) {
    const step = await currentStep(testDb(), { userId, competenceCode: f.competence.code, now });
    if (step.kind !== 'challenge') return n;
    await submitAnswer(testDb(), {
      userId,
      competenceCode: f.competence.code,
      assessmentId: step.assessmentId,
      challengeId: step.challengeId,
      response: respond(f, step.challengeId, step.view, right(n)),
      now,
    });
  }
  throw new Error('the test did not end');
}

async function refusal(promise: Promise<unknown>): Promise<PositioningError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PositioningError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('starting and resuming a competence test', () => {
  it('starts on the latest release with a stored seed, asks an untimed level-2 question first, and resumes it as it was', async () => {
    const db = testDb();
    const f = await fixture();
    const learner = await makeLearner(db);
    const started = await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 });
    expect(started.resumed).toBe(false);
    const row = await db.assessment.findUniqueOrThrow({ where: { id: started.assessmentId } });
    // The test keeps the parameter set in force when it started (whatever other tests left active).
    const inForce = await db.parameterSet.findFirst({ where: { active: true }, select: { id: true } });
    expect(row).toMatchObject({
      type: 'POSITIONING',
      state: 'STARTED',
      releaseId: f.releaseId,
      parameterSetId: inForce?.id ?? null,
      competenceId: f.competence.id,
    });
    expect((row.engineState as { seed: string }).seed).toMatch(/^[0-9a-f]{32}$/);

    const first = await challenge(learner.id, f.competence.code);
    expect(first.position).toBe(0);
    // The start brings that first question itself (the page needs no second request).
    expect(started.step).toMatchObject({ kind: 'challenge', challengeId: first.challengeId, position: 0, view: first.view, progress: first.progress });
    expect(f.skills.find((s) => s.id === f.challengeSkill.get(first.challengeId))?.level).toBe(2);
    // The view carries no solution.
    expect(JSON.stringify(first.view)).not.toMatch(/Explication|correct|accepted|secret/);

    // Starting again (double click, another tab) resumes: same test, same question, same order of proposals.
    const again = await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: at(60_000) });
    expect(again).toEqual({ assessmentId: started.assessmentId, resumed: true, step: null });
    const later = await challenge(learner.id, f.competence.code, at(3600_000));
    expect(later.challengeId).toBe(first.challengeId);
    expect(later.view).toEqual(first.view);
  });

  it('opens one test only when two starts arrive together', async () => {
    const db = testDb();
    const f = await fixture();
    const learner = await makeLearner(db);
    const results = await Promise.all([1, 2, 3].map(() => startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 })));
    expect(new Set(results.map((r) => r.assessmentId)).size).toBe(1);
    expect(await db.assessment.count({ where: { userId: learner.id, state: 'STARTED' } })).toBe(1);
    // The database itself refuses a second test under way on the competence.
    await expect(
      db.assessment.create({ data: { userId: learner.id, type: 'POSITIONING', state: 'STARTED', competenceId: f.competence.id } }),
    ).rejects.toThrow();
    expect(await db.assessment.count({ where: { userId: learner.id, state: 'STARTED' } })).toBe(1);
  });
});

describe('answering', () => {
  it('stores the answer, writes the direct and inferred knowledge elements with their pix, and asks the next question', async () => {
    const db = testDb();
    const f = await fixture();
    const learner = await makeLearner(db);
    await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 });
    const first = await challenge(learner.id, f.competence.code);
    const outcome = await submitAnswer(db, {
      userId: learner.id,
      competenceCode: f.competence.code,
      assessmentId: first.assessmentId,
      challengeId: first.challengeId,
      response: respond(f, first.challengeId, first.view, true),
      now: at(20_000),
    });
    expect(outcome).toMatchObject({ next: 'challenge', duplicate: false, result: 'ok' });
    // The next question comes back with the answer, as the page will show it.
    expect(outcome.step).toMatchObject({ position: 1, kind: 'challenge' });
    expect(JSON.stringify(outcome.step!.view)).not.toMatch(/Explication|correct|accepted|secret/);
    const answer = await db.answer.findFirstOrThrow({ where: { assessmentId: first.assessmentId } });
    expect(answer).toMatchObject({ challengeId: first.challengeId, result: 'ok', timeSpentSeconds: 20 });
    // The stored value is in the proposals' original order: the right proposal is index 0 whatever the shuffle.
    const spec = f.bodies.get(first.challengeId)!.answer;
    expect(answer.value).toEqual(spec.type === 'QCU' ? { choice: 0 } : { value: spec.type === 'QROC' ? spec.accepted[0] : '' });

    const kes = await db.knowledgeElement.findMany({ where: { userId: learner.id }, include: { skill: true }, orderBy: { id: 'asc' } });
    const askedSkill = f.challengeSkill.get(first.challengeId)!;
    expect(kes[0]).toMatchObject({ skillId: askedSkill, source: 'direct', status: 'validated', answerId: answer.id, assessmentId: first.assessmentId });
    // Level 2 of a tube validates level 1 of the same tube (inferred). Two skills per level → 4 pix each.
    expect(kes.slice(1).map((k) => [k.source, k.status, k.skill.level])).toEqual([['inferred', 'validated', 1]]);
    expect(kes.map((k) => k.earnedPix)).toEqual([4, 4]);

    const second = await challenge(learner.id, f.competence.code, at(21_000));
    expect(second.position).toBe(1);
    expect(second.challengeId).not.toBe(first.challengeId);
    expect(second.challengeId).toBe(outcome.step!.challengeId);
    expect(second.view).toEqual(outcome.step!.view);
  });

  it('counts an answer submitted twice (double click, retry) once, and leads to the same next question', async () => {
    const db = testDb();
    const f = await fixture();
    const learner = await makeLearner(db);
    await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 });
    const first = await challenge(learner.id, f.competence.code);
    const input = {
      userId: learner.id,
      competenceCode: f.competence.code,
      assessmentId: first.assessmentId,
      challengeId: first.challengeId,
      response: respond(f, first.challengeId, first.view, false),
      now: at(5000),
    };
    const together = await Promise.all([submitAnswer(db, input), submitAnswer(db, input), submitAnswer(db, input)]);
    expect(together.filter((o) => !o.duplicate)).toHaveLength(1);
    const retry = await submitAnswer(db, { ...input, response: respond(f, first.challengeId, first.view, true), now: at(9000) });
    expect(retry).toMatchObject({ duplicate: true, next: 'challenge', result: 'ko' });
    expect(await db.answer.count({ where: { assessmentId: first.assessmentId } })).toBe(1);
    const direct = await db.knowledgeElement.count({ where: { userId: learner.id, source: 'direct' } });
    expect(direct).toBe(1);
    const asked = await db.assessmentChallenge.findMany({ where: { assessmentId: first.assessmentId }, orderBy: { position: 'asc' } });
    expect(asked.map((a) => a.position)).toEqual([0, 1]);
    expect((await challenge(learner.id, f.competence.code, at(10_000))).challengeId).toBe(asked[1]!.challengeId);
  });

  it('answers from what this process wrote last (no read) exactly as from the database, and falls back when the test changed elsewhere', async () => {
    const db = testDb();
    const f = await fixture();
    // The same learner behaviour twice: once with the process's snapshots, once with none at each answer.
    const run = async (forget: boolean, like?: string) => {
      const learner = await makeLearner(db);
      const { assessmentId } = await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 });
      if (like) {
        // The same session seed and first question as the test `like`.
        const model = await db.assessment.findUniqueOrThrow({ where: { id: like } });
        const first = await db.assessmentChallenge.findFirstOrThrow({ where: { assessmentId: like, position: 0 } });
        await db.assessment.update({ where: { id: assessmentId }, data: { engineState: model.engineState ?? {} } });
        await db.assessmentChallenge.update({
          where: { assessmentId_position: { assessmentId, position: 0 } },
          data: { challengeId: first.challengeId, presentation: { shuffleSeed: `${assessmentId}:${first.challengeId}`, permutation: null, progress: 0 } },
        });
      }
      let step: ChallengeStep | null = await challenge(learner.id, f.competence.code);
      const seen: string[] = [];
      for (let n = 0; step && n < 40; n++) {
        seen.push(step.challengeId);
        if (forget) clearAnswerSnapshots();
        const outcome = await submitAnswer(db, {
          userId: learner.id,
          competenceCode: f.competence.code,
          assessmentId: step.assessmentId,
          challengeId: step.challengeId,
          response: respond(f, step.challengeId, step.view, n % 3 !== 1),
          now: at(1000 * (n + 1)),
        });
        expect(outcome.duplicate).toBe(false);
        step = outcome.step;
      }
      const kes = await db.knowledgeElement.findMany({
        where: { userId: learner.id },
        orderBy: { id: 'asc' },
        select: { skillId: true, status: true, source: true },
      });
      return { assessmentId, seen, kes };
    };
    const withSnapshots = await run(false);
    const without = await run(true, withSnapshots.assessmentId);
    expect(withSnapshots.seen.length).toBeGreaterThan(1);
    expect(withSnapshots.seen).toEqual(without.seen);
    expect(withSnapshots.kes).toEqual(without.kes);

    // Another process answered in the meantime: the snapshot is stale, the write refuses it, and the
    // answer is read back from the database as a duplicate (counted once).
    const learner = await makeLearner(db);
    await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 });
    const first = await challenge(learner.id, f.competence.code);
    const one = await submitAnswer(db, {
      userId: learner.id,
      competenceCode: f.competence.code,
      assessmentId: first.assessmentId,
      challengeId: first.challengeId,
      response: respond(f, first.challengeId, first.view, true),
      now: at(1000),
    });
    const second = one.step!;
    const version = await db.releaseChallenge.findFirstOrThrow({ where: { releaseId: f.releaseId, challengeId: second.challengeId } });
    await db.answer.create({
      data: {
        assessmentId: second.assessmentId,
        challengeId: second.challengeId,
        challengeVersionId: version.versionId,
        value: { choice: 0 },
        result: 'ko',
        timeSpentSeconds: 1,
        createdAt: at(1500),
      },
    });
    const late = await submitAnswer(db, {
      userId: learner.id,
      competenceCode: f.competence.code,
      assessmentId: second.assessmentId,
      challengeId: second.challengeId,
      response: respond(f, second.challengeId, second.view, true),
      now: at(2000),
    });
    expect(late).toMatchObject({ duplicate: true, result: 'ko' });
    expect(await db.answer.count({ where: { assessmentId: second.assessmentId } })).toBe(2);

    // A reset aborts the test: an answer on a kept snapshot is refused like any other.
    const other = await makeLearner(db);
    await startPositioning(db, { userId: other.id, competenceCode: f.competence.code, now: T0 });
    const q1 = await challenge(other.id, f.competence.code);
    const next = (
      await submitAnswer(db, {
        userId: other.id,
        competenceCode: f.competence.code,
        assessmentId: q1.assessmentId,
        challengeId: q1.challengeId,
        response: respond(f, q1.challengeId, q1.view, true),
        now: at(1000),
      })
    ).step!;
    await db.assessment.update({ where: { id: next.assessmentId }, data: { state: 'ABORTED' } });
    const refused = await refusal(
      submitAnswer(db, {
        userId: other.id,
        competenceCode: f.competence.code,
        assessmentId: next.assessmentId,
        challengeId: next.challengeId,
        response: respond(f, next.challengeId, next.view, true),
        now: at(2000),
      }),
    );
    expect(refused.code).toBe('aborted');
    expect(await db.answer.count({ where: { assessmentId: next.assessmentId } })).toBe(1);
  });

  it('refuses an answer to a challenge that was not asked in this test, and stores nothing', async () => {
    const db = testDb();
    const f = await fixture();
    const learner = await makeLearner(db);
    const other = await makeLearner(db);
    await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 });
    await startPositioning(db, { userId: other.id, competenceCode: f.competence.code, now: T0 });
    const mine = await challenge(learner.id, f.competence.code);
    const theirs = await challenge(other.id, f.competence.code);
    const notAsked = [...f.bodies.keys()].find((id) => id !== mine.challengeId)!;
    const error = await refusal(
      submitAnswer(db, {
        userId: learner.id,
        competenceCode: f.competence.code,
        assessmentId: mine.assessmentId,
        challengeId: notAsked,
        response: { choice: 0 },
        now: T0,
      }),
    );
    expect(error).toMatchObject({ code: 'not_asked', status: 403 });
    // Someone else's test is not the learner's to answer.
    const foreign = await refusal(
      submitAnswer(db, {
        userId: learner.id,
        competenceCode: f.competence.code,
        assessmentId: theirs.assessmentId,
        challengeId: theirs.challengeId,
        response: { choice: 0 },
        now: T0,
      }),
    );
    expect(foreign.code).toBe('not_found');
    expect(await db.answer.count({ where: { assessmentId: { in: [mine.assessmentId, theirs.assessmentId] } } })).toBe(0);
  });

  it('counts an answer to a timed challenge as timed out after the time and a grace, on the server clock', async () => {
    const db = testDb();
    const f = await fixture({ timed: 'all' });
    const learner = await makeLearner(db);
    await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 });
    const first = await challenge(learner.id, f.competence.code, at(10_000));
    expect(first.timer).toBe(30);
    expect(first.secondsLeft).toBe(20);
    await submitAnswer(db, {
      userId: learner.id,
      competenceCode: f.competence.code,
      assessmentId: first.assessmentId,
      challengeId: first.challengeId,
      response: respond(f, first.challengeId, first.view, true),
      now: at((30 + TIMER_GRACE_SECONDS - 1) * 1000),
    });
    const askedAt = at((30 + TIMER_GRACE_SECONDS - 1) * 1000);
    const second = await challenge(learner.id, f.competence.code, askedAt);
    const late = await submitAnswer(db, {
      userId: learner.id,
      competenceCode: f.competence.code,
      assessmentId: second.assessmentId,
      challengeId: second.challengeId,
      response: respond(f, second.challengeId, second.view, true),
      now: new Date(second.askedAt.getTime() + (30 + TIMER_GRACE_SECONDS + 1) * 1000),
    });
    expect(late.result).toBe('timedout');
    const answers = await db.answer.findMany({ where: { assessmentId: first.assessmentId }, orderBy: { id: 'asc' } });
    expect(answers.map((a) => a.result)).toEqual(['ok', 'timedout']);
    // A timed-out answer counts as wrong: its skill is invalidated.
    const ke = await db.knowledgeElement.findFirstOrThrow({ where: { answerId: answers[1]!.id, source: 'direct' } });
    expect(ke.status).toBe('invalidated');
    expect(ke.earnedPix).toBe(0);
  });
});

describe('the end of a test', () => {
  it('closes with the engine’s estimated elements, then shows level, pix and « Réponses et tutoriels »', async () => {
    const db = testDb();
    const f = await fixture({ calibrated: true });
    const learner = await makeLearner(db);
    await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 });
    // Nothing to read while the test is under way.
    expect(await positioningResults(db, { userId: learner.id, competenceCode: f.competence.code })).toBeNull();
    const count = await takeToTheEnd(f, learner.id, () => true);
    expect(count).toBeGreaterThan(0);
    const assessment = await db.assessment.findFirstOrThrow({ where: { userId: learner.id } });
    expect(assessment.state).toBe('COMPLETED');
    expect(assessment.completedAt).toEqual(T0);
    const kes = await db.knowledgeElement.findMany({ where: { userId: learner.id } });
    expect(kes.some((k) => k.source === 'direct')).toBe(true);
    // Every reachable skill ends up known; those the answers did not reach are settled by θ.
    expect(new Set(kes.map((k) => k.skillId)).size).toBe(f.skills.length);
    expect(kes.filter((k) => k.status === 'validated').every((k) => k.earnedPix > 0)).toBe(true);

    const results = (await positioningResults(db, { userId: learner.id, competenceCode: f.competence.code }))!;
    expect(results.items).toHaveLength(count);
    expect(results.level).toBeGreaterThanOrEqual(3);
    const item = results.items[0]!;
    expect(item.result).toBe('ok');
    expect(item.solution.lines[0]!.text).toMatch(/^(Juste|secret)/);
    expect(JSON.stringify(item.explanation)).toMatch(/Explication/);
    expect(item.tutorials).toHaveLength(1);
    expect(item.tutorials[0]).toMatchObject({ saved: false, useful: null });
    expect(results.items.map((i) => i.position)).toEqual(results.items.map((_, k) => k));
    expect(results.inProgress).toBe(false);
    // Level and pix are the profile's (the same knowledge elements, the same rules).
    const score = await competenceScoreOf(db, learner.id, results.competence);
    expect({ level: results.level, pix: results.pix }).toEqual({ level: score.level, pix: score.pix });
    // The learner's marks on a tutorial come back with it.
    await setUserTutorial(db, { userId: learner.id, tutorialId: item.tutorials[0]!.id, intent: 'save' });
    await setUserTutorial(db, { userId: learner.id, tutorialId: item.tutorials[0]!.id, intent: 'useful' });
    const marked = (await positioningResults(db, { userId: learner.id, competenceCode: f.competence.code }))!;
    expect(marked.items[0]!.tutorials[0]).toMatchObject({ saved: true, useful: true });
    // The same answers again once the test is over: nothing new is stored.
    const again = await submitAnswer(db, {
      userId: learner.id,
      competenceCode: f.competence.code,
      assessmentId: assessment.id,
      challengeId: item.challengeId,
      response: { choice: 0 },
      now: at(1000),
    });
    expect(again).toMatchObject({ duplicate: true, next: 'completed' });
    expect(await currentStep(db, { userId: learner.id, competenceCode: f.competence.code, now: at(1000) })).toMatchObject({ kind: 'none' });
  });

  it('gives level 0, 0 pix and no validated skill to a learner who answers everything wrong (decision 017), the same on every page', async () => {
    const db = testDb();
    const f = await fixture({ calibrated: true });
    const learner = await makeLearner(db);
    await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 });
    const count = await takeToTheEnd(f, learner.id, () => false);
    expect(count).toBeGreaterThan(1); // the test tried level 1 before concluding level 0
    const assessment = await db.assessment.findFirstOrThrow({ where: { userId: learner.id } });
    expect(assessment.state).toBe('COMPLETED');
    const kes = await db.knowledgeElement.findMany({ where: { userId: learner.id } });
    expect(kes.length).toBeGreaterThan(0);
    expect(kes.filter((k) => k.status === 'validated')).toEqual([]);
    expect(kes.every((k) => k.earnedPix === 0)).toBe(true);
    // The results page, the score and the profile read the same knowledge elements and agree.
    const results = (await positioningResults(db, { userId: learner.id, competenceCode: f.competence.code }))!;
    expect({ level: results.level, pix: results.pix }).toEqual({ level: 0, pix: 0 });
    expect(results.items.every((i) => i.result !== 'ok')).toBe(true);
    expect(await competenceScoreOf(db, learner.id, results.competence)).toMatchObject({ level: 0, pix: 0, validatedSkillIds: [] });
    const profile = await learnerProfile(learner.id, T0, db);
    expect(profile.competences.find((c) => c.code === f.competence.code)).toMatchObject({ level: 0, pix: 0, state: 'completed' });
    // Not counted towards certifiability.
    expect(profile.certifiability.competencesWithLevel).not.toContain(f.competence.code);
  });

  it('never validates a skill answered wrong, and the results agree with the profile, whatever the answers', async () => {
    const db = testDb();
    const f = await fixture({ calibrated: true });
    for (const pattern of [(n: number) => n % 2 === 0, (n: number) => n % 3 !== 1, (n: number) => n < 2]) {
      const learner = await makeLearner(db);
      await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 });
      await takeToTheEnd(f, learner.id, pattern);
      const results = (await positioningResults(db, { userId: learner.id, competenceCode: f.competence.code }))!;
      const failed = new Set(results.items.filter((i) => i.result !== 'ok').map((i) => i.skillName));
      const kes = await db.knowledgeElement.findMany({
        where: { userId: learner.id },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        include: { skill: true },
      });
      const latest = new Map(kes.map((k) => [k.skill.name, k]));
      for (const name of failed) expect(latest.get(name)?.status).toBe('invalidated');
      const score = await competenceScoreOf(db, learner.id, results.competence);
      expect({ level: results.level, pix: results.pix }).toEqual({ level: score.level, pix: score.pix });
    }
  });

  it('without an active parameter set, pretests everything and scores from the answers alone', async () => {
    const db = testDb();
    const f = await fixture();
    const learner = await makeLearner(db);
    await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 });
    const count = await takeToTheEnd(f, learner.id, () => false);
    expect(count).toBeGreaterThan(0);
    const kes = await db.knowledgeElement.findMany({ where: { userId: learner.id } });
    expect(kes.every((k) => k.status === 'invalidated' && k.source !== 'estimated')).toBe(true);
    const profile = await learnerProfile(learner.id, T0, db);
    expect(profile.competences.find((c) => c.code === f.competence.code)).toMatchObject({ level: 0, pix: 0, state: 'completed' });
    // Tutorials of the skills not mastered are recommended.
    expect(profile.recommended.map((r) => r.title)).toContain(`Tutoriel ${f.skills.find((s) => s.id === kes[0]!.skillId)!.name}`);
  });
});

describe('improving and resetting', () => {
  it('lets the learner improve 4 days after the end, without asking again what they mastered or what they saw', async () => {
    const db = testDb();
    const f = await fixture({ perSkill: 2 });
    const learner = await makeLearner(db);
    await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 });
    await takeToTheEnd(f, learner.id, (n) => n % 2 === 0);
    const first = await db.assessment.findFirstOrThrow({ where: { userId: learner.id }, include: { answers: true } });
    const latest = new Map<string, string>();
    for (const k of await db.knowledgeElement.findMany({ where: { userId: learner.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }))
      latest.set(k.skillId, k.status);
    const validated = new Set([...latest].filter(([, status]) => status === 'validated').map(([skillId]) => skillId));

    const early = await refusal(startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: at(3 * DAY) }));
    expect(early.code).toBe('too_early_improve');
    expect(early.availableAt).toEqual(at(4 * DAY));
    const profile = await learnerProfile(learner.id, at(3 * DAY), db);
    expect(profile.competences.find((c) => c.code === f.competence.code)).toMatchObject({ canImprove: false, improveFrom: at(4 * DAY) });

    const improve = await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: at(4 * DAY + 1) });
    expect(improve.resumed).toBe(false);
    const seen = new Set(first.answers.map((a) => a.challengeId));
    for (let n = 0; n < 40; n++) {
      const step = await currentStep(db, { userId: learner.id, competenceCode: f.competence.code, now: at(4 * DAY + 2) });
      if (step.kind !== 'challenge') break;
      expect(seen.has(step.challengeId)).toBe(false);
      expect(validated.has(f.challengeSkill.get(step.challengeId)!)).toBe(false);
      await submitAnswer(db, {
        userId: learner.id,
        competenceCode: f.competence.code,
        assessmentId: step.assessmentId,
        challengeId: step.challengeId,
        response: respond(f, step.challengeId, step.view, true),
        now: at(4 * DAY + 2),
      });
    }
    expect(await db.assessment.count({ where: { userId: learner.id, state: 'COMPLETED' } })).toBe(2);
  });

  it('resets a competence 7 days after its last knowledge element: only what comes after counts', async () => {
    const db = testDb();
    const f = await fixture();
    const learner = await makeLearner(db);
    await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 });
    await takeToTheEnd(f, learner.id, (n) => n === 0);
    const before = (await learnerProfile(learner.id, at(DAY), db)).competences.find((c) => c.code === f.competence.code)!;
    expect(before.pix).toBeGreaterThan(0);
    expect(before).toMatchObject({ canReset: false, resetFrom: at(7 * DAY) });

    const early = await refusal(resetCompetence(db, { userId: learner.id, competenceCode: f.competence.code, now: at(6 * DAY) }));
    expect(early.code).toBe('too_early_reset');

    // An improvement started and left half-way is abandoned by the reset.
    await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: at(5 * DAY) });
    await resetCompetence(db, { userId: learner.id, competenceCode: f.competence.code, now: at(8 * DAY) });
    expect(await db.assessment.count({ where: { userId: learner.id, state: 'STARTED' } })).toBe(0);
    expect(await db.assessment.count({ where: { userId: learner.id, state: 'ABORTED' } })).toBe(1);
    const after = (await learnerProfile(learner.id, at(8 * DAY), db)).competences.find((c) => c.code === f.competence.code)!;
    expect(after).toMatchObject({ level: 0, pix: 0, state: 'new', hasResults: false, canReset: false });
    expect(await positioningResults(db, { userId: learner.id, competenceCode: f.competence.code })).toBeNull();

    // Starting again right away is allowed (no improvement delay after a reset), and nothing is known.
    const restart = await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: at(8 * DAY + 1) });
    expect(restart.resumed).toBe(false);
    expect((await refusal(resetCompetence(db, { userId: learner.id, competenceCode: f.competence.code, now: at(20 * DAY) }))).code).toBe('nothing_to_reset');
  });
});

describe('profile', () => {
  it('shows what the learner may do on each competence, and their saved tutorials', async () => {
    const db = testDb();
    const f = await fixture();
    const learner = await makeLearner(db);
    let profile = await learnerProfile(learner.id, T0, db);
    expect(profile.competences.find((c) => c.code === f.competence.code)).toMatchObject({ state: 'new', level: 0, pix: 0 });
    expect(profile.certifiability).toMatchObject({ certifiable: false, missingCount: 5 });

    await startPositioning(db, { userId: learner.id, competenceCode: f.competence.code, now: T0 });
    const step = await challenge(learner.id, f.competence.code);
    await submitAnswer(db, {
      userId: learner.id,
      competenceCode: f.competence.code,
      assessmentId: step.assessmentId,
      challengeId: step.challengeId,
      response: respond(f, step.challengeId, step.view, true),
      now: T0,
    });
    profile = await learnerProfile(learner.id, T0, db);
    expect(profile.competences.find((c) => c.code === f.competence.code)).toMatchObject({ state: 'started', answered: 1, pix: 8, level: 1 });

    const tutorialId = [...f.tutorials.values()][0]!;
    expect(await setUserTutorial(db, { userId: learner.id, tutorialId, intent: 'save' })).toBe(true);
    expect(await setUserTutorial(db, { userId: learner.id, tutorialId, intent: 'useful' })).toBe(true);
    profile = await learnerProfile(learner.id, T0, db);
    expect(profile.saved).toEqual([expect.objectContaining({ id: tutorialId, saved: true, useful: true })]);
    await setUserTutorial(db, { userId: learner.id, tutorialId, intent: 'unsave' });
    expect((await learnerProfile(learner.id, T0, db)).saved).toEqual([]);
  });
});
