/**
 * The one module that reads the environment (docs/decisions/014-layers.md). Every setting the web app,
 * the workers and the tooling take from environment variables is declared here, checked, given its
 * default, and read as `env().NAME`; nothing else reads `process.env` (ESLint: no-restricted-properties).
 *
 * A value that does not fit stops whoever reads it with an error that names the variable, in French
 * (EnvError). `env()` reads `process.env` again when it was written since the last call (start scripts
 * and tests set variables before starting the web server or the workers, and between tests), so the
 * result is never stale; otherwise it costs a comparison (see `watchEnv`).
 *
 * Variables that only the test and benchmark tooling reads for itself (BASE_URL, CHROMIUM_PATH,
 * SCREENSHOTS, CERTIF_SCREENSHOTS, CERTIF_RESULTS_SCREENSHOTS, BENCH_SERVER_NODE_ARGS,
 * PRISMA_SCHEMA_ENGINE_BINARY) stay in that tooling.
 */
import { z } from 'zod';
import { DEFAULT_MAX_REACHABLE_LEVEL, MAX_LEVEL, MIN_LEVEL } from '../../engine/framework';

/** A value of the environment that does not fit; the message names the variable. */
export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvError';
  }
}

/** Unset and empty are the same: the default applies. */
const unset = (value: unknown) => (value === '' ? undefined : value);

function integer(min: number, max: number, fallback: number) {
  return z.preprocess(
    unset,
    z
      .string()
      .regex(/^-?\d+$/, `un nombre entier de ${min} à ${max} est attendu`)
      .transform(Number)
      .pipe(z.number().int().min(min, `un nombre entier de ${min} à ${max} est attendu`).max(max, `un nombre entier de ${min} à ${max} est attendu`))
      .default(String(fallback)),
  );
}

/** `1`/`true`/`oui` or `0`/`false`/`non`; undefined when unset. */
function optionalFlag() {
  return z.preprocess(
    unset,
    z
      .enum(['1', '0', 'true', 'false', 'oui', 'non'], { errorMap: () => ({ message: '1 (oui) ou 0 (non) est attendu' }) })
      .optional()
      .transform((v) => (v === undefined ? undefined : v === '1' || v === 'true' || v === 'oui')),
  );
}

/** `1`/`true`/`oui` or `0`/`false`/`non`. */
function flag() {
  return z.preprocess(
    unset,
    z
      .enum(['1', '0', 'true', 'false', 'oui', 'non'], { errorMap: () => ({ message: '1 (oui) ou 0 (non) est attendu' }) })
      .default('0')
      .transform((v) => v === '1' || v === 'true' || v === 'oui'),
  );
}

function url(protocols: readonly string[]) {
  const expected = `une adresse ${protocols.map((p) => `${p}//…`).join(' ou ')} est attendue`;
  return z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, expected);
}

const text = () => z.preprocess(unset, z.string().optional());

