/**
 * The web server alone, for bench/learner-load.ts: started in a process of its own so that the load
 * generator does not share its event loop. Prints one JSON line { "url": … } once it listens; stops on
 * SIGTERM. Needs DATABASE_URL and a build (build/index.js).
 */
import { startWebServer } from '../scripts/server';

process.env.NODE_ENV ??= 'production';
const web = await startWebServer({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url: web.url.replace('localhost', '127.0.0.1') })}\n`);
const stop = () => {
  void web.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
