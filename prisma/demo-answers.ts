/**
 * Demo answers: simulated learners (engine/simulation, seeded) take positioning tests on the starter
 * content, so that a first calibration on a fresh install has data that makes meaningful charts, and
 * a first parameter set is approved from a calibration of the earlier part of that data (positioning
 * starts calibrated).
 *
 * - 1,500 simulated learners (User.simulated, no usable password, left out of admin lists), 12 % of
 *   them with an English locale; each is positioned on 5 to 10 competences. One person = one learner
 *   on one competence; θ = 0.7·g + 0.71·e (a general and a competence-specific part, both N(0, 1)).
 * - True parameters follow the skill levels: b = −2 + 0.65·(level − 1) + N(0, 0.35²), a ~ logN(ln 1.3, 0.3).
 *   Each person answers about 70 % of the competence's live challenges (random design), so every
 *   challenge gets some 400+ answers. Wrong answers are sometimes skipped or timed out.
 * - Planted for the psychometrician to find: two challenges that barely discriminate (a = 0.15), one
 *   much harder for English-locale learners than for French ones of the same ability (DIF), two that
 *   became easier in the last month (drift), and eight challenges "added" a month ago (answered only
 *   since; one of them by few learners).
 * - Answers span the last 120 days. Parameter set v1 is the approved calibration of the answers more
 *   than 35 days old, so the eight recent challenges are uncalibrated in v1 (pretested) and a new run
 *   has something to do. The automatic "new answers" trigger starts counting after the demo data.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from './client';
import { createRandom, normal, randomInt, shuffle, type RandomGenerator } from '../engine/random';
import { simulateResponses, type SimulatedItem } from '../engine/simulation';
import { liveChallenges, type LiveChallenge } from '../app/models/calibration-data.server';
import { SETTING_CALIBRATION_BASELINE, approveRun } from '../app/models/parameter-set.server';
import { calibrateNow } from '../workers/calibration';

export interface DemoAnswersOptions {
  learners?: number;
  seed?: number;
  /** "Now" of the simulation (default: the current time). */
  now?: Date;
  /** For the seeded calibration (reads answers through pg). */
  databaseUrl: string;
  log?: (line: string) => void;
}

export interface DemoAnswersReport {
  skipped: boolean;
  learners: number;
  assessments: number;
  answers: number;
  parameterSetVersion: number | null;
}

const DAY = 86_400_000;
const EARLY = { from: 120, to: 35 };
const LATE = { from: 30, to: 1 };
const LATE_SHARE = 0.3;
const FOCAL_SHARE = 0.12;
const ANSWERED_SHARE = 0.7;

interface TrueItem extends SimulatedItem {
  level: number;
  recent: boolean;
  /** Added to b for English-locale learners. */
  difShift: number;
  /** Added to b in the last month. */
  driftShift: number;
  /** Share of a late person's answers to this item that are kept (a challenge seen by few). */
  keep: number;
}

function pickDistinct(rng: RandomGenerator, pool: number[], count: number): number[] {
  return shuffle(rng, pool.slice()).slice(0, count);
}

