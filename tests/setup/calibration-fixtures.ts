/**
 * For calibration tests: a competence of its own (unique code) with live challenges in a new release,
 * learners and their positioning answers simulated with known true parameters (seeded), inserted as
 * real Assessment/Answer rows. Runs scoped to the fixture's competence see only its data.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../prisma/client';
import { createRelease } from '../../app/models/release.server';
import { newChallengeBody } from '../../engine/challenges';
import { createRandom, normal } from '../../engine/random';
import { simulateResponses, type SimulatedItem } from '../../engine/simulation';

export interface CalibrationFixture {
  unique: string;
  competence: { id: string; code: string };
  challenges: { id: string; key: string; level: number; versionId: string }[];
  truth: Map<string, SimulatedItem>;
  learners: string[];
  releaseId: string;
  answers: number;
}

const uid = () => randomUUID().replace(/-/g, '').slice(0, 10);

export async function insertAnswers(
  db: PrismaClient,
  rows: { assessmentId: string; challengeId: string; versionId: string; result: string; createdAt?: Date }[],
): Promise<void> {
  for (let from = 0; from < rows.length; from += 20_000) {
    const part = rows.slice(from, from + 20_000);
    await db.$executeRawUnsafe(
      `INSERT INTO "Answer" ("assessmentId", "challengeId", "challengeVersionId", value, result, "createdAt")
       SELECT a, c, v, '{}'::jsonb, r::"AnswerResult", t FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp[]) AS x(a, c, v, r, t)`,
      part.map((r) => r.assessmentId),
      part.map((r) => r.challengeId),
      part.map((r) => r.versionId),
      part.map((r) => r.result),
      part.map((r) => r.createdAt ?? new Date()),
    );
  }
}

export async function makeUsers(db: PrismaClient, count: number, options: { roles?: string[]; locale?: (k: number) => string } = {}): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const u = uid();
  await db.$executeRawUnsafe(
    `INSERT INTO "User" (id, email, "passwordHash", "firstName", "lastName", locale, roles, simulated)
     SELECT id, email, '!', 'Test', 'Calibration', locale, $4::"GlobalRole"[], true FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, email, locale)`,
    ids,
    ids.map((_, k) => `calib-${u}-${k}@test.exemple.fr`),
    ids.map((_, k) => options.locale?.(k) ?? 'fr'),
    options.roles ?? ['LEARNER'],
  );
  return ids;
}

export async function makeAssessments(
  db: PrismaClient,
  rows: { userId: string; competenceId: string | null; type: string; releaseId: string }[],
): Promise<string[]> {
  const ids = rows.map(() => randomUUID());
  await db.$executeRawUnsafe(
    `INSERT INTO "Assessment" (id, "userId", type, state, "competenceId", "releaseId", "updatedAt")
     SELECT id, u, t::"AssessmentType", 'COMPLETED', c, r, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x(id, u, t, c, r)`,
    ids,
    rows.map((r) => r.userId),
    rows.map((r) => r.type),
    rows.map((r) => r.competenceId),
    rows.map((r) => r.releaseId),
  );
  return ids;
}

/**
 * A competence with `items` live challenges (levels 1..6 in turn, b following the level) and
 * `learners` learners each answering `perPerson` of them.
 */
