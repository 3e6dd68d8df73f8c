/**
 * For certification results tests (db and browser): a centre with a member, a session frozen on a
 * parameter set, and candidates whose tests are already taken — CertificationCourse, Assessment,
 * AssessmentChallenge and Answer rows written straight to the database, as the candidate's test pages
 * would have written them. Two banks: one of its own (unique competence codes, an inactive parameter set,
 * for db tests) or the seeded framework with the active parameter set (for browser tests).
 */
import crypto from 'node:crypto';
import type { PrismaClient } from '../../prisma/client';
import { markdownLiteToDoc, newChallengeBody, type ChallengeBody } from '../../engine/challenges';

const uid = () => crypto.randomBytes(4).toString('hex');

export interface BankChallenge {
  id: string;
  versionId: string;
  competenceCode: string;
  level: number;
}

export interface CertificationBank {
  parameterSetId: string;
  competenceCodes: string[];
  challenges: BankChallenge[];
}

/**
 * A bank of its own: `competences` competences (unique codes), each with one tube of levels 1–6 and two
 * live challenges per level (QCU, right answer first, with a solution explanation that must never reach a
 * candidate; `timer`: each with that timer), and an inactive parameter set (a = 1.5, b from the level)
 * with cut scores.
 */
export async function makeCertificationBank(db: PrismaClient, options: { competences?: number; timer?: number } = {}): Promise<CertificationBank> {
  const u = uid();
  const area = await db.area.create({ data: { code: `CA${u}`, titleFr: `Domaine certif ${u}`, titleEn: `Certification area ${u}` } });
  const challenges: BankChallenge[] = [];
  const competenceCodes: string[] = [];
  const items: { challengeId: string; a: number; d: number; b: number }[] = [];
  for (let k = 0; k < (options.competences ?? 5); k++) {
    const code = `C${u}${k}`;
    competenceCodes.push(code);
    const competence = await db.competence.create({ data: { code, areaId: area.id, titleFr: `Compétence ${code}`, titleEn: `Competence ${code}` } });
    const thematic = await db.thematic.create({ data: { key: `cth-${u}-${k}`, competenceId: competence.id, name: `Thématique ${code}` } });
    for (let level = 1; level <= 6; level++) {
      const tube = await db.tube.create({
        data: { name: `@c${u}${k}t${level}`, thematicId: thematic.id, competenceId: competence.id, title: `Sujet ${level}`, description: 'Tests' },
      });
      const skill = await db.skill.create({ data: { name: `@c${u}${k}t${level}${level}`, tubeId: tube.id, level, status: 'actif' } });
      for (let n = 0; n < 2; n++) {
        const body: ChallengeBody = {
          ...newChallengeBody('QCU', ['Tests']),
          answer: { type: 'QCU', proposals: ['Juste', 'Faux A', 'Faux B'], correct: 0, shuffle: false },
          solutionExplanation: markdownLiteToDoc(`Explication secrète ${u}.`),
          timer: options.timer ?? null,
        };
        const challenge = await db.challenge.create({ data: { key: `cert-${u}-${k}-${level}-${n}`, skillId: skill.id, type: 'QCU', status: 'valide' } });
        const version = await db.challengeVersion.create({ data: { challengeId: challenge.id, number: 1, body: body as object } });
        await db.challenge.update({ where: { id: challenge.id }, data: { currentVersionId: version.id, liveVersionId: version.id } });
        challenges.push({ id: challenge.id, versionId: version.id, competenceCode: code, level });
        const a = 1.5;
        const b = (level - 3.5) * 0.8 + (n === 0 ? -0.1 : 0.1);
        items.push({ challengeId: challenge.id, a, d: -a * b, b });
      }
    }
  }
  const set = await db.parameterSet.create({
    data: {
      version: 800_000 + Math.floor(Math.random() * 99_999),
      active: false,
      note: `Certification tests ${u}`,
      cutScores: { '1': -2, '2': -1.2, '3': -0.4, '4': 0.4, '5': 1.2, '6': 2, '7': 2.8, '8': 3.6 },
    },
  });
  await db.itemParameter.createMany({ data: items.map((i) => ({ parameterSetId: set.id, ...i })) });
  return { parameterSetId: set.id, competenceCodes, challenges };
}

