import { beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import {
  makeCentre,
  makeCertificationBank,
  makeIncident,
  makeSession,
  makeTakenTest,
  resultsPattern,
  type CertificationBank,
} from '../../tests/setup/certification-fixtures';
import { isValidVerificationCode } from '../../engine/framework';
import {
  assertJury,
  CertificateError,
  decideCandidate,
  decideIssue,
  finaliseSession,
  jurySession,
  juryQueue,
  publishSession,
  reportIncident,
  rescoreCertificate,
  scoreCourse,
  sessionOfCentreMember,
} from './certificate.server';
import {
  certificateByCode,
  certificateOfLearner,
  certificatesOfUser,
  publishedResultOf,
  unsuccessfulCertificationsOf,
  verifyCertificate,
  MAX_VERIFICATION_FAILURES,
} from './certificate-view.server';
import type { Viewer } from '../lib/roles';

const db = testDb();
let bank: CertificationBank;

beforeAll(async () => {
  bank = await makeCertificationBank(db, { competences: 5 });
});

function viewer(partial: Partial<Viewer> & { id: string }): Viewer {
  return { email: 'x@exemple.fr', firstName: 'X', lastName: 'Y', locale: 'fr', roles: [], organisations: [], centres: [], ...partial };
}

async function expectStatus(promise: Promise<unknown> | (() => unknown), status: number) {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(error).toBeInstanceOf(Response);
    expect((error as Response).status).toBe(status);
    return;
  }
  throw new Error(`expected a ${status} response`);
}

async function expectRefusal(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toSatisfy((e: unknown) => e instanceof CertificateError && e.code === code);
}

async function finalisedSession(options: { incident?: boolean } = {}) {
  const { centre, member } = await makeCentre(db);
  const session = await makeSession(db, centre.id, bank.parameterSetId);
  const good = await makeTakenTest(db, { sessionId: session.id, bank, results: resultsPattern(32, 24) });
  const short = await makeTakenTest(db, { sessionId: session.id, bank, results: resultsPattern(15, 10) });
  if (options.incident) await makeIncident(db, good.courseId, { questionNumber: 4 });
  const result = await finaliseSession(db, { sessionId: session.id, attendance: new Map(), comment: 'RAS', now: new Date() });
  return { centre, member, session, good, short, result };
}

