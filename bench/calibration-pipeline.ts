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
 * The answers are loaded by COPY (bench/answer-bank.ts); above 5M answers with the table's secondary
 * indexes and foreign keys dropped and rebuilt after. The CLI's CSV is written during the load.
 *
 *   node --import tsx bench/calibration-pipeline.ts [--persons 140000] [--items 2000] [--per-person 15] [--no-paged] [--no-rerun] [--keep]
 *   (100M answers: --persons 5000000 --per-person 20 --items 3000 --no-paged --no-rerun)
 *
 * A large bank can be loaded once and calibrated later: `--load-only --work DIR` loads it, keeps the
 * database and writes the CLI's CSV in DIR (printing the database's URL); `--database URL --work DIR`
 * then skips the load and calibrates that database (with --no-rerun), and drops it at the end unless
 * `--keep` is given. `--no-cli` skips the CLI reference (when it cannot hold the data).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync, readdirSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPrisma } from '../prisma/client';
import { createTestDatabase } from '../scripts/testdb';
import { createItemBank, insertPersons, withoutAnswerIndexes, type ItemBank } from './answer-bank';
import { liveChallenges, readCalibrationData, withPgClient } from '../app/models/calibration-data.server';
import { forgetKeptSnapshot } from '../app/models/calibration-snapshot.server';
import { executeCalibrationRun } from '../workers/calibration';

function option(name: string, fallback: number): number {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? Number(process.argv[k + 1]) : fallback;
}
const persons = option('persons', 140_000);
const items = option('items', 2000);
const perPerson = option('per-person', 15);
const seconds = (from: number) => (performance.now() - from) / 1000;
const load1 = () => loadavg()[0]!.toFixed(1);
const mib = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;

console.log(
  `calibration-pipeline: ${items} items, ${persons} persons × ${perPerson} answers (${((persons * perPerson) / 1e6).toFixed(2)}M answers); load ${load1()}`,
);
// A name of its own: tooling that clears stray test databases (workbench_test_*) leaves it alone.
const flag = (name: string) => process.argv.includes(`--${name}`);
const text = (name: string): string | null => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? (process.argv[k + 1] ?? null) : null;
};
const reuseUrl = text('database');
if (reuseUrl !== null && !flag('no-rerun')) throw new Error('--database needs --no-rerun (the rerun inserts persons of the bank it loaded)');
const database = reuseUrl === null ? await createTestDatabase({ prefix: 'bench_pipeline' }) : existingDatabase(reuseUrl);
const db = createPrisma(database.url);
const work = text('work') ?? join(tmpdir(), `calibration-pipeline-${process.pid}`);
const snapshotDir = join(work, 'calibration');
mkdirSync(snapshotDir, { recursive: true });

