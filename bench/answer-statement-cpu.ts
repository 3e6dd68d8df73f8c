/**
 * PostgreSQL's CPU per answer statement, and what it is made of: on a fresh seeded database, N learners
 * each with a session and a positioning test whose first question is asked; each measured call is the
 * app's own `writeAnswerStatement` (app/models/answer.server.ts) for a test's first answer — the answer,
 * three knowledge elements, the next question, with the guards of the direct path in the statement, as
 * `submitAnswerIfAdmitted` sends it — one after the other on one connection, whose backend's CPU is read
 * from /proc/<pid>/schedstat (nanoseconds on the CPU). Prints µs of backend CPU per statement (the mean
 * over the series) for each variant, `--rounds` times, with the load average:
 *
 * - `as this tree sends it`: main before h44 sends it unnamed; after h44, a named prepared statement;
 * - `unnamed`: DATABASE_PREPARED_STATEMENTS=0 (parsed and planned at every call);
 * - `custom plans`: named, but `plan_cache_mode = force_custom_plan` in this session (parsed once,
 *   planned at every call);
 * - `foreign keys not checked` (a measure only: `session_replication_role = replica` in this session
 *   skips the RI triggers; the app never does this);
 * - `without the commit` (BEGIN, the statement, ROLLBACK);
 * - `a one-row insert and its commit`, `SELECT 1`: the floor of a statement.
 *
 *   node --import tsx bench/answer-statement-cpu.ts [--series 150] [--rounds 3]
 *
 * The PostgreSQL server must run on this machine. Run it from an old tree (a `git archive` copy) and
 * from this one, alternated, to compare old and new.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const SERIES = Number(option('series', '150'));
const ROUNDS = Number(option('rounds', '3'));

const { seededTestDatabase } = await import('./seeded-database');
const { createPrisma } = await import('../prisma/client');
const { Prisma } = await import('../prisma/generated/client');
const { rawRows } = await import('../app/lib/db.server');
const { writeAnswerStatement } = await import('../app/models/answer.server');
const { admittedSessionSql } = await import('../app/lib/session.server');
const { noCertificationUnderWaySql } = await import('../app/models/certification-test.server');

const database = await seededTestDatabase();
const db = createPrisma(database.url);
const one = async <T>(sql: ReturnType<typeof Prisma.sql>) => (await rawRows<T>(db, sql))[0]!;

// The content: two challenges of the latest release, three skills of one competence.
const [c0, c1] = await rawRows<{ challengeId: string; versionId: string }>(
  db,
  Prisma.sql`SELECT rc."challengeId", rc."versionId" FROM "ReleaseChallenge" rc JOIN "Release" r ON r.id = rc."releaseId" ORDER BY r.number DESC, rc."challengeId" LIMIT 2`,
);
const competence = await one<{ id: string }>(Prisma.sql`SELECT id FROM "Competence" ORDER BY code LIMIT 1`);
const skills = await rawRows<{ id: string }>(
  db,
  Prisma.sql`SELECT s.id FROM "Skill" s JOIN "Tube" t ON t.id = s."tubeId" WHERE t."competenceId" = ${competence.id} ORDER BY s.id LIMIT 3`,
);

// The learners, each with a session and a test whose first question is asked.
const total = SERIES * 4 * ROUNDS + 20 + SERIES;
const learners = Array.from({ length: total }, (_, i) => ({
  user: crypto.randomUUID(),
  session: crypto.randomBytes(24).toString('base64url'),
  csrf: crypto.randomBytes(16).toString('base64url'),
  test: crypto.randomUUID(),
  n: i,
}));
const column = <K extends keyof (typeof learners)[number]>(k: K) => learners.map((l) => l[k]);
await rawRows(
  db,
  Prisma.sql`INSERT INTO "User" (id, email, "passwordHash", "firstName", "lastName", roles, locale)
    SELECT u, u || '@bench.example', 'x', 'Bench', 'Statement', '{LEARNER}', 'fr' FROM unnest(${column('user')}::text[]) u`,
);
await rawRows(
  db,
  Prisma.sql`INSERT INTO "AuthSession" (id, "userId", "csrfToken", "expiresAt")
    SELECT s, u, t, now() + interval '1 day' FROM unnest(${column('session')}::text[], ${column('user')}::text[], ${column('csrf')}::text[]) x(s, u, t)`,
);
await rawRows(
  db,
  Prisma.sql`INSERT INTO "Assessment" (id, "userId", type, state, "competenceId", "updatedAt")
    SELECT t, u, 'POSITIONING', 'STARTED', ${competence.id}, now() FROM unnest(${column('test')}::text[], ${column('user')}::text[]) x(t, u)`,
);
const askedAt = new Date();
await rawRows(
  db,
  Prisma.sql`INSERT INTO "AssessmentChallenge" ("assessmentId", "challengeId", position, presentation, "askedAt")
    SELECT t, ${c0!.challengeId}, 0, '{}'::jsonb, ${askedAt.toISOString()}::timestamp FROM unnest(${column('test')}::text[]) t`,
);
await rawRows(db, Prisma.sql`VACUUM ANALYZE`);

const { pid } = await one<{ pid: number }>(Prisma.sql`SELECT pg_backend_pid() AS pid`);
const backendNs = () => Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);

let next = 0;
/** A learner's first answer, as the direct path writes it. */
async function answer(): Promise<void> {
  const l = learners[next++]!;
  const now = new Date();
  const session = {
    csrfToken: l.csrf,
    viewer: {
      id: l.user,
      email: '',
      firstName: '',
      lastName: '',
      locale: 'fr',
      roles: ['LEARNER'],
      organisations: [],
      centres: [],
      activeOrganisationId: null,
    },
  } as unknown as Parameters<typeof admittedSessionSql>[1];
  const admit = Prisma.sql`${admittedSessionSql(l.session, session, now)}
      AND EXISTS (SELECT 1 FROM "User" WHERE id = ${l.user} AND 'LEARNER' = ANY(roles::text[]))
      AND ${noCertificationUnderWaySql(l.user)}`;
  const written = await writeAnswerStatement(db, {
    assessmentId: l.test,
    userId: l.user,
    answer: {
      challengeId: c0!.challengeId,
      versionId: c0!.versionId,
      value: { choice: l.n % 4 },
      result: l.n % 2 ? 'ok' : 'ko',
      elapsedSeconds: 7,
      asked: { challengeId: c0!.challengeId, position: 0, presentation: {}, askedAt },
      now,
    },
    created: {
      skills: skills.map((s) => s.id),
      competences: skills.map(() => competence.id),
      statuses: skills.map((_, i) => (l.n % 2 || i > 0 ? 'validated' : 'invalidated')),
      sources: skills.map((_, i) => (i === 0 ? 'direct' : 'inferred')),
      pix: skills.map(() => 0),
    },
    ask: { challengeId: c1!.challengeId, position: 1, presentation: { progress: 0.3 } as never },
    finish: false,
    closing: { skills: [], competences: [], statuses: [], sources: [], pix: [] },
    expect: { asked: 1, answers: 0 },
    admit,
  });
  if (!written.inserted || !written.asked) throw new Error('the answer was not written');
}