export async function makeCalibrationFixture(
  db: PrismaClient,
  options: { items?: number; learners?: number; perPerson?: number; seed?: number; locale?: (k: number) => string } = {},
): Promise<CalibrationFixture> {
  const u = uid();
  const itemCount = options.items ?? 10;
  const rng = createRandom(options.seed ?? 7);
  const area = await db.area.create({ data: { code: `CA${u}`, titleFr: `Domaine ${u}`, titleEn: `Area ${u}` } });
  const competence = await db.competence.create({ data: { code: `C${u}`, areaId: area.id, titleFr: `Compétence ${u}`, titleEn: `Competence ${u}` } });
  const thematic = await db.thematic.create({ data: { key: `cth-${u}`, competenceId: competence.id, name: `Thématique ${u}` } });
  const challenges: CalibrationFixture['challenges'] = [];
  const truth = new Map<string, SimulatedItem>();
  const tubes = Math.ceil(itemCount / 6);
  for (let t = 0; t < tubes; t++) {
    const tube = await db.tube.create({
      data: {
        name: `@cal${u}${String.fromCharCode(97 + t)}`,
        thematicId: thematic.id,
        competenceId: competence.id,
        title: `Sujet ${t}`,
        description: 'Tests de calibration',
      },
    });
    for (let level = 1; level <= 6 && challenges.length < itemCount; level++) {
      const skill = await db.skill.create({ data: { name: `${tube.name}${level}`, tubeId: tube.id, level, status: 'actif' } });
      const key = `cal-${u}-${t}${level}`;
      const challenge = await db.challenge.create({ data: { key, skillId: skill.id, type: 'QCU', status: 'valide' } });
      const version = await db.challengeVersion.create({ data: { challengeId: challenge.id, number: 1, body: newChallengeBody('QCU', ['Tests']) as object } });
      await db.challenge.update({ where: { id: challenge.id }, data: { currentVersionId: version.id, liveVersionId: version.id } });
      challenges.push({ id: challenge.id, key, level, versionId: version.id });
      const a = Math.exp(normal(rng, 0.2, 0.25));
      const b = -1.8 + 0.7 * (level - 1) + normal(rng, 0, 0.3);
      truth.set(challenge.id, { id: challenge.id, a, b, d: -a * b });
    }
  }
  const release = await db.$transaction((tx) => createRelease(tx, `Calibration ${u}`, null));
  const bank = { competence: { id: competence.id, code: competence.code }, challenges, truth, releaseId: release.id };
  const added = await addSimulatedLearners(db, bank, options.learners ?? 400, { rng, perPerson: options.perPerson ?? 6, locale: options.locale });
  return { unique: u, ...bank, learners: added.learners, answers: added.answers };
}

/**
 * New learners of the fixture's competence, each answering `perPerson` of its challenges at random, their
 * answers simulated from the true parameters (θ ~ N(0, 1)). Returns the users and the answers inserted.
 */
export async function addSimulatedLearners(
  db: PrismaClient,
  fixture: Pick<CalibrationFixture, 'competence' | 'challenges' | 'truth' | 'releaseId'>,
  count: number,
  options: { rng?: ReturnType<typeof createRandom>; seed?: number; perPerson?: number; locale?: (k: number) => string } = {},
): Promise<{ learners: string[]; answers: number }> {
  const rng = options.rng ?? createRandom(options.seed ?? 7);
  const { challenges, truth } = fixture;
  const learners = await makeUsers(db, count, { locale: options.locale });
  const assessments = await makeAssessments(
    db,
    learners.map((userId) => ({ userId, competenceId: fixture.competence.id, type: 'POSITIONING', releaseId: fixture.releaseId })),
  );
  const bank = challenges.map((c) => truth.get(c.id) as SimulatedItem);
  const thetas = Float64Array.from(learners, () => normal(rng));
  const data = simulateResponses(rng, bank, thetas, { kind: 'random', perPerson: Math.min(challenges.length, options.perPerson ?? 6) });
  const rows: Parameters<typeof insertAnswers>[1] = [];
  for (let p = 0; p < learners.length; p++) {
    for (let j = data.rowStart[p] as number; j < (data.rowStart[p + 1] as number); j++) {
      const c = challenges[data.items[j] as number]!;
      rows.push({ assessmentId: assessments[p]!, challengeId: c.id, versionId: c.versionId, result: data.scores[j] === 1 ? 'ok' : 'ko' });
    }
  }
  await insertAnswers(db, rows);
  return { learners, answers: rows.length };
}

/** Settings of a run limited to the fixture (small thresholds). */
export function fixtureSettings(fixture: CalibrationFixture, extra: Record<string, unknown> = {}) {
  return { competenceIds: [fixture.competence.id], minAnswers: 200, minPersons: 50, ...extra };
}
