/**
 * The calibration pipeline from PostgreSQL: a synthetic bank (default 140,000 persons × 15 answers on
 * 2,000 items = 2.1M answers; `--persons 700000` for 10.5M) inserted as real User/Assessment/Answer rows
 * in a fresh database, then calibrated by the worker's run (workers/calibration.ts, in this process, on
 * worker threads: one machine holds the data), reading the answers included. Prints, each beside its
 * reference measured in the same run:
 *
 * - rows/s read by the streamed reader (binary COPY into the snapshot) and by the paged reader it
 *   replaces (keyset pages of 20,000 rows);
 * - the whole run (read, calibrate, diagnostics, DIF, write) and the CLI on the same answers
 *   (`cli/main.ts calibrate`, a long CSV written from the same data: the whole command), their ratio;
 * - seconds per EM cycle, in the run and in the CLI;
 * - peak memory of this process (maxRSS, threads included) and of the CLI process;
 * - a rerun after 1 % new answers (snapshot kept in memory, and from its file), its ratio to the full run;
 * - bytes per answer: the Answer table with its indexes, the snapshot file.
 *
 *   node --import tsx bench/calibration-pipeline.ts [--persons 140000] [--items 2000] [--per-person 15] [--no-paged] [--keep]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync, readdirSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPrisma } from '../prisma/client';
import { createTestDatabase } from '../scripts/testdb';
import { createRelease } from '../app/models/release.server';
import { newChallengeBody } from '../engine/challenges';
import { liveChallenges, readCalibrationData, withPgClient } from '../app/models/calibration-data.server';
import { forgetKeptSnapshot, readCalibrationDataFromSnapshot } from '../app/models/calibration-snapshot.server';
import { executeCalibrationRun } from '../workers/calibration';

function option(name: string, fallback: number): number {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? Number(process.argv[k + 1]) : fallback;
}
const persons = option('persons', 140_000);
const items = option('items', 2000);
const perPerson = option('per-person', 15);
const seconds = (from: number) => (performance.now() - from) / 1000;
const load = () => loadavg()[0]!.toFixed(1);
const mib = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;

console.log(
  `calibration-pipeline: ${items} items, ${persons} persons × ${perPerson} answers (${((persons * perPerson) / 1e6).toFixed(2)}M answers); load ${load()}`,
);
// A name of its own: tooling that clears stray test databases (workbench_test_*) leaves it alone.
const database = await createTestDatabase({ prefix: 'bench_pipeline' });
const db = createPrisma(database.url);
const work = join(tmpdir(), `calibration-pipeline-${process.pid}`);
const snapshotDir = join(work, 'calibration');
mkdirSync(snapshotDir, { recursive: true });

/** Inserts `count` persons (positioning on the bench competence) from `first`, each answering `perPerson` items. */
async function insertPersons(client: pg.Client, first: number, count: number) {
  await client.query(
    `INSERT INTO "User" (id, email, "passwordHash", "firstName", "lastName", locale, roles, simulated)
     SELECT 'bu' || p, 'bu' || p || '@bench.test', '!', 'B', 'B', CASE WHEN p % 10 = 0 THEN 'en' ELSE 'fr' END, ARRAY['LEARNER']::"GlobalRole"[], true
     FROM generate_series($1::int, $2::int) p`,
    [first, first + count - 1],
  );
  await client.query(
    `INSERT INTO "Assessment" (id, "userId", type, state, "competenceId", "releaseId", "updatedAt")
     SELECT 'ba' || p, 'bu' || p, 'POSITIONING', 'COMPLETED', 'bench-competence', $3, now() FROM generate_series($1::int, $2::int) p`,
    [first, first + count - 1, releaseId],
  );
  await client.query(`INSERT INTO bench_theta SELECT p, sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) FROM generate_series($1::int, $2::int) p`, [
    first,
    first + count - 1,
  ]);
  // The k-th answer of every person, then the next k: answers of persons interleave as in real life.
  for (let k = 0; k < perPerson; k++) {
    await client.query(
      `INSERT INTO "Answer" ("assessmentId", "challengeId", "challengeVersionId", value, result)
       SELECT 'ba' || t.p, 'bc' || i.i, 'bv' || i.i, '{}'::jsonb,
              (CASE WHEN random() < 1 / (1 + exp(-i.a * (t.theta - i.b))) THEN 'ok' ELSE 'ko' END)::"AnswerResult"
       FROM bench_theta t JOIN bench_item i ON i.i = (t.p * 7919 + $3::int * 131) % $4::int
       WHERE t.p BETWEEN $1::int AND $2::int ORDER BY t.p`,
      [first, first + count - 1, k, items],
    );
  }
}

