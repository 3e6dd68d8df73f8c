/**
 * In-process A/B of two small parts of a learner's test start (decision 021, h57; its two other parts, a
 * hand-written payload encoder and a cache of formatted days, were not kept by the lead), each old and new
 * alternated over rounds, CPU time (user + system) per call:
 *  - a test's seed: `crypto.randomBytes(16)` against `randomText(16, 'hex')` from a block;
 *  - a new test's engine state parsed by zod when the test opens (now skipped: the state is built typed).
 *
 *   node --import tsx bench/learner-answer-parts.ts [--rounds 5]
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { randomText } from '../app/lib/random-block.server';
import { parseEngineState } from '../app/models/positioning.server';

const i = process.argv.indexOf('--rounds');
const ROUNDS = i >= 0 ? Number(process.argv[i + 1]) : 5;

const state = {
  prior: false,
  seed: 'a'.repeat(32),
  excluded: Array.from({ length: 12 }, (_, k) => `rec${k}`),
  since: null,
  locale: 'fr',
  maxReachableLevel: 6,
};

const parts: [string, number, () => unknown, () => unknown][] = [
  [`a test's seed`, 20_000, () => crypto.randomBytes(16).toString('hex'), () => randomText(16, 'hex')],
  [`a new test's state through zod`, 20_000, () => parseEngineState(state), () => state],
];

const cpuUs = (f: () => unknown, n: number): number => {
  const from = process.cpuUsage();
  for (let k = 0; k < n; k++) f();
  const used = process.cpuUsage(from);
  return (used.user + used.system) / n;
};
console.log(`load average ${os.loadavg()[0]!.toFixed(2)}`);
for (const [name, n, before, after] of parts) {
  cpuUs(before, n / 4);
  cpuUs(after, n / 4);
  const rows: string[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const [b, a] = r % 2 ? [0, cpuUs(after, n)] : [cpuUs(before, n), 0];
    const [b2, a2] = r % 2 ? [cpuUs(before, n), a] : [b, cpuUs(after, n)];
    rows.push(`${b2.toFixed(2)} → ${a2.toFixed(2)}`);
  }
  console.log(`${name}: µs of CPU a call, before → after, ${ROUNDS} rounds alternated: ${rows.join(', ')}`);
}
console.log(`load average ${os.loadavg()[0]!.toFixed(2)}`);
