/**
 * Learner load: N simulated learners (default 200) take competence tests over HTTP at the same time for
 * a fixed window (default 60 s): they sign up, start competences and answer, each with a think time
 * between answers. Prints answers per second, the latency from sending an answer to having the next
 * challenge (or the results page) — p50, p95, p99 —, errors, and whether the answers stored equal the
 * answers the server acknowledged. Reference measured in the same run: the sign-in page (no database).
 *
 *   node --import tsx bench/learner-load.ts [--learners 200] [--seconds 60] [--think 1000-3000]
 *                                           [--mode html|data] [--base-url URL]
 *
 * Without --base-url (or BASE_URL) it makes a fresh database (like `npm test`), seeds it like a fresh
 * `npm start`, builds the app and starts the web server in a child process. With one, it uses that
 * server, and checks the stored answers only if DATABASE_URL points at the server's database.
 *
 * --mode data (default): each answer is a POST to the route's .data endpoint, which answers with the
 * next question, as the page does with JavaScript (one request per answer; the last one is followed by
 * the results' loaders). --mode html: a form POST answered with the next question's HTML page, as a
 * browser without JavaScript gets it.
 *
 * WEB_PROCESSES=N runs N web processes (node:cluster) behind the one port; the server CPU per answer is
 * then the sum over all of them (and the cluster's primary), for every request of the measured window
 * (answers, starts, first questions, results, the reference page), divided by the answers.
 *
 * Figures from a shared machine say as much about the other jobs as about the code: the load generator
 * runs on the same cores as the server and PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import pg from 'pg';
import { decode } from 'turbo-stream';
import { projectRoot } from '../scripts/database';
import { WEB_SERVER_NODE_OPTIONS } from '../scripts/server-node-options';

// ---------------------------------------------------------------------------------------------
// Options

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const LEARNERS = Number(option('learners', '200'));
const SECONDS = Number(option('seconds', '60'));
const [THINK_MIN, THINK_MAX] = option('think', '1000-3000').split('-').map(Number) as [number, number];
const MODE = option('mode', 'data') as 'html' | 'data';
const GIVEN_URL = option('base-url', process.env.BASE_URL ?? '');
/**
 * Seconds the learners run before the measured window (default 0: the window opens with their first
 * request). A server that has run for a while has compiled its hot paths: right after its start, V8's
 * optimising compiler took 16–20 % of the web process's CPU in the window's first 15 s and 7 % after 25 s
 * (perf, 200 learners; decision 021, h42), so a window that opens cold counts the compilation too.
 */
const WARMUP = Number(option('warmup', '0'));
/**
 * `--delays off`: the web processes do not measure what delays their requests (event loop every 2 ms, pg
 * pool waits, GC pauses), so that the CPU per answer is measured without that instrumentation, as before h42.
 */
const DELAYS = option('delays', 'on') !== 'off';
const COMPETENCES = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '2.4', '3.1', '3.2', '3.3', '3.4', '4.1', '4.2', '4.3', '5.1', '5.2'];
const RUN = Date.now().toString(36);
const WEB_PROCESSES = Math.max(1, Number(process.env.WEB_PROCESSES ?? 1));

// ---------------------------------------------------------------------------------------------
// A server on a fresh database, unless one is given

interface Target {
  url: string;
  databaseUrl: string | null;
  /** The server's process id when the bench started it (to read its CPU time). */
  pid: number | null;
  /** Where the server's processes write their delays of the window (bench/learner-load-server.ts); null when not ours. */
  statsDir: string | null;
  stop: () => Promise<void>;
}

/** CPU seconds (user + system) used so far by a process, from /proc; null where there is none. */
function cpuSeconds(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** A process and its descendants (the web processes of WEB_PROCESSES under the cluster's primary), from /proc. */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let k = 0; k < out.length; k++) {
    const p = out[k] as number;
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        for (const child of fs.readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) out.push(Number(child));
      } catch {
        // the task ended
      }
    }
  }
  return out;
}

/**
 * CPU seconds of the server: its process and every web process under it, each counted while it lives
 * (the processes live through the measured window); per process, for the record.
 */
