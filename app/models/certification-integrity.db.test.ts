/**
 * Certification integrity (issue 15, decision 019): a candidate is never served a challenge they saw
 * before, nor one of its family (prototype and declinations); while their test is under way, their other
 * pages are closed (the loaders send them back to the test, the actions answer 403 in French) and the
 * navigation is hidden; the certificate's levels follow from θ of the certification answers alone.
 */
import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl, testDb } from '../../tests/setup/db';
import { newChallengeBody } from '../../engine/challenges';
import { competenceAt, MIN_ANSWERS } from '../../engine/certification';
import { createRelease } from './release.server';
import { createSession, enrolCandidate, type SessionInput } from './certification-session.server';
import { setAuthorised } from './certification-invigilator.server';
import { candidateStep, enterSession, ongoingCertificationOf, seenFamilies, startCertification, submitCertificationAnswer } from './certification-test.server';
import { scoreCourse } from './certificate.server';

const db = () => testDb();
const uid = () => crypto.randomBytes(4).toString('hex');
const T0 = new Date('2026-12-01T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const ORIGIN = 'http://workbench.test';

const SESSION: SessionInput = {
  date: '2026-12-01',
  time: '09:00',
  address: '1 rue des Tests',
  room: 'B3',
  examiner: 'Mme Test',
  description: '',
  durationMinutes: 105,
};

/**
 * A bank of its own: 8 competences × levels 1–4 × 2 tubes, one skill per tube, each skill with a
 * prototype and a declination of it (live QCU, the right answer first); a release and an active set.
 */
async function makeBank() {
  const u = uid();
  const area = await db().area.create({ data: { code: `YA${u}`, titleFr: `Domaine ${u}`, titleEn: `Area ${u}` } });
  const params: { challengeId: string; a: number; d: number; b: number }[] = [];
  const skills: { id: string; competenceId: string; competenceCode: string; level: number; prototypeId: string; declinationId: string }[] = [];
  const versionOf = new Map<string, string>();
  for (let k = 0; k < 8; k++) {
    const code = `Y${u}${k}`;
    const competence = await db().competence.create({ data: { code, areaId: area.id, titleFr: `C ${u}${k}`, titleEn: `C ${u}${k}` } });
    const thematic = await db().thematic.create({ data: { key: `yth-${u}-${k}`, competenceId: competence.id, name: `T ${u}${k}` } });
    for (let level = 1; level <= 4; level++)
      for (const side of ['a', 'b']) {
        const tube = await db().tube.create({
          data: { name: `@y${u}${k}${side}t${level}`, thematicId: thematic.id, competenceId: competence.id, title: 'Sujet', description: 'Tests' },
        });
        const skill = await db().skill.create({ data: { name: `@y${u}${k}${side}t${level}${level}`, tubeId: tube.id, level, status: 'actif' } });
        const ids: string[] = [];
        for (let n = 0; n < 2; n++) {
          const body = {
            ...newChallengeBody('QCU', ['Tests']),
            answer: { type: 'QCU' as const, proposals: ['Juste', 'Faux A', 'Faux B'], correct: 0, shuffle: false },
          };
          const challenge = await db().challenge.create({
            data: {
              key: `yc-${u}-${k}-${side}${level}-${n}`,
              skillId: skill.id,
              type: 'QCU',
              status: 'valide',
              isPrototype: n === 0,
              prototypeId: n === 0 ? null : ids[0],
            },
          });
          const version = await db().challengeVersion.create({ data: { challengeId: challenge.id, number: 1, body: body as object } });
          await db().challenge.update({ where: { id: challenge.id }, data: { currentVersionId: version.id, liveVersionId: version.id } });
          versionOf.set(challenge.id, version.id);
          ids.push(challenge.id);
          const b = (level - 2.5) * 0.8 + n * 0.1 + (side === 'b' ? 0.05 : 0);
          params.push({ challengeId: challenge.id, a: 1.5, d: -1.5 * b, b });
        }
        skills.push({ id: skill.id, competenceId: competence.id, competenceCode: code, level, prototypeId: ids[0]!, declinationId: ids[1]! });
      }
  }
  await db().$transaction((tx) => createRelease(tx, `Intégrité ${u}`, null));
  await db().parameterSet.updateMany({ where: { active: true }, data: { active: false } });
  const set = await db().parameterSet.create({
    data: { version: 800_000 + Math.floor(Math.random() * 99_999), active: true, note: `integrity ${u}`, cutScores: { '1': -2, '2': -1, '3': 0, '4': 1 } },
  });
  await db().itemParameter.createMany({ data: params.map((p) => ({ parameterSetId: set.id, ...p })) });
  return { set, skills, versionOf };
}

let bank: Awaited<ReturnType<typeof makeBank>>;

/**
 * A certifiable learner (every skill up to level 3 validated) who earlier, in positioning, answered the
 * prototype of every "a" tube's skill and was shown (without answering) the declination of every level-4
 * "b" skill; enrolled in a new session, let in and started.
 */
async function candidateWithHistory() {
  const u = uid();
  const centre = await db().certificationCentre.create({ data: { name: `Centre ${u}`, type: 'SCO' } });
  const member = await db().user.create({ data: { email: `staff-${u}@t.fr`, passwordHash: 'x', firstName: 'S', lastName: u, roles: [] } });
  const learner = await db().user.create({
    data: { email: `cand-${u}@t.fr`, passwordHash: 'x', firstName: 'Inès', lastName: `Durand${u}`, roles: ['LEARNER'] },
  });
  await db().knowledgeElement.createMany({
    data: bank.skills
      .filter((s) => s.level <= 3)
      .map((s) => ({ userId: learner.id, skillId: s.id, competenceId: s.competenceId, status: 'validated' as const, source: 'direct' as const })),
  });
  const earlier = await db().assessment.create({ data: { userId: learner.id, type: 'POSITIONING', state: 'COMPLETED', createdAt: at(-60 * 24) } });
  const answered = bank.skills.filter((_s, k) => k % 2 === 0);
  const shownOnly = bank.skills.filter((s, k) => k % 2 === 1 && s.level === 4);
  let position = 0;
  for (const s of answered) {
    await db().assessmentChallenge.create({ data: { assessmentId: earlier.id, challengeId: s.prototypeId, position: position++, askedAt: at(-60 * 24) } });
    await db().answer.create({
      data: {
        assessmentId: earlier.id,
        challengeId: s.prototypeId,
        challengeVersionId: bank.versionOf.get(s.prototypeId)!,
        value: { choice: 0 },
        result: 'ok',
        createdAt: at(-60 * 24),
      },
    });
  }
  for (const s of shownOnly)
    await db().assessmentChallenge.create({ data: { assessmentId: earlier.id, challengeId: s.declinationId, position: position++, askedAt: at(-60 * 24) } });
  const session = await createSession(db(), { centreIds: [centre.id] }, { centreId: centre.id, userId: member.id, session: SESSION });
  const enrolled = await enrolCandidate(
    db(),
    { centreIds: [centre.id] },
    session.id,
    { lastName: learner.lastName, firstName: 'Inès', birthDate: '12/04/2007', birthPlace: 'Lyon', email: learner.email, extraTimePercentage: '0' },
    T0,
  );
  expect(enrolled.ok).toBe(true);
  const entered = await enterSession(db(), {
    userId: learner.id,
    code: session.accessCode,
    lastName: learner.lastName,
    firstName: 'Inès',
    birthDate: '12/04/2007',
    ip: `ip-${uid()}`,
    now: T0,
  });
  if (!entered.ok) throw new Error(entered.refusal);
  await setAuthorised(db(), session.id, entered.candidateId, true, T0);
  await startCertification(db(), { userId: learner.id, candidateId: entered.candidateId, locale: 'fr', now: T0 });
  // The families the candidate saw: their prototypes (the family of a declination is its prototype).
  const seen = new Set([...answered, ...shownOnly].map((s) => s.prototypeId));
  return { learner, candidateId: entered.candidateId, seen };
}

/** Answers every question (right on even questions, wrong on odd ones) until the test ends; the challenges served. */
async function answerAll(userId: string, candidateId: string): Promise<string[]> {
  const served: string[] = [];
  for (let k = 0; k < 40; k++) {
    const step = await candidateStep(db(), { userId, candidateId, now: at(1 + k) });
    if (step.kind !== 'challenge') break;
    served.push(step.challengeId);
    await submitCertificationAnswer(db(), { userId, candidateId, challengeId: step.challengeId, response: { choice: k % 2 === 0 ? 0 : 1 }, now: at(1 + k) });
  }
  return served;
}

beforeAll(async () => {
  process.env.DATABASE_URL = testDatabaseUrl();
  process.env.SESSION_SECRET ??= 'certification-integrity-test-secret-0123456789';
  bank = await makeBank();
}, 120_000);

describe('challenges seen before', () => {
  it('are read from every stored answer and question of the account, by family', async () => {
    const { learner, seen } = await candidateWithHistory();
    expect(new Set(await seenFamilies(db(), learner.id, (await currentAssessment(learner.id)).id))).toEqual(seen);
  });

  it('are never served, nor any challenge of their family (prototype and declinations)', async () => {
    const { learner, candidateId, seen } = await candidateWithHistory();
    const assessment = await currentAssessment(learner.id);
    expect(new Set((assessment.engineState as { excludedFamilies: string[] }).excludedFamilies)).toEqual(seen);
    const served = await answerAll(learner.id, candidateId);
    expect(served.length).toBeGreaterThanOrEqual(MIN_ANSWERS);
    const families = await db().challenge.findMany({ where: { id: { in: served } }, select: { id: true, prototypeId: true } });
    expect(families).toHaveLength(served.length);
    for (const c of families) expect(seen.has(c.prototypeId ?? c.id), `${c.id} de la famille ${c.prototypeId ?? c.id}`).toBe(false);
  }, 120_000);
});

async function currentAssessment(userId: string) {
  return db().assessment.findFirstOrThrow({ where: { userId, type: 'CERTIFICATION' }, orderBy: { createdAt: 'desc' } });
}

describe('during the test', () => {
  async function cookieOf(userId: string) {
    const { createUserSession } = await import('../lib/session.server');
    const response = await createUserSession(userId, '/');
    return (response.headers.get('Set-Cookie') ?? '').split(';')[0]!;
  }
  async function call(file: string, kind: 'loader' | 'action', url: string, cookie: string, params: Record<string, string> = {}): Promise<unknown> {
    const mod = (await import(`../routes/${file}`)) as Record<string, (args: unknown) => Promise<unknown>>;
    const headers = new Headers({ Host: new URL(ORIGIN).host, Cookie: cookie, Origin: ORIGIN });
    const request =
      kind === 'loader' ? new Request(`${ORIGIN}${url}`, { headers }) : new Request(`${ORIGIN}${url}`, { method: 'POST', headers, body: new FormData() });
    try {
      return await mod[kind]!({ request, params, context: {} });
    } catch (thrown) {
      return thrown;
    }
  }

  it('closes the other pages (back to the test, or 403 in French) and hides the navigation, until the test ends', async () => {
    const { learner, candidateId } = await candidateWithHistory();
    const cookie = await cookieOf(learner.id);
    expect(await ongoingCertificationOf(db(), learner.id)).toEqual({ candidateId });
    const code = bank.skills[0]!.competenceCode;
    const pages: [string, string, Record<string, string>][] = [
      ['profil._index.tsx', '/profil', {}],
      ['competences.$code.resultats.tsx', `/competences/${code}/resultats`, { code }],
      ['competences.$code.evaluation.tsx', `/competences/${code}/evaluation`, { code }],
      ['campagnes._index.tsx', '/campagnes', {}],
      ['referentiel._index.tsx', '/referentiel', {}],
    ];
    for (const [file, url, params] of pages) {
      const result = await call(file, 'loader', url, cookie, params);
      expect(result, file).toBeInstanceOf(Response);
      expect((result as Response).status, file).toBe(302);
      expect((result as Response).headers.get('Location'), file).toBe(`/certification/${candidateId}`);
    }
    for (const [file, url, params] of [pages[0]!, pages[3]!, pages[1]!]) {
      const result = (await call(file, 'action', url, cookie, params)) as Response;
      expect(result.status, file).toBe(403);
      expect(await result.text()).toMatch(/test de certification est en cours/);
    }
    const root = (await call('../root.tsx', 'loader', '/profil', cookie)) as { inCertification: boolean; spaces: unknown[] };
    expect(root.inCertification).toBe(true);
    expect(root.spaces).toEqual([]);
    // The test page itself stays open, and the entry page (it links to the test).
    const test = await call('certification.$candidateId.tsx', 'loader', `/certification/${candidateId}`, cookie, { candidateId });
    expect(test).not.toBeInstanceOf(Response);
    expect(await call('certification._index.tsx', 'loader', '/certification', cookie)).not.toBeInstanceOf(Response);

    await answerAll(learner.id, candidateId);
    expect(await ongoingCertificationOf(db(), learner.id)).toBeNull();
    const after = await call('referentiel._index.tsx', 'loader', '/referentiel', cookie);
    expect(after).not.toBeInstanceOf(Response);
    const rootAfter = (await call('../root.tsx', 'loader', '/profil', cookie)) as { inCertification: boolean; spaces: { id: string }[] };
    expect(rootAfter.inCertification).toBe(false);
    expect(rootAfter.spaces.map((s) => s.id)).toContain('profil');
  }, 120_000);
});

describe('the score', () => {
  it('comes from θ of the certification answers through the competence intervals frozen with the test, not from the profile', async () => {
    const { learner, candidateId } = await candidateWithHistory();
    await answerAll(learner.id, candidateId);
    const course = await db().certificationCourse.findUniqueOrThrow({ where: { candidateId }, select: { id: true } });
    const assessment = await currentAssessment(learner.id);
    const intervals = (assessment.engineState as { intervals: Record<string, Record<string, number>> }).intervals;
    expect(Object.keys(intervals)).toEqual(expect.arrayContaining([...new Set(bank.skills.map((s) => s.competenceCode))]));
    const { score } = await scoreCourse(db(), course.id);
    expect(score.status).toBe('validated');
    expect(score.scoredCount).toBeGreaterThanOrEqual(MIN_ANSWERS);
    for (const c of score.competences.filter((x) => intervals[x.competenceCode])) {
      expect({ level: c.level, pix: c.pix }).toEqual(competenceAt(intervals[c.competenceCode]!, score.theta, 6));
    }
    // Half right, half wrong on a profile at level 3: measured, not copied from the profile.
    const mine = score.competences.filter((c) => intervals[c.competenceCode]);
    expect(mine.every((c) => c.positionedLevel === 3)).toBe(true);
    expect(mine.some((c) => c.level !== 3)).toBe(true);
  }, 120_000);
});
