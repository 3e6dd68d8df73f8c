import crypto from 'node:crypto';
import { certifMessages, fill } from '../i18n/certif';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { newChallengeBody } from '../../engine/challenges';
import { isValidSessionAccessCode } from '../../engine/framework';
import { DEADLINE_GRACE_SECONDS, MIN_ANSWERS } from '../../engine/certification';
import { createRelease } from './release.server';
import {
  CertificationSessionError,
  createSession,
  enrolCandidate,
  importCandidateCsv,
  invigilatorLocks,
  liftInvigilatorLock,
  previewCandidateCsv,
  renewInvigilatorPassword,
  sessionDetail,
  sessionInScope,
  type SessionInput,
} from './certification-session.server';
import {
  candidateStep,
  CertificationTestError,
  enterSession,
  exposureCounts,
  startCertification,
  submitCertificationAnswer,
  MAX_CANDIDATE_FAILURES,
  type CertificationChallengeStep,
} from './certification-test.server';
import { openEnrolmentsOf } from './certification-candidate.server';
import {
  accessFromRequest,
  invigilatorCookie,
  MAX_INVIGILATOR_FAILURES_PER_CODE,
  portalView,
  recordIncident,
  setAuthorised,
  signInInvigilator,
  endTest,
} from './certification-invigilator.server';

const db = () => testDb();
const uid = () => crypto.randomBytes(4).toString('hex');
const T0 = new Date('2026-12-01T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const SESSION: SessionInput = {
  date: '2026-12-01',
  time: '09:00',
  address: '1 rue des Tests',
  room: 'B2',
  examiner: 'Mme Test',
  description: '',
  durationMinutes: 105,
};

/**
 * A bank of its own (8 competences × levels 1–4, two tubes per level with a skill and two live QCU each,
 * the right answer first), a release of it and an active parameter set: made once for the file.
 */
let bankPromise: ReturnType<typeof makeBank> | null = null;
async function makeBank() {
  const u = uid();
  const area = await db().area.create({ data: { code: `XA${u}`, titleFr: `Domaine ${u}`, titleEn: `Area ${u}` } });
  const params: { challengeId: string; a: number; d: number; b: number }[] = [];
  const skills: { id: string; competenceId: string; level: number }[] = [];
  for (let k = 0; k < 8; k++) {
    const competence = await db().competence.create({ data: { code: `X${u}${k}`, areaId: area.id, titleFr: `C ${u}${k}`, titleEn: `C ${u}${k}` } });
    const thematic = await db().thematic.create({ data: { key: `xth-${u}-${k}`, competenceId: competence.id, name: `T ${u}${k}` } });
    for (let level = 1; level <= 4; level++)
      for (const side of ['a', 'b']) {
        const tube = await db().tube.create({
          data: { name: `@x${u}${k}${side}t${level}`, thematicId: thematic.id, competenceId: competence.id, title: 'Sujet', description: 'Tests' },
        });
        const skill = await db().skill.create({ data: { name: `@x${u}${k}${side}t${level}${level}`, tubeId: tube.id, level, status: 'actif' } });
        skills.push({ id: skill.id, competenceId: competence.id, level });
        for (let n = 0; n < 2; n++) {
          const body = {
            ...newChallengeBody('QCU', ['Tests']),
            answer: { type: 'QCU' as const, proposals: ['Juste', 'Faux A', 'Faux B'], correct: 0, shuffle: false },
          };
          const challenge = await db().challenge.create({
            data: { key: `xc-${u}-${k}-${side}${level}-${n}`, skillId: skill.id, type: 'QCU', status: 'valide' },
          });
          const version = await db().challengeVersion.create({ data: { challengeId: challenge.id, number: 1, body: body as object } });
          await db().challenge.update({ where: { id: challenge.id }, data: { currentVersionId: version.id, liveVersionId: version.id } });
          const b = (level - 2.5) * 0.8 + n * 0.1;
          params.push({ challengeId: challenge.id, a: 1.5, d: -1.5 * b, b });
        }
      }
  }
  await db().$transaction((tx) => createRelease(tx, `Certification ${u}`, null));
  await db().parameterSet.updateMany({ where: { active: true }, data: { active: false } });
  const set = await db().parameterSet.create({
    data: { version: 700_000 + Math.floor(Math.random() * 99_999), active: true, note: `cert ${u}`, cutScores: { '1': -2, '2': -1, '3': 0, '4': 1 } },
  });
  await db().itemParameter.createMany({ data: params.map((p) => ({ parameterSetId: set.id, ...p })) });
  return { set, skills };
}

