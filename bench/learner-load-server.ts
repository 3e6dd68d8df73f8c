/**
 * The web server alone, for bench/learner-load.ts: started in a process of its own so that the load
 * generator does not share its event loop. Prints one JSON line { "url": … } once it listens; stops on
 * SIGTERM. Needs DATABASE_URL and a build (build/index.js). WEB_PROCESSES=N (default 1) runs N server
 * processes on the same port through node:cluster, as `npm start` can.
 */
import cluster from 'node:cluster';
import fs from 'node:fs';
import http from 'node:http';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import pg from 'pg';
import { startWebServer } from '../scripts/server';

process.env.NODE_ENV ??= 'production';
const processes = Math.max(1, Number(process.env.WEB_PROCESSES ?? 1));

// BENCH_SERVER_STATS_DIR (bench/learner-load.ts): where each process writes what delays its requests in the
// measured window, which the bench opens and closes with SIGUSR2 (the primary of a cluster ignores it).
const statsDir = process.env.BENCH_SERVER_STATS_DIR;
if (statsDir) {
  if (processes > 1 && cluster.isPrimary) process.on('SIGUSR2', () => undefined);
  else measureDelays(statsDir);
}

if (processes > 1 && cluster.isPrimary) {
  let printed = false;
  for (let k = 0; k < processes; k++) {
    const worker = cluster.fork();
    worker.on('message', (message: { url?: string }) => {
      if (message.url && !printed) {
        printed = true;
        process.stdout.write(`${JSON.stringify({ url: message.url })}\n`);
      }
    });
  }
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  const cpuFile = process.env.BENCH_REQUEST_CPU_FILE;
  if (cpuFile) measureRequestCpu(cpuFile);
  // BENCH_DIRECT_ACTIONS=0: every request through Remix (scripts/direct-actions.ts left out), to compare.
  const web = await startWebServer({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1', directActions: process.env.BENCH_DIRECT_ACTIONS !== '0' });
  const url = web.url.replace('localhost', '127.0.0.1');
  if (cluster.isWorker) process.send?.({ url });
  else process.stdout.write(`${JSON.stringify({ url })}\n`);
  const stop = () => {
    void web.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/**
 * BENCH_REQUEST_CPU_FILE (bench/learner-request-cpu.ts): this process's CPU time (user + system, from
 * process.cpuUsage) from each request's arrival to its response's end, summed per kind of request (the
 * bench's `x-bench-kind` header), written to the file as JSON when the process stops. Meaningful only when
 * requests come one at a time: with several under way, each one's time includes the others'.
 * BENCH_REQUEST_WINDOWS_FILE also gets each request's time window per kind, for a CPU profile's summary
 * of one kind of request (bench/learner-profile-summary.ts --windows).
 */
function measureRequestCpu(file: string): void {
  const kinds: Record<string, number[]> = {};
  const windows: Record<string, [number, number][]> = {};
  const create = http.createServer.bind(http) as (listener: http.RequestListener) => http.Server;
  (http as { createServer: unknown }).createServer = (listener: http.RequestListener) =>
    create((req, res) => {
      const kind = String(req.headers['x-bench-kind'] ?? 'other');
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      res.once('finish', () => {
        const c = process.cpuUsage(c0);
        (kinds[kind] ??= []).push(c.user + c.system);
        // The request's time window (µs of the monotonic clock, as a CPU profile's samples), per kind.
        (windows[kind] ??= []).push([Number(t0 / 1000n), Number(process.hrtime.bigint() / 1000n)]);
      });
      listener(req, res);
    });
  process.once('exit', () => {
    fs.writeFileSync(file, JSON.stringify(kinds));
    if (process.env.BENCH_REQUEST_WINDOWS_FILE) fs.writeFileSync(process.env.BENCH_REQUEST_WINDOWS_FILE, JSON.stringify(windows));
  });
}

/**
 * What delays requests in this process, between two SIGUSR2 (the first starts, the second writes
 * `<dir>/<pid>.json`): the event loop's delay (a request waiting for the loop), the wait for a pg pool's
 * connection (every pool of the process: `connect` is what a query and a transaction ask first), and the
 * garbage collector's pauses. Percentiles in ms.
 */
function measureDelays(dir: string): void {
  const loop = monitorEventLoopDelay({ resolution: 2 });
  const waits: number[] = [];
  let queued = 0;
  const gc: number[] = [];
  let on = false;
  const connect = pg.Pool.prototype.connect as (this: pg.Pool, cb?: (...args: unknown[]) => void) => unknown;
  (pg.Pool.prototype as { connect: unknown }).connect = function (this: pg.Pool & { _idle?: unknown[] }, cb?: (...args: unknown[]) => void) {
    if (!on) return connect.call(this, cb);
    const t0 = performance.now();
    // Every connection lent out: the caller waits for one to come back.
    if (this.idleCount === 0 && this.totalCount >= (this.options.max ?? 10)) queued++;
    const done = () => waits.push(performance.now() - t0);
    if (cb) {
      return connect.call(this, (...args: unknown[]) => {
        done();
        cb(...args);
      });
    }
    const result = connect.call(this) as Promise<unknown>;
    void result.then(done, done);
    return result;
  };
  new PerformanceObserver((list) => {
    if (on) for (const entry of list.getEntries()) gc.push(entry.duration);
  }).observe({ entryTypes: ['gc'] });
  const pct = (values: number[], p: number) => {
    if (values.length === 0) return null;
    const sorted = [...values].sort((a, b) => a - b);
    return Number((sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number).toFixed(2));
  };
  process.on('SIGUSR2', () => {
    if (!on) {
      on = true;
      loop.reset();
      loop.enable();
      return;
    }
    on = false;
    loop.disable();
    const ms = (ns: number) => Number((ns / 1e6).toFixed(2));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      `${dir}/${process.pid}.json`,
      JSON.stringify({
        eventLoopDelayMs: { p50: ms(loop.percentile(50)), p95: ms(loop.percentile(95)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
        poolConnectWaitMs: { count: waits.length, allLentOut: queued, p50: pct(waits, 50), p95: pct(waits, 95), p99: pct(waits, 99), max: pct(waits, 100) },
        gcPausesMs: { count: gc.length, total: Number(gc.reduce((a, b) => a + b, 0).toFixed(1)), p99: pct(gc, 99), max: pct(gc, 100) },
      }),
    );
  });
}