// The bench's own connection: ended before the database is dropped (a drop WITH (FORCE) would
// terminate it, 57P01, and an unhandled 'error' event would hide whatever error led to the drop).
let client: pg.Client | null = null;
try {
  // ── The bank ─────────────────────────────────────────────────────────────────────────────
  let t = performance.now();
  client = new pg.Client({ connectionString: database.url });
  client.on('error', (error) => console.error(`  bench connection: ${error.message}`));
  await client.connect();
  const csv = join(work, 'answers.csv');
  const bank = reuseUrl === null ? await loadBank(client, csv) : null;
  if (flag('load-only')) {
    console.log(`  loaded: --database ${database.url} --work ${work}`);
    process.exit(0);
  }
  const live = await liveChallenges(db);

  // ── Reference: the paged reader (--no-paged: skipped) ────────────────────────────────────
  const noPaged = process.argv.includes('--no-paged');
  let pagedSeconds = NaN;
  if (!noPaged) {
    t = performance.now();
    const paged = await withPgClient(database.url, (c) => readCalibrationData(c, live));
    pagedSeconds = seconds(t);
    console.log(`  paged reader (reference): ${pagedSeconds.toFixed(1)} s, ${(paged.counts.read / pagedSeconds / 1e6).toFixed(2)}M rows/s; load ${load1()}`);
  }

  // ── Reference: the CLI on the same answers (the CSV written while loading) ──────────────────
  const cliLoad = load1();
  t = performance.now();
  let cliSeconds = NaN;
  if (flag('no-cli')) console.log('  CLI (reference): skipped (--no-cli)');
  else {
    try {
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
      cliSeconds = seconds(t);
      const cliRss = Number(/MAXRSS (\d+)/.exec(cli.stderr)?.[1] ?? 0);
      const cliJson = JSON.parse(cli.stdout) as { models?: { iterations?: number }[]; iterations?: number } & Record<string, unknown>;
      const cliCycles = Number((cliJson as { iterations?: number }).iterations ?? cliJson.models?.[0]?.iterations ?? NaN);
      console.log(
        `  CLI (reference), whole command on the same answers: ${cliSeconds.toFixed(1)} s, ${cliCycles} EM cycles, peak ${mib(cliRss)}; load ${cliLoad}`,
      );
    } catch (error) {
      // The CLI holding less than the data (out of memory) is a result too: the pipeline still runs.
      console.log(`  CLI (reference) failed after ${seconds(t).toFixed(1)} s: ${(error as Error).message.slice(0, 300)}`);
    }
  }

  // ── The pipeline: full run, then a rerun after 1 % new answers ──────────────────────────
  const runOnce = async (label: string) => {
    const l = load1();
    const run = await db.calibrationRun.create({ data: { model: '2pl', settings: { distribution: 'local' }, status: 'QUEUED' } });
    const started = performance.now();
    const outcome = await executeCalibrationRun({ db, databaseUrl: database.url, snapshotDir }, run.id);
    const wall = seconds(started);
    const row = await db.calibrationRun.findUniqueOrThrow({ where: { id: run.id } });
    if (outcome !== 'succeeded') throw new Error(`${label}: ${outcome} ${row.error}`);
    const execution = (
      row.summary as {
        execution: {
          readSeconds: number;
          estimateSeconds: number;
          snapshot: string;
          streamed: number;
          threads: number;
          phases?: Record<string, number>;
          memory?: Record<string, number>;
          warmStart?: { items: number } | null;
        };
      }
    ).execution;
    return { label, wall, load: l, execution, iterations: row.iterations ?? 0, answers: row.answers ?? 0, peak: process.resourceUsage().maxRSS };
  };
  forgetKeptSnapshot();
  const full = await runOnce('full run');
  const describe = (r: Awaited<ReturnType<typeof runOnce>>) =>
    `${r.wall.toFixed(1)} s (read ${r.execution.readSeconds.toFixed(1)} s, ${r.execution.streamed} rows streamed` +
    (r.execution.streamed > 0 ? ` at ${(r.execution.streamed / r.execution.readSeconds / 1e6).toFixed(2)}M rows/s` : '') +
    `, snapshot ${r.execution.snapshot}; ${r.execution.warmStart ? `warm start (${r.execution.warmStart.items} items)` : 'cold start'}; estimate ${r.execution.estimateSeconds.toFixed(1)} s, ${r.iterations} cycles, ${(r.execution.estimateSeconds / Math.max(1, r.iterations)).toFixed(2)} s/cycle; ${r.execution.threads} threads); peak so far ${mib(r.peak)}; load ${r.load}`;
  /** Where the run's time went: each phase, and the rest (the final write, claims, progress). */
  const phasesOf = (r: Awaited<ReturnType<typeof runOnce>>) => {
    const phases = r.execution.phases ?? {};
    const listed = Object.values(phases).reduce((x, y) => x + y, 0);
    return `    phases: ${Object.entries(phases)
      .filter(([, v]) => v >= 0.005)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ')}, write and the rest ${(r.wall - listed).toFixed(2)} s\n    resident memory (MiB, most seen in each phase): ${Object.entries(
      r.execution.memory ?? {},
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`;
  };
  console.log(`  pipeline, ${full.label}: ${describe(full)}`);
  console.log(phasesOf(full));
  console.log(
    `    ratio to the CLI: ×${(full.wall / cliSeconds).toFixed(2)} (target ≤ 1.5)` +
      (noPaged ? '' : `; read vs the paged reader: ×${(pagedSeconds / full.execution.readSeconds).toFixed(2)} faster`),
  );
  const snapshotFile = readdirSync(snapshotDir).find((f) => f.endsWith('.calsnap'));
  if (snapshotFile) console.log(`    snapshot file: ${(statSync(join(snapshotDir, snapshotFile)).size / full.answers).toFixed(1)} bytes per answer`);

  if (!process.argv.includes('--no-rerun') && bank !== null) {
    t = performance.now();
    const added = Math.max(1, Math.round(persons / 100));
    await insertPersons(client, { bank, first: persons, count: added, perPerson, seed: 21 });
    console.log(`  +${added * perPerson} answers (1 %) inserted in ${seconds(t).toFixed(1)} s (not timed)`);
    const rerun = await runOnce('rerun (snapshot in memory)');
    console.log(`  pipeline, ${rerun.label}: ${describe(rerun)}`);
    console.log(phasesOf(rerun));
    console.log(`    ratio to the full run: ×${(rerun.wall / full.wall).toFixed(2)} (target ≤ 0.5)`);
    await insertPersons(client, { bank, first: persons + added, count: added, perPerson, seed: 22 });
    forgetKeptSnapshot();
    const fromFile = await runOnce('rerun (snapshot from its file)');
    console.log(`  pipeline, ${fromFile.label}: ${describe(fromFile)}`);
    console.log(phasesOf(fromFile));
    console.log(`    ratio to the full run: ×${(fromFile.wall / full.wall).toFixed(2)}`);
  }
  console.log(`  peak memory of this process: ${mib(process.resourceUsage().maxRSS)}; load now ${load1()}`);
} finally {
  await client?.end().catch(() => undefined);
  await db.$disconnect();
  if (!process.argv.includes('--keep')) await database.drop();
  else console.log(`  database kept: ${database.url}`);
  if (!process.argv.includes('--keep') && !flag('load-only')) rmSync(work, { recursive: true, force: true });
}

