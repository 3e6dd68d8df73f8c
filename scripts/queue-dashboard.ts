/**
 * The queue dashboard (bull-board) at /admin/files, for administrators only: an express middleware
 * reads the workbench session (the same cookie and AuthSession row as every page, through
 * app/lib/session.server.ts) and refuses anyone else (sign-in page when signed out, 403 otherwise).
 */
import type express from 'express';
import { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { QUEUES, queuePrefix, redisConnection } from '../app/lib/queues.server';
import { getSession } from '../app/lib/session.server';

export const QUEUE_DASHBOARD_PATH = '/admin/files';

/** A Fetch request with the express request's URL and headers (what getSession reads). */
function toFetchRequest(req: express.Request): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(', '));
  }
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.originalUrl}`, { method: 'GET', headers });
}

/** Lets administrators through; redirects the signed-out to the sign-in page; 403 for everyone else. */
export function requireAdmin(): express.RequestHandler {
  return (req, res, next) => {
    getSession(toFetchRequest(req))
      .then((session) => {
        if (!session) {
          res.redirect(302, `/connexion?redirectTo=${encodeURIComponent(req.originalUrl)}`);
          return;
        }
        if (!session.viewer.roles.includes('ADMIN')) {
          res.status(403).type('text/plain; charset=utf-8').send('Accès refusé : le tableau de bord des files est réservé aux administrateurs.');
          return;
        }
        next();
      })
      .catch(next);
  };
}

/** Mounts the dashboard; returns a function that closes its Redis connections. */
export function mountQueueDashboard(app: express.Express): () => Promise<void> {
  const connection = redisConnection();
  const queues = Object.values(QUEUES).map((name) => {
    const queue = new Queue(name, { connection, prefix: queuePrefix() });
    // Without Redis the dashboard shows errors; the web server must not stop for it.
    queue.on('error', () => undefined);
    return queue;
  });
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Files – Pix Workbench' } },
  });
  app.use(QUEUE_DASHBOARD_PATH, requireAdmin(), serverAdapter.getRouter());
  return async () => {
    await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
  };
}