/** The planted true parameters of the live challenges. */
function trueItems(rng: RandomGenerator, live: readonly LiveChallenge[]): Map<string, TrueItem> {
  const items = new Map<string, TrueItem>();
  for (const c of live) {
    const a = Math.exp(normal(rng, Math.log(1.3), 0.3));
    const b = -2 + 0.65 * (c.level - 1) + normal(rng, 0, 0.35);
    items.set(c.id, { id: c.id, a, b, d: -a * b, level: c.level, recent: false, difShift: 0, driftShift: 0, keep: 1 });
  }
  // Plant the anomalies on challenges of different competences, at middle levels where most answers are.
  const middle = live.map((c, i) => ({ c, i })).filter(({ c }) => c.level >= 2 && c.level <= 5);
  const byCompetence = new Map<string, number[]>();
  for (const { c, i } of middle) byCompetence.set(c.competenceCode, [...(byCompetence.get(c.competenceCode) ?? []), i]);
  const competences = pickDistinct(
    rng,
    [...byCompetence.keys()].map((_, k) => k),
    byCompetence.size,
  ).map((k) => [...byCompetence.keys()][k] as string);
  const take = (k: number): LiveChallenge => {
    const pool = byCompetence.get(competences[k % competences.length] as string) as number[];
    return live[pool[randomInt(rng, pool.length)] as number] as LiveChallenge;
  };
  const used = new Set<string>();
  const plant = (k: number, change: (item: TrueItem) => void) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const c = take(k + attempt);
      if (used.has(c.id)) continue;
      used.add(c.id);
      change(items.get(c.id) as TrueItem);
      return;
    }
  };
  plant(0, (item) => Object.assign(item, { a: 0.15, d: -0.15 * item.b }));
  plant(1, (item) => Object.assign(item, { a: 0.15, d: -0.15 * item.b }));
  plant(2, (item) => Object.assign(item, { difShift: 1.3 }));
  plant(3, (item) => Object.assign(item, { driftShift: -0.9 }));
  plant(4, (item) => Object.assign(item, { driftShift: -0.8 }));
  for (let k = 5; k < 13; k++) plant(k, (item) => Object.assign(item, { recent: true }));
  const recent = [...items.values()].filter((i) => i.recent);
  if (recent[0]) recent[0].keep = 0.35;
  return items;
}

/** Inserts rows column by column (unnest of arrays), a few thousand at a time. */
async function insertColumns(db: PrismaClient, sql: string, columns: unknown[][], batch = 20_000): Promise<void> {
  const total = columns[0]?.length ?? 0;
  for (let from = 0; from < total; from += batch) {
    await db.$executeRawUnsafe(sql, ...columns.map((column) => column.slice(from, from + batch)));
  }
}

export async function seedDemoAnswers(db: PrismaClient, options: DemoAnswersOptions): Promise<DemoAnswersReport> {
  const log = options.log ?? (() => undefined);
  const report: DemoAnswersReport = { skipped: false, learners: 0, assessments: 0, answers: 0, parameterSetVersion: null };
  const already = await db.user.count({ where: { simulated: true } });
  if (already === 0) {
    Object.assign(report, await simulateAndInsert(db, options));
  } else {
    report.skipped = true;
  }
  const anySet = await db.parameterSet.count();
  if (anySet === 0) report.parameterSetVersion = await calibrateAndApprove(db, options, log);
  return report;
}

