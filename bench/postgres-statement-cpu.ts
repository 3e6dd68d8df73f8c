/**
 * PostgreSQL's CPU per learner request, one request at a time: starts the web server in this process on a
 * fresh seeded database (the build must exist: `npx remix build`), learners sign up and take competence
 * tests over HTTP as the page does with JavaScript (a start that brings its first question, answers that
 * bring the next, the last one bringing the results), and the CPU time of the database backends that
 * served each request is read from /proc/<pid>/schedstat (nanoseconds on the CPU) before and after it.
 * Prints, per kind of request, the backends' CPU in µs (mean, and per 1,000 statements), the statements
 * sent, and PostgreSQL's CPU per answer with the starts that come with the answers.
 *
 *   node --import tsx bench/postgres-statement-cpu.ts [--learners 16] [--rounds 2] [--explain]
 *
 * The first round warms the server (banks loaded, a start seen) and is not counted. The PostgreSQL server
 * must run on this machine (the backends' pids are read from /proc). --explain loads auto_explain in each
 * connection of the server's pool (a session's own setting, nothing of the server's) and prints the plans
 * PostgreSQL ran for one request of each kind, with their timings and buffers.
 */
import fs from 'node:fs';
import pg from 'pg';
import { decode } from 'turbo-stream';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const LEARNERS = Number(option('learners', '16'));
const ROUNDS = Number(option('rounds', '2'));
const EXPLAIN = process.argv.includes('--explain');
const CODES = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '2.4', '3.1', '3.2', '3.3', '3.4', '4.1', '4.2', '4.3', '5.1', '5.2'];

// Every statement the server's pg clients send, and which backends they went to.
let statements = 0;
const shapes = new Map<string, number>();
const backends = new Set<number>();
const notices: string[] = [];
const prepared = new WeakSet<object>();
const clients = new Set<pg.Client>();
type Query = (...args: unknown[]) => unknown;
const original = pg.Client.prototype.query as Query;
(pg.Client.prototype as unknown as { query: Query }).query = function (this: pg.Client & { processID: number | null }, ...args: unknown[]) {
  const config = args[0] as string | { text?: string };
  const text = typeof config === 'string' ? config : (config?.text ?? '?');
  statements++;
  const shape = text.replace(/\s+/g, ' ').trim().slice(0, 60);
  shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
  if (this.processID !== null) backends.add(this.processID);
  clients.add(this);
  if (EXPLAIN && !prepared.has(this)) {
    prepared.add(this);
    this.on('notice', (n: { message?: string }) => notices.push(n.message ?? ''));
    for (const set of [
      "LOAD 'auto_explain'",
      'SET auto_explain.log_min_duration = 0',
      'SET auto_explain.log_analyze = on',
      'SET auto_explain.log_buffers = on',
      'SET auto_explain.log_verbose = on',
      'SET auto_explain.log_triggers = on',
      'SET auto_explain.log_nested_statements = on',
      'SET auto_explain.log_level = notice',
    ])
      void original.call(this, set);
  }
  return original.apply(this, args);
};

/** Nanoseconds on the CPU of the backends seen so far (a backend that ended is left out). */
function backendNs(): number {
  let sum = 0;
  for (const pid of backends) {
    try {
      sum += Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      backends.delete(pid);
    }
  }
  return sum;
}

const { seededTestDatabase } = await import('./seeded-database');
const database = await seededTestDatabase();
statements = 0;
shapes.clear();
backends.clear();
process.env.DATABASE_URL = database.url;
process.env.NODE_ENV = 'production';
const { startWebServer } = await import('../scripts/server');
const web = await startWebServer({ port: 0, host: '127.0.0.1' });
const base = web.url.replace('localhost', '127.0.0.1');

interface Kind {
  n: number;
  ns: number;
  statements: number;
  /** Requests during which a new connection was opened (not counted). */
  unmeasured: number;
}
const kinds = new Map<string, Kind>();
let counting = false;
let explained = new Set<string>();

interface Measured {
  response: Response;
  ns: number;
  statements: number;
  plans: string[];
}

