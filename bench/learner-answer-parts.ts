/**
 * In-process A/B of four small parts of a learner's answer, start and results on the direct path
 * (decision 021, h57), each old and new alternated over rounds, CPU time (user + system) per call:
 *  - the single-fetch payload: turbo-stream's own `flatten` (what encodeResultAtOnce ran before) against
 *    encodeResultAtOnce's flatten for plain data, on a next question and on a test's results;
 *  - a day written for the results: Intl's formatter at each call against formatDay's days kept by hour;
 *  - a test's seed: `crypto.randomBytes(16)` against `randomText(16, 'hex')` from a block;
 *  - a new test's engine state parsed by zod when the test opens (now skipped: the state is built typed).
 *
 *   node --import tsx bench/learner-answer-parts.ts [--rounds 5]
 */
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { encodeResultAtOnce } from '../scripts/direct-actions';
import { formatDay } from '../app/i18n/apprenant';
import { randomText } from '../app/lib/random-block.server';
import { parseEngineState } from '../app/models/positioning.server';

const i = process.argv.indexOf('--rounds');
const ROUNDS = i >= 0 ? Number(process.argv[i + 1]) : 5;

const requireHere = createRequire(import.meta.url);
const { flatten } = requireHere(path.join(path.dirname(requireHere.resolve('turbo-stream/package.json')), 'dist', 'flatten.js')) as {
  flatten: (this: object, input: unknown) => number | [number];
};
/** What encodeResultAtOnce did before: turbo-stream's flatten for every value (plugins as the direct path's). */
function encodedBefore(result: unknown): Buffer {
  const plugins = [(v: unknown) => (v instanceof Error ? ['SanitizedError'] : undefined)];
  const state = { deferred: {}, index: 0, indices: new Map(), stringified: [] as string[], plugins, postPlugins: [], signal: undefined };
  const id = flatten.call(state, result);
  return Buffer.from(typeof id === 'number' && id < 0 ? `${id}\n` : `[${state.stringified.join(',')}]\n`, 'utf8');
}

const question = {
  data: {
    step: {
      kind: 'challenge',
      assessmentId: crypto.randomUUID(),
      challengeId: 'rec1a2b3c4d5e6f7',
      position: 3,
      view: {
        type: 'QCM',
        instruction: 'Parmi ces moteurs de recherche, lequel ne conserve pas l’historique de vos recherches ?',
        proposals: ['Google', 'Qwant', 'DuckDuckGo', 'Bing'],
        illustration: null,
        attachments: [],
      },
      timer: null,
      progress: { position: 4, of: 12 },
    },
  },
};
const skills = Array.from({ length: 60 }, (_, k) => ({
  id: `rec${k.toString(36).padStart(14, 'x')}`,
  name: `@rechercheInfo${(k % 8) + 1}`,
  tube: `@rechercheInfo`,
  level: (k % 8) + 1,
  status: k % 3 === 0 ? 'validated' : k % 3 === 1 ? 'invalidated' : 'unknown',
  source: k % 2 ? 'direct' : 'inferred',
  earnedPix: k % 3 === 0 ? 1.5 : 0,
}));
const results = {
  results: {
    data: {
      refusal: null,
      results: {
        competence: { id: 'c11', code: '1.1', title: { fr: 'Mener une recherche et une veille d’information', en: 'Searching and monitoring information' } },
        assessmentId: crypto.randomUUID(),
        level: 3,
        pix: 17.5,
        skills,
        completedAt: new Date(),
        inProgress: null,
      },
      finished: '7 décembre 2026',
      inProgress: false,
      canImprove: false,
      improveFrom: '11 décembre 2026',
    },
  },
  at: '/competences/1.1/resultats',
};
for (const value of [question, results]) {
  if (!encodeResultAtOnce(value)!.equals(encodedBefore(value))) throw new Error('not the same bytes');
}

const paris = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
let ended = 0;
const endedAt = () => new Date(Date.now() - (ended++ % 86_400) * 1000);
const state = {
  prior: false,
  seed: 'a'.repeat(32),
  excluded: Array.from({ length: 12 }, (_, k) => `rec${k}`),
  since: null,
  locale: 'fr',
  maxReachableLevel: 6,
};

const parts: [string, number, () => unknown, () => unknown][] = [
  ['payload of a next question', 20_000, () => encodedBefore(question), () => encodeResultAtOnce(question)],
  [`payload of a test's results`, 5_000, () => encodedBefore(results), () => encodeResultAtOnce(results)],
  // Tests ending at different instants (one a second over the last day), as the server's results are.
  ['a day of the results (×2 a test)', 20_000, () => paris.format(endedAt()), () => formatDay(endedAt(), 'fr')],
  [`a test's seed`, 20_000, () => crypto.randomBytes(16).toString('hex'), () => randomText(16, 'hex')],
  [`a new test's state through zod`, 20_000, () => parseEngineState(state), () => state],
];

const cpuUs = (f: () => unknown, n: number): number => {
  const from = process.cpuUsage();
  for (let k = 0; k < n; k++) f();
  const used = process.cpuUsage(from);
  return (used.user + used.system) / n;
};
console.log(
  `load average ${os.loadavg()[0]!.toFixed(2)}; bytes: question ${encodeResultAtOnce(question)!.length}, results ${encodeResultAtOnce(results)!.length}`,
);
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