describe('finalisation', () => {
  it('scores every test with the frozen set, writes certificates with codes, and a session without incident is ready to publish', async () => {
    const { session, good, short, result } = await finalisedSession();
    expect(result).toEqual({ scored: 2, validated: 1, rejected: 1, openIncidents: 0 });
    const after = await db.certificationSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(after.status).toBe('FINALIZED');
    expect(after.comment).toBe('RAS');
    const validated = await db.certificate.findUniqueOrThrow({ where: { courseId: good.courseId } });
    expect(validated.status).toBe('validated');
    expect(isValidVerificationCode(validated.verificationCode)).toBe(true);
    expect(validated.parameterSetId).toBe(bank.parameterSetId);
    expect(validated.pixScore).toBeGreaterThan(0);
    expect(validated.theta).toBeTypeOf('number');
    expect(validated.thetaSe).toBeGreaterThan(0);
    expect(validated.answersCounted).toBe(32);
    expect(validated.birthPlace).toBe('Lyon');
    expect(validated.takenOn?.toISOString().slice(0, 10)).toBe('2026-11-20');
    const rejected = await db.certificate.findUniqueOrThrow({ where: { courseId: short.courseId } });
    expect(rejected.status).toBe('rejected');
    expect(rejected.pixScore).toBe(0);
    expect(rejected.verificationCode).not.toBe(validated.verificationCode);

    // Irreversible: a second finalisation is refused.
    await expectRefusal(finaliseSession(db, { sessionId: session.id, attendance: new Map(), comment: '', now: new Date() }), 'already_finalised');
    const published = await publishSession(db, session.id, new Date());
    expect(published.published).toBe(1);
  });

  it('applies the abandon rule: a test left after 22 answers counts the rest as wrong', async () => {
    const { centre } = await makeCentre(db);
    const session = await makeSession(db, centre.id, bank.parameterSetId);
    const results = resultsPattern(22, 20);
    const finished = await makeTakenTest(db, { sessionId: session.id, bank, results });
    const left = await makeTakenTest(db, { sessionId: session.id, bank, results, status: 'STARTED' });
    const timeUp = await makeTakenTest(db, { sessionId: session.id, bank, results, endReason: 'time_up' });
    const stopped = await makeTakenTest(db, { sessionId: session.id, bank, results, status: 'ENDED_BY_INVIGILATOR' });
    const technical = await makeTakenTest(db, { sessionId: session.id, bank, results, status: 'ENDED_BY_INVIGILATOR' });
    await makeIncident(db, technical.courseId, { category: 'TECHNICAL' });
    // Each test that ended early needs its reason: refused without them (nothing saved), then given.
    await expectRefusal(finaliseSession(db, { sessionId: session.id, attendance: new Map(), comment: '', now: new Date() }), 'abort_reason_missing');
    await expect(
      finaliseSession(db, {
        sessionId: session.id,
        attendance: new Map(),
        abortReasons: new Map([[left.candidateId, 'CANDIDATE']]),
        comment: '',
        now: new Date(),
      }),
    ).rejects.toMatchObject({ code: 'abort_reason_missing', count: 2 });
    expect((await db.certificationSession.findUniqueOrThrow({ where: { id: session.id } })).status).toBe('CREATED');
    const abortReasons = new Map([
      [left.candidateId, 'CANDIDATE' as const],
      [stopped.candidateId, 'CANDIDATE' as const],
      [technical.candidateId, 'TECHNICAL' as const],
    ]);
    await finaliseSession(db, { sessionId: session.id, attendance: new Map(), abortReasons, comment: '', now: new Date() });
    expect((await db.certificationCourse.findUniqueOrThrow({ where: { id: technical.courseId } })).abortReason).toBe('TECHNICAL');
    expect((await db.certificationCourse.findUniqueOrThrow({ where: { id: timeUp.courseId } })).abortReason).toBeNull();
    const abandoned = async (t: { courseId: string }) => (await db.certificate.findUniqueOrThrow({ where: { courseId: t.courseId } })).abandoned;
    expect(await abandoned(timeUp)).toBe(true);
    expect(await abandoned(stopped)).toBe(true);
    // Ended by the invigilator after a technical incident: the questions not reached are not held against the candidate.
    expect(await abandoned(technical)).toBe(false);
    const a = await db.certificate.findUniqueOrThrow({ where: { courseId: finished.courseId } });
    const b = await db.certificate.findUniqueOrThrow({ where: { courseId: left.courseId } });
    expect(a.abandoned).toBe(false);
    expect(b.abandoned).toBe(true);
    expect(b.theta!).toBeLessThan(a.theta!);
    expect((await db.certificationCourse.findUniqueOrThrow({ where: { id: left.courseId } })).status).toBe('ABANDONED');
  });

  it('records attendance, refuses to mark absent a candidate who took the test, and saves nothing then', async () => {
    const { centre } = await makeCentre(db);
    const session = await makeSession(db, centre.id, bank.parameterSetId);
    const taken = await makeTakenTest(db, { sessionId: session.id, bank, results: resultsPattern(25, 15) });
    const noShow = await db.certificationCandidate.create({
      data: {
        sessionId: session.id,
        firstName: 'Absent',
        lastName: 'Candidat',
        birthDate: new Date('2000-01-01'),
        birthPlace: 'Nantes',
        presentAt: new Date(),
      },
    });
    await expectRefusal(
      finaliseSession(db, { sessionId: session.id, attendance: new Map([[taken.candidateId, false]]), comment: 'x', now: new Date() }),
      'absent_with_test',
    );
    expect((await db.certificationSession.findUniqueOrThrow({ where: { id: session.id } })).status).toBe('CREATED');
    await finaliseSession(db, {
      sessionId: session.id,
      attendance: new Map([
        [noShow.id, false],
        [taken.candidateId, true],
      ]),
      comment: '',
      now: new Date(),
    });
    expect((await db.certificationCandidate.findUniqueOrThrow({ where: { id: noShow.id } })).presentAt).toBeNull();
  });

  it('lets the centre report an incident before finalising, which sends the session to the jury', async () => {
    const { centre } = await makeCentre(db);
    const session = await makeSession(db, centre.id, bank.parameterSetId);
    const taken = await makeTakenTest(db, { sessionId: session.id, bank, results: resultsPattern(30, 20) });
    await expectRefusal(
      reportIncident(db, session.id, { candidateId: taken.candidateId, category: 'TECHNICAL', description: '  ', questionNumber: null, neutralise: false }),
      'incident_missing_description',
    );
    const issue = await reportIncident(db, session.id, {
      candidateId: taken.candidateId,
      category: 'IN_CHALLENGE',
      description: 'Vidéo muette',
      questionNumber: 3,
      neutralise: true,
    });
    expect(issue.challengeId).toBe(taken.challengeIds[2]);
    const result = await finaliseSession(db, { sessionId: session.id, attendance: new Map(), comment: '', now: new Date() });
    expect(result.openIncidents).toBe(1);
    expect((await db.certificationSession.findUniqueOrThrow({ where: { id: session.id } })).status).toBe('IN_REVIEW');
    await expectRefusal(
      reportIncident(db, session.id, { candidateId: taken.candidateId, category: 'OTHER', description: 'Trop tard', questionNumber: null, neutralise: false }),
      'already_finalised',
    );
  });
});