/** The seeded framework's live challenges that have parameters in the active set (browser tests). */
export async function activeBank(db: PrismaClient): Promise<CertificationBank> {
  const set = await db.parameterSet.findFirst({ where: { active: true }, orderBy: { version: 'desc' } });
  if (!set) throw new Error('Aucun jeu de paramètres actif : la base n’est pas amorcée.');
  const rows = await db.itemParameter.findMany({
    where: { parameterSetId: set.id, challenge: { currentVersionId: { not: null } } },
    select: {
      challenge: {
        select: { id: true, currentVersionId: true, skill: { select: { level: true, tube: { select: { competence: { select: { code: true } } } } } } },
      },
    },
  });
  const challenges = rows.map((r) => ({
    id: r.challenge.id,
    versionId: r.challenge.currentVersionId!,
    competenceCode: r.challenge.skill.tube.competence.code,
    level: r.challenge.skill.level,
  }));
  return { parameterSetId: set.id, competenceCodes: [...new Set(challenges.map((c) => c.competenceCode))].sort(), challenges };
}

export interface CentreFixture {
  centre: { id: string; name: string };
  member: { id: string; email: string };
}

/** A centre of its own with a staff member (password hash given, or an unusable one). */
export async function makeCentre(db: PrismaClient, options: { passwordHash?: string; name?: string } = {}): Promise<CentreFixture> {
  const u = uid();
  const centre = await db.certificationCentre.create({ data: { name: options.name ?? `Centre ${u}`, type: 'SCO' } });
  const member = await db.user.create({
    data: { email: `centre-${u}@test.exemple.fr`, passwordHash: options.passwordHash ?? 'x', firstName: 'Surveillant', lastName: u, roles: [] },
  });
  await db.centreMembership.create({ data: { userId: member.id, centreId: centre.id, role: 'ADMIN' } });
  return { centre: { id: centre.id, name: centre.name }, member: { id: member.id, email: member.email } };
}

export async function makeSession(db: PrismaClient, centreId: string, parameterSetId: string, date = new Date('2026-11-20')) {
  const u = uid();
  return db.certificationSession.create({
    data: {
      centreId,
      address: '1 rue des Tests, Paris',
      room: `B${u.slice(0, 3)}`,
      date,
      time: '09:00',
      examiner: 'Mme Surveillante',
      accessCode: `T${u}`.toUpperCase().slice(0, 8),
      invigilatorPassword: 'x',
      parameterSetId,
    },
  });
}

export type CourseEnd = 'FINISHED' | 'ABANDONED' | 'ENDED_BY_INVIGILATOR' | 'STARTED';

export interface TakenTestInput {
  sessionId: string;
  bank: CertificationBank;
  /** The candidate's account (a learner); one is made when absent. */
  user?: { id: string; firstName: string; lastName: string };
  passwordHash?: string;
  /** 'ok' / 'ko' per question, in the order shown; the fixture picks challenges round the competences. */
  results: ('ok' | 'ko' | 'skipped')[];
  /** Positioned level for every competence of the bank (default 4). */
  positionedLevel?: number;
  status?: CourseEnd;
  /** What the candidate's test page records in engineState when the time ran out. */
  endReason?: 'time_up';
  birthPlace?: string;
}

export interface TakenTest {
  candidateId: string;
  courseId: string;
  assessmentId: string;
  userId: string;
  email: string;
  challengeIds: string[];
}

/**
 * For an existing account: a bank, centre and session of its own, and the function that starts its
 * certification test (as if elsewhere: the test is then under way).
 */
export async function certificationToStart(db: PrismaClient, userId: string): Promise<() => Promise<TakenTest>> {
  const bank = await makeCertificationBank(db, { competences: 1 });
  const centre = await makeCentre(db);
  const session = await makeSession(db, centre.centre.id, bank.parameterSetId);
  return () => makeTakenTest(db, { sessionId: session.id, bank, user: { id: userId, firstName: 'A', lastName: 'B' }, results: [], status: 'STARTED' });
}

