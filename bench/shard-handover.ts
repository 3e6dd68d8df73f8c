/**
 * One shard handed from a sharded run's parent to a worker (decision 021, h49): through the CalibrationShard
 * table (INSERT, then a COPY in 1 MiB pieces: ~5,000 TOAST chunks of 2 KB written then fetched by index) or
 * through Redis (one SET, one GET), alternated in the same minutes (ABBA). For each, CPU milliseconds of:
 * - the write: this process (the parent) and the server that stores it (its PostgreSQL backend, or Redis);
 * - the read in a FRESH process (a worker's first pass): the read, the decode and the one-thread kernel's
 *   creation, its minor page faults, and the server's CPU serving the read.
 * Servers' CPU from /proc/<pid>/schedstat (ns; the PostgreSQL backend of the connection, Redis's main thread:
 * Redis serves the machine's other users too, so its figure is an upper bound).
 *
 *   node --import tsx bench/shard-handover.ts [--persons 175000] [--items 2000] [--rounds 4]
 *
 * The table's code is the same as before h49 (writeRunShard, readRunShard): its column is the old handover.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { collapsePatterns, createExpectationKernel } from '../engine/calibration';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';
import { createPrisma, poolOf } from '../prisma/client';
import { readRunShard, writeRunShard } from '../app/models/calibration-run.server';
import { redisConnection } from '../app/lib/queues.server';
import { createTestDatabase } from '../scripts/testdb';
import { decodeShard, encodeShard } from '../workers/calibration-codec';

const text = (name: string): string | null => (process.argv.includes(`--${name}`) ? (process.argv[process.argv.indexOf(`--${name}`) + 1] ?? null) : null);
const option = (name: string, fallback: number) => Number(text(name) ?? fallback);

/** CPU ms of a task so far (its main thread: schedstat's run time). */
function taskCpuMs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

function redisServerPid(): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() === 'redis-server') return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return -1;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface ReadReport {
  read: number;
  decodeAndKernel: number;
  faults: number;
  server: number;
  bytes: number;
}

// ── The fresh reader ────────────────────────────────────────────────────────────────────────
const child = text('child');
if (child === 'table' || child === 'redis') {
  const runId = text('run') as string;
  let server: () => number;
  let read: () => Promise<Uint8Array>;
  let end: () => Promise<unknown>;
  if (child === 'table') {
    const db = createPrisma(text('database') as string);
    const pool = poolOf(db)!;
    // The connection first (a worker's pool is open before its first pass); then the read, on the same backend.
    const backend = Number((await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    server = () => taskCpuMs(backend);
    read = async () => (await readRunShard(db, runId, 0))!.data;
    end = () => db.$disconnect();
  } else {
    const redis = new Redis(redisConnection() as never);
    await redis.ping();
    const pid = redisServerPid();
    server = () => taskCpuMs(pid);
    read = async () => (await redis.getBuffer(text('key') as string))!;
    end = async () => redis.disconnect();
  }
  const faults0 = process.resourceUsage().minorPageFault;
  const server0 = server();
  const t0 = cpuMs();
  const bytes = await read();
  const t1 = cpuMs();
  const serverMs = server() - server0;
  const kernel = createExpectationKernel(decodeShard(bytes));
  const t2 = cpuMs();
  const report: ReadReport = {
    read: t1 - t0,
    decodeAndKernel: t2 - t1,
    faults: process.resourceUsage().minorPageFault - faults0,
    server: serverMs,
    bytes: bytes.byteLength,
  };
  void kernel.givesPosteriors;
  await end();
  process.stdout.write(JSON.stringify(report));
  process.exit(0);
}

// ── The parent ──────────────────────────────────────────────────────────────────────────────
const persons = option('persons', 175_000);
const items = option('items', 2000);
const rounds = option('rounds', 4);
const sim = simulateCalibrationData(createRandom(20240602), { items, persons, design: { kind: 'random', perPerson: 15 } });
const data = collapsePatterns(sim.data).data;
const database = await createTestDatabase();
const db = createPrisma(database.url);
const pool = poolOf(db)!;
const backend = Number((await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
const redis = new Redis(redisConnection() as never);
await redis.ping();
const redisPid = redisServerPid();
const run = await db.calibrationRun.create({ data: { model: '2pl', settings: { bench: true }, status: 'RUNNING' } });
const key = `bench-handover:${randomUUID()}`;
const bytes = encodeShard(data);
console.log(
  `shard-handover: one shard of ${data.items.length} stored answers, ${data.rowStart.length - 1} patterns, ${(bytes.byteLength / 1e6).toFixed(1)} MB; database ${database.name} (dropped at the end)`,
);

function readFresh(store: 'table' | 'redis'): Promise<ReadReport> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', store, '--run', run.id, '--database', database.url, '--key', key];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ReadReport) : reject(new Error(`reader exited ${code}`))));
  });
}

async function handOver(store: 'table' | 'redis') {
  const serverMs = store === 'table' ? () => taskCpuMs(backend) : () => taskCpuMs(redisPid);
  const s0 = serverMs();
  const t0 = cpuMs();
  if (store === 'table') await writeRunShard(db, run.id, 'bench', 0, { rows: data.rowStart.length - 1, answers: data.items.length, data: bytes });
  else await redis.set(key, bytes, 'EX', 900);
  const write = { parent: cpuMs() - t0, server: serverMs() - s0 };
  const load = loadavg()[0]!.toFixed(1);
  const read = await readFresh(store);
  if (read.bytes !== bytes.byteLength) throw new Error('read back another size');
  if (store === 'table') await db.calibrationShard.deleteMany({ where: { runId: run.id } });
  else await redis.del(key);
  const f = (x: number) => x.toFixed(0).padStart(4);
  console.log(
    `  ${store.padEnd(5)} load ${load}: write parent ${f(write.parent)} + server ${f(write.server)} ms | fresh read ${f(read.read)} + decode & kernel ${f(read.decodeAndKernel)} ms, ${read.faults} faults, server ${f(read.server)} ms | total ${f(write.parent + write.server + read.read + read.decodeAndKernel + read.server)} ms`,
  );
}

try {
  for (let r = 0; r < rounds; r++) {
    const order: ('table' | 'redis')[] = r % 2 === 0 ? ['table', 'redis'] : ['redis', 'table'];
    for (const store of order) await handOver(store);
  }
} finally {
  await redis.del(key);
  redis.disconnect();
  await db.$disconnect();
  await database.drop();
}