function serverCpu(pid: number | null): { total: number; perProcess: number[] } | null {
  if (pid === null) return null;
  const perProcess = processTree(pid).map((p) => cpuSeconds(p) ?? 0);
  return { total: perProcess.reduce((a, b) => a + b, 0), perProcess };
}

/**
 * CPU seconds of the PostgreSQL backends serving the bench's database (the web processes' pool
 * connections), by pid, from /proc: PostgreSQL's own work per answer, beside the web's. Only when the
 * database runs on this machine (else null). Backends that close within the window are missed, one opened
 * in it counts whole (the pools keep theirs while busy).
 */
async function backendCpu(t: Target): Promise<Map<number, number> | null> {
  if (!t.databaseUrl || t.pid === null) return null;
  const client = new pg.Client({ connectionString: t.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
    );
    const out = new Map<number, number>();
    for (const { pid } of rows) {
      const cpu = cpuSeconds(pid);
      if (cpu !== null) out.set(pid, cpu);
    }
    return out;
  } finally {
    await client.end();
  }
}

/** SIGUSR2 to the server's processes: opens, then closes, the window of their delays (bench/learner-load-server.ts). */
function signalServer(pid: number | null): void {
  if (pid === null || !DELAYS) return;
  for (const p of processTree(pid)) {
    try {
      process.kill(p, 'SIGUSR2');
    } catch {
      // ended
    }
  }
}

/** What each web process wrote of its delays in the window (event loop, pool connections, GC), by pid. */
async function serverDelays(dir: string | null): Promise<Record<string, unknown> | 'not measured'> {
  if (dir === null) return 'not measured';
  for (let k = 0; k < 20 && !(fs.existsSync(dir) && fs.readdirSync(dir).length >= WEB_PROCESSES); k++) await new Promise((r) => setTimeout(r, 100));
  if (!fs.existsSync(dir)) return 'not measured';
  return Object.fromEntries(fs.readdirSync(dir).map((f) => [f.replace(/\.json$/, ''), JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as unknown]));
}

