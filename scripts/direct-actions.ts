/**
 * The busiest action of the workbench — a learner's answer in a competence test, and the test's start,
 * posted by the page with JavaScript to `/competences/<code>/evaluation.data` — served in front of
 * Remix's request handler by calling the route module's own `action` (the same function, the same
 * guards: session, certification lock, origin and CSRF, the answer use case) and answering what Remix
 * would: the same status, the same turbo-stream payload (Remix's single-fetch encoding and plugins),
 * the same headers. What is left out is Remix's work around one action on one known route: matching the
 * pathname against every route, the request copies and abort signals, the static handler's context, the
 * streamed body (the payload is a few kilobytes, written at once). bench/README.md and decision 021's
 * learner addendum give what it spares.
 *
 * Only requests that Remix would route to that action come here: POST to the `.data` URL, no query
 * string, and a route tree in which Remix's own matching gives that route for such a path (checked at
 * start: otherwise nothing is served here). Anything else goes on to Remix. A document POST (no
 * JavaScript) goes to Remix as before and reaches the same action.
 *
 * The handler sits in front of Express too (scripts/server.ts asks it first): it takes only an urlencoded
 * form of a declared size within the limit from an origin the server accepts, and then does what the
 * server's middleware does for such a request (security headers, the request's id and client address),
 * reads the body itself (cut at the same limit with the same 413), and calls the route's `directAction`
 * with the parsed form and the request's head over Node's headers: no web `Request`, no undici form
 * parsing, no Express. Anything else (another type of body, a cross-origin post, a body too large) goes
 * on to Express untouched, which answers it as before.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ServerBuild } from '@remix-run/node';
import type { RequestHead } from '../app/lib/request-head';
import { TOO_LARGE, bodyLimitFor, refuseBody } from './http-security';
import { UNSAFE_ErrorResponseImpl as ErrorResponseImpl, isRouteErrorResponse, matchRoutes, type AgnosticRouteObject } from '@remix-run/router';
import { createRequire } from 'node:module';
import path from 'node:path';
import { encode, type EncodePlugin } from 'turbo-stream';

/** A route whose single-fetch action is served here: its id, its URL pattern and the names of its parameters. */
interface DirectRoute {
  id: string;
  pattern: RegExp;
  params: string[];
  /** A pathname of this route, to check against Remix's own matching. */
  example: string;
}

/** What the route module exports for this path: its action, for a form the server read (urlencoded). */
type DirectAction = (args: { request: RequestHead; params: Record<string, string>; form: URLSearchParams; context: unknown }) => Promise<unknown>;

export const DIRECT_ACTION_ROUTES: readonly DirectRoute[] = [
  {
    id: 'routes/competences.$code.evaluation',
    pattern: /^\/competences\/([^/]+)\/evaluation\.data$/,
    params: ['code'],
    example: '/competences/1.1/evaluation',
  },
];

/** The routes of the build as the router sees them (ids and paths only), to ask Remix's matching. */
function routeTree(build: ServerBuild): AgnosticRouteObject[] {
  const children = new Map<string | undefined, AgnosticRouteObject[]>();
  for (const route of Object.values(build.routes)) {
    const list = children.get(route.parentId) ?? [];
    list.push(route.index ? { id: route.id, path: route.path, index: true } : { id: route.id, path: route.path, children: [] });
    children.set(route.parentId, list);
  }
  const attach = (routes: AgnosticRouteObject[]): AgnosticRouteObject[] =>
    routes.map((r) => (r.index ? r : { ...r, children: attach(children.get(r.id) ?? []) }));
  return attach(children.get(undefined) ?? []);
}

/** Remix's single-fetch plugins (server-runtime's encodeViaTurboStream). */
const PLUGINS: EncodePlugin[] = [
  (value: unknown) => {
    if (value instanceof Error) return ['SanitizedError', 'Error', 'Unexpected Server Error', undefined];
    if (value instanceof ErrorResponseImpl) return ['ErrorResponse', value.data, value.status, value.statusText];
    return undefined;
  },
];
const POST_PLUGINS: EncodePlugin[] = [
  (value: unknown) => {
    if (!value || typeof value !== 'object') return undefined;
    return ['SingleFetchClassInstance', Object.fromEntries(Object.entries(value))];
  },
  () => ['SingleFetchFallback'],
];

/** Remix's single-fetch encoding of a result, as a web stream (turbo-stream's `encode`, without deferred data). */
export function encodeResult(result: unknown): ReadableStream<Uint8Array> {
  return encode(result, { plugins: PLUGINS, postPlugins: POST_PLUGINS });
}

