/**
 * Several web processes on one port (node:cluster), for `npm start` with WEB_PROCESSES=N (decision 021):
 * the primary forks N processes that each run the web server (scripts/server.ts); the operating system
 * spreads the connections. Nothing one process holds is needed by another for correctness: sessions and
 * sign-in throttles are rows in PostgreSQL, the session secret is one file created once (or
 * SESSION_SECRET), and what a process keeps for itself (a one-second share of session lookups, the
 * positioning test snapshot whose writes are guarded, route-match caches) only saves work.
 */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { WebServer } from './server';

interface Ready {
  url?: string;
  error?: string;
}

/** Forks `count` web processes listening on `port`; resolves once all listen. */
export async function startWebProcesses(count: number, port: number): Promise<WebServer> {
  cluster.setupPrimary({ exec: fileURLToPath(import.meta.url), args: [String(port)] });
  const workers = Array.from({ length: count }, () => cluster.fork());
  const urls = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<string>((resolve, reject) => {
          worker.once('message', (message: Ready) => (message.url ? resolve(message.url) : reject(new Error(message.error ?? 'web process failed'))));
          worker.once('exit', (code) => reject(new Error(`web process exited (${code})`)));
        }),
    ),
  );
  return {
    url: urls[0] as string,
    close: async () => {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              worker.once('exit', () => resolve());
              worker.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

if (cluster.isWorker) {
  const { startWebServer } = await import('./server');
  try {
    const web = await startWebServer({ port: Number(process.argv[2] ?? 0) });
    process.send?.({ url: web.url } satisfies Ready);
    process.on('SIGTERM', () => void web.close().then(() => process.exit(0)));
  } catch (error) {
    process.send?.({ error: error instanceof Error ? error.message : String(error) } satisfies Ready);
    process.exit(1);
  }
}
