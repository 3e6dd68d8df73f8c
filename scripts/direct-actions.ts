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
 */
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from 'express';
import type { ServerBuild } from '@remix-run/node';
import { UNSAFE_ErrorResponseImpl as ErrorResponseImpl, isRouteErrorResponse, matchRoutes, type AgnosticRouteObject } from '@remix-run/router';
import { encode } from 'turbo-stream';

/** A route whose single-fetch action is served here: its id, its URL pattern and the names of its parameters. */
interface DirectRoute {
  id: string;
  pattern: RegExp;
  params: string[];
  /** A pathname of this route, to check against Remix's own matching. */
  example: string;
}

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

/** Remix's single-fetch encoding of a result (server-runtime's encodeViaTurboStream, without deferred data). */
function encodeResult(result: unknown): ReadableStream<Uint8Array> {
  return encode(result, {
    plugins: [
      (value: unknown) => {
        if (value instanceof Error) return ['SanitizedError', 'Error', 'Unexpected Server Error', undefined];
        if (value instanceof ErrorResponseImpl) return ['ErrorResponse', value.data, value.status, value.statusText];
        return undefined;
      },
    ],
    postPlugins: [
      (value: unknown) => {
        if (!value || typeof value !== 'object') return undefined;
        return ['SingleFetchClassInstance', Object.fromEntries(Object.entries(value))];
      },
      () => ['SingleFetchFallback'],
    ],
  });
}

/** What Remix answers for an action that returned or threw `outcome` (single fetch). */
async function singleFetchResult(
  outcome: { value: unknown } | { thrown: unknown },
): Promise<{ status: number; headers: Headers; result: unknown; error?: unknown }> {
  const value = 'value' in outcome ? outcome.value : outcome.thrown;
  if (value instanceof Response) {
    const location = value.headers.get('Location');
    if (value.status >= 300 && value.status < 400 && location) {
      return {
        status: 202,
        headers: new Headers(value.headers),
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
      const headers = new Headers();
      // Only cookies of a thrown response reach the answer (no route here has a `headers` export).
      for (const cookie of value.headers.getSetCookie()) headers.append('Set-Cookie', cookie);
      return { status: value.status, headers, result: { error: new ErrorResponseImpl(value.status, value.statusText, data) } };
    }
    // A returned non-redirect Response: not something these actions do; Remix would unwrap it.
    throw new Error('direct action: a returned Response that is not a redirect');
  }
  if ('thrown' in outcome) return { status: 500, headers: new Headers(), result: { error: value }, error: value };
  if (value === undefined) throw new Error('direct action: the action returned nothing');
  return { status: 200, headers: new Headers(), result: { data: value } };
}

/**
 * Express middleware: serves the single-fetch actions of DIRECT_ACTION_ROUTES, passes every other
 * request on. `loadContext` is what Remix's handler would give the action as `context`.
 */
export function directActions(build: ServerBuild, loadContext: (req: ExpressRequest, res: ExpressResponse) => unknown) {
  const tree = routeTree(build);
  const routes = DIRECT_ACTION_ROUTES.filter((route) => {
    const matches = matchRoutes(tree, route.example);
    const leaf = matches?.[matches.length - 1]?.route.id;
    return leaf === route.id && typeof build.routes[route.id]?.module.action === 'function';
  });
  const handleError =
    (build.entry.module as { handleError?: (error: unknown, args: unknown) => void }).handleError ?? ((error: unknown) => console.error(error));

  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    if (req.method !== 'POST' || req.url.includes('?')) return next();
    let route: DirectRoute | undefined;
    let m: RegExpExecArray | null = null;
    for (const r of routes) {
      m = r.pattern.exec(req.path);
      if (m) {
        route = r;
        break;
      }
    }
    if (!route || !m) return next();
    const params: Record<string, string> = {};
    let decoded = true;
    route.params.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(m![i + 1] ?? '');
      } catch {
        decoded = false;
      }
    });
    if (!decoded) return next();
    void serve(req, res, route, params).catch((error: unknown) => (res.headersSent ? undefined : next(error)));
  };

  async function serve(req: ExpressRequest, res: ExpressResponse, route: DirectRoute, params: Record<string, string>) {
    served++;
    const body = await readBody(req);
    if (res.headersSent) return; // cut by the body limit (scripts/http-security.ts)
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) headers.append(key, v);
      else headers.set(key, value);
    }
    // As Remix's express adapter builds the URL, without the `.data` suffix (the handler's URL).
    const host = req.get('X-Forwarded-Host') ?? req.get('host') ?? 'localhost';
    const url = `${req.protocol}://${host}${req.originalUrl.replace(/\.data$/, '')}`;
    const request = new Request(url, { method: 'POST', headers, body: new Uint8Array(body) });
    const context = await loadContext(req, res);
    const action = build.routes[route.id]!.module.action!;
    let outcome: { value: unknown } | { thrown: unknown };
    try {
      outcome = { value: await action({ request, params, context: context as never }) };
    } catch (thrown) {
      outcome = { thrown };
    }
    const answer = await singleFetchResult(outcome);
    if (answer.error !== undefined && !(isRouteErrorResponse(answer.error) && !(answer.error as { error?: unknown }).error)) {
      handleError(answer.error, { request, params, context });
    }
    answer.headers.set('X-Remix-Response', 'yes');
    answer.headers.set('Content-Type', 'text/x-script');
    const bytes = Buffer.from(await new Response(encodeResult(answer.result)).arrayBuffer());
    res.status(answer.status);
    for (const [key, value] of answer.headers.entries()) res.append(key, value);
    res.end(bytes);
  }
}

let served = 0;
/** How many requests this process served here (for tests). */
export function directActionsServed(): number {
  return served;
}

/** The request's body, whole (a form of a few hundred bytes; bodyLimit refuses anything too large). */
function readBody(req: ExpressRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
