/**
 * `npm test`: the whole suite on a fresh database of its own.
 *  0. the lint (`npm run lint`: the layers of docs/decisions/014-layers.md and correctness rules); when
 *     it fails, nothing else runs;
 *  1. unit and integration tests (Vitest) against real PostgreSQL and Redis;
 *  2. browser tests (Playwright on Debian's Chromium) against the workbench started on that database,
 *     seeded with the demo content and accounts.
 * Options: --unit-only, --e2e-only, --no-lint; other arguments go to Vitest, or to Playwright with
 * --e2e-only (e.g. a file filter: `npm run test:e2e -- tests/e2e/roles.spec.ts`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { env } from '../app/lib/env.server';
import { projectRoot } from './database';
import { createTestDatabase, type TestDatabase } from './testdb';
import { pingRedis } from './redis';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit-only');
const e2eOnly = args.includes('--e2e-only');
const noLint = args.includes('--no-lint');
const passThrough = args.filter((a) => !a.startsWith('--unit-only') && !a.startsWith('--e2e-only') && a !== '--no-lint');
const cacheDir = path.join(projectRoot, '.cache');

/** Runs a command; `held` keeps its output and writes it in one piece once it ends (two runs side by side). */
function run(command: string, commandArgs: string[], env: Record<string, string>, held = false): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: projectRoot, stdio: held ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...process.env, ...env } });
    const output: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('close', (code, signal) => {
      if (held) process.stdout.write(Buffer.concat(output));
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** `npm run lint` (ESLint, then Prettier's check), counted as one check. */
async function lint(): Promise<boolean> {
  const started = performance.now();
  const rules = await run(
    process.execPath,
    [path.join(projectRoot, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--cache', '--cache-location', path.join(cacheDir, 'eslint/'), '.'],
    {},
  );
  // The layout of the code: Prettier (npm run format writes it).
  const layout =
    rules === 0
      ? await run(process.execPath, [path.join(projectRoot, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--check', '.', '--log-level', 'warn'], {})
      : 0;
  if (layout !== 0) console.error('Mise en forme : les fichiers ci-dessus ne sont pas au format Prettier (npm run format les remet en forme).');
  const code = rules !== 0 ? rules : layout;
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  if (code === 0) console.log(`Lint : réussi (${seconds} s).`);
  else console.error(`\nLint : ÉCHEC (${seconds} s) — corrigez les erreurs ci-dessus (npm run lint) ; les tests ne sont pas lancés.`);
  return code === 0;
}

async function main() {
  fs.mkdirSync(cacheDir, { recursive: true });
  let linted = 0;
  if (!noLint) {
    if (!(await lint())) {
      console.log('\n0 passed, 1 failed');
      process.exit(1);
    }
    linted = 1;
  }
  const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const redisUrl = env().REDIS_URL;
  if (!(await pingRedis(redisUrl))) {
    console.error(`Les tests ont besoin de Redis : aucun ne répond à ${redisUrl} (démarrez redis-server ou donnez REDIS_URL).`);
    process.exit(1);
  }
  let database: TestDatabase | null = null;
  let e2eDatabase: TestDatabase | null = null;
  let failed = false;
  let passed = linted;
  let failures = 0;
  let skipped = 0;
  try {
    database = await createTestDatabase();
    console.log(`Base de test : ${database.name}`);
    const env = {
      TEST_DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: `test-${runId}`,
      WORKBENCH_DATA_DIR: path.join(cacheDir, `data-${runId}`),
    };

    if (!unitOnly) {
      // The app is built first: the browser tests need it, and so do the integration tests of the web
      // server itself (scripts/http-security.db.test.ts starts it on the build).
      const build = await run(process.execPath, [path.join(projectRoot, 'node_modules', '@remix-run', 'dev', 'dist', 'cli.js'), 'build'], {
        NODE_ENV: 'production',
        VITE_CJS_IGNORE_WARNING: 'true',
      });
      if (build !== 0) throw new Error('La construction de l’application a échoué.');
    }

    if (!e2eOnly) {
      // Pure tests run files in parallel; the integration tests share one database (and settings such as
      // the active parameter set), so their files run one after the other. Vitest only takes
      // file parallelism for a whole run, hence two runs — side by side, since neither uses the other's
      // data: the integration files wait on PostgreSQL much of their time, and one run after the other left
      // a core idle. Vitest's own default is one file per core less one (for its main process, idle while
      // files run): a single pure file at a time on a 2-core machine; one per core instead. The pure run's
      // output is written when it ends (docs/decisions/023-test-suite-time.md).
      const projects: { name: string; extra: string[]; held: boolean }[] = [
        { name: 'unit', extra: [`--maxWorkers=${os.availableParallelism()}`], held: true },
        { name: 'integration', extra: ['--no-file-parallelism'], held: false },
      ];
      const results = await Promise.all(
        projects.map(async (project) => {
          const vitestJson = path.join(cacheDir, `vitest-${project.name}.json`);
          fs.rmSync(vitestJson, { force: true });
          const code = await run(
            process.execPath,
            [
              path.join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs'),
              'run',
              `--project=${project.name}`,
              ...project.extra,
              '--passWithNoTests',
              '--reporter=default',
              '--reporter=json',
              `--outputFile.json=${vitestJson}`,
              ...passThrough,
            ],
            env,
            project.held,
          );
          return { code, report: readJson(vitestJson) };
        }),
      );
      for (const { code, report } of results) {
        passed += Number(report?.numPassedTests ?? 0);
        failures += Number(report?.numFailedTests ?? 0);
        skipped += Number(report?.numPendingTests ?? 0) + Number(report?.numTodoTests ?? 0);
        if (code !== 0) {
          failed = true;
          if (!report) failures += 1;
        }
      }
    }

    if (!unitOnly) {
      // The browser tests get a database of their own, seeded like a fresh `npm start`, so that what the
      // integration tests wrote cannot change what a user sees.
      e2eDatabase = await createTestDatabase();
      const { createPrisma } = await import('../prisma/client');
      const { seed } = await import('../prisma/seed');
      const db = createPrisma(e2eDatabase.url);
      await seed(db, () => undefined, { databaseUrl: e2eDatabase.url });
      await db.$disconnect();
      Object.assign(process.env, env, { DATABASE_URL: e2eDatabase.url });
      const { startWebServer } = await import('./server');
      const web = await startWebServer({ port: 0, host: '127.0.0.1' });
      // The background workers too (calibrations started from the pages), without the timed triggers.
      process.env.CALIBRATION_SCHEDULE = 'off';
      process.env.CALIBRATION_CHECK_EVERY_MS = '0';
      const { startWorkers } = await import('../workers/main');
      const workers = await startWorkers(e2eDatabase.url, () => undefined);
      const playwrightJson = path.join(cacheDir, 'playwright.json');
      fs.rmSync(playwrightJson, { force: true });
      try {
        const code = await run(
          process.execPath,
          [path.join(projectRoot, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', ...(e2eOnly ? passThrough : [])],
          {
            ...env,
            BASE_URL: web.url,
            DATABASE_URL: e2eDatabase.url,
          },
        );
        const stats = readJson(playwrightJson)?.stats as Record<string, number> | undefined;
        passed += Number(stats?.expected ?? 0);
        failures += Number(stats?.unexpected ?? 0) + Number(stats?.flaky ?? 0);
        skipped += Number(stats?.skipped ?? 0);
        if (code !== 0) {
          failed = true;
          if (!stats) failures += 1;
        }
      } finally {
        await web.close();
        await workers.close();
      }
    }
  } catch (error) {
    failed = true;
    failures += 1;
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  } finally {
    await e2eDatabase?.drop().catch((error: unknown) => console.error(`Suppression de la base de test impossible : ${String(error)}`));
    await database?.drop().catch((error: unknown) => console.error(`Suppression de la base de test impossible : ${String(error)}`));
  }
  console.log(`\n${passed} passed, ${failures} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed ? 1 : 0);
}

void main();
