/**
 * The queue dashboard (bull-board) at /admin/files, for administrators only: an express middleware
 * reads the workbench session (the same cookie and AuthSession row as every page, through
 * app/lib/session.server.ts) and refuses anyone else (sign-in page when signed out, 403 otherwise).
 *
 * bull-board's page is served in the workbench's frame and self-contained: its link to a web-font host is
 * taken out of the HTML, a bar with the way back to the administration is put above it, and two files of
 * scripts/queue-dashboard/ (served from this origin under /admin/files/cadre) give it the workbench's fonts,
 * a legend that wraps at 1400 px, times in Paris time and names for its icon buttons. The page and
 * bull-board's own texts are in the viewer's language.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { QUEUES, queuePrefix, redisConnection } from '../app/lib/queues.server';
import { getSession } from '../app/lib/session.server';

declare module 'express-serve-static-core' {
  interface Locals {
    viewerLocale?: string;
  }
}

export const QUEUE_DASHBOARD_PATH = '/admin/files';
const FRAME_PATH = `${QUEUE_DASHBOARD_PATH}/cadre`;
const FRAME_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'queue-dashboard');

const FRAME_TEXT = {
  fr: { back: '← Administration', title: 'Files de travail en arrière-plan · heures de Paris', lng: 'fr-FR' },
  en: { back: '← Administration', title: 'Background job queues · Paris time', lng: 'en-US' },
} as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * bull-board's page in the workbench's frame: no resource from another host, the frame's stylesheet and
 * script from this origin, the bar with the way back, the page and bull-board in the viewer's language.
 */
export function framedDashboardHtml(html: string, locale: string): string {
  const language = locale === 'en' ? 'en' : 'fr';
  const text = FRAME_TEXT[language];
  return html
    .replace(/<html lang="[^"]*"/, `<html lang="${language}"`)
    .replace(/<link\b[^>]*\bhref="(?:https?:)?\/\/[^"]*"[^>]*>\s*/gi, '')
    .replace(/(<script id="__UI_CONFIG__" type="application\/json">)([\s\S]*?)(<\/script>)/, (_whole, open: string, json: string, close: string) => {
      const config = JSON.parse(json) as Record<string, unknown>;
      return `${open}${JSON.stringify({ ...config, locale: { lng: text.lng } }).replace(/</g, '\\u003c')}${close}`;
    })
    .replace('</head>', `<link href="${FRAME_PATH}/frame.css" rel="stylesheet"><script src="${FRAME_PATH}/frame.js"></script></head>`)
    .replace(
      /<body>/,
      `<body><nav class="workbench-frame" aria-label="Pix Workbench"><a href="/admin">${escapeHtml(text.back)}</a><span>${escapeHtml(text.title)}</span></nav>`,
    );
}

/** Rewrites the HTML pages the dashboard sends (not its JSON API or its static files) with framedDashboardHtml. */
function inWorkbenchFrame(): express.RequestHandler {
  return (_req, res, next) => {
    const send = res.send.bind(res);
    res.send = (body?: unknown) =>
      send(typeof body === 'string' && body.includes('id="__UI_CONFIG__"') ? framedDashboardHtml(body, res.locals.viewerLocale ?? 'fr') : body);
    next();
  };
}

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
        res.locals.viewerLocale = session.viewer.locale;
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
  app.use(FRAME_PATH, requireAdmin(), express.static(FRAME_DIR, { maxAge: '1h' }));
  app.use(QUEUE_DASHBOARD_PATH, requireAdmin(), inWorkbenchFrame(), serverAdapter.getRouter());
  return async () => {
    await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
  };
}
