/**
 * The web server alone, for bench/learner-load.ts: started in a process of its own so that the load
 * generator does not share its event loop. Prints one JSON line { "url": … } once it listens; stops on
 * SIGTERM. Needs DATABASE_URL and a build (build/index.js). WEB_PROCESSES=N (default 1) runs N server
 * processes on the same port through node:cluster, as `npm start` can.
 */
import cluster from 'node:cluster';
import { startWebServer } from '../scripts/server';

process.env.NODE_ENV ??= 'production';
const processes = Math.max(1, Number(process.env.WEB_PROCESSES ?? 1));

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
  const web = await startWebServer({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  const url = web.url.replace('localhost', '127.0.0.1');
  if (cluster.isWorker) process.send?.({ url });
  else process.stdout.write(`${JSON.stringify({ url })}\n`);
  const stop = () => {
    void web.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