async function startTarget(): Promise<Target> {
  if (GIVEN_URL)
    return { url: GIVEN_URL.replace(/\/$/, ''), databaseUrl: process.env.DATABASE_URL ?? null, pid: null, statsDir: null, stop: async () => undefined };
  const { seededTestDatabase, buildProductionApp } = await import('./seeded-database');
  const database = await seededTestDatabase();
  await buildProductionApp();
  const dataDir = path.join(projectRoot, '.cache', `bench-${RUN}`);
  const statsDir = DELAYS ? path.join(dataDir, 'delays') : null;
  // BENCH_SERVER_NODE_ARGS: extra Node options for the server only (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
  // The web server's own Node options (as `npm start` gives them), then BENCH_SERVER_NODE_ARGS, whose last word wins.
  const serverNodeArgs = [...WEB_SERVER_NODE_OPTIONS, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child: ChildProcess = spawn(process.execPath, [...serverNodeArgs, '--import', 'tsx', path.join(projectRoot, 'bench', 'learner-load-server.ts')], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      WORKBENCH_DATA_DIR: dataDir,
      ...(statsDir ? { BENCH_SERVER_STATS_DIR: statsDir } : {}),
    },
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  return {
    url,
    databaseUrl: database.url,
    pid: child.pid ?? null,
    statsDir,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP as a browser would (cookies by hand, redirects not followed)

let BASE = '';

class HttpError extends Error {}

/**
 * An idle connection is closed by the client after this long, before the server's keep-alive timeout
 * (Node's default, 5 s) closes it under a request just sent on it; fetch (undici) does the same from the
 * server's `Keep-Alive: timeout=5` hint, less a second.
 */
const IDLE_CONNECTION_MS = 4000;

/**
 * Connections kept open and shared by every simulated learner, as fetch's pool did (any request on any
 * idle connection, no limit): node:http costs the load generator less CPU than fetch (undici and its web
 * streams), which shares the cores with the server under test.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, timeout: IDLE_CONNECTION_MS });

/** A response read whole: what the bench reads of fetch's (status, headers, body as text, bytes or a stream). */
class Reply {
  constructor(
    readonly status: number,
    private readonly raw: http.IncomingHttpHeaders,
    private readonly bytes: Buffer,
  ) {}

  readonly headers = {
    get: (name: string): string | null => {
      const value = this.raw[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };

  get body(): ReadableStream<Uint8Array> {
    const bytes = this.bytes;
    return new ReadableStream({
      start(controller) {
        if (bytes.length > 0) controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        controller.close();
      },
    });
  }

  async text(): Promise<string> {
    return this.bytes.toString('utf8');
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.bytes.buffer.slice(this.bytes.byteOffset, this.bytes.byteOffset + this.bytes.byteLength) as ArrayBuffer;
  }
}

/** The headers fetch (undici) adds to every request: the server answers the same (a page compressed as for fetch). */
const FETCH_HEADERS = { accept: '*/*', 'accept-language': '*', 'sec-fetch-mode': 'cors', 'user-agent': 'node', 'accept-encoding': 'gzip, deflate' };

function send(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body: string | undefined): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const all = { ...headers, ...FETCH_HEADERS, ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }) };
    const req = http.request({ method, host: target.hostname, port: target.port, path: target.pathname + target.search, agent, headers: all }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        // Decoded as fetch decodes it (only pages are compressed: the .data answers are not).
        const encoding = res.headers['content-encoding'];
        const bytes = encoding === 'gzip' ? zlib.gunzipSync(whole) : encoding === 'deflate' ? zlib.inflateSync(whole) : whole;
        resolve(new Reply(res.statusCode ?? 0, res.headers, bytes));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

class Browser {
  cookie = '';

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string | string[]>): Promise<Reply> {
    const body = form ? new URLSearchParams() : undefined;
    if (form && body) for (const [k, v] of Object.entries(form)) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
    const response = await send(
      method,
      `${BASE}${url}`,
      { ...(this.cookie ? { Cookie: this.cookie } : {}), ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
      body?.toString(),
    );
    const set = response.headers.get('set-cookie');
    if (set) {
      const m = /__session=([^;]*)/.exec(set);
      if (m) this.cookie = `__session=${m[1]}`;
    }
    return response;
  }

  /** A page's HTML; throws on anything but 200. */
  async page(url: string): Promise<string> {
    const response = await this.request('GET', url);
    const text = await response.text();
    if (response.status !== 200) throw new HttpError(`GET ${url}: ${response.status}`);
    return text;
  }
}

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w-]+)="([^"]*)"/g)) out[m[1] as string] = (m[2] as string).replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  return out;
}

interface Question {
  assessmentId: string;
  challengeId: string;
  csrf: string;
  choices: string[];
  multiple: boolean;
  fields: string[];
}

/** The answer form of a challenge page (HTML). */
function questionFromHtml(html: string): Question | null {
  const start = html.indexOf('data-testid="challenge"');
  if (start < 0) return null;
  const inputs = [...html.slice(start).matchAll(/<(input|textarea)\b[^>]*>/g)].map((m) => attrs(m[0]));
  const hidden = (name: string) => inputs.find((i) => i.type === 'hidden' && i.name === name)?.value ?? '';
  return {
    assessmentId: hidden('assessmentId'),
    challengeId: hidden('challengeId'),
    csrf: hidden('csrf'),
    choices: inputs.filter((i) => i.type === 'radio' || i.type === 'checkbox').map((i) => i.value as string),
    multiple: inputs.some((i) => i.type === 'checkbox'),
    fields: inputs.filter((i) => (i.type === 'text' || i.type === undefined) && i.name && i.name !== 'csrf').map((i) => i.name as string),
  };
}

