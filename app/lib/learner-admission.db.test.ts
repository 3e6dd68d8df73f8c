/**
 * The answer and the start with the request's guards in their own statement (decision 021, fourth part):
 * from the session this process read last, the write happens only if, when the statement runs, the
 * session is still there and valid (same user, CSRF token and language, not expired, the account not
 * disabled), its user is a learner and has no certification test under way. Otherwise nothing is
 * written, the caller is told to take the usual way (null), and the test's snapshot still serves it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl, testDb } from '../../tests/setup/db';
import { certificationToStart } from '../../tests/setup/certification-fixtures';
import { makeLearner, makePositioningFixture, respond } from '../../tests/setup/positioning-fixtures';

const ORIGIN = 'http://localhost:3000';

beforeAll(() => {
  process.env.DATABASE_URL = testDatabaseUrl();
});

function post(cookie: string, headers: Record<string, string> = {}): Request {
  return new Request(`${ORIGIN}/competences/x/evaluation`, { method: 'POST', headers: { Host: new URL(ORIGIN).host, Cookie: cookie, ...headers } });
}

describe('a learner’s answer and start with their guards in the statement', () => {
  it('write only while every guard holds, and otherwise write nothing and leave the usual way to say why', async () => {
    const db = testDb();
    const { createUserSession, lookUpSession } = await import('./session.server');
    const { learnerFormAdmission } = await import('./certification-lock.server');
    const { startPositioningIfAdmitted, submitAnswerIfAdmitted, submitAnswer } = await import('../models/positioning.server');
    const f = await makePositioningFixture(db);
    const learner = await makeLearner(db);
    const signIn = await createUserSession(learner.id, '/');
    const cookie = (signIn.headers.get('Set-Cookie') ?? '').split(';')[0]!;
    const { csrfToken, id: sessionId } = await db.authSession.findFirstOrThrow({ where: { userId: learner.id }, select: { csrfToken: true, id: true } });
    const form = (fields: Record<string, string> = {}) => new URLSearchParams({ csrf: csrfToken, ...fields });
    const now = () => new Date();

    // Nothing read in this process yet for this cookie: the usual way.
    expect(await learnerFormAdmission(post(cookie), form(), now())).toBeNull();
    expect((await lookUpSession(post(cookie))).session?.viewer.id).toBe(learner.id);
    // A form the usual guards would refuse: the usual way (it says why, in its order).
    expect(await learnerFormAdmission(post(cookie), form({ csrf: 'faux' }), now())).toBeNull();
    expect(await learnerFormAdmission(post(cookie, { Origin: 'https://ailleurs.exemple' }), form(), now())).toBeNull();
    expect(await learnerFormAdmission(post(''), form(), now())).toBeNull();

    const admission = (await learnerFormAdmission(post(cookie), form(), now()))!;
    expect(admission.session.viewer.id).toBe(learner.id);
    const started = await startPositioningIfAdmitted(db, { userId: learner.id, competenceCode: f.competence.code, locale: 'fr', now: now() }, admission.admit);
    expect(started?.step?.kind).toBe('challenge');
    // A test under way is resumed the usual way (nothing written here).
    expect(await startPositioningIfAdmitted(db, { userId: learner.id, competenceCode: f.competence.code, now: now() }, admission.admit)).toBeNull();

    const step = started!.step!;
    const answers = () => db.answer.count({ where: { assessmentId: step.assessmentId } });
    const answer = (admit: typeof admission.admit) =>
      submitAnswerIfAdmitted(
        db,
        {
          userId: learner.id,
          competenceCode: f.competence.code,
          assessmentId: step.assessmentId,
          challengeId: step.challengeId,
          response: respond(f, step.challengeId, step.view, true),
          now: now(),
        },
        admit,
      );

    // Each guard broken when the statement runs: nothing written.
    const user = { locale: 'fr', roles: ['LEARNER' as const], disabledAt: null };
    const breaks: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
      [
        'signed out',
        () => db.authSession.delete({ where: { id: sessionId } }),
        () => db.authSession.create({ data: { id: sessionId, userId: learner.id, csrfToken, expiresAt: new Date(Date.now() + 864e5) } }),
      ],
      [
        'expired',
        () => db.authSession.update({ where: { id: sessionId }, data: { expiresAt: new Date(Date.now() - 864e5) } }),
        () => db.authSession.update({ where: { id: sessionId }, data: { expiresAt: new Date(Date.now() + 864e5) } }),
      ],
      [
        'disabled',
        () => db.user.update({ where: { id: learner.id }, data: { disabledAt: new Date() } }),
        () => db.user.update({ where: { id: learner.id }, data: user }),
      ],
      [
        'no longer a learner',
        () => db.user.update({ where: { id: learner.id }, data: { roles: [] } }),
        () => db.user.update({ where: { id: learner.id }, data: user }),
      ],
      [
        'another language',
        () => db.user.update({ where: { id: learner.id }, data: { locale: 'en' } }),
        () => db.user.update({ where: { id: learner.id }, data: user }),
      ],
      [
        'another CSRF token',
        () => db.authSession.update({ where: { id: sessionId }, data: { csrfToken: 'autre' } }),
        () => db.authSession.update({ where: { id: sessionId }, data: { csrfToken } }),
      ],
    ];
    // A certification test under way (started elsewhere): nothing written; once it ends, the answer is taken.
    const course = await (await certificationToStart(db, learner.id))();
    breaks.unshift([
      'certification under way',
      async () => undefined,
      () => db.certificationCourse.update({ where: { id: course.courseId }, data: { status: 'FINISHED', endedAt: new Date() } }),
    ]);
    for (const [what, breakIt, putBack] of breaks) {
      await breakIt();
      expect(await answer(admission.admit), what).toBeNull();
      expect(await answers(), what).toBe(0);
      await putBack();
    }
    // Every guard holds again: the same answer is taken, from the snapshot the refusals left in place.
    const outcome = await answer(admission.admit);
    expect(outcome?.duplicate).toBe(false);
    expect(await answers()).toBe(1);
    // The same answer again is a duplicate: the usual way says so.
    expect(await answer(admission.admit)).toBeNull();
    expect(await answers()).toBe(1);
  });
});