let releaseId = '';
// The bench's own connection: ended before the database is dropped (a drop WITH (FORCE) would
// terminate it, 57P01, and an unhandled 'error' event would hide whatever error led to the drop).
let client: pg.Client | null = null;
try {
  // ── The bank ─────────────────────────────────────────────────────────────────────────────
  let t = performance.now();
  client = new pg.Client({ connectionString: database.url });
  client.on('error', (error) => console.error(`  bench connection: ${error.message}`));
  await client.connect();
  await client.query(`SELECT setseed(0.2026)`);
  await client.query(`INSERT INTO "Area" (id, code, "titleFr", "titleEn") VALUES ('bench-area', 'B9', 'Banc', 'Bench')`);
  await client.query(`INSERT INTO "Competence" (id, code, "areaId", "titleFr", "titleEn") VALUES ('bench-competence', 'B9.1', 'bench-area', 'Banc', 'Bench')`);
  await client.query(`INSERT INTO "Thematic" (id, key, "competenceId", name) VALUES ('bench-thematic', 'bench', 'bench-competence', 'Banc')`);
  const tubes = Math.ceil(items / 6);
  await client.query(
    `INSERT INTO "Tube" (id, name, "thematicId", "competenceId", title, description)
     SELECT 'bt' || t, '@bench' || t, 'bench-thematic', 'bench-competence', 'Sujet ' || t, 'Banc' FROM generate_series(0, $1::int - 1) t`,
    [tubes],
  );
  await client.query(
    `INSERT INTO "Skill" (id, name, "tubeId", level, status, "updatedAt")
     SELECT 'bs' || i, '@bench' || (i / 6) || '_' || (i % 6 + 1), 'bt' || (i / 6), i % 6 + 1, 'actif', now() FROM generate_series(0, $1::int - 1) i`,
    [items],
  );
  await client.query(
    `INSERT INTO "Challenge" (id, key, "skillId", type, status, "updatedAt")
     SELECT 'bc' || i, 'bench-' || i, 'bs' || i, 'QCU', 'valide', now() FROM generate_series(0, $1::int - 1) i`,
    [items],
  );
  await client.query(
    `INSERT INTO "ChallengeVersion" (id, "challengeId", number, body) SELECT 'bv' || i, 'bc' || i, 1, $2::jsonb FROM generate_series(0, $1::int - 1) i`,
    [items, JSON.stringify(newChallengeBody('QCU', ['Banc']))],
  );
  await client.query(`UPDATE "Challenge" SET "currentVersionId" = 'bv' || substr(id, 3), "liveVersionId" = 'bv' || substr(id, 3) WHERE id LIKE 'bc%'`);
  releaseId = (await db.$transaction((tx) => createRelease(tx, 'Banc', null), { timeout: 120_000 })).id as string;
  await client.query(`CREATE TEMP TABLE bench_item (i int PRIMARY KEY, a float8, b float8)`);
  await client.query(
    `INSERT INTO bench_item SELECT i, exp(0.2 + 0.25 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())),
            (i % 6 - 2.5) * 0.6 + 0.5 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) FROM generate_series(0, $1::int - 1) i`,
    [items],
  );
  await client.query(`CREATE TEMP TABLE bench_theta (p int PRIMARY KEY, theta float8)`);
  await insertPersons(client, 0, persons);
  await client.query('ANALYZE');
  const size = await client.query<{ bytes: string; n: string }>(`SELECT pg_total_relation_size('"Answer"')::text AS bytes, count(*)::text AS n FROM "Answer"`);
  const answerBytes = Number(size.rows[0]!.bytes) / Number(size.rows[0]!.n);
  console.log(
    `  bank inserted in ${seconds(t).toFixed(0)} s (not timed): ${size.rows[0]!.n} answers, ${answerBytes.toFixed(0)} bytes per answer in PostgreSQL (table + indexes); load ${load()}`,
  );

  const live = await liveChallenges(db);

  // ── Reference: the paged reader (--no-paged: skipped, the answers for the CLI streamed instead) ──
  t = performance.now();
  const noPaged = process.argv.includes('--no-paged');
  const paged = noPaged
    ? (await withPgClient(database.url, (c) => readCalibrationDataFromSnapshot(c, live, { snapshotDir: null }))).read
    : await withPgClient(database.url, (c) => readCalibrationData(c, live));
  const pagedSeconds = seconds(t);
  console.log(
    `  ${noPaged ? 'streamed reader without a snapshot' : 'paged reader (reference)'}: ${pagedSeconds.toFixed(1)} s, ${(paged.counts.read / pagedSeconds / 1e6).toFixed(2)}M rows/s; load ${load()}`,
  );

  // ── Reference: the CLI on the same answers ───────────────────────────────────────────────
  const csv = join(work, 'answers.csv');
  const out = createWriteStream(csv);
  out.write('person,item,score\n');
  let chunk = '';
  for (let p = 0; p + 1 < paged.data.rowStart.length; p++) {
    for (let j = paged.data.rowStart[p]!; j < paged.data.rowStart[p + 1]!; j++)
      chunk += `p${p},${paged.data.itemIds[paged.data.items[j]!]},${paged.data.scores[j]}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  const cliLoad = load();
  t = performance.now();
  const cli = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'MAXRSS %M', process.execPath, '--import', 'tsx', 'cli/main.ts', 'calibrate', csv], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`cli exited ${code}: ${stderr.slice(-500)}`))));
  });
  const cliSeconds = seconds(t);
  const cliRss = Number(/MAXRSS (\d+)/.exec(cli.stderr)?.[1] ?? 0);
  const cliJson = JSON.parse(cli.stdout) as { models?: { iterations?: number }[]; iterations?: number } & Record<string, unknown>;
  const cliCycles = Number((cliJson as { iterations?: number }).iterations ?? cliJson.models?.[0]?.iterations ?? NaN);
  console.log(`  CLI (reference), whole command on the same answers: ${cliSeconds.toFixed(1)} s, ${cliCycles} EM cycles, peak ${mib(cliRss)}; load ${cliLoad}`);

  // ── The pipeline: full run, then a rerun after 1 % new answers ──────────────────────────
  const runOnce = async (label: string) => {
    const l = load();
    const run = await db.calibrationRun.create({ data: { model: '2pl', settings: { distribution: 'local' }, status: 'QUEUED' } });
    const started = performance.now();
    const outcome = await executeCalibrationRun({ db, databaseUrl: database.url, snapshotDir }, run.id);
    const wall = seconds(started);
    const row = await db.calibrationRun.findUniqueOrThrow({ where: { id: run.id } });
    if (outcome !== 'succeeded') throw new Error(`${label}: ${outcome} ${row.error}`);
    const execution = (
      row.summary as {
        execution: { readSeconds: number; estimateSeconds: number; snapshot: string; streamed: number; threads: number; phases?: Record<string, number> };
      }
    ).execution;
    return { label, wall, load: l, execution, iterations: row.iterations ?? 0, answers: row.answers ?? 0, peak: process.resourceUsage().maxRSS };
  };
  forgetKeptSnapshot();
  const full = await runOnce('full run');
  const describe = (r: Awaited<ReturnType<typeof runOnce>>) =>
    `${r.wall.toFixed(1)} s (read ${r.execution.readSeconds.toFixed(1)} s, ${r.execution.streamed} rows streamed` +
    (r.execution.streamed > 0 ? ` at ${(r.execution.streamed / r.execution.readSeconds / 1e6).toFixed(2)}M rows/s` : '') +
    `, snapshot ${r.execution.snapshot}; estimate ${r.execution.estimateSeconds.toFixed(1)} s, ${r.iterations} cycles, ${(r.execution.estimateSeconds / Math.max(1, r.iterations)).toFixed(2)} s/cycle; ${r.execution.threads} threads); peak so far ${mib(r.peak)}; load ${r.load}`;
  /** Where the run's time went: each phase, and the rest (the final write, claims, progress). */
  const phasesOf = (r: Awaited<ReturnType<typeof runOnce>>) => {
    const phases = r.execution.phases ?? {};
    const listed = Object.values(phases).reduce((x, y) => x + y, 0);
    return `    phases: ${Object.entries(phases)
      .filter(([, v]) => v >= 0.005)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ')}, write and the rest ${(r.wall - listed).toFixed(2)} s`;
  };
  console.log(`  pipeline, ${full.label}: ${describe(full)}`);
  console.log(phasesOf(full));
  console.log(
    `    ratio to the CLI: ×${(full.wall / cliSeconds).toFixed(2)} (target ≤ 1.5); read vs the paged reader: ×${(pagedSeconds / full.execution.readSeconds).toFixed(2)} faster`,
  );
  const snapshotFile = readdirSync(snapshotDir).find((f) => f.endsWith('.calsnap'));
  if (snapshotFile) console.log(`    snapshot file: ${(statSync(join(snapshotDir, snapshotFile)).size / full.answers).toFixed(1)} bytes per answer`);

  t = performance.now();
  const added = Math.max(1, Math.round(persons / 100));
  await insertPersons(client, persons, added);
  console.log(`  +${added * perPerson} answers (1 %) inserted in ${seconds(t).toFixed(1)} s (not timed)`);
  const rerun = await runOnce('rerun (snapshot in memory)');
  console.log(`  pipeline, ${rerun.label}: ${describe(rerun)}`);
  console.log(phasesOf(rerun));
  console.log(`    ratio to the full run: ×${(rerun.wall / full.wall).toFixed(2)} (target ≤ 0.5)`);
  await insertPersons(client, persons + added, added);
  forgetKeptSnapshot();
  const fromFile = await runOnce('rerun (snapshot from its file)');
  console.log(`  pipeline, ${fromFile.label}: ${describe(fromFile)}`);
  console.log(phasesOf(fromFile));
  console.log(`    ratio to the full run: ×${(fromFile.wall / full.wall).toFixed(2)}`);
  console.log(`  peak memory of this process: ${mib(process.resourceUsage().maxRSS)}; load now ${load()}`);
} finally {
  await client?.end().catch(() => undefined);
  await db.$disconnect();
  if (!process.argv.includes('--keep')) await database.drop();
  else console.log(`  database kept: ${database.url}`);
  rmSync(work, { recursive: true, force: true });
}
