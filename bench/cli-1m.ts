/**
 * The whole `calibrate` command on 1M answers, as a user runs it (issue 20: ≤ 1.0 s on this machine).
 * The bank of bench/calibration-1m.ts (100 items × 10,000 persons, complete, seed 20240601) is written as a
 * wide CSV (`person,item001,…`; 2 MB), then each arm runs the command in a child process, arms alternated
 * round by round, with the load average beside each run:
 *   new npm   `npm run --silent cli -- calibrate FILE` (this checkout: `node cli/launch.mjs`, the cached bundle)
 *   new node  `node cli/launch.mjs calibrate FILE`
 *   new tsx   `node --import tsx cli/main.ts calibrate FILE` (what the tests run)
 *   and with `--old DIR` (a copy of main, e.g. `git archive main | tar -x -C DIR`, node_modules linked):
 *   old npm   `npm run --silent cli -- calibrate FILE` in DIR, old node `node cli/launch.mjs …` in DIR,
 *   old tsx   `node --import tsx DIR/cli/main.ts …`.
 * Wall times are measured around the child process, CPU time (user + system, the child and its threads) by
 * /usr/bin/time where it exists; every arm prints its phases (`--phases on`, which main has had since h33:
 * start = Node and modules loaded, read, calibration, diagnostics, write until exit). Every document is
 * compared with the first new one: max relative difference over its numbers (`seconds` excepted).
 * Run: node --import tsx bench/cli-1m.ts [--old DIR] [--rounds N] [--csv FILE (written there if missing)]
 *   [--arms npm,node,tsx,workers,floor (the kinds of arm to run, default all; e.g. `--arms node,workers,floor` for more
 *   rounds in the same minutes; workers = `node cli/launch.mjs … --inline off`)]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
};
const rounds = Number(option('rounds') ?? 3);
const old = option('old') === undefined ? undefined : resolve(option('old') as string);
const repo = fileURLToPath(new URL('..', import.meta.url));

const folder = mkdtempSync(join(tmpdir(), 'cli-1m-'));
// --csv FILE: that file, written first (and kept) when it does not exist yet (bench/cli-read-1m.ts reads it).
let csv = option('csv');
if (csv === undefined || !existsSync(csv)) {
  csv ??= join(folder, '1m-wide.csv');
  const { data } = simulateCalibrationData(createRandom(20240601), { items: 100, persons: 10_000 });
  const lines = [['person', ...data.itemIds].join(',')];
  const cells: string[] = new Array<string>(data.itemIds.length);
  for (let r = 0; r + 1 < data.rowStart.length; r++) {
    cells.fill('');
    for (let j = data.rowStart[r] as number; j < (data.rowStart[r + 1] as number); j++) cells[data.items[j] as number] = String(data.scores[j]);
    lines.push(`p${r + 1},${cells.join(',')}`);
  }
  writeFileSync(csv, `${lines.join('\n')}\n`);
}

interface Arm {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly phases: boolean;
  /** No document: `node -e 0`, the floor of any command's start, in the same minutes. */
  readonly floor?: boolean;
}
const allArms: Arm[] = [
  { name: 'new npm', command: 'npm', args: ['run', '--silent', 'cli', '--', 'calibrate', csv, '--phases', 'on'], cwd: repo, phases: true },
  { name: 'new node', command: process.execPath, args: ['cli/launch.mjs', 'calibrate', csv, '--phases', 'on'], cwd: repo, phases: true },
  { name: 'new tsx', command: process.execPath, args: ['--import', 'tsx', 'cli/main.ts', 'calibrate', csv, '--phases', 'on'], cwd: repo, phases: true },
  // `--inline off`: every shard on worker threads, as before h40 (the default computes one on the command's thread); ratio to old node.
  { name: 'new workers', command: process.execPath, args: ['cli/launch.mjs', 'calibrate', csv, '--phases', 'on', '--inline', 'off'], cwd: repo, phases: true },
  { name: 'node -e 0', command: process.execPath, args: ['-e', '0'], cwd: repo, phases: false, floor: true },
  ...(old === undefined
    ? []
    : [
        { name: 'old npm', command: 'npm', args: ['run', '--silent', 'cli', '--', 'calibrate', csv, '--phases', 'on'], cwd: old, phases: true },
        { name: 'old node', command: process.execPath, args: ['cli/launch.mjs', 'calibrate', csv, '--phases', 'on'], cwd: old, phases: true },
        { name: 'old tsx', command: process.execPath, args: ['--import', 'tsx', 'cli/main.ts', 'calibrate', csv, '--phases', 'on'], cwd: old, phases: true },
      ]),
];

// --arms: the kinds kept (npm, node, tsx; floor = `node -e 0`).
const kinds = new Set((option('arms') ?? 'npm,node,tsx,workers,floor').split(','));
const knownKinds = ['npm', 'node', 'tsx', 'workers', 'floor'];
const unknownKinds = [...kinds].filter((kind) => !knownKinds.includes(kind));
if (unknownKinds.length > 0) {
  console.error(`cli-1m: unknown --arms ${unknownKinds.join(', ')} (kinds: ${knownKinds.join(', ')})`);
  process.exit(2);
}
const arms = allArms.filter((arm) => kinds.has(arm.floor === true ? 'floor' : (arm.name.split(' ')[1] as string)));