const schema = z.object({
  // ── Web app and workers ─────────────────────────────────────────────────────────────────────
  /** PostgreSQL of the installation (set by `npm start` to the embedded server when absent). */
  DATABASE_URL: z.preprocess(unset, url(['postgres:', 'postgresql:']).optional()),
  /**
   * The busiest statements are named prepared statements on their connection (parsed once, their plan
   * kept: decision 021, h44); 0 sends them unnamed, for a pooler that keeps no prepared statement across
   * transactions (PgBouncer before 1.21, or `max_prepared_statements = 0`, in transaction mode).
   */
  DATABASE_PREPARED_STATEMENTS: integer(0, 1, 1),
  /** Redis of the job queues. */
  REDIS_URL: z.preprocess(unset, url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379')),
  /** Prefix of every queue key, so that installations (or test runs) can share one Redis. */
  QUEUE_PREFIX: z.preprocess(
    unset,
    z
      .string()
      .regex(/^[\w.-]+$/, 'lettres, chiffres, « - », « _ » ou « . » sont attendus')
      .default('workbench'),
  ),
  /** Port of the web server (`npm start`). */
  PORT: integer(0, 65_535, 3000),
  /** Web server processes on that port (`npm start`, node:cluster: scripts/web-process.ts). */
  WEB_PROCESSES: integer(1, 64, 1),
  /** Secret that signs the session cookie; without it, one kept in WORKBENCH_DATA_DIR. */
  SESSION_SECRET: text(),
  /**
   * Cookies sent over HTTPS only, and HSTS sent, when 1 (behind an HTTPS proxy). Unset: session cookies
   * are Secure when NODE_ENV=production (read it through secureCookies()); 0 turns that off (plain HTTP
   * on a local network).
   */
  COOKIE_SECURE: optionalFlag(),
  /**
   * How many reverse proxies of this installation stand in front of the web server (0: none). Only then
   * is the client address taken from `X-Forwarded-For` (the entry that many hops from the right, written
   * by the proxy nearest the client) and `X-Forwarded-Host` believed by the origin check.
   */
  TRUST_PROXY: integer(0, 10, 0),
  /** The highest level a learner can reach (a platform setting: read it through maxReachableLevel()). */
  MAX_REACHABLE_LEVEL: integer(MIN_LEVEL, MAX_LEVEL, DEFAULT_MAX_REACHABLE_LEVEL),
  /** Where the installation keeps its data (embedded PostgreSQL, Redis, session secret). */
  WORKBENCH_DATA_DIR: z.preprocess(unset, z.string().default('.data')),
  /** Port of the embedded PostgreSQL. */
  EMBEDDED_PG_PORT: integer(1, 65_535, 54_329),
  /** The tutorial link checker may ask internal addresses (tutorials on an intranet). */
  LINK_CHECK_ALLOW_PRIVATE: flag(),
  NODE_ENV: text(),

  // ── Calibration workers (docs/decisions/006-calibration-pipeline.md) ──────────────────────────
  /** Cron of the weekly calibration (Paris time); `off` disables it. */
  CALIBRATION_SCHEDULE: z.preprocess(unset, z.string().default('0 3 * * 1')),
  /** How often the workers look for enough new answers to calibrate; 0 disables it. */
  CALIBRATION_CHECK_EVERY_MS: integer(0, 2_147_483_647, 15 * 60_000),
  /** BullMQ lock of a calibration job. */
  CALIBRATION_LOCK_MS: integer(1, 2_147_483_647, 60_000),
  /** How often BullMQ looks for jobs whose worker died. */
  CALIBRATION_STALLED_MS: integer(1, 2_147_483_647, 30_000),
  /** How many times a run whose worker died is taken up again before it fails. */
  CALIBRATION_MAX_STALLED: integer(0, 100, 2),
  /** How often the watchdog brings runs and jobs back in line. */
  CALIBRATION_WATCHDOG_MS: integer(1, 2_147_483_647, 60_000),
  /** Stored answers from which an 'auto' run is split into shard jobs (when two or more workers listen). */
  CALIBRATION_SHARD_MIN_ANSWERS: integer(0, Number.MAX_SAFE_INTEGER, 2_000_000),
  /** Memory for the shards a worker process keeps (MB). */
  CALIBRATION_SHARD_CACHE_MB: integer(1, 1_048_576, 1024),
  /**
   * Largest shard (MB) a sharded run hands to its workers through Redis (one SET, one GET: no TOAST chunks
   * written and read back, decision 021 h49); larger ones, or any that would take Redis past half of its free
   * `maxmemory`, go to the CalibrationShard table. 0: always the table.
   */
  CALIBRATION_SHARD_REDIS_MB: integer(0, 1_048_576, 64),
  /**
   * Snapshot of the response matrix in WORKBENCH_DATA_DIR/calibration, extended by each run with the new
   * answers only (app/models/calibration-snapshot.server.ts); 0 streams every answer each run.
   */
  CALIBRATION_SNAPSHOTS: integer(0, 1, 1),
  /**
   * Largest snapshot (MB, 13 bytes an answer) a process keeps in memory for its next run; a larger one is
   * read back from its file then, so a large run does not hold it during its EM (100M answers: 1.3 GB).
   */
  CALIBRATION_SNAPSHOT_KEEP_MB: integer(0, 1_048_576, 1024),
  /**
   * Where a run streams the answers from (a read replica of DATABASE_URL); unset: DATABASE_URL. The run's
   * bound is taken there too, so the run reads a consistent prefix of the answers.
   */
  CALIBRATION_READ_DATABASE_URL: z.preprocess(unset, url(['postgres:', 'postgresql:']).optional()),
  /** Threads a worker process computes a shard pass on (0: the machine's available parallelism). */
  CALIBRATION_SHARD_THREADS: integer(0, 256, 0),
  /**
   * Who makes a sharded run's shards when the run read its answers through a snapshot: `workers` (each
   * worker process builds the shards it takes from its own snapshot, by person range) or `parent` (the run
   * encodes them all and writes them to the CalibrationShard table, the default: a worker's first build
   * reads its snapshot file and numbers every answer, which cost more than the parent's writes on a 10.5M
   * bank — decision 021, h37).
   */
  CALIBRATION_SHARD_SOURCE: z.preprocess(unset, z.enum(['workers', 'parent']).default('parent')),

  // ── Test tooling ──────────────────────────────────────────────────────────────────────────
  /** The database `npm test` made for this run (Vitest's global setup then makes none). */
  TEST_DATABASE_URL: z.preprocess(unset, url(['postgres:', 'postgresql:']).optional()),
  /** A PostgreSQL server on which the tests create their databases. */
  TEST_DATABASE_SERVER_URL: z.preprocess(unset, url(['postgres:', 'postgresql:']).optional()),
});

export type Env = z.infer<typeof schema>;

const NAMES = Object.keys(schema.shape) as (keyof Env)[];

let cached: { key: string; value: Readonly<Env> } | null = null;

function describe(value: unknown): string {
  return typeof value === 'string' ? `« ${value.length > 60 ? `${value.slice(0, 60)}…` : value} »` : String(value);
}

/** The settings from the environment, checked. Throws EnvError naming the first variable that does not fit. */
/** Whether session cookies carry `Secure`: COOKIE_SECURE when set, else true in production. */
export function secureCookies(): boolean {
  const { COOKIE_SECURE, NODE_ENV } = env();
  return COOKIE_SECURE ?? NODE_ENV === 'production';
}

/**
 * Writes to `process.env` bump a version: `process.env` is replaced, at the first `env()`, by a proxy of
 * itself whose writes (assignment, `delete`, `Object.defineProperty`) go to the real environment as before
 * and count. While `process.env` is still that proxy and nothing was written since the last parse, `env()`
 * returns the settings it parsed without reading a variable (reading the declared variables cost ~20 µs a
 * call, decision 021, h38–h42). A `process.env` replaced by other code is watched again at the next call,
 * and read whole then. The proxy and its version are the process's, shared by every copy of this module
 * (the web server's own and the Remix build's): each copy wrapping the other's proxy would nest them.
 */
interface EnvWatch {
  version: number;
  proxy: NodeJS.ProcessEnv | null;
}
const WATCH = Symbol.for('workbench.env.watch');
const watch: EnvWatch = ((globalThis as { [WATCH]?: EnvWatch })[WATCH] ??= { version: 0, proxy: null });

function watchEnv(): void {
  const real = process.env;
  const proxy = new Proxy(real, {
    set(target, key, value) {
      watch.version++;
      return Reflect.set(target, key, value);
    },
    deleteProperty(target, key) {
      watch.version++;
      return Reflect.deleteProperty(target, key);
    },
    defineProperty(target, key, descriptor) {
      watch.version++;
      return Reflect.defineProperty(target, key, descriptor);
    },
  });
  watch.proxy = proxy;
  watch.version++;
  process.env = proxy;
}

let fresh: { version: number; value: Readonly<Env> } | null = null;

export function env(): Readonly<Env> {
  if (fresh !== null && fresh.version === watch.version && process.env === watch.proxy) return fresh.value;
  if (process.env !== watch.proxy) watchEnv();
  const version = watch.version;
  const raw = NAMES.map((name) => process.env[name]);
  const key = raw.map((v) => (v === undefined ? '\u0000' : v)).join('\u0001');
  if (cached?.key !== key) {
    const parsed = schema.safeParse(Object.fromEntries(NAMES.map((name, i) => [name, raw[i]])));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const name = String(issue.path[0]);
      throw new EnvError(`Variable d’environnement ${name} invalide (${describe(process.env[name])}) : ${issue.message}.`);
    }
    cached = { key, value: Object.freeze(parsed.data) };
  }
  fresh = { version, value: cached.value };
  return cached.value;
}