/** A candidate who sat the test: enrolment, presence, course, assessment with the questions and answers. */
export async function makeTakenTest(db: PrismaClient, input: TakenTestInput): Promise<TakenTest> {
  const u = uid();
  const user =
    input.user ??
    (await db.user.create({
      data: {
        email: `candidat-${u}@test.exemple.fr`,
        passwordHash: input.passwordHash ?? 'x',
        firstName: 'Camille',
        lastName: `Candidate ${u}`,
        roles: ['LEARNER'],
        birthDate: new Date('2004-05-17'),
      },
    }));
  const email = (await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { email: true } })).email;
  const candidate = await db.certificationCandidate.create({
    data: {
      sessionId: input.sessionId,
      userId: user.id,
      firstName: user.firstName,
      lastName: user.lastName,
      birthDate: new Date('2004-05-17'),
      birthPlace: input.birthPlace ?? 'Lyon',
      email,
      presentAt: new Date(),
      authorizedAt: new Date(),
    },
  });
  const status = input.status ?? 'FINISHED';
  const course = await db.certificationCourse.create({
    data: { sessionId: input.sessionId, candidateId: candidate.id, userId: user.id, status, endedAt: status === 'STARTED' ? null : new Date() },
  });
  const level = input.positionedLevel ?? 4;
  const positioned = input.bank.competenceCodes.map((competenceCode) => ({ competenceCode, level, pix: 8 * level }));
  const assessment = await db.assessment.create({
    data: {
      userId: user.id,
      type: 'CERTIFICATION',
      state: status === 'STARTED' ? 'STARTED' : 'COMPLETED',
      certificationCourseId: course.id,
      parameterSetId: input.bank.parameterSetId,
      engineState: input.endReason ? { seed: u, locale: 'fr', positioned, endReason: input.endReason } : { seed: u, locale: 'fr', positioned },
      completedAt: status === 'STARTED' ? null : new Date(),
    },
  });
  // Round the competences; within each, levels from the positioned level downwards.
  const byCompetence = new Map<string, BankChallenge[]>();
  for (const c of input.bank.challenges) {
    if (c.level > level) continue;
    const list = byCompetence.get(c.competenceCode) ?? [];
    list.push(c);
    byCompetence.set(c.competenceCode, list);
  }
  for (const list of byCompetence.values()) list.sort((a, b) => b.level - a.level || a.id.localeCompare(b.id));
  const codes = [...byCompetence.keys()].sort();
  const picked: BankChallenge[] = [];
  for (let round = 0; picked.length < input.results.length; round++) {
    let added = false;
    for (const code of codes) {
      const c = byCompetence.get(code)![round];
      if (c && picked.length < input.results.length) {
        picked.push(c);
        added = true;
      }
    }
    if (!added) throw new Error(`La banque n’a que ${picked.length} épreuves jusqu’au niveau ${level}.`);
  }
  await db.assessmentChallenge.createMany({ data: picked.map((c, position) => ({ assessmentId: assessment.id, challengeId: c.id, position })) });
  await db.answer.createMany({
    data: picked.map((c, i) => ({
      assessmentId: assessment.id,
      challengeId: c.id,
      challengeVersionId: c.versionId,
      value: {},
      result: input.results[i]!,
      timeSpentSeconds: 30,
    })),
  });
  return { candidateId: candidate.id, courseId: course.id, assessmentId: assessment.id, userId: user.id, email, challengeIds: picked.map((c) => c.id) };
}

/** An incident recorded during the session (as the invigilator's page would). */
export async function makeIncident(
  db: PrismaClient,
  courseId: string,
  options: { questionNumber?: number; category?: string; neutralise?: boolean; needsAction?: boolean } = {},
) {
  const position = options.questionNumber ? options.questionNumber - 1 : null;
  const asked = position === null ? null : await db.assessmentChallenge.findFirst({ where: { position, assessment: { certificationCourseId: courseId } } });
  return db.certificationIssue.create({
    data: {
      courseId,
      category: options.category ?? 'IN_CHALLENGE',
      description: 'L’image de la question ne s’affichait pas.',
      questionPosition: position,
      challengeId: asked?.challengeId ?? null,
      neutralise: options.neutralise ?? position !== null,
      needsAction: options.needsAction ?? true,
    },
  });
}

/** A pattern of results: `right` right answers spread over `total` (the wrong ones at the end of each stretch). */
export function resultsPattern(total: number, right: number): ('ok' | 'ko')[] {
  return Array.from({ length: total }, (_, i) => (Math.floor(((i + 1) * right) / total) > Math.floor((i * right) / total) ? 'ok' : 'ko'));
}