/** The bank, a centre with a member, another centre, a learner who validated every skill up to level 3 of the bank's competences (certifiable: level 3 in 8), and a beginner. */
async function world() {
  bankPromise ??= makeBank();
  const { set, skills } = await bankPromise;
  const u = uid();
  const centre = await db().certificationCentre.create({ data: { name: `Centre ${u}`, type: 'SCO' } });
  const other = await db().certificationCentre.create({ data: { name: `Autre ${u}`, type: 'SCO' } });
  const member = await db().user.create({ data: { email: `staff-${u}@t.fr`, passwordHash: 'x', firstName: 'S', lastName: u, roles: [] } });
  const learner = await db().user.create({
    data: { email: `cand-${u}@t.fr`, passwordHash: 'x', firstName: 'Inès', lastName: `Durand${u}`, roles: ['LEARNER'] },
  });
  const beginner = await db().user.create({ data: { email: `deb-${u}@t.fr`, passwordHash: 'x', firstName: 'Noé', lastName: `Petit${u}`, roles: ['LEARNER'] } });
  await db().knowledgeElement.createMany({
    data: skills
      .filter((s) => s.level <= 3)
      .map((s) => ({ userId: learner.id, skillId: s.id, competenceId: s.competenceId, status: 'validated' as const, source: 'direct' as const })),
  });
  return { u, set, centre, other, member, learner, beginner, scope: { centreIds: [centre.id] } };
}

type World = Awaited<ReturnType<typeof world>>;

async function sessionWithCandidate(w: World, extra = 0) {
  const session = await createSession(db(), w.scope, { centreId: w.centre.id, userId: w.member.id, session: SESSION });
  const enrolled = await enrolCandidate(
    db(),
    w.scope,
    session.id,
    {
      lastName: w.learner.lastName,
      firstName: 'Inès',
      birthDate: '12/04/2007',
      birthPlace: 'Lyon',
      email: w.learner.email,
      extraTimePercentage: String(extra),
    },
    T0,
  );
  expect(enrolled.ok).toBe(true);
  const entered = await enterSession(db(), {
    userId: w.learner.id,
    code: session.accessCode,
    lastName: w.learner.lastName.toUpperCase(),
    firstName: 'ines',
    birthDate: '12/04/2007',
    ip: `ip-${uid()}`,
    now: T0,
  });
  if (!entered.ok) throw new Error(entered.refusal);
  return { session, candidateId: entered.candidateId };
}

async function question(userId: string, candidateId: string, now: Date): Promise<CertificationChallengeStep> {
  const step = await candidateStep(db(), { userId, candidateId, now });
  if (step.kind !== 'challenge') throw new Error(`expected a question, got ${step.kind}`);
  return step;
}