const set = (sql: string) => rawRows(db, Prisma.raw(sql));
async function series(label: string, run: () => Promise<unknown>, n = SERIES): Promise<void> {
  const t0 = backendNs();
  for (let i = 0; i < n; i++) await run();
  const us = (backendNs() - t0) / 1000 / n;
  console.log(`${label.padEnd(44)} ${us.toFixed(0).padStart(6)} µs   load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
}

for (let i = 0; i < 20; i++) await answer(); // past the first custom plans of a prepared statement
for (let round = 1; round <= ROUNDS; round++) {
  console.log(`round ${round}`);
  await series('answer, as this tree sends it', answer);
  process.env.DATABASE_PREPARED_STATEMENTS = '0';
  await series('answer, unnamed', answer);
  delete process.env.DATABASE_PREPARED_STATEMENTS;
  await set('SET plan_cache_mode = force_custom_plan');
  await series('answer, custom plans', answer);
  await set('RESET plan_cache_mode');
  await set('SET session_replication_role = replica');
  await series('answer, foreign keys not checked (measure)', answer);
  await set('RESET session_replication_role');
  await series('a one-row insert and its commit', () =>
    rawRows(db, Prisma.sql`INSERT INTO "ThrottleBucket" (key, scope, subject, address) VALUES (${crypto.randomUUID()}, 'bench', 'bench', 'bench')`),
  );
  await series('SELECT 1', () => rawRows(db, Prisma.sql`SELECT 1`));
}
// Without the commit: the same statement rolled back (its rows gone, so run last).
const before = next;
await set('BEGIN');
await series('answer, without the commit (one transaction)', answer, Math.min(SERIES, total - next));
await set('ROLLBACK');
console.log(`answers written: ${before} (${next - before} rolled back)`);
await db.$disconnect();
await database.drop();
process.exit(0);
