/** The web server: Express serving the Remix build (static assets, then every request to Remix). */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import express from 'express';
import compression from 'compression';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import { env } from '../app/lib/env.server';
import { REQUEST_ID_HEADER, forwardedClientAddress, originMatches, requestHost } from '../app/lib/client-address.server';
import { projectRoot } from './database';
import { QUEUE_DASHBOARD_PATH, mountQueueDashboard } from './queue-dashboard';
import { bodyLimit, securityHeaders, setSecurityHeaders, unlessAnswered } from './http-security';
import { directActions } from './direct-actions';

export interface WebServer {
  url: string;
  close: () => Promise<void>;
}

/** directActions: false leaves every request to Remix (to compare the two in tests). */
export async function startWebServer(options: { port: number; host?: string; directActions?: boolean }): Promise<WebServer> {
  const buildFile = path.join(projectRoot, 'build', 'index.js');
  const build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
  const app = express();
  const requestIdPrefix = `${process.pid}.${Date.now().toString(36)}.`;
  let requestCount = 0;
  app.disable('x-powered-by');
  const security = { https: env().COOKIE_SECURE === true, selfScriptsUnder: QUEUE_DASHBOARD_PATH };
  /**
   * What the server establishes of every request it lets through: the client's address (throttling, the
   * audit log: the socket's, or behind TRUST_PROXY proxies the X-Forwarded-For entry they wrote; never a
   * header the client chose), the request's own id (the loaders of one request share one read of the
   * session; never the client's), and X-Forwarded-Host only from our proxies (Remix's own check reads its
   * first entry: keep only ours). Returns the request's host.
   */
  const identify = (req: http.IncomingMessage, hops = env().TRUST_PROXY): string | null => {
    req.headers['x-client-address'] = forwardedClientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], hops);
    req.headers[REQUEST_ID_HEADER] = `${requestIdPrefix}${++requestCount}`;
    const host = requestHost(req.headers.host, req.headers['x-forwarded-host'] as string | undefined, hops);
    if (hops > 0 && host) req.headers['x-forwarded-host'] = host;
    else delete req.headers['x-forwarded-host'];
    return host;
  };
  /** A cross-origin form post (Remix would abort it with a 500: the server refuses it with a 403). */
  const crossOrigin = (req: http.IncomingMessage, host: string | null): boolean => {
    const origin = req.headers.origin;
    return origin !== undefined && !['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? '') && !originMatches(origin, host);
  };
  // First of all, so that /build assets and public files get the headers too, and no body is read
  // past its limit (scripts/http-security.ts).
  app.use(securityHeaders(security));
  app.use(bodyLimit());
  // Documents, loader data and assets are compressed; an action's data (an answer's next question, a
  // saved form: a few kilobytes, inside the first round trip anyway) goes as it is, which spares a
  // compression stream (~0.2 ms of CPU) on the busiest requests (docs/decisions/013).
  // Route data (`.data`: an answer's next question, a test's step, its results: a few kilobytes, inside the
  // first round trip anyway) goes as it is too: a gzip stream cost ~0.2 ms of CPU on the busiest
  // requests (docs/decisions/013, and 021's learner addendum). Documents and assets stay compressed.
  // The middleware is not even entered for them (it wraps the response's methods on every request it sees).
  const compress = compression();
  app.use((req, res, next) => (req.path.endsWith('.data') ? next() : compress(req, res, next)));
  app.use('/build', express.static(path.join(projectRoot, 'public', 'build'), { immutable: true, maxAge: '1y' }));
  // Public files: looked for only under the names public/ holds (read once: the build writes it before
  // the server starts), so that a page or data request does not cost a file-system lookup first.
  const publicDir = path.join(projectRoot, 'public');
  const publicNames = new Set(fs.existsSync(publicDir) ? fs.readdirSync(publicDir) : []);
  const servePublic = express.static(publicDir, { maxAge: '1h' });
  app.use((req, res, next) => {
    let first = req.path.slice(1).split('/', 1)[0] ?? '';
    try {
      first = decodeURIComponent(first);
    } catch {
      // A malformed name is no file of public/: Remix answers it.
    }
    if (publicNames.has(first)) servePublic(req, res, next);
    else next();
  });
  app.use((req, res, next) => {
    if (crossOrigin(req, identify(req))) {
      res.status(403).type('text/plain; charset=utf-8').send('Requête d’une autre origine refusée.');
      return;
    }
    next();
  });
  // The queue dashboard (administrators only), before the Remix catch-all.
  const closeDashboard = mountQueueDashboard(app);
  const mode = env().NODE_ENV ?? 'production';
  // The page's scripts carry the nonce of the response's Content-Security-Policy (app/entry.server.tsx);
  // a page sent whole is compressed there, in the encoding the client takes best (ties: the first it lists).
  const getLoadContext = (req: express.Request, res: express.Response) => ({
    cspNonce: res.locals.cspNonce,
    documentEncoding: () => req.acceptsEncodings('br', 'gzip', 'deflate', 'identity'),
  });
  app.all('*', unlessAnswered(createRequestHandler({ build, mode, getLoadContext })));
  // A learner's answer and a test's start (.data) go straight to the route's action, in front of Express
  // (scripts/direct-actions.ts): the same headers, identity and origin check as the chain above.
  const direct =
    options.directActions !== false && mode !== 'development'
      ? directActions(build, {
          admit: (req, res) => {
            // env() reads every declared variable from process.env (~10–20 µs): once a request here.
            const hops = env().TRUST_PROXY;
            if (crossOrigin(req, requestHost(req.headers.host, req.headers['x-forwarded-host'] as string | undefined, hops))) return null;
            const cspNonce = setSecurityHeaders(res, req.url ?? '/', security);
            identify(req, hops);
            return { context: { cspNonce } };
          },
        })
      : null;
  const server = http.createServer(direct ? (req, res) => void (direct(req, res) || app(req, res)) : app);
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://localhost:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await closeDashboard();
    },
  };
}