describe('jury', () => {
  it('blocks publication while an incident needs a decision, neutralises and re-scores, then publishes', async () => {
    const { session, good } = await finalisedSession({ incident: true });
    expect((await db.certificationSession.findUniqueOrThrow({ where: { id: session.id } })).status).toBe('IN_REVIEW');
    const queue = await juryQueue(db);
    expect(queue.find((s) => s.id === session.id)?.openIncidents).toBe(1);
    await expectRefusal(publishSession(db, session.id, new Date()), 'open_incidents');

    const before = await db.certificate.findUniqueOrThrow({ where: { courseId: good.courseId } });
    const { session: view } = await jurySession(db, session.id);
    const issue = view.courses.flatMap((c) => c.issues)[0]!;
    const decided = await decideIssue(db, { issueId: issue.id, decision: 'neutralise', comment: 'Image absente', userId: null, now: new Date() });
    expect(decided.openIncidents).toBe(0);
    const after = await db.certificate.findUniqueOrThrow({ where: { courseId: good.courseId } });
    expect(after.answersCounted).toBe(before.answersCounted - 1);
    expect(after.theta).not.toBe(before.theta);
    expect(after.juryComment).toBe('Image absente');
    expect(await db.neutralisation.count({ where: { answer: { assessmentId: good.assessmentId } } })).toBe(1);
    expect((await db.certificationIssue.findUniqueOrThrow({ where: { id: issue.id } })).resolvedAt).not.toBeNull();

    const now = new Date();
    await publishSession(db, session.id, now);
    const published = await db.certificate.findUniqueOrThrow({ where: { courseId: good.courseId } });
    expect(published.deliveredAt?.getTime()).toBe(now.getTime());
    expect((await db.certificationSession.findUniqueOrThrow({ where: { id: session.id } })).status).toBe('PUBLISHED');
    await expectRefusal(decideCandidate(db, { courseId: good.courseId, decision: 'cancel', comment: '', userId: null }), 'already_published');
  });

  it('cancels a candidate’s result: never delivered nor shown', async () => {
    const { session, good } = await finalisedSession({ incident: true });
    const issue = (await jurySession(db, session.id)).session.courses.flatMap((c) => c.issues)[0]!;
    await decideIssue(db, { issueId: issue.id, decision: 'cancel', comment: 'Fraude constatée', userId: null, now: new Date() });
    await publishSession(db, session.id, new Date());
    const cert = await db.certificate.findUniqueOrThrow({ where: { courseId: good.courseId } });
    expect(cert.status).toBe('cancelled');
    expect(cert.deliveredAt).toBeNull();
    expect(await certificatesOfUser(db, good.userId)).toEqual([]);
    expect(await certificateByCode(db, cert.verificationCode)).toBeNull();
  });

  it('re-scoring a certificate with its frozen set gives the same result, whatever set is active now', async () => {
    const { good } = await finalisedSession();
    const stored = await db.certificate.findUniqueOrThrow({ where: { courseId: good.courseId } });
    // Another set becomes active and the frozen one stays as it was.
    const other = await makeCertificationBank(db, { competences: 1 });
    // Whatever set other tests left in force is put back afterwards.
    const inForce = await db.parameterSet.findMany({ where: { active: true }, select: { id: true } });
    await db.$transaction([
      db.parameterSet.updateMany({ where: { active: true }, data: { active: false } }),
      db.parameterSet.update({ where: { id: other.parameterSetId }, data: { active: true } }),
    ]);
    try {
      const again = await scoreCourse(db, good.courseId);
      expect(again.parameterSetId).toBe(bank.parameterSetId);
      expect(again.score.theta).toBe(stored.theta);
      expect(again.score.thetaSe).toBe(stored.thetaSe);
      expect(again.score.pixScore).toBe(stored.pixScore);
      expect(again.score.competences).toEqual(stored.competenceLevels);
      await rescoreCertificate(db, good.courseId);
      const rescored = await db.certificate.findUniqueOrThrow({ where: { courseId: good.courseId } });
      expect([rescored.theta, rescored.pixScore, rescored.competenceLevels, rescored.status]).toEqual([
        stored.theta,
        stored.pixScore,
        stored.competenceLevels,
        stored.status,
      ]);
    } finally {
      await db.$transaction([
        db.parameterSet.update({ where: { id: other.parameterSetId }, data: { active: false } }),
        db.parameterSet.updateMany({ where: { id: { in: inForce.map((s) => s.id) } }, data: { active: true } }),
      ]);
    }
  });
});