/** Loads the bank into the bench's database and writes the CLI's CSV of the same answers. */
async function loadBank(client: pg.Client, csv: string): Promise<ItemBank> {
  const t = performance.now();
  const bank = await createItemBank(client, db, items);
  // The CLI's CSV is written while the answers stream in: it holds exactly the answers of the full run.
  const out = createWriteStream(csv);
  out.write('person,item,score\n');
  const load = async () => {
    let lastReport = performance.now();
    await insertPersons(client, {
      bank,
      first: 0,
      count: persons,
      perPerson,
      csv: out,
      onBlock: (n) => {
        if (performance.now() - lastReport < 30_000) return;
        lastReport = performance.now();
        console.log(`    … ${(n / 1e6).toFixed(1)}M answers in ${seconds(t).toFixed(0)} s; load ${load1()}`);
      },
    });
  };
  // Above 5M answers the Answer table's secondary indexes and foreign keys are rebuilt after the load.
  const bulk = persons * perPerson > 5_000_000;
  const rebuild = bulk ? await withoutAnswerIndexes(client, load) : (await load(), 0);
  out.end();
  await once(out, 'finish');
  await client.query('ANALYZE');
  const size = await client.query<{ bytes: string; n: string }>(`SELECT pg_total_relation_size('"Answer"')::text AS bytes, count(*)::text AS n FROM "Answer"`);
  const answerBytes = Number(size.rows[0]!.bytes) / Number(size.rows[0]!.n);
  console.log(
    `  bank inserted in ${seconds(t).toFixed(0)} s (not timed; COPY${bulk ? `, indexes and foreign keys rebuilt after in ${rebuild.toFixed(0)} s` : ''}): ${size.rows[0]!.n} answers (${(Number(size.rows[0]!.n) / seconds(t) / 1e3).toFixed(0)}k rows/s), ${answerBytes.toFixed(0)} bytes per answer in PostgreSQL (table + indexes); load ${load1()}`,
  );

  return bank;
}

/** A database loaded by an earlier `--load-only` run (dropped at the end unless --keep). */
function existingDatabase(url: string): { url: string; drop: () => Promise<void> } {
  return {
    url,
    drop: async () => {
      const server = new URL(url);
      const name = decodeURIComponent(server.pathname.slice(1));
      server.pathname = '/postgres';
      const admin = new pg.Client({ connectionString: server.toString() });
      await admin.connect();
      await admin.query(`drop database if exists "${name.replace(/"/g, '""')}" with (force)`);
      await admin.end();
    },
  };
}