async function simulateAndInsert(db: PrismaClient, options: DemoAnswersOptions) {
  const rng = createRandom(options.seed ?? 20261123);
  const now = (options.now ?? new Date()).getTime();
  const release = await db.release.findFirst({ orderBy: { number: 'desc' }, select: { id: true } });
  const live = await liveChallenges(db);
  if (!release || live.length === 0) return { learners: 0, assessments: 0, answers: 0 };
  const versions = new Map(
    (await db.releaseChallenge.findMany({ where: { releaseId: release.id }, select: { challengeId: true, versionId: true } })).map((r) => [
      r.challengeId,
      r.versionId,
    ]),
  );
  const truth = trueItems(rng, live);
  const competences = new Map<string, LiveChallenge[]>();
  for (const c of live) competences.set(c.competenceId, [...(competences.get(c.competenceId) ?? []), c]);
  // In the framework's order (ids are random per database; the simulation must not depend on them).
  const competenceIds = [...competences.keys()].sort((x, y) =>
    competences.get(x)![0]!.competenceCode.localeCompare(competences.get(y)![0]!.competenceCode, 'fr', { numeric: true }),
  );

  // Learners.
  const learnerCount = options.learners ?? 1500;
  const width = String(learnerCount).length;
  const users = Array.from({ length: learnerCount }, (_, k) => ({
    id: randomUUID(),
    email: `apprenant-simule-${String(k + 1).padStart(width, '0')}@demo.invalid`,
    lastName: `simulé ${String(k + 1).padStart(width, '0')}`,
    locale: rng.next() < FOCAL_SHARE ? 'en' : 'fr',
    general: normal(rng),
    createdAt: new Date(now - (EARLY.from + 5) * DAY),
  }));

  // Who is positioned on what, when.
  interface Person {
    user: number;
    competenceId: string;
    theta: number;
    late: boolean;
    start: number;
    assessmentId: string;
  }
  const persons: Person[] = [];
  for (const [u, user] of users.entries()) {
    const count = 5 + randomInt(rng, 6);
    for (const competenceId of shuffle(rng, competenceIds.slice()).slice(0, count)) {
      const late = rng.next() < LATE_SHARE;
      const window = late ? LATE : EARLY;
      const daysAgo = window.to + rng.next() * (window.from - window.to);
      persons.push({
        user: u,
        competenceId,
        theta: 0.7 * user.general + 0.71 * normal(rng),
        late,
        start: now - daysAgo * DAY,
        assessmentId: randomUUID(),
      });
    }
  }

  // Answers, by (competence, period, locale) group: each group answers its own version of the bank.
  const answers: { person: Person; challengeId: string; ok: boolean; at: number }[] = [];
  for (const competenceId of competenceIds) {
    const challenges = competences.get(competenceId) as LiveChallenge[];
    for (const late of [false, true]) {
      for (const focal of [false, true]) {
        const group = persons.filter((p) => p.competenceId === competenceId && p.late === late && (users[p.user]!.locale !== 'fr') === focal);
        if (group.length === 0) continue;
        const bank: SimulatedItem[] = challenges
          .map((c) => truth.get(c.id) as TrueItem)
          .filter((t) => late || !t.recent)
          .map((t) => {
            const b = t.b + (focal ? t.difShift : 0) + (late ? t.driftShift : 0);
            return { id: t.id, a: t.a, b, d: -t.a * b };
          });
        if (bank.length < 2) continue;
        const perPerson = Math.max(1, Math.min(bank.length - 1, Math.round(ANSWERED_SHARE * bank.length)));
        const responses = simulateResponses(
          rng,
          bank,
          Float64Array.from(group, (p) => p.theta),
          { kind: 'random', perPerson },
        );
        group.forEach((person, row) => {
          const order: number[] = [];
          for (let j = responses.rowStart[row] as number; j < (responses.rowStart[row + 1] as number); j++) order.push(j);
          shuffle(rng, order);
          let at = person.start;
          for (const j of order) {
            const item = truth.get(bank[responses.items[j] as number]!.id) as TrueItem;
            at += (20 + randomInt(rng, 70)) * 1000;
            if (item.keep < 1 && rng.next() > item.keep) continue;
            answers.push({ person, challengeId: item.id, ok: responses.scores[j] === 1, at });
          }
        });
      }
    }
  }
  answers.sort((x, y) => x.at - y.at);

  // Insert everything in one transaction: a crash leaves no half of the demo data.
  const answered = new Set(answers.map((a) => a.person.assessmentId));
  const usedPersons = persons.filter((p) => answered.has(p.assessmentId));
  const lastAnswerOf = new Map<string, number>();
  for (const a of answers) lastAnswerOf.set(a.person.assessmentId, a.at);
  const positions = new Map<string, number>();
  await db.$transaction(
    async (tx) => {
      const t = tx as unknown as PrismaClient;
      await insertColumns(
        t,
        `INSERT INTO "User" (id, email, "passwordHash", "firstName", "lastName", locale, roles, simulated, "createdAt")
         SELECT id, email, '!', 'Apprenant', "lastName", locale, ARRAY['LEARNER']::"GlobalRole"[], true, "createdAt"
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp[]) AS t(id, email, "lastName", locale, "createdAt")`,
        [users.map((u) => u.id), users.map((u) => u.email), users.map((u) => u.lastName), users.map((u) => u.locale), users.map((u) => u.createdAt)],
      );
      await insertColumns(
        t,
        `INSERT INTO "Assessment" (id, "userId", type, state, "competenceId", "releaseId", "createdAt", "updatedAt", "completedAt")
         SELECT id, "userId", 'POSITIONING', 'COMPLETED', "competenceId", "releaseId", "createdAt", "completedAt", "completedAt"
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp[], $6::timestamp[])
           AS t(id, "userId", "competenceId", "releaseId", "createdAt", "completedAt")`,
        [
          usedPersons.map((p) => p.assessmentId),
          usedPersons.map((p) => users[p.user]!.id),
          usedPersons.map((p) => p.competenceId),
          usedPersons.map(() => release.id),
          usedPersons.map((p) => new Date(p.start)),
          usedPersons.map((p) => new Date((lastAnswerOf.get(p.assessmentId) ?? p.start) + 5000)),
        ],
      );
      const askedAssessment: string[] = [];
      const askedChallenge: string[] = [];
      const askedPosition: number[] = [];
      const askedAt: Date[] = [];
      for (const a of answers) {
        const position = (positions.get(a.person.assessmentId) ?? 0) + 1;
        positions.set(a.person.assessmentId, position);
        askedAssessment.push(a.person.assessmentId);
        askedChallenge.push(a.challengeId);
        askedPosition.push(position);
        askedAt.push(new Date(a.at - 15_000));
      }
      await insertColumns(
        t,
        `INSERT INTO "AssessmentChallenge" ("assessmentId", "challengeId", position, "askedAt")
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamp[])`,
        [askedAssessment, askedChallenge, askedPosition, askedAt],
      );
      const results = answers.map((a) => {
        if (a.ok) return 'ok';
        const u = rng.next();
        return u < 0.08 ? 'skipped' : u < 0.1 ? 'timedout' : 'ko';
      });
      await insertColumns(
        t,
        `INSERT INTO "Answer" ("assessmentId", "challengeId", "challengeVersionId", value, result, "timeSpentSeconds", "createdAt")
         SELECT "assessmentId", "challengeId", "versionId", '{"simule": true}'::jsonb, result::"AnswerResult", spent, "createdAt"
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamp[])
           AS t("assessmentId", "challengeId", "versionId", result, spent, "createdAt")`,
        [
          askedAssessment,
          askedChallenge,
          answers.map((a) => versions.get(a.challengeId) as string),
          results,
          answers.map(() => 15 + randomInt(rng, 60)),
          answers.map((a) => new Date(a.at)),
        ],
      );
    },
    { timeout: 120_000 },
  );
  return { learners: users.length, assessments: usedPersons.length, answers: answers.length };
}