/** Numbers of two documents: max relative difference, `seconds` excepted; Infinity when their shapes differ. */
function maxRelative(a: unknown, b: unknown, key = ''): number {
  if (key === 'seconds') return 0;
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
  if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object') return a === b ? 0 : Infinity;
  const keys = Object.keys(a);
  if (keys.join() !== Object.keys(b).join()) return Infinity;
  return Math.max(0, ...keys.map((k) => maxRelative((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], k)));
}

const load = () => loadavg()[0]?.toFixed(1) ?? '?';
const seconds = (ms: number | undefined) => (ms === undefined ? '?' : (ms / 1000).toFixed(2));
const walls = new Map<string, number[]>(arms.map((arm) => [arm.name, []]));
const cpus = new Map<string, number[]>(arms.map((arm) => [arm.name, []]));
// CPU seconds (user + system) of the child and everything it waited for, from /usr/bin/time, where it exists.
const timeCommand = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const cpuFile = join(folder, 'cpu.txt');
let reference: unknown;
console.log(`cli-1m: ${csv}, ${rounds} round(s), arms ${arms.map((arm) => arm.name).join(' / ')}`);
// Untimed warm-up of each arm: builds the cached bundles (CLI and calibration worker) if the sources changed.
for (const arm of arms.filter((a) => a.floor !== true))
  spawnSync(arm.command, [...arm.args.slice(0, arm.args.indexOf('calibrate')), 'help'], { cwd: arm.cwd, stdio: 'ignore' });
for (let round = 0; round < rounds; round++) {
  // Rotate the order so that no arm always runs first in a round.
  const order = arms.map((_, k) => arms[(k + round) % arms.length] as Arm);
  for (const arm of order) {
    const before = load();
    const t = performance.now();
    const spawnedAt = performance.timeOrigin + t;
    const child =
      timeCommand === null
        ? spawnSync(arm.command, arm.args, { cwd: arm.cwd, encoding: 'utf8', maxBuffer: 1 << 26 })
        : spawnSync(timeCommand, ['-f', '%U %S', '-o', cpuFile, arm.command, ...arm.args], { cwd: arm.cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
    const wall = performance.now() - t;
    if (child.status !== 0) throw new Error(`${arm.name}: status ${child.status}\n${child.stderr}`);
    const document = arm.floor === true ? null : (JSON.parse(child.stdout) as unknown);
    if (arm.floor !== true) reference ??= document;
    walls.get(arm.name)?.push(wall / 1000);
    const cpu =
      timeCommand === null
        ? NaN
        : readFileSync(cpuFile, 'utf8')
            .trim()
            .split(/\s+/)
            .slice(-2)
            .map(Number)
            .reduce((x, y) => x + y, 0);
    cpus.get(arm.name)?.push(cpu);
    const line = /^phases (.*)$/m.exec(child.stderr);
    let phaseText = '';
    if (line !== null) {
      const p = JSON.parse(line[1] as string) as { origin: number; start: number; read: number; calibration: number; diagnostics: number; written: number };
      // The child's marks are relative to its own start: on the bench's clock, from the spawn.
      const start = p.origin + p.start - spawnedAt;
      phaseText =
        ` | start ${seconds(start)} read ${seconds(p.read - p.start)} calibration ${seconds(p.calibration - p.read)}` +
        ` diagnostics ${seconds(p.diagnostics - p.calibration)} write+exit ${seconds(wall - (start + p.diagnostics - p.start))}` +
        (arm.command === 'npm' ? ' (start: npm and node)' : '');
    }
    console.log(
      `round ${round + 1} ${arm.name.padEnd(8)} wall ${(wall / 1000).toFixed(2)} s, CPU ${cpu.toFixed(2)} s (load ${before}/${load()})${phaseText}${arm.floor === true ? '' : `; vs first document ${maxRelative(reference, document).toExponential(1)}`}`,
    );
  }
}
const oldOf = (name: string) => (name === 'new workers' ? 'old node' : name.replace('new', 'old'));
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;
for (const [name, values] of walls) {
  const ratio =
    old === undefined || !name.startsWith('new')
      ? ''
      : `, ${(median(values) / median(walls.get(oldOf(name)) ?? [NaN])).toFixed(2)} of old (wall), CPU ${(median(cpus.get(name) ?? []) / median(cpus.get(oldOf(name)) ?? [])).toFixed(2)} of old`;
  const cpu = cpus.get(name) ?? [];
  console.log(
    `${name.padEnd(8)} median wall ${median(values).toFixed(2)} s (${values.map((v) => v.toFixed(2)).join(', ')}), CPU ${median(cpu).toFixed(2)} s (${cpu.map((v) => v.toFixed(2)).join(', ')})${ratio}`,
  );
}
const targetArm = walls.has('new npm') ? 'new npm' : 'new node';
const best = Math.min(...(walls.get(targetArm) ?? [Infinity]));
console.log(
  `target (issue 20): the whole command ≤ 1.0 s: ${best <= 1 ? 'met in one run at least' : 'NOT met'} (best ${targetArm} ${best.toFixed(2)} s, load ${load()})`,
);
if (option('csv') === undefined) rmSync(folder, { recursive: true, force: true });