describe('verification and the learner’s certificates', () => {
  it('finds a published certificate by its code and shows only certificate fields', async () => {
    const { session, good, short } = await finalisedSession();
    const cert = await db.certificate.findUniqueOrThrow({ where: { courseId: good.courseId } });
    expect(await certificateByCode(db, cert.verificationCode)).toBeNull(); // not published yet
    await publishSession(db, session.id, new Date('2026-11-25T10:00:00Z'));
    const found = await certificateByCode(db, ` ${cert.verificationCode.toLowerCase()} `);
    expect(found).not.toBeNull();
    expect(Object.keys(found!).sort()).toEqual(
      [
        'birthDate',
        'birthPlace',
        'centreName',
        'competences',
        'deliveredAt',
        'firstName',
        'id',
        'lastName',
        'pixScore',
        'takenOn',
        'validUntil',
        'verificationCode',
      ].sort(),
    );
    const text = JSON.stringify(found);
    expect(text).not.toContain(good.email);
    expect(text).not.toContain(good.userId);
    expect(text).not.toContain(String(cert.theta));
    expect(found!.competences).toHaveLength(16);
    expect(found!.validUntil.slice(0, 10)).toBe('2029-11-25');
    const rejected = await db.certificate.findUniqueOrThrow({ where: { courseId: short.courseId } });
    expect(await certificateByCode(db, rejected.verificationCode)).toBeNull();
    expect(await certificatesOfUser(db, good.userId)).toHaveLength(1);
    // Stored levels of the wrong shape are an error naming the certificate, not a certificate without levels.
    await db.certificate.update({ where: { id: cert.id }, data: { competenceLevels: [{ competenceCode: '1.1', level: 'trois' }] } });
    await expect(certificateByCode(db, cert.verificationCode)).rejects.toThrow(`Certificate.competenceLevels of row ${cert.id}`);
    await db.certificate.update({ where: { id: cert.id }, data: { competenceLevels: cert.competenceLevels ?? [] } });
    expect((await certificateByCode(db, cert.verificationCode))!.competences).toEqual(found!.competences);
  });

  it('lists a failed certification once published, and gives each enrolment its published result', async () => {
    const { session, good, short } = await finalisedSession();
    const goodCandidate = (await db.certificationCourse.findUniqueOrThrow({ where: { id: good.courseId } })).candidateId;
    const shortCandidate = (await db.certificationCourse.findUniqueOrThrow({ where: { id: short.courseId } })).candidateId;
    // Before publication: nothing.
    expect(await unsuccessfulCertificationsOf(db, short.userId)).toEqual([]);
    expect(await publishedResultOf(db, short.userId, shortCandidate)).toBeNull();
    expect(await publishedResultOf(db, good.userId, goodCandidate)).toBeNull();
    const now = new Date('2026-11-25T10:00:00Z');
    await publishSession(db, session.id, now);
    const failed = await unsuccessfulCertificationsOf(db, short.userId);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ status: 'rejected', publishedAt: now.toISOString() });
    expect(await unsuccessfulCertificationsOf(db, good.userId)).toEqual([]);
    expect(await publishedResultOf(db, short.userId, shortCandidate)).toMatchObject({ status: 'rejected', certificateId: null, pixScore: null });
    const cert = await db.certificate.findUniqueOrThrow({ where: { courseId: good.courseId } });
    expect(await publishedResultOf(db, good.userId, goodCandidate)).toMatchObject({ status: 'validated', certificateId: cert.id, pixScore: cert.pixScore });
    // Somebody else's enrolment gives nothing.
    expect(await publishedResultOf(db, short.userId, goodCandidate)).toBeNull();
  });

  it('rate-limits wrong codes by address', async () => {
    const ip = `test-${Math.random()}`;
    for (let i = 0; i < MAX_VERIFICATION_FAILURES; i++) {
      const r = await verifyCertificate(db, i % 2 ? 'P-BCDFGHJK' : 'pas un code', ip);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toBe(i % 2 ? 'not_found' : 'invalid_format');
    }
    expect(await verifyCertificate(db, 'P-BCDFGHJK', ip)).toEqual({ ok: false, reason: 'rate_limited' });
    expect((await verifyCertificate(db, 'P-BCDFGHJK', `${ip}-other`)).ok).toBe(false);
  });
});