/**
 * turbo-stream's own `flatten` (the function its `encode` runs first, into the encoder's `stringified`),
 * from the installed package's file: the package exports only `encode`, which wraps it in a web stream
 * and a TextEncoder even for a payload of one line (decision 021, h38).
 */
interface FlattenState {
  deferred: Record<number, unknown>;
  index: number;
  indices: Map<unknown, number>;
  stringified: string[];
  plugins: EncodePlugin[];
  postPlugins: EncodePlugin[];
  signal: undefined;
}
const requireHere = createRequire(import.meta.url);
const { flatten } = requireHere(path.join(path.dirname(requireHere.resolve('turbo-stream/package.json')), 'dist', 'flatten.js')) as {
  flatten: (this: FlattenState, input: unknown) => number | [number];
};

/**
 * The same bytes as `encodeResult`'s stream when the result holds no promise (what encode's stream sends
 * first — the whole payload then — and the stream then ends); null when it holds one (deferred data: the
 * stream is needed).
 */
export function encodeResultAtOnce(result: unknown): Buffer | null {
  const encoder: FlattenState = { deferred: {}, index: 0, indices: new Map(), stringified: [], plugins: PLUGINS, postPlugins: POST_PLUGINS, signal: undefined };
  const id = flatten.call(encoder, result);
  if (Array.isArray(id)) throw new Error('This should never happen');
  if (Object.keys(encoder.deferred).length > 0) return null;
  return Buffer.from(id < 0 ? `${id}\n` : `[${encoder.stringified.join(',')}]\n`, 'utf8');
}

/** What Remix answers for an action that returned or threw `outcome` (single fetch). */
async function singleFetchResult(
  outcome: { value: unknown } | { thrown: unknown },
): Promise<{ status: number; headers: [string, string][]; result: unknown; error?: unknown }> {
  const value = 'value' in outcome ? outcome.value : outcome.thrown;
  if (value instanceof Response) {
    const location = value.headers.get('Location');
    if (value.status >= 300 && value.status < 400 && location) {
      return {
        status: 202,
        headers: [...value.headers.entries()],
        result: {
          redirect: location,
          status: value.status,
          revalidate: value.headers.has('X-Remix-Revalidate') || value.headers.has('Set-Cookie'),
          reload: value.headers.has('X-Remix-Reload-Document'),
          replace: value.headers.has('X-Remix-Replace'),
        },
      };
    }
    if ('thrown' in outcome) {
      const type = value.headers.get('Content-Type');
      const data = type && /\bapplication\/json\b/.test(type) ? (value.body == null ? null : await value.json()) : await value.text();
      // Only cookies of a thrown response reach the answer (no route here has a `headers` export).
      const headers = value.headers.getSetCookie().map((cookie): [string, string] => ['set-cookie', cookie]);
      return { status: value.status, headers, result: { error: new ErrorResponseImpl(value.status, value.statusText, data) } };
    }
    // A returned non-redirect Response: not something these actions do; Remix would unwrap it.
    throw new Error('direct action: a returned Response that is not a redirect');
  }
  if ('thrown' in outcome) return { status: 500, headers: [], result: { error: value }, error: value };
  if (value === undefined) throw new Error('direct action: the action returned nothing');
  return { status: 200, headers: [], result: { data: value } };
}

/** The turbo-stream payload of a result, whole: at once without deferred data (these actions have none), else read from the stream. */
async function encodedBytes(result: unknown): Promise<Buffer> {
  const atOnce = encodeResultAtOnce(result);
  if (atOnce) return atOnce;
  const reader = encodeResult(result).getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return chunks.length === 1 ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength) : Buffer.concat(chunks);
}

/** A header as Express's `res.append` writes it: a text type gets its charset (as Remix's Express adapter's answers do). */
function setAsExpress(res: ServerResponse, name: string, value: string): void {
  let v = value;
  if (name.toLowerCase() === 'content-type' && !/;\s*charset\s*=/i.test(v) && /^(text\/|application\/(javascript|json))/i.test(v.split(';')[0]!.trim())) {
    v += '; charset=utf-8';
  }
  const previous = res.getHeader(name);
  if (previous === undefined) res.setHeader(name, v);
  else res.setHeader(name, Array.isArray(previous) ? [...previous.map(String), v] : [String(previous), v]);
}