describe('centre sessions', () => {
  it('creates a session with a valid unique code, a password and the active parameter set frozen; another centre cannot see it', async () => {
    const w = await world();
    const session = await createSession(db(), w.scope, { centreId: w.centre.id, userId: w.member.id, session: SESSION });
    expect(isValidSessionAccessCode(session.accessCode)).toBe(true);
    expect(session.invigilatorPassword).toMatch(/^[2346789BCDFGHJKMPQRTVWXY]{8}$/);
    expect(session.parameterSetId).toBe(w.set.id);
    await expect(sessionInScope(db(), { centreIds: [w.other.id] }, session.id)).rejects.toBeInstanceOf(CertificationSessionError);
    await expect(createSession(db(), w.scope, { centreId: w.other.id, userId: w.member.id, session: SESSION })).rejects.toMatchObject({ code: 'not_found' });
    // A code already taken is drawn again.
    let calls = 0;
    const fixed = () => (calls++ < 6 ? 0 : 0.5);
    const a = await createSession(db(), w.scope, { centreId: w.centre.id, userId: w.member.id, session: SESSION, rng: fixed });
    calls = 0;
    const b = await createSession(db(), w.scope, { centreId: w.centre.id, userId: w.member.id, session: SESSION, rng: fixed });
    expect(a.accessCode).not.toBe(b.accessCode);
  });

  it('reports a CSV row by row and imports only the valid rows', async () => {
    const w = await world();
    const session = await createSession(db(), w.scope, { centreId: w.centre.id, userId: w.member.id, session: SESSION });
    await enrolCandidate(
      db(),
      w.scope,
      session.id,
      { lastName: 'Déjà', firstName: 'Là', birthDate: '01/02/2005', birthPlace: 'Paris', email: '', extraTimePercentage: '0' },
      T0,
    );
    const csv =
      '\uFEFFNom de naissance;Prénom;Date de naissance (jj/mm/aaaa);Lieu de naissance;E-mail;Identifiant externe;Temps majoré (%)\n' +
      `${w.learner.lastName};Inès;12/04/2007;Lyon;${w.learner.email};E1;30\n` +
      ';Sans;01/01/2005;Paris;;;0\n' +
      'Faux;Date;31/02/2006;Paris;;;0\n' +
      'DEJA;la;01/02/2005;Paris;;;0\n' +
      `${w.learner.lastName};Inès;12/04/2007;Lyon;;;0\n` +
      `Petit;Noé;20/02/2008;Lille;${w.beginner.email};;0\n` +
      'Sans;Compte;03/03/2004;Brest;inconnu@nulle-part.fr;;150\n' +
      'Autre;Candidat;03/03/2004;Brest;;;\n';
    const preview = await previewCandidateCsv(db(), w.scope, session.id, csv, T0);
    const byLine = new Map(preview.rows.map((r) => [r.line, r.problems]));
    expect(byLine.get(2)).toEqual([]);
    expect(byLine.get(3)).toEqual(['missing_last_name']);
    expect(byLine.get(4)).toEqual(['bad_birth_date']);
    expect(byLine.get(5)).toEqual(['duplicate_in_session']);
    expect(byLine.get(6)).toEqual(['duplicate_in_file']);
    expect(byLine.get(7)).toEqual(['not_certifiable']);
    expect(byLine.get(8)).toEqual(['bad_extra_time']);
    expect(byLine.get(9)).toEqual([]);
    expect(preview.rows[0]!.certifiable).toBe(true);
    expect(preview.rows[0]!.competencesWithLevel).toBe(8);
    expect(preview.rows[7]!.certifiable).toBeNull();
    expect(await db().certificationCandidate.count({ where: { sessionId: session.id } })).toBe(1);
    const imported = await importCandidateCsv(db(), w.scope, session.id, csv, T0);
    expect(imported.imported).toBe(2);
    const detail = await sessionDetail(db(), w.scope, session.id);
    expect(detail.candidates.map((c) => c.lastName).sort()).toEqual(['Autre', 'Déjà', w.learner.lastName].sort());
    expect(detail.candidates.find((c) => c.lastName === w.learner.lastName)).toMatchObject({ extraTimePercentage: 30, certifiable: true, linked: true });
    // A second import of the same file adds nothing.
    expect((await importCandidateCsv(db(), w.scope, session.id, csv, T0)).imported).toBe(0);
    // A file without the required columns is refused as a whole.
    const missing = (await previewCandidateCsv(db(), w.scope, session.id, 'Nom;Prénom\nA;B\n', T0)).fileError;
    expect(missing?.code).toBe('missingColumns');
    expect(missing!.params.columns).toContain('Lieu de naissance');
    expect(fill(certifMessages.fr['csvFile.missingColumns'], missing!.params)).toMatch(
      /^Colonnes manquantes dans la première ligne : .*Lieu de naissance\. Partez du modèle à télécharger\.$/,
    );
    expect(fill(certifMessages.en['csvFile.missingColumns'], missing!.params)).toMatch(
      /^Missing columns in the first line: .*Lieu de naissance\. Start from the template to download\.$/,
    );
    // Another centre cannot preview into it.
    await expect(previewCandidateCsv(db(), { centreIds: [w.other.id] }, session.id, csv, T0)).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('the candidate’s enrolments', () => {
  it('lists the learner’s own enrolments in open sessions, and nobody else’s', async () => {
    const w = await world();
    const { session, candidateId } = await sessionWithCandidate(w);
    expect(await openEnrolmentsOf(db(), w.learner.id)).toEqual([
      { id: candidateId, date: '2026-12-01', time: '09:00', room: 'B2', centre: w.centre.name, status: null },
    ]);
    expect(await openEnrolmentsOf(db(), w.beginner.id)).toEqual([]);
    // A session past its CREATED state is no longer open to enter.
    await db().certificationSession.update({ where: { id: session.id }, data: { status: 'FINALIZED' } });
    expect(await openEnrolmentsOf(db(), w.learner.id)).toEqual([]);
  });
});

describe('access codes', () => {
  it('throttles invigilator passwords per (code, address): of 20 parallel wrong ones at most 5 are checked; other addresses still sign in', async () => {
    const w = await world();
    const session = await createSession(db(), w.scope, { centreId: w.centre.id, userId: w.member.id, session: SESSION });
    const ip = `ip-${uid()}`;
    expect(await signInInvigilator(db(), { code: session.accessCode, password: 'FAUX', ip, now: T0 })).toEqual({ ok: false, reason: 'invalid' });
    const ok = await signInInvigilator(db(), {
      code: ` ${session.accessCode.toLowerCase()} `,
      password: session.invigilatorPassword.toLowerCase(),
      ip,
      now: T0,
    });
    expect(ok).toMatchObject({ ok: true, sessionId: session.id });
    const attacker = `ip-${uid()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => signInInvigilator(db(), { code: session.accessCode, password: 'FAUX', ip: attacker, now: T0 })),
    );
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(MAX_INVIGILATOR_FAILURES_PER_CODE);
    expect(results.filter((r) => !r.ok && r.reason === 'rate_limited')).toHaveLength(20 - MAX_INVIGILATOR_FAILURES_PER_CODE);
    // Even the right password is refused from that address for a while, and the centre sees the lock…
    expect(await signInInvigilator(db(), { code: session.accessCode, password: session.invigilatorPassword, ip: attacker, now: at(0.5) })).toEqual({
      ok: false,
      reason: 'rate_limited',
    });
    expect(await invigilatorLocks(db(), w.scope, session.id, at(0.5))).toEqual([
      expect.objectContaining({ address: attacker, failures: MAX_INVIGILATOR_FAILURES_PER_CODE, blockedUntil: at(1) }),
    ]);
    await expect(invigilatorLocks(db(), { centreIds: [w.other.id] }, session.id, at(0.5))).rejects.toMatchObject({ code: 'not_found' });
    // …but the real invigilator, from their address, is not locked out.
    expect((await signInInvigilator(db(), { code: session.accessCode, password: session.invigilatorPassword, ip, now: at(0.5) })).ok).toBe(true);
    // After the backoff it opens again.
    expect((await signInInvigilator(db(), { code: session.accessCode, password: session.invigilatorPassword, ip: attacker, now: at(1) })).ok).toBe(true);
  });

  it('centre staff lift an invigilator lock (audited throttle.lift); a renewed invigilator password lifts every lock of the session', async () => {
    const w = await world();
    const session = await createSession(db(), w.scope, { centreId: w.centre.id, userId: w.member.id, session: SESSION });
    const [a, b] = [`ip-${uid()}`, `ip-${uid()}`];
    for (const ip of [a, b])
      for (let i = 0; i < MAX_INVIGILATOR_FAILURES_PER_CODE; i++) await signInInvigilator(db(), { code: session.accessCode, password: 'FAUX', ip, now: T0 });
    expect((await invigilatorLocks(db(), w.scope, session.id, T0)).map((l) => l.address).sort()).toEqual([a, b].sort());
    await expect(
      liftInvigilatorLock(db(), { centreIds: [w.other.id] }, { sessionId: session.id, address: a, actorId: w.member.id, ip: 'x' }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await liftInvigilatorLock(db(), w.scope, { sessionId: session.id, address: a, actorId: w.member.id, ip: 'centre-ip' })).toBe(true);
    expect((await invigilatorLocks(db(), w.scope, session.id, T0)).map((l) => l.address)).toEqual([b]);
    expect(await db().auditLog.findMany({ where: { action: 'throttle.lift', targetId: session.id } })).toEqual([
      expect.objectContaining({ actorId: w.member.id, targetType: 'certificationSession', details: { scope: 'invigilator', address: a }, ip: 'centre-ip' }),
    ]);
    expect((await signInInvigilator(db(), { code: session.accessCode, password: session.invigilatorPassword, ip: a, now: T0 })).ok).toBe(true);
    const password = await renewInvigilatorPassword(db(), w.scope, session.id);
    expect(await invigilatorLocks(db(), w.scope, session.id, T0)).toEqual([]);
    expect((await signInInvigilator(db(), { code: session.accessCode, password, ip: b, now: T0 })).ok).toBe(true);
  });

  it('closes the invigilator portal once the session is finalised: no access, no action, no incident neutralising a question', async () => {
    const w = await world();
    const { session, candidateId } = await sessionWithCandidate(w);
    const signIn = await signInInvigilator(db(), { code: session.accessCode, password: session.invigilatorPassword, ip: `ip-${uid()}`, now: T0 });
    if (!signIn.ok) throw new Error(signIn.reason);
    const request = new Request('http://localhost/surveillance/session', { headers: { Cookie: await invigilatorCookie().serialize(signIn.accessId) } });
    expect(await accessFromRequest(db(), request, T0)).toMatchObject({ sessionId: session.id });
    await setAuthorised(db(), session.id, candidateId, true, T0);
    await startCertification(db(), { userId: w.learner.id, candidateId, locale: 'fr', now: T0 });
    await question(w.learner.id, candidateId, at(1));
    await db().certificationSession.update({ where: { id: session.id }, data: { status: 'FINALIZED', finalizedAt: at(2) } });
    expect(await accessFromRequest(db(), request, at(2))).toBeNull();
    const incident = { candidateId, category: 'IN_CHALLENGE', subcategory: 'IMAGE_NOT_DISPLAYING', description: '', questionNumber: '1', neutralise: true };
    await expect(recordIncident(db(), session.id, incident, at(2))).rejects.toMatchObject({ code: 'sessionClosed' });
    await expect(endTest(db(), session.id, candidateId, at(2))).rejects.toMatchObject({ code: 'sessionClosed' });
    await expect(setAuthorised(db(), session.id, candidateId, false, at(2))).rejects.toMatchObject({ code: 'sessionClosed' });
    expect(await db().neutralisation.count({ where: { answer: { assessment: { certificationCourse: { candidateId } } } } })).toBe(0);
    expect(await db().answer.count({ where: { assessment: { certificationCourse: { candidateId } } } })).toBe(0);
    expect(await db().certificationIssue.count({ where: { course: { candidateId } } })).toBe(0);
    expect(await signInInvigilator(db(), { code: session.accessCode, password: session.invigilatorPassword, ip: `ip-${uid()}`, now: at(2) })).toEqual({
      ok: false,
      reason: 'closed',
    });
  });

  it('refuses a wrong code, an identity not enrolled and a learner who is not certifiable, and rate-limits the candidate', async () => {
    const w = await world();
    const session = await createSession(db(), w.scope, { centreId: w.centre.id, userId: w.member.id, session: SESSION });
    await enrolCandidate(
      db(),
      w.scope,
      session.id,
      { lastName: 'Petit', firstName: 'Noé', birthDate: '20/02/2008', birthPlace: 'Lille', email: '', extraTimePercentage: '0' },
      T0,
    );
    const ip = `ip-${uid()}`;
    const base = { code: session.accessCode, lastName: 'Petit', firstName: 'Noé', birthDate: '20/02/2008', ip, now: T0 };
    expect(await enterSession(db(), { ...base, userId: w.beginner.id, code: 'ZZZZ99' })).toEqual({ ok: false, refusal: 'unknown_code' });
    expect(await enterSession(db(), { ...base, userId: w.beginner.id, birthDate: '21/02/2008' })).toEqual({ ok: false, refusal: 'not_enrolled' });
    expect(await enterSession(db(), { ...base, userId: w.beginner.id })).toEqual({ ok: false, refusal: 'not_certifiable' });
    for (let i = 3; i < MAX_CANDIDATE_FAILURES; i++) await enterSession(db(), { ...base, userId: w.beginner.id, code: 'ZZZZ99' });
    expect(await enterSession(db(), { ...base, userId: w.beginner.id })).toEqual({ ok: false, refusal: 'rate_limited' });
  });

  it('refuses entry to a session without an approved parameter set', async () => {
    const w = await world();
    const session = await createSession(db(), w.scope, { centreId: w.centre.id, userId: w.member.id, session: SESSION });
    await db().certificationSession.update({ where: { id: session.id }, data: { parameterSetId: null } });
    await enrolCandidate(
      db(),
      w.scope,
      session.id,
      { lastName: w.learner.lastName, firstName: 'Inès', birthDate: '12/04/2007', birthPlace: 'Lyon', email: w.learner.email, extraTimePercentage: '0' },
      T0,
    );
    const entry = await enterSession(db(), {
      userId: w.learner.id,
      code: session.accessCode,
      lastName: w.learner.lastName,
      firstName: 'Inès',
      birthDate: '12/04/2007',
      ip: `ip-${uid()}`,
      now: T0,
    });
    expect(entry).toEqual({ ok: false, refusal: 'no_parameter_set' });
    expect((await portalView(db(), session.id, T0)).session.ready).toBe(false);
  });
});

describe('the candidate’s test', () => {
  it('cannot start before being let in; starts once; answers count once; resumes at the same question with the time running', async () => {
    const w = await world();
    const { session, candidateId } = await sessionWithCandidate(w);
    const userId = w.learner.id;
    expect(await candidateStep(db(), { userId, candidateId, now: T0 })).toEqual({ kind: 'waiting', present: false });
    await expect(startCertification(db(), { userId, candidateId, locale: 'fr', now: T0 })).rejects.toMatchObject({ code: 'not_authorised' });
    await setAuthorised(db(), session.id, candidateId, true, T0);
    // Two tabs start at once: one course, one assessment, one first question.
    const [a, b] = await Promise.all([
      startCertification(db(), { userId, candidateId, locale: 'fr', now: T0 }),
      startCertification(db(), { userId, candidateId, locale: 'fr', now: T0 }),
    ]);
    expect(a.kind).toBe('challenge');
    expect(b).toMatchObject({ kind: 'challenge', challengeId: (a as CertificationChallengeStep).challengeId });
    expect(await db().certificationCourse.count({ where: { candidateId } })).toBe(1);
    const first = await question(userId, candidateId, T0);
    expect(first.secondsLeft).toBe(105 * 60);
    expect(JSON.stringify(first.view)).not.toContain('"correct"');

    // Two tabs answer the same question: stored once, both land on the same next question.
    const [x, y] = await Promise.all([
      submitCertificationAnswer(db(), { userId, candidateId, challengeId: first.challengeId, response: { choice: 0 }, now: at(1) }),
      submitCertificationAnswer(db(), { userId, candidateId, challengeId: first.challengeId, response: { choice: 1 }, now: at(1) }),
    ]);
    expect([x.duplicate, y.duplicate].sort()).toEqual([false, true]);
    const course = await db().certificationCourse.findUniqueOrThrow({
      where: { candidateId },
      include: { assessment: { include: { answers: true, asked: true } } },
    });
    expect(course.assessment!.answers).toHaveLength(1);
    expect(course.assessment!.asked).toHaveLength(2);
    const second = await question(userId, candidateId, at(2));
    expect(second.position).toBe(1);
    expect(x.step).toMatchObject({ kind: 'challenge', challengeId: second.challengeId });
    // A "closed browser" 30 minutes later: same question, 30 minutes less.
    const resumed = await question(userId, candidateId, at(31));
    expect(resumed.challengeId).toBe(second.challengeId);
    expect(resumed.secondsLeft).toBe((105 - 31) * 60);
    // Answering an earlier question again changes nothing.
    const again = await submitCertificationAnswer(db(), { userId, candidateId, challengeId: first.challengeId, response: { choice: 1 }, now: at(32) });
    expect(again.duplicate).toBe(true);
    expect(again.step).toMatchObject({ challengeId: second.challengeId });
    // A challenge that was not asked is refused.
    await expect(
      submitCertificationAnswer(db(), { userId, candidateId, challengeId: crypto.randomUUID(), response: { choice: 0 }, now: at(33) }),
    ).rejects.toBeInstanceOf(CertificationTestError);
  });

  it('counts, for the exposure ceiling, the tests started on the parameter set and how many showed each challenge', async () => {
    const w = await world();
    const { session, candidateId } = await sessionWithCandidate(w);
    const later = Date.now() + 3_600_000;
    const before = await exposureCounts(db(), w.set.id, later);
    await setAuthorised(db(), session.id, candidateId, true, T0);
    const first = await startCertification(db(), { userId: w.learner.id, candidateId, locale: 'fr', now: T0 });
    if (first.kind !== 'challenge') throw new Error('expected a question');
    const after = await exposureCounts(db(), w.set.id, later + 60_000);
    expect(after.tests).toBe(before.tests + 1);
    expect(after.shown[first.challengeId]).toBe((before.shown[first.challengeId] ?? 0) + 1);
    // Within a few seconds the same counts are reused rather than read again.
    expect(await exposureCounts(db(), w.set.id, later + 61_000)).toBe(await exposureCounts(db(), w.set.id, later + 60_000));
  });

  it('enforces the time limit with the extra time on the server', async () => {
    const w = await world();
    const { session, candidateId } = await sessionWithCandidate(w, 20);
    const userId = w.learner.id;
    await setAuthorised(db(), session.id, candidateId, true, T0);
    await startCertification(db(), { userId, candidateId, locale: 'fr', now: T0 });
    // 105 min + 20 % = 126 min: still open at 120.
    const q = await question(userId, candidateId, at(120));
    expect(q.secondsLeft).toBe(6 * 60);
    const late = await submitCertificationAnswer(db(), {
      userId,
      candidateId,
      challengeId: q.challengeId,
      response: { choice: 0 },
      now: new Date(at(126).getTime() + (DEADLINE_GRACE_SECONDS + 1) * 1000),
    });
    expect(late).toMatchObject({ late: true, step: { kind: 'finished', reason: 'time_up' } });
    expect(await db().answer.count({ where: { challengeId: q.challengeId, assessment: { certificationCourse: { candidateId } } } })).toBe(0);
    const course = await db().certificationCourse.findUniqueOrThrow({ where: { candidateId } });
    expect(course.status).toBe('FINISHED');
    expect(course.endedAt).toEqual(at(126));
  });

  it('goes to the end (max 32 questions), with an in-question incident neutralising the question in course; the invigilator sees the statuses', async () => {
    const w = await world();
    const { session, candidateId } = await sessionWithCandidate(w);
    const userId = w.learner.id;
    let view = await portalView(db(), session.id, T0);
    // She entered with the code: waiting, not "not arrived".
    expect(view.candidates.map((c) => c.status)).toEqual(['waiting']);
    await setAuthorised(db(), session.id, candidateId, true, T0);
    expect((await portalView(db(), session.id, T0)).candidates[0]!.status).toBe('authorised');
    await startCertification(db(), { userId, candidateId, locale: 'fr', now: T0 });
    const q1 = await question(userId, candidateId, at(1));
    await submitCertificationAnswer(db(), { userId, candidateId, challengeId: q1.challengeId, response: { choice: 0 }, now: at(1) });
    const q2 = await question(userId, candidateId, at(2));
    // The image of question 2 does not display: neutralised, and the candidate moves on.
    const notAsked = await recordIncident(
      db(),
      session.id,
      { candidateId, category: 'IN_CHALLENGE', subcategory: 'IMAGE_NOT_DISPLAYING', description: '', questionNumber: '9', neutralise: true },
      at(2),
    ).catch((e: unknown) => e);
    expect(notAsked).toMatchObject({ code: 'questionNotAsked', params: { n: '9' } });
    // The portal says it in the page's language.
    const { params } = notAsked as { params: Record<string, string> };
    expect(fill(certifMessages.fr['invigilator.questionNotAsked'], params)).toBe(
      `La question 9 n’a pas encore été posée à ce candidat (${params.asked} posées).`,
    );
    expect(fill(certifMessages.en['invigilator.questionNotAsked'], params)).toBe(
      `Question 9 has not been asked to this candidate yet (${params.asked} asked).`,
    );
    const incident = await recordIncident(
      db(),
      session.id,
      { candidateId, category: 'IN_CHALLENGE', subcategory: 'IMAGE_NOT_DISPLAYING', description: '', questionNumber: '2', neutralise: true },
      at(2),
    );
    expect(incident.neutralised).toBe(true);
    const q3 = await question(userId, candidateId, at(3));
    expect(q3.position).toBe(2);
    expect(q3.challengeId).not.toBe(q2.challengeId);
    // The candidate's late answer to question 2 (their page had not refreshed) is not taken.
    expect((await submitCertificationAnswer(db(), { userId, candidateId, challengeId: q2.challengeId, response: { choice: 0 }, now: at(3) })).duplicate).toBe(
      true,
    );
    const neutralised = await db().neutralisation.findMany({
      where: { answer: { challengeId: q2.challengeId, assessment: { certificationCourse: { candidateId } } } },
    });
    expect(neutralised).toHaveLength(1);
    view = await portalView(db(), session.id, at(3));
    expect(view.candidates[0]).toMatchObject({ status: 'in_test', asked: 3, answered: 2, neutralised: 1 });
    expect(view.candidates[0]!.issues[0]).toMatchObject({ category: 'IN_CHALLENGE', questionPosition: 1, neutralise: true });

    let n = 3;
    for (;;) {
      const step = await candidateStep(db(), { userId, candidateId, now: at(n) });
      if (step.kind !== 'challenge') {
        expect(step).toEqual({ kind: 'finished', reason: 'completed' });
        break;
      }
      await submitCertificationAnswer(db(), { userId, candidateId, challengeId: step.challengeId, response: { choice: n % 2 }, now: at(n) });
      n++;
      expect(n).toBeLessThan(40);
    }
    const answers = await db().answer.count({ where: { assessment: { certificationCourse: { candidateId } } } });
    expect(answers).toBeGreaterThanOrEqual(MIN_ANSWERS);
    expect(answers).toBeLessThanOrEqual(32);
    expect((await portalView(db(), session.id, at(n))).candidates[0]!.status).toBe('finished');
    await expect(endTest(db(), session.id, candidateId, at(n))).rejects.toMatchObject({ code: 'noTestUnderWay' });
    // An invigilator of another session cannot act on this candidate.
    const other = await createSession(db(), w.scope, { centreId: w.centre.id, userId: w.member.id, session: SESSION });
    await expect(setAuthorised(db(), other.id, candidateId, true, T0)).rejects.toMatchObject({ code: 'candidateNotFound' });
  });
});
