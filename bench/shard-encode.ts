/**
 * The first pass's shard encoding in the sharded runner's parent (decision 021, h67): the 10.5M sparse bank's collapsed
 * matrix cut into 4 shards (the two-process arm of `calibration-workers.ts`), each sliced and encoded into a fresh
 * buffer (as before h67) or into one buffer sized for the largest and reused (`encodeShard(shard, into)`), in a fresh
 * process per arm, alternated (ABBA). Per shard: this thread's CPU and wall, and the minor page faults.
 *
 *   node --import tsx bench/shard-encode.ts [--rounds 4] [--persons 700000]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { collapsePatterns, shardBoundaries, sliceRows } from '../engine/calibration';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';
import { encodeShard, encodedShardBytes } from '../workers/calibration-codec';

const text = (name: string): string | null => (process.argv.includes(`--${name}`) ? (process.argv[process.argv.indexOf(`--${name}`) + 1] ?? null) : null);
const persons = Number(text('persons') ?? 700_000);

/** Minor page faults of this process so far (/proc/self/stat, field 10). */
const minorFaults = () => Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[7]);

if (process.argv.includes('--child')) {
  const reuse = text('child') === 'reuse';
  const sim = simulateCalibrationData(createRandom(20240602), { items: 2000, persons, design: { kind: 'random', perPerson: 15 } });
  const data = collapsePatterns(sim.data).data;
  const bounds = shardBoundaries(data, 4);
  const rows = (k: number) => [bounds[k]!, bounds[k + 1]!] as const;
  const largest = Math.max(
    ...[0, 1, 2, 3].map((k) =>
      encodedShardBytes(rows(k)[1] - rows(k)[0], data.rowStart[rows(k)[1]]! - data.rowStart[rows(k)[0]]!, 2000, data.weights !== null),
    ),
  );
  const out: { cpu: number; wall: number; faults: number }[] = [];
  const t0 = process.cpuUsage();
  const w0 = performance.now();
  const f0 = minorFaults();
  const scratch = reuse ? Buffer.allocUnsafeSlow(largest) : undefined;
  const kept: Buffer[] = [];
  for (let k = 0; k < 4; k++) {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const faults = minorFaults();
    // Kept until the end, as the SET's buffers are until their replies and then the garbage collector's turn.
    kept.push(encodeShard(sliceRows(data, ...rows(k)), scratch));
    const used = process.cpuUsage(cpu);
    out.push({ cpu: (used.user + used.system) / 1000, wall: performance.now() - wall, faults: minorFaults() - faults });
  }
  const all = process.cpuUsage(t0);
  process.stdout.write(
    JSON.stringify({ shards: out, cpu: (all.user + all.system) / 1000, wall: performance.now() - w0, faults: minorFaults() - f0, kept: kept.length }),
  );
  process.exit(0);
}

type Report = { shards: { cpu: number; wall: number; faults: number }[]; cpu: number; wall: number; faults: number };
const child = (arm: 'fresh' | 'reuse') =>
  new Promise<Report>((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', arm, '--persons', String(persons)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Report) : reject(new Error(`child exited ${code}`))));
  });

const rounds = Number(text('rounds') ?? 4);
console.log(`shard-encode: ${persons} persons × 15 answers on 2,000 items, 4 shards, a fresh process per arm`);
for (let r = 0; r < rounds; r++) {
  for (const arm of r % 2 === 0 ? (['fresh', 'reuse'] as const) : (['reuse', 'fresh'] as const)) {
    const load = loadavg()[0]!.toFixed(1);
    const m = await child(arm);
    const f = (x: number) => x.toFixed(1);
    console.log(
      `  ${arm.padEnd(5)} load ${load}: 4 shards ${f(m.cpu)} ms CPU, ${f(m.wall)} ms wall, ${m.faults} minor faults; per shard CPU ${m.shards.map((s) => f(s.cpu)).join(' / ')} ms, wall ${m.shards.map((s) => f(s.wall)).join(' / ')} ms, faults ${m.shards.map((s) => s.faults).join(' / ')}`,
    );
  }
}