/**
 * The first parameter set: a calibration of the answers older than 35 days, approved as a whole by
 * the demo psychometrician. Returns its version (null when there is nothing to calibrate).
 */
async function calibrateAndApprove(db: PrismaClient, options: DemoAnswersOptions, log: (line: string) => void): Promise<number | null> {
  const now = (options.now ?? new Date()).getTime();
  const simulated = await db.user.count({ where: { simulated: true } });
  if (simulated === 0) return null;
  const cutoff = new Date(now - ((EARLY.to + LATE.from) / 2) * DAY);
  const [early] = await db.$queryRawUnsafe<{ id: string | null }[]>('SELECT max(id)::text AS id FROM "Answer" WHERE "createdAt" < $1', cutoff);
  const [all] = await db.$queryRawUnsafe<{ id: string | null }[]>('SELECT max(id)::text AS id FROM "Answer"');
  if (!early?.id) return null;
  const psychometrician = await db.user.findUnique({ where: { email: 'psychometre@exemple.fr' }, select: { id: true } });
  const { runId, outcome } = await calibrateNow(
    db,
    options.databaseUrl,
    { anchors: 'recalibrate-all', maxAnswerId: early.id, distribution: 'local' },
    psychometrician?.id ?? null,
  );
  if (outcome !== 'succeeded') {
    log(`Calibration initiale des données de démonstration : ${outcome}.`);
    return null;
  }
  const approval = await approveRun(db, {
    runId,
    userId: psychometrician?.id ?? null,
    items: 'all',
    note: 'Calibration initiale des données de démonstration (réponses de plus de 35 jours).',
  });
  if (all?.id) {
    await db.platformSetting.upsert({
      where: { key: SETTING_CALIBRATION_BASELINE },
      create: { key: SETTING_CALIBRATION_BASELINE, value: all.id },
      update: { value: all.id },
    });
  }
  return approval.ok ? approval.version : null;
}
