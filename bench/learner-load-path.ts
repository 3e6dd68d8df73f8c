/**
 * The answer → next challenge path in one process, without HTTP: `submitAnswer` (what the evaluation
 * route's action calls) timed answer by answer, with the SQL statements it sends counted at the pg
 * driver. Complements bench/learner-load.ts (the full HTTP path under 200 learners) by saying what the
 * model itself costs and how many round trips it makes.
 *
 *   node --import tsx bench/learner-load-path.ts [--tests 40] [--database-url URL]
 *
 * Without a database URL (or DATABASE_URL) it makes a fresh database seeded like a fresh `npm start`
 * and drops it at the end. Learners are created directly in the database; each takes `tests`
 * competence tests in turn (answers drawn at random, 10 % skipped), sequentially.
 */
import os from 'node:os';
import pg from 'pg';
import { createPrisma } from '../prisma/client';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const TESTS = Number(option('tests', '40'));
const COMPETENCES = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '2.4', '3.1', '3.2', '3.3', '3.4', '4.1', '4.2', '4.3', '5.1', '5.2'];

// Count every statement sent through pg (Prisma's adapter uses pg's Client.query).
let statements = 0;
/** Wall time per statement kind (its first words), to see where an answer waits. */
const statementMs = new Map<string, number[]>();
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
  statements++;
  const first = args[0] as string | { text?: string };
  const text = typeof first === 'string' ? first : (first?.text ?? '');
  const kind = text.replace(/\s+/g, ' ').trim().slice(0, 40);
  const t0 = performance.now();
  const record = () => {
    const list = statementMs.get(kind) ?? [];
    list.push(performance.now() - t0);
    statementMs.set(kind, list);
  };
  const last = args[args.length - 1];
  if (typeof last === 'function') {
    args[args.length - 1] = (...r: unknown[]) => {
      record();
      return (last as (...a: unknown[]) => unknown)(...r);
    };
  }
  const result = (query as (...a: unknown[]) => unknown).apply(this, args);
  if (result && typeof (result as Promise<unknown>).then === 'function') void (result as Promise<unknown>).then(record, () => undefined);
  return result;
} as typeof pg.Client.prototype.query;

let databaseUrl = option('database-url', process.env.DATABASE_URL ?? '');
let drop: (() => Promise<void>) | null = null;
if (!databaseUrl) {
  const { seededTestDatabase } = await import('./seeded-database');
  const database = await seededTestDatabase();
  databaseUrl = database.url;
  drop = database.drop;
}
process.env.DATABASE_URL = databaseUrl;
const { currentStep, startPositioning, submitAnswer } = await import('../app/models/positioning.server');
const db = createPrisma(databaseUrl);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

let seedState = 12345;
const rng = () => {
  seedState = (seedState * 1103515245 + 12345) % 2147483648;
  return seedState / 2147483648;
};

const answerMs: number[] = [];
const answerStatements: number[] = [];
const stepMs: number[] = [];
let completed = 0;
try {
  const run = Date.now().toString(36);
  for (let t = 0; t < TESTS; t++) {
    const code = COMPETENCES[t % COMPETENCES.length] as string;
    const learner = await db.user.create({
      data: { email: `path-${run}-${t}@exemple.fr`, passwordHash: 'x', firstName: 'Chemin', lastName: `N${t}`, roles: ['LEARNER'] },
    });
    const now = () => new Date();
    await startPositioning(db, { userId: learner.id, competenceCode: code, now: now() });
    const t0 = performance.now();
    let step = await currentStep(db, { userId: learner.id, competenceCode: code, now: now() });
    stepMs.push(performance.now() - t0);
    while (step.kind === 'challenge') {
      const answer = step.view.answer as { type: string; proposals?: string[]; fields?: { name: string }[] };
      const skipped = rng() < 0.1;
      const response = skipped
        ? { skipped: true as const }
        : answer.type === 'QCU'
          ? { choice: Math.floor(rng() * (answer.proposals?.length ?? 1)) }
          : answer.type === 'QCM'
            ? { choices: [Math.floor(rng() * (answer.proposals?.length ?? 1))] }
            : answer.type === 'QROC'
              ? { value: 'réponse' }
              : { values: Object.fromEntries((answer.fields ?? []).map((f) => [f.name, 'réponse'])) };
      const before = statements;
      const a0 = performance.now();
      const outcome = await submitAnswer(db, {
        userId: learner.id,
        competenceCode: code,
        assessmentId: step.assessmentId,
        challengeId: step.challengeId,
        response: response as never,
        now: now(),
      });
      answerMs.push(performance.now() - a0);
      answerStatements.push(statements - before);
      if (outcome.next === 'completed') {
        completed++;
        break;
      }
      step = outcome.step ?? (await currentStep(db, { userId: learner.id, competenceCode: code, now: now() }));
    }
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  // The first tests warm the caches (bank per release and parameter set) and the JIT: report the rest too.
  const warm = answerMs.slice(Math.floor(answerMs.length / 4));
  console.log(
    JSON.stringify(
      {
        tests: TESTS,
        completed,
        answers: answerMs.length,
        submitAnswerMs: {
          p50: Number(percentile(answerMs, 50).toFixed(2)),
          p95: Number(percentile(answerMs, 95).toFixed(2)),
          mean: Number(mean(answerMs).toFixed(2)),
          warmP50: Number(percentile(warm, 50).toFixed(2)),
          warmP95: Number(percentile(warm, 95).toFixed(2)),
        },
        statementsPerAnswer: { mean: Number(mean(answerStatements).toFixed(2)), max: Math.max(...answerStatements) },
        firstStepMs: { p50: Number(percentile(stepMs, 50).toFixed(2)) },
        statementMs: Object.fromEntries(
          [...statementMs]
            .filter(([, xs]) => xs.length >= 20)
            .map(([kind, xs]) => [kind, { n: xs.length, p50: Number(percentile(xs, 50).toFixed(2)), p95: Number(percentile(xs, 95).toFixed(2)) }]),
        ),
        loadAverage1m: Number((os.loadavg()[0] as number).toFixed(2)),
      },
      null,
      2,
    ),
  );
} finally {
  await db.$disconnect();
  if (drop) await drop();
}
