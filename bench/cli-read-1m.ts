/**
 * The read and the pattern collapse of the `calibrate` command on the 1M wide CSV (decision 021, h39), in
 * process: CPU milliseconds of `readResponseCsv` and of `collapsePatterns` on the same file, the first call
 * (cold, what the command pays once) and seven more, for this checkout and, with `--old DIR`, a copy of main
 * (`git archive main | tar -x -C DIR`, node_modules linked), each in its own child process, alternated, with
 * the load average. The file: `bench/cli-1m.ts --csv FILE` writes it when missing.
 * Run: node --import tsx bench/cli-read-1m.ts --csv FILE [--old DIR] [--rounds N]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
};

if (option('child') !== undefined) {
  const dir = option('child') as string;
  const csv = option('csv') as string;
  const { readResponseCsv } = (await import(pathToFileURL(`${dir}/cli/csv.ts`).href)) as typeof import('../cli/csv');
  const { collapsePatterns } = (await import(pathToFileURL(`${dir}/engine/calibration/data.ts`).href)) as typeof import('../engine/calibration/data');
  const cpu = () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  };
  const reads: number[] = [];
  const collapses: number[] = [];
  for (let i = 0; i < 8; i++) {
    let t = cpu();
    const { data } = await readResponseCsv(csv);
    reads.push(cpu() - t);
    t = cpu();
    collapsePatterns(data);
    collapses.push(cpu() - t);
  }
  const show = (values: number[]) => values.map((v) => v.toFixed(0)).join(' ');
  console.log(
    `read ms cold ${show(reads.slice(0, 1))} then ${show(reads.slice(1))} | collapse ms cold ${show(collapses.slice(0, 1))} then ${show(collapses.slice(1))}`,
  );
} else {
  const csv = option('csv');
  if (csv === undefined) throw new Error('--csv FILE is required (bench/cli-1m.ts --csv FILE writes it)');
  const rounds = Number(option('rounds') ?? 2);
  const old = option('old');
  const repo = fileURLToPath(new URL('..', import.meta.url));
  const arms = [{ name: 'new', dir: repo }, ...(old === undefined ? [] : [{ name: 'old', dir: resolve(old) }])];
  for (let round = 1; round <= rounds; round++) {
    for (const arm of arms) {
      const load = loadavg()[0]?.toFixed(1);
      const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', arm.dir, '--csv', resolve(csv)], {
        encoding: 'utf8',
      });
      if (child.status !== 0) throw new Error(`${arm.name}: ${child.stderr}`);
      console.log(`round ${round} ${arm.name} (load ${load}) ${child.stdout.trim()}`);
    }
  }
}