/** A request, with the CPU of the backends and the statements it took. */
async function request(cookie: { value: string }, method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<Measured> {
  const s0 = statements;
  notices.length = 0;
  const before = backendNs();
  const known = backends.size;
  const response = await fetch(`${base}${url}`, {
    method,
    redirect: 'manual',
    headers: { ...(cookie.value ? { Cookie: cookie.value } : {}), ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form) : undefined,
  });
  await response.clone().arrayBuffer();
  const after = backendNs();
  const m = /__session=([^;]*)/.exec(response.headers.get('set-cookie') ?? '');
  if (m) cookie.value = `__session=${m[1]}`;
  // A connection opened by this request: its backend's CPU before it was seen is unknown, so not counted.
  return { response, ns: backends.size === known ? after - before : NaN, statements: statements - s0, plans: [...notices] };
}

function tally(what: string, measured: Measured): void {
  if (!counting) return;
  const k = kinds.get(what) ?? { n: 0, ns: 0, statements: 0, unmeasured: 0 };
  if (Number.isNaN(measured.ns)) k.unmeasured++;
  else {
    k.n++;
    k.ns += measured.ns;
    k.statements += measured.statements;
  }
  kinds.set(what, k);
  if (EXPLAIN && !explained.has(what)) {
    explained.add(what);
    console.log(`\n===== ${what} =====\n${measured.plans.join('\n\n')}`);
  }
}

type Step = { kind: string; assessmentId: string; challengeId: string; view: { answer: { type: string; proposals?: string[]; fields?: { name: string }[] } } };

function answerForm(step: Step, csrf: string, n: number): Record<string, string> {
  const form: Record<string, string> = { csrf, intent: 'answer', assessmentId: step.assessmentId, challengeId: step.challengeId, avecResultats: '1' };
  const answer = step.view.answer;
  if (n % 10 === 9) return { ...form, skipped: '1' };
  if (answer.proposals?.length) {
    if (answer.type === 'QCM') form.choices = String(n % answer.proposals.length);
    else form.choice = String(n % answer.proposals.length);
  }
  if (answer.type === 'QROC') form.value = n % 2 ? 'réponse' : 'mot de passe';
  for (const f of answer.fields ?? []) form[`field.${f.name}`] = n % 2 ? 'réponse' : 'mot de passe';
  return form;
}

let answers = 0;
for (let round = 0; round < ROUNDS; round++) {
  counting = round > 0;
  if (counting) explained = new Set();
  for (let l = 0; l < (round === 0 ? 2 : LEARNERS); l++) {
    const cookie = { value: '' };
    tally(
      'sign-up',
      await request(cookie, 'POST', '/inscription', {
        firstName: 'Compte',
        lastName: 'Statements',
        email: `pg-cpu-${Date.now()}-${round}-${l}@exemple.fr`,
        password: 'Charge-2026',
        consent: 'on',
      }),
    );
    const profile = await request(cookie, 'GET', '/profil');
    tally('GET /profil', profile);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await profile.response.text())?.[1] ?? '';
    for (const code of round === 0 ? CODES.slice(0, 2) : CODES) {
      const url = `/competences/${code}/evaluation.data`;
      const start = await request(cookie, 'POST', url, { csrf, intent: 'start' });
      tally('start', start);
      const started = await decode(start.response.body!);
      await started.done;
      let step = (started.value as { data?: { step?: Step } }).data?.step;
      for (let n = 0; step && step.kind === 'challenge' && n < 40; n++) {
        const answer = await request(cookie, 'POST', url, answerForm(step, csrf, n));
        const d = await decode(answer.response.body!);
        await d.done;
        const data = (d.value as { data?: { step?: Step; results?: unknown } }).data;
        tally(data?.results !== undefined ? 'answer (last: brings the results)' : 'answer', answer);
        if (counting && !Number.isNaN(answer.ns)) answers++;
        step = data?.step;
      }
    }
  }
}
const table = [...kinds].map(([what, k]) => ({
  what,
  requests: k.n,
  statementsPerRequest: Number((k.statements / Math.max(1, k.n)).toFixed(2)),
  backendUsPerRequest: Number((k.ns / 1000 / Math.max(1, k.n)).toFixed(1)),
  backendUsPer1000Statements: Number((k.ns / Math.max(1, k.statements)).toFixed(0)),
  unmeasured: k.unmeasured,
}));
console.table(table);
const learnerKinds = ['start', 'answer', 'answer (last: brings the results)'];
const ns = learnerKinds.reduce((s, w) => s + (kinds.get(w)?.ns ?? 0), 0);
const st = learnerKinds.reduce((s, w) => s + (kinds.get(w)?.statements ?? 0), 0);
console.log(
  JSON.stringify({
    answers,
    postgresUsPerAnswerIncludingStarts: Number((ns / 1000 / answers).toFixed(1)),
    statementsPerAnswerIncludingStarts: Number((st / answers).toFixed(3)),
    backendUsPer1000Statements: Number(((ns / 1000 / st) * 1000).toFixed(0)),
    loadavg: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
  }),
);
if (process.argv.includes('--shapes')) for (const [s, n] of [...shapes].sort((a, b) => b[1] - a[1])) console.log(n, s);
// What PostgreSQL holds prepared on the server's connections (named statements: decision 021, h44).
const held = new Map<string, { connections: number; generic: number; custom: number }>();
for (const client of clients) {
  try {
    const { rows } = (await original.call(
      client,
      "SELECT left(regexp_replace(statement, '\\s+', ' ', 'g'), 70) AS statement, generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements",
    )) as { rows: { statement: string; generic: number; custom: number }[] };
    for (const r of rows) {
      const h = held.get(r.statement) ?? { connections: 0, generic: 0, custom: 0 };
      h.connections++;
      h.generic += r.generic;
      h.custom += r.custom;
      held.set(r.statement, h);
    }
  } catch {
    // ended
  }
}
if (held.size > 0) console.table([...held].map(([statement, h]) => ({ statement, ...h })));
await web.close();
await database.drop();
process.exit(0);