/** What the web server does for a request it lets through (scripts/server.ts), for the direct path. */
export interface DirectFront {
  /**
   * The server's own checks (the origin of a post): null, with nothing changed, when they refuse the
   * request; else the server's middleware for it (security headers, the request's id, client address), and
   * Remix's load context. One call, so that the settings it needs are read once a request.
   */
  admit(req: IncomingMessage, res: ServerResponse): { context: unknown } | null;
}

/** Only this type of body is read here (what the page's form sends); anything else goes to Remix. */
const URLENCODED = /^application\/x-www-form-urlencoded\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** A header of Node's request as a web `Headers` would give it. */
function headerOf(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The web server's first handler: serves the single-fetch actions of DIRECT_ACTION_ROUTES and returns
 * true, or returns false without touching the request (the server then hands it to Express).
 */
export function directActions(build: ServerBuild, front: DirectFront): (req: IncomingMessage, res: ServerResponse) => boolean {
  const tree = routeTree(build);
  const routes = DIRECT_ACTION_ROUTES.filter((route) => {
    const matches = matchRoutes(tree, route.example);
    const leaf = matches?.[matches.length - 1]?.route.id;
    const module = build.routes[route.id]?.module as { action?: unknown; directAction?: unknown } | undefined;
    return leaf === route.id && typeof module?.action === 'function' && typeof module.directAction === 'function';
  });
  const handleError =
    (build.entry.module as { handleError?: (error: unknown, args: unknown) => void }).handleError ?? ((error: unknown) => console.error(error));

  return (req, res) => {
    const path = req.url ?? '';
    if (req.method !== 'POST' || path.includes('?') || routes.length === 0) return false;
    let route: DirectRoute | undefined;
    let m: RegExpExecArray | null = null;
    for (const r of routes) {
      m = r.pattern.exec(path);
      if (m) {
        route = r;
        break;
      }
    }
    if (!route || !m) return false;
    if (!URLENCODED.test(req.headers['content-type'] ?? '')) return false;
    const limit = bodyLimitFor(path);
    const declared = req.headers['content-length'];
    if (declared !== undefined && !(Number(declared) <= limit)) return false;
    const params: Record<string, string> = {};
    for (let i = 0; i < route.params.length; i++) {
      try {
        params[route.params[i]!] = decodeURIComponent(m[i + 1] ?? '');
      } catch {
        return false;
      }
    }
    const admitted = front.admit(req, res);
    if (!admitted) return false;
    const context = admitted.context;
    void serve(req, res, route, params, limit, context).catch((error: unknown) => {
      console.error(error);
      if (res.headersSent) return res.destroy();
      res.statusCode = 500;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('Internal Server Error');
    });
    return true;
  };

  async function serve(req: IncomingMessage, res: ServerResponse, route: DirectRoute, params: Record<string, string>, limit: number, context: unknown) {
    served++;
    const body = await readBody(req, limit);
    if (body === null) {
      refuseBody(res, TOO_LARGE);
      return;
    }
    // As Remix's express adapter builds the URL, without the `.data` suffix (the handler's URL).
    const host = headerOf(req.headers, 'x-forwarded-host') ?? headerOf(req.headers, 'host') ?? 'localhost';
    const protocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    const request: RequestHead = {
      method: 'POST',
      url: `${protocol}://${host}${(req.url ?? '').replace(/\.data$/, '')}`,
      headers: { get: (name) => headerOf(req.headers, name) },
    };
    const form = new URLSearchParams(body.toString('utf8'));
    const action = (build.routes[route.id]!.module as unknown as { directAction: DirectAction }).directAction;
    let outcome: { value: unknown } | { thrown: unknown };
    try {
      outcome = { value: await action({ request, params, form, context }) };
    } catch (thrown) {
      outcome = { thrown };
    }
    const answer = await singleFetchResult(outcome);
    if (answer.error !== undefined && !(isRouteErrorResponse(answer.error) && !(answer.error as { error?: unknown }).error)) {
      handleError(answer.error, { request, params, context });
    }
    const bytes = await encodedBytes(answer.result);
    res.statusCode = answer.status;
    for (const [key, value] of answer.headers) setAsExpress(res, key, value);
    setAsExpress(res, 'X-Remix-Response', 'yes');
    setAsExpress(res, 'Content-Type', 'text/x-script');
    res.end(bytes);
  }
}

let served = 0;
/** How many requests this process served here (for tests). */
export function directActionsServed(): number {
  return served;
}

/** The request's body, whole (a form of a few hundred bytes), or null past `limit` bytes (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        req.off('data', onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