/** The answer form of a challenge from the route's .data payload (JavaScript mode). */
async function questionFromData(response: Reply, csrf: string): Promise<Question | 'results' | null> {
  const decoded = await decode(response.body!);
  await decoded.done;
  const value = decoded.value as Record<string, { data?: unknown } | undefined>;
  if (typeof (decoded.value as { redirect?: unknown }).redirect === 'string') return null;
  const route = Object.entries(value).find(([k]) => k.includes('evaluation'))?.[1]?.data as
    | {
        step: {
          kind: string;
          assessmentId: string;
          challengeId: string;
          view: { answer: { type: string; proposals?: string[]; fields?: { name: string }[] } };
        };
      }
    | undefined;
  if (!route) return 'results';
  if (route.step.kind !== 'challenge') return null;
  const answer = route.step.view.answer;
  return {
    assessmentId: route.step.assessmentId,
    challengeId: route.step.challengeId,
    csrf,
    choices: (answer.proposals ?? []).map((_, i) => String(i)),
    multiple: answer.type === 'QCM',
    fields: answer.type === 'QROC' ? ['value'] : (answer.fields ?? []).map((f) => `field.${f.name}`),
  };
}

function answerForm(q: Question, rng: () => number): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = { csrf: q.csrf, intent: 'answer', assessmentId: q.assessmentId, challengeId: q.challengeId };
  // The page with JavaScript asks the test's last answer to bring the results (a server from before ignores it).
  if (MODE === 'data') form.avecResultats = '1';
  if (rng() < 0.1) return { ...form, skipped: '1' };
  if (q.choices.length > 0) {
    const pick = q.choices[Math.floor(rng() * q.choices.length)] as string;
    if (q.multiple) form.choices = [pick, ...(rng() < 0.5 ? [q.choices[(q.choices.indexOf(pick) + 1) % q.choices.length] as string] : [])];
    else form.choice = pick;
  }
  for (const f of q.fields) form[f] = rng() < 0.5 ? 'réponse' : 'mot de passe';
  return form;
}

// ---------------------------------------------------------------------------------------------
// Figures