describe('permissions', () => {
  it('a centre member of another centre, a learner and an anonymous user cannot reach a session; the jury is for administrators', async () => {
    const { session, member, centre, good } = await finalisedSession();
    const other = await makeCentre(db);
    const own = viewer({ id: member.id, centres: [{ id: centre.id, name: centre.name, role: 'ADMIN' }] });
    const stranger = viewer({ id: other.member.id, centres: [{ id: other.centre.id, name: other.centre.name, role: 'ADMIN' }] });
    const learner = viewer({ id: good.userId, roles: ['LEARNER'] });
    const admin = viewer({ id: 'admin', roles: ['ADMIN'] });
    expect((await sessionOfCentreMember(db, own, session.id)).id).toBe(session.id);
    await expectStatus(sessionOfCentreMember(db, stranger, session.id), 404);
    await expectStatus(sessionOfCentreMember(db, learner, session.id), 404);
    await expectStatus(sessionOfCentreMember(db, null, session.id), 404);
    expect(() => assertJury(admin)).not.toThrow();
    for (const v of [own, stranger, learner, null]) await expectStatus(() => assertJury(v), 403);
  });

  it('a certificate page is only for its learner', async () => {
    const { session, good } = await finalisedSession();
    await publishSession(db, session.id, new Date());
    const cert = await db.certificate.findUniqueOrThrow({ where: { courseId: good.courseId } });
    const own = await certificateOfLearner(db, { id: good.userId }, cert.id);
    expect(own.verificationCode).toBe(cert.verificationCode);
    // The holder's page shows the measure the levels come from (decision 019); the competences' pix add up to the total.
    expect(own.measure).toEqual({ theta: cert.theta, thetaSe: cert.thetaSe, answersCounted: cert.answersCounted });
    expect((cert.competenceLevels as { pix: number }[]).reduce((sum, c) => sum + c.pix, 0)).toBe(cert.pixScore);
    const other = await makeCentre(db);
    await expectStatus(certificateOfLearner(db, { id: other.member.id }, cert.id), 404);
    await expectStatus(certificateOfLearner(db, null, cert.id), 404);
  });
});
