/**
 * Server CPU per kind of learner request, measured one request at a time: starts the web server in a
 * child process (bench/learner-load-server.ts with BENCH_REQUEST_CPU_FILE) on a fresh seeded database;
 * learners sign up and take every competence test over HTTP as the page does with JavaScript (.data
 * requests), one request after the other, then the sign-in page (the load bench's reference) is asked
 * as many times. Prints, per kind, the server's CPU time (user + system) from the request's arrival to
 * its response's end — median and mean, in µs — and the CPU per answer with the starts and results
 * that come with the answers (what bench/learner-load.ts reports under load).
 *
 *   node --import tsx bench/learner-request-cpu.ts [--learners 4] [--no-build] [--no-reference]
 *   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" …   (a CPU profile of the server)
 *
 * A quiet figure: no other request shares the process while one is measured (under load the process also
 * pays for garbage collection and batching differently). --no-build reuses build/index.js.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { decode } from 'turbo-stream';
import { projectRoot } from '../scripts/database';
import { WEB_SERVER_NODE_OPTIONS } from '../scripts/server-node-options';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const LEARNERS = Number(option('learners', '4'));
const CODES = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '2.4', '3.1', '3.2', '3.3', '3.4', '4.1', '4.2', '4.3', '5.1', '5.2'];
const RUN = Date.now().toString(36);

const { seededTestDatabase } = await import('./seeded-database');
const database = await seededTestDatabase();
if (!process.argv.includes('--no-build')) {
  const build = spawnSync(process.execPath, [path.join(projectRoot, 'node_modules', '@remix-run', 'dev', 'dist', 'cli.js'), 'build'], {
    cwd: projectRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', VITE_CJS_IGNORE_WARNING: 'true' },
  });
  if (build.status !== 0) throw new Error('build failed');
}
const dataDir = path.join(projectRoot, '.cache', `bench-cpu-${RUN}`);
const cpuFile = path.join(os.tmpdir(), `learner-request-cpu-${RUN}.json`);
// The web server's own Node options (as `npm start` gives them), then BENCH_SERVER_NODE_ARGS, whose last word wins.
const serverNodeArgs = [...WEB_SERVER_NODE_OPTIONS, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)];
const child = spawn(process.execPath, [...serverNodeArgs, '--import', 'tsx', path.join(projectRoot, 'bench', 'learner-load-server.ts')], {
  cwd: projectRoot,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: database.url, WORKBENCH_DATA_DIR: dataDir, WEB_PROCESSES: '1', BENCH_REQUEST_CPU_FILE: cpuFile },
});
const base = await new Promise<string>((resolve, reject) => {
  readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
  child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
});

let cookie = '';
const counts: Record<string, number> = {};
/** Bytes of each response's body (decoded). */
const sizes: Record<string, number[]> = {};
async function request(kind: string, method: 'GET' | 'POST', url: string, form?: Record<string, string | string[]>): Promise<globalThis.Response> {
  const body = form ? new URLSearchParams() : undefined;
  if (form && body) for (const [k, v] of Object.entries(form)) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
  const response = await fetch(`${base}${url}`, {
    method,
    redirect: 'manual',
    headers: { 'x-bench-kind': kind, ...(cookie ? { Cookie: cookie } : {}), ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
    body,
  });
  const m = /__session=([^;]*)/.exec(response.headers.get('set-cookie') ?? '');
  if (m) cookie = `__session=${m[1]}`;
  if (response.status >= 400) throw new Error(`${method} ${url}: ${response.status}`);
  counts[kind] = (counts[kind] ?? 0) + 1;
  (sizes[kind] ??= []).push((await response.clone().arrayBuffer()).byteLength);
  return response;
}

type Step = { kind: string; assessmentId: string; challengeId: string; view: { answer: { type: string; proposals?: string[]; fields?: { name: string }[] } } };

function answerForm(step: Step, csrf: string, n: number): Record<string, string | string[]> {
  // avecResultats: as the page with JavaScript, the test's last answer may bring its results (a server from before ignores it).
  const form: Record<string, string | string[]> = {
    csrf,
    intent: 'answer',
    assessmentId: step.assessmentId,
    challengeId: step.challengeId,
    avecResultats: '1',
  };
  if (n % 10 === 3) return { ...form, skipped: '1' };
  const answer = step.view.answer;
  if (answer.proposals?.length) {
    const pick = String(n % answer.proposals.length);
    if (answer.type === 'QCM') form.choices = [pick];
    else form.choice = pick;
  }
  if (answer.type === 'QROC') form.value = n % 2 ? 'réponse' : 'mot de passe';
  for (const f of answer.fields ?? []) form[`field.${f.name}`] = 'réponse';
  return form;
}

let answers = 0;
for (let learner = 0; learner < LEARNERS; learner++) {
  cookie = '';
  const signed = await request('sign-up', 'POST', '/inscription', {
    firstName: 'Mesure',
    lastName: `N${learner}`,
    email: `cpu-${RUN}-${learner}@exemple.fr`,
    password: 'Charge-2026',
    consent: 'on',
  });
  await signed.arrayBuffer();
  const profile = await (await request('GET /profil', 'GET', '/profil')).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(profile)?.[1] ?? '';
  for (const code of CODES) {
    const url = `/competences/${code}/evaluation`;
    // The start brings the first question (the test page's loaders are asked only when it does not).
    const started = await decode((await request('POST start (.data)', 'POST', `${url}.data`, { csrf, intent: 'start' })).body!);
    await started.done;
    let step = (started.value as { data?: { step?: Step } }).data?.step;
    if (!step) {
      const first = await decode((await request('GET test (.data)', 'GET', `${url}.data`)).body!);
      await first.done;
      step = Object.values(first.value as Record<string, { data?: { step?: Step } }>).find((v) => v?.data?.step)?.data?.step;
    }
    let brought = false;
    while (step && step.kind === 'challenge') {
      const d = await decode((await request('POST answer (.data)', 'POST', `${url}.data`, answerForm(step, csrf, answers++))).body!);
      await d.done;
      const v = d.value as { redirect?: string; data?: { step?: Step; results?: unknown } };
      step = v.data?.step;
      brought = v.data?.results !== undefined;
      if (!step && !v.redirect && !brought) throw new Error(`answer: neither a question, the results nor a redirect (${JSON.stringify(v).slice(0, 200)})`);
    }
    // The results page opens with what the last answer brought; otherwise it asks the server.
    if (!brought) await (await request('GET results (.data)', 'GET', `/competences/${code}/resultats.data`)).arrayBuffer();
  }
}
cookie = ''; // the sign-in page as a visitor sees it
// --no-reference: only the learner's requests (for a profile of those alone).
const references = process.argv.includes('--no-reference') ? 0 : answers;
for (let k = 0; k < references; k++) await (await request('GET /connexion (reference)', 'GET', '/connexion')).arrayBuffer();

const exited = new Promise((resolve) => child.once('exit', resolve));
child.kill('SIGTERM');
await exited;
const kinds = JSON.parse(fs.readFileSync(cpuFile, 'utf8')) as Record<string, number[]>;
fs.rmSync(cpuFile, { force: true });
fs.rmSync(dataDir, { recursive: true, force: true });
await database.drop();

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
// The first learner warms the caches and the JIT: measured from the second quarter of each kind on.
const rows = Object.entries(kinds).map(([kind, all]) => {
  const v = all.slice(Math.floor(all.length / 4));
  return {
    kind,
    requests: all.length,
    medianUs: Math.round(median(v)),
    meanUs: Math.round(v.reduce((a, b) => a + b, 0) / Math.max(1, v.length)),
    bodyBytesMedian: median(sizes[kind] ?? []),
    bodyBytesMax: Math.max(...(sizes[kind] ?? [0])),
  };
});
console.table(rows);
const mean = (kind: string) => rows.find((r) => r.kind === kind)?.meanUs ?? 0;
const tests = counts['POST start (.data)'] ?? 0;
// Each kind of request that comes with the answers, by how many there were per answer (a test's start, its
// first question's page if the start did not bring it, its results page if the last answer did not bring them).
const perAnswer =
  mean('POST answer (.data)') +
  ['POST start (.data)', 'GET test (.data)', 'GET results (.data)'].reduce((sum, kind) => sum + ((counts[kind] ?? 0) / Math.max(1, answers)) * mean(kind), 0);
console.log(
  JSON.stringify(
    {
      learners: LEARNERS,
      tests,
      answers,
      answersPerTest: Number((answers / Math.max(1, tests)).toFixed(2)),
      resultsRequests: counts['GET results (.data)'] ?? 0,
      serverCpuPerAnswerIncludingStartsAndResultsMs: Number((perAnswer / 1000).toFixed(3)),
      loadAverage1m: Number((os.loadavg()[0] as number).toFixed(2)),
    },
    null,
    2,
  ),
);
process.exit(0);