const latencies: number[] = [];
const reference: number[] = [];
const errors: string[] = [];
let acknowledged = 0;
let skippedSent = 0;
let testsCompleted = 0;
/** Tests whose last answer brought the results (no request for the results page). */
let resultsBrought = 0;
let testsStarted = 0;
let measuring = false;
let stopping = false;

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function seeded(n: number): () => number {
  let a = (n * 2654435761) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// One learner

async function signUp(browser: Browser, n: number): Promise<void> {
  const response = await browser.request('POST', '/inscription', {
    firstName: 'Charge',
    lastName: `N${n}`,
    email: `bench-${RUN}-${n}@exemple.fr`,
    password: 'Charge-2026',
    consent: 'on',
  });
  if (response.status !== 302) throw new HttpError(`sign-up ${n}: ${response.status}`);
  await response.arrayBuffer();
}

async function csrfOf(browser: Browser): Promise<string> {
  const html = await browser.page('/profil');
  return /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
}

/** Starts (or resumes) a competence and returns its first question. */
async function start(browser: Browser, code: string, csrf: string): Promise<Question | null> {
  const url = `/competences/${code}/evaluation`;
  if (MODE === 'data') {
    const response = await browser.request('POST', `${url}.data`, { csrf, intent: 'start' });
    if (response.status >= 400) throw new HttpError(`start ${code}: ${response.status}`);
    const decoded = await decode(response.body!);
    await decoded.done;
    testsStarted++;
    // The start brings the first question, as an answer brings the next; the test page's loaders are
    // asked only when it does not (a server from before that change: a redirect to the page).
    const first = questionFromAction(decoded.value, csrf);
    if (first && first !== 'results') return first;
    const next = await questionFromData(await browser.request('GET', `${url}.data`), csrf);
    return next === 'results' ? null : next;
  }
  // Without JavaScript the start's form post answers with the test page showing its first question (200),
  // as an answer with the next one; a server from before that change redirected to the page (302).
  const response = await browser.request('POST', url, { csrf, intent: 'start' });
  const html = await response.text();
  if (response.status === 302) {
    testsStarted++;
    const location = response.headers.get('location') ?? url;
    return location.includes('/resultats') ? null : questionFromHtml(await browser.page(location));
  }
  if (response.status !== 200) throw new HttpError(`start ${code}: ${response.status}`);
  testsStarted++;
  return questionFromHtml(html);
}

/** The next question from an answer's .data response (the action returns it), or 'results'. */
function questionFromAction(value: unknown, csrf: string): Question | 'results' | null {
  const v = value as {
    redirect?: string;
    data?: { step?: { assessmentId: string; challengeId: string; view: { answer: { type: string; proposals?: string[]; fields?: { name: string }[] } } } };
  };
  if (typeof v.redirect === 'string') return v.redirect.includes('/resultats') ? 'results' : null;
  if ((v.data as { results?: unknown } | undefined)?.results !== undefined) return 'results';
  const step = v.data?.step;
  if (!step) return null;
  const answer = step.view.answer;
  return {
    assessmentId: step.assessmentId,
    challengeId: step.challengeId,
    csrf,
    choices: (answer.proposals ?? []).map((_, i) => String(i)),
    multiple: answer.type === 'QCM',
    fields: answer.type === 'QROC' ? ['value'] : (answer.fields ?? []).map((f) => `field.${f.name}`),
  };
}

/**
 * Sends an answer and waits for the next question (or the results page); the time between is the
 * latency measured. html: the form post answers with the next question's page (or a redirect to the
 * results, followed); data: the .data post answers with the next question, as the page does.
 */
async function answerOnce(browser: Browser, code: string, form: Record<string, string | string[]>, csrf: string): Promise<Question | 'results' | null> {
  const url = `/competences/${code}/evaluation`;
  const t0 = performance.now();
  if (MODE === 'html') {
    const posted = await browser.request('POST', url, form);
    const html = await posted.text();
    if (posted.status === 302) {
      acknowledged++;
      const location = posted.headers.get('location') ?? url;
      const page = await browser.page(location);
      if (measuring) latencies.push(performance.now() - t0);
      return location.includes('/resultats') ? 'results' : questionFromHtml(page);
    }
    if (posted.status !== 200) throw new HttpError(`answer: ${posted.status}`);
    acknowledged++;
    if (measuring) latencies.push(performance.now() - t0);
    return questionFromHtml(html);
  }
  const posted = await browser.request('POST', `${url}.data`, form);
  if (posted.status >= 400) throw new HttpError(`answer (.data): ${posted.status}`);
  const decoded = await decode(posted.body!);
  await decoded.done;
  acknowledged++;
  let next = questionFromAction(decoded.value, csrf);
  // The last answer brought the results (the page opens with them): nothing more to ask.
  if (next === 'results' && (decoded.value as { data?: { results?: unknown } }).data?.results !== undefined) resultsBrought++;
  else if (next === 'results') {
    const results = await browser.request('GET', `/competences/${code}/resultats.data`);
    await results.arrayBuffer();
    if (results.status !== 200) throw new HttpError(`GET results: ${results.status}`);
  } else if (next === null) {
    next = await questionFromData(await browser.request('GET', `${url}.data`), csrf);
  }
  if (measuring) latencies.push(performance.now() - t0);
  return next;
}

async function learner(n: number, browser: Browser, csrf: string): Promise<void> {
  const rng = seeded(n + 1);
  await sleep(rng() * THINK_MAX);
  const order = [...COMPETENCES].sort(() => rng() - 0.5);
  for (const code of order) {
    if (stopping) return;
    let question: Question | 'results' | null;
    try {
      question = await start(browser, code, csrf);
    } catch (error) {
      errors.push(String((error as Error).message));
      continue;
    }
    while (question && question !== 'results' && !stopping) {
      await sleep(THINK_MIN + rng() * (THINK_MAX - THINK_MIN));
      if (stopping) return;
      const form = answerForm(question, rng);
      if (form.skipped) skippedSent++;
      try {
        question = await answerOnce(browser, code, form, csrf);
      } catch (error) {
        errors.push(String((error as Error).message));
        question = null;
      }
    }
    if (question === 'results') testsCompleted++;
  }
}

/** Server CPU (ms) of one reference page asked alone, `count` times one after the other; null when the server is not ours. */
async function referenceCpuAlone(pid: number | null, count: number): Promise<number | null> {
  if (pid === null) return null;
  const browser = new Browser();
  for (let k = 0; k < 20; k++) await (await browser.request('GET', '/connexion')).arrayBuffer();
  const before = serverCpu(pid);
  for (let k = 0; k < count; k++) await (await browser.request('GET', '/connexion')).arrayBuffer();
  const after = serverCpu(pid);
  return before && after ? ((after.total - before.total) * 1000) / count : null;
}

async function probeReference(): Promise<void> {
  const browser = new Browser();
  while (!stopping) {
    const t0 = performance.now();
    try {
      const r = await browser.request('GET', '/connexion');
      await r.arrayBuffer();
      if (measuring) reference.push(performance.now() - t0);
    } catch {
      // counted with the learners' errors only
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------

const target = await startTarget();
BASE = target.url;
try {
  console.log(
    `learner-load: ${LEARNERS} learners, ${SECONDS} s (after ${WARMUP} s of warm-up), think ${THINK_MIN}–${THINK_MAX} ms, mode ${MODE}, ${WEB_PROCESSES} web process(es), server ${BASE}`,
  );
  // Sign-ups (Argon2 hashing) happen before the measured window, a few at a time.
  const signUpStart = performance.now();
  const accounts: { browser: Browser; csrf: string }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < LEARNERS) {
        const n = next++;
        const browser = new Browser();
        await signUp(browser, n);
        accounts[n] = { browser, csrf: await csrfOf(browser) };
      }
    }),
  );
  const signUpSeconds = (performance.now() - signUpStart) / 1000;
  const probe = probeReference();
  const learners = accounts.map((a, n) =>
    learner(n, a.browser, a.csrf).catch((error: unknown) => {
      errors.push(`learner ${n}: ${(error as Error).message}`);
    }),
  );
  if (WARMUP > 0) await sleep(WARMUP * 1000);
  const loadBefore = os.loadavg()[0] as number;
  const backendsBefore = await backendCpu(target);
  const cpuBefore = serverCpu(target.pid);
  const clientCpuBefore = process.cpuUsage();
  const startsBefore = testsStarted;
  // On stderr, for a profiler attached to the server for the window only (`perf record -p …`).
  console.error(`learner-load: measured window starts (server pid ${target.pid ?? 'not started here'})`);
  signalServer(target.pid);
  measuring = true;
  const windowStart = performance.now();
  const answersBefore = acknowledged;
  await sleep(SECONDS * 1000);
  measuring = false;
  const answersInWindow = acknowledged - answersBefore;
  const cpuAfter = serverCpu(target.pid);
  signalServer(target.pid);
  const backendsAfter = await backendCpu(target);
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const startsInWindow = testsStarted - startsBefore;
  const windowSeconds = (performance.now() - windowStart) / 1000;
  stopping = true;
  await Promise.all(learners);
  await probe;
  // The reference page's own CPU, asked alone after the window (one request at a time, as many as the probe
  // asked in the window, at most 300): the probe's share of the window's CPU is then known, and the CPU per
  // answer of the learners' own requests (answers, starts, first questions, results) printed beside the
  // whole figure. An estimate: under load a page costs a little more (GC, interleaving).
  const delays = await serverDelays(target.statsDir);
  const referenceAlone = await referenceCpuAlone(target.pid, Math.min(300, Math.max(50, reference.length)));

  let stored: number | null = null;
  if (target.databaseUrl) {
    const client = new pg.Client({ connectionString: target.databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ n: string }>(
      `select count(*)::text as n from "Answer" a join "Assessment" s on s.id = a."assessmentId" join "User" u on u.id = s."userId" where u.email like $1`,
      [`bench-${RUN}-%`],
    );
    stored = Number(rows[0]?.n ?? 0);
    await client.end();
  }
  const p = (v: number) => `${v.toFixed(1)} ms`;
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  const refP50 = percentile(reference, 50);
  console.log(
    JSON.stringify(
      {
        learners: LEARNERS,
        mode: MODE,
        thinkMs: [THINK_MIN, THINK_MAX],
        warmupSeconds: WARMUP,
        signUpSeconds: Number(signUpSeconds.toFixed(1)),
        windowSeconds: Number(windowSeconds.toFixed(1)),
        answersPerSecond: Number((answersInWindow / windowSeconds).toFixed(1)),
        answersInWindow,
        latencyAnswerToNextChallenge: {
          p50: p(p50),
          p95: p(p95),
          p99: p(percentile(latencies, 99)),
          max: p(Math.max(...latencies)),
          samples: latencies.length,
        },
        reference: { what: 'GET /connexion (no database), sampled 10/s during the window', p50: p(refP50), p95: p(percentile(reference, 95)) },
        startsPerSecond: Number((startsInWindow / windowSeconds).toFixed(1)),
        serverCpu:
          cpuBefore === null || cpuAfter === null
            ? 'not measured (server not started by the bench)'
            : {
                webProcesses: WEB_PROCESSES,
                busyShareOfOneCore: Number(((cpuAfter.total - cpuBefore.total) / windowSeconds).toFixed(2)),
                // All the server's processes summed (the cluster's primary and its web processes), for every
                // request of the window (answers, starts, first questions, results, the reference page).
                msPerAnswerIncludingStarts: Number((((cpuAfter.total - cpuBefore.total) * 1000) / Math.max(1, answersInWindow)).toFixed(2)),
                perProcessSeconds: cpuAfter.perProcess.map((after, k) => Number((after - (cpuBefore.perProcess[k] ?? 0)).toFixed(2))),
                referencePageAloneMs: referenceAlone === null ? 'not measured' : Number(referenceAlone.toFixed(2)),
                referencePagesInWindow: reference.length,
                // The whole figure less the reference pages' CPU (each at its cost alone): the learners' requests only.
                msPerAnswerLearnerRequestsOnly:
                  referenceAlone === null
                    ? 'not measured'
                    : Number((((cpuAfter.total - cpuBefore.total) * 1000 - reference.length * referenceAlone) / Math.max(1, answersInWindow)).toFixed(2)),
              },
        // The database's backends (the web processes' connections), in the window: CPU per answer beside the web's.
        postgresCpu:
          backendsBefore === null || backendsAfter === null
            ? 'not measured'
            : (() => {
                let seconds = 0;
                for (const [pid, after] of backendsAfter) seconds += after - (backendsBefore.get(pid) ?? 0);
                return {
                  backends: backendsAfter.size,
                  busyShareOfOneCore: Number((seconds / windowSeconds).toFixed(2)),
                  msPerAnswer: Number(((seconds * 1000) / Math.max(1, answersInWindow)).toFixed(2)),
                };
              })(),
        // Per web process, in the window: event-loop delay, waits for a pg connection (allLentOut: asked when all
        // were lent out), GC pauses (ms).
        serverDelays: delays,
        ratioAnswerP50ToReferenceP50: Number((p50 / refP50).toFixed(1)),
        errors: errors.length,
        errorSamples: [...new Set(errors)].slice(0, 5),
        testsStarted,
        testsCompleted,
        resultsBroughtByTheLastAnswer: resultsBrought,
        answersAcknowledged: acknowledged,
        skippedSent,
        answersStored: stored,
        storedEqualsAcknowledged: stored === null ? 'not checked (no DATABASE_URL)' : stored === acknowledged,
        loadGeneratorBusyShareOfOneCore: Number(((clientCpu.user + clientCpu.system) / 1e6 / windowSeconds).toFixed(2)),
        machine: {
          cores: os.cpus().length,
          loadAverage1mBefore: Number(loadBefore.toFixed(2)),
          loadAverage1mAfter: Number((os.loadavg()[0] as number).toFixed(2)),
        },
        targets: {
          'p95 ≤ 100 ms (issue 20, 600 learners, 2 web processes)': p95 <= 100 ? 'met' : 'NOT met',
          'server CPU ≤ 2 ms per answer, starts included (issue 20)':
            cpuBefore === null || cpuAfter === null
              ? 'not measured'
              : ((cpuAfter.total - cpuBefore.total) * 1000) / Math.max(1, answersInWindow) <= 2
                ? 'met'
                : 'NOT met',
          'no error': errors.length === 0 ? 'met' : 'NOT met',
          'stored = acknowledged': stored === acknowledged ? 'met' : stored === null ? 'not checked' : 'NOT met',
        },
      },
      null,
      2,
    ),
  );
} finally {
  await target.stop();
}
