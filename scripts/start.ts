/**
 * `npm start`: builds what is needed, opens the database (embedded unless DATABASE_URL is set), applies
 * migrations, seeds a fresh database, makes sure Redis answers (or starts one), starts the web server and
 * the background workers, and prints the URL and the demo accounts. Ctrl-C stops everything cleanly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { env } from '../app/lib/env.server';
import { StartupError, openDatabase, projectRoot, type Database } from './database';
import { ensureRedis, type RedisStatus } from './redis';
import { startWebServer, type WebServer } from './server';
import { startWebProcesses } from './web-process';
import { applyMigrations } from '../prisma/migrate';
import { createPrisma } from '../prisma/client';
import { isSeeded, seed } from '../prisma/seed';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../prisma/demo';

const log = (line: string) => console.log(line);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the Remix app when there is no build or the sources are newer than it. */
function buildIfNeeded(): void {
  if (!fs.existsSync(path.join(projectRoot, 'prisma', 'generated', 'client.ts'))) {
    log('Génération du client Prisma…');
    const gen = spawnSync(process.execPath, ['--import', 'tsx', 'prisma/generate.ts'], { cwd: projectRoot, stdio: 'inherit' });
    if (gen.status !== 0) throw new StartupError('La génération du client Prisma a échoué.');
  }
  const marker = path.join(projectRoot, 'build', 'index.js');
  const sources = Math.max(
    newestMtime(path.join(projectRoot, 'app')),
    newestMtime(path.join(projectRoot, 'engine')),
    fs.statSync(path.join(projectRoot, 'remix.config.js')).mtimeMs,
  );
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= sources) return;
  log('Construction de l’application web…');
  const cli = path.join(projectRoot, 'node_modules', '@remix-run', 'dev', 'dist', 'cli.js');
  const result = spawnSync(process.execPath, [cli, 'build'], {
    cwd: projectRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', VITE_CJS_IGNORE_WARNING: 'true' },
  });
  if (result.status !== 0) throw new StartupError('La construction de l’application a échoué (voir les messages ci-dessus).');
}

function startWorkerProcess(databaseUrl: string, redisUrl: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
    cwd: projectRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl },
  });
  return child;
}

async function main() {
  let database: Database | null = null;
  let redis: RedisStatus | null = null;
  let web: WebServer | null = null;
  let workers: ChildProcess | null = null;
  let stopping = false;

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('\nArrêt du workbench…');
    if (workers && workers.exitCode === null) {
      const exited = new Promise((resolve) => workers!.once('exit', resolve));
      workers.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (workers.exitCode === null) workers.kill('SIGKILL');
    }
    await web?.close().catch(() => undefined);
    if (redis?.kind === 'started') await redis.stop();
    await database?.stop().catch(() => undefined);
    log('Arrêté.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    database = await openDatabase(log);
    buildIfNeeded();
    log(database.embedded ? 'Base de données : PostgreSQL embarqué (.data/postgres).' : 'Base de données : DATABASE_URL.');
    const applied = await applyMigrations(database.url);
    if (applied.length) log(`Migrations appliquées : ${applied.join(', ')}`);
    process.env.DATABASE_URL = database.url;
    const db = createPrisma(database.url);
    try {
      if (!(await isSeeded(db))) {
        log('Première mise en route : import du référentiel, du contenu et des comptes de démonstration…');
        await seed(db, log, { databaseUrl: database.url });
      }
    } finally {
      await db.$disconnect();
    }
    redis = await ensureRedis(log);
    if (redis.kind === 'unavailable') {
      log(`\n⚠ ${redis.help}\n`);
    } else {
      process.env.REDIS_URL = redis.url;
      workers = startWorkerProcess(database.url, redis.url);
      workers.on('exit', (code) => {
        if (!stopping) log(`Les workers se sont arrêtés (code ${code}).`);
      });
    }
    const port = env().PORT;
    const processes = env().WEB_PROCESSES;
    web = processes > 1 ? await startWebProcesses(processes, port) : await startWebServer({ port });
    if (processes > 1) log(`${processes} processus web sur le port ${port}.`);
    log(`\nPix Workbench est prêt : ${web.url}\n`);
    log(`Comptes de démonstration (mot de passe : ${DEMO_PASSWORD}) :`);
    for (const account of DEMO_ACCOUNTS) log(`  ${account.email.padEnd(26)} ${account.label} → ${account.space}`);
    log('\nCtrl-C pour tout arrêter.');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`Le port ${env().PORT} est déjà utilisé : choisissez-en un autre avec PORT=…`);
    } else {
      console.error(error instanceof StartupError ? message : `Démarrage impossible : ${message}`);
    }
    await stop(1);
  }
}

void main();
