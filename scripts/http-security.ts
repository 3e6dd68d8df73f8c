/**
 * The HTTP protections the web server puts in front of everything it serves (pages, /build assets,
 * public files, Remix data):
 *  - securityHeaders: a Content-Security-Policy with a nonce per request (kept in res.locals.cspNonce,
 *    handed to Remix through the load context so that every inline script carries it), HSTS when the
 *    installation is served over HTTPS (COOKIE_SECURE=1), Permissions-Policy, and the usual nosniff,
 *    frame and referrer headers;
 *  - bodyLimit: a request body is at most DEFAULT_BODY_LIMIT bytes (1 MiB), more only on the routes that
 *    take uploads. An announced Content-Length over the limit gets 413 before anything is read; a
 *    chunked body is counted as it arrives and cut at the limit with 413. A multipart body has at most
 *    MAX_MULTIPART_PARTS parts.
 */
import { randomText } from '../app/lib/random-block.server';
import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

declare module 'express-serve-static-core' {
  interface Locals {
    cspNonce?: string;
  }
}

/** The Content-Security-Policy of a page served with `nonce`. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    // Only scripts carrying this response's nonce, and what they load ('strict-dynamic'): the Remix entry
    // and its modules. 'self' is kept for browsers without 'strict-dynamic' (they ignore the nonce-less rest).
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    // React renders style attributes (charts, layout) and tiptap sets inline styles: styles stay open to
    // inline, which cannot run code.
    "style-src 'self' 'unsafe-inline'",
    // Illustrations and embedded pages are https addresses chosen by authors (checked by the editor).
    "img-src 'self' data: blob: https:",
    "media-src 'self' https:",
    "frame-src 'self' https:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/** Features no page of the workbench uses. */
export const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()';

/**
 * The policy of pages not rendered by Remix that load their own scripts from this origin without a
 * nonce (the queue dashboard of bull-board, administrators only): scripts from 'self' only.
 */
export function selfScriptsPolicy(): string {
  return contentSecurityPolicy('').replace(/script-src [^;]+/, "script-src 'self'");
}

/** 16 random bytes for a nonce (from a block of the system's generator); each nonce is used once. */
export function nextNonce(): string {
  return randomText(16, 'base64');
}

export interface SecurityHeaderOptions {
  https: boolean;
  selfScriptsUnder?: string;
}

/** Sets the headers of securityHeaders on a response to a request for `path`; returns the response's nonce. */
export function setSecurityHeaders(res: ServerResponse, path: string, options: SecurityHeaderOptions): string {
  const nonce = nextNonce();
  const own = options.selfScriptsUnder !== undefined && (path === options.selfScriptsUnder || path.startsWith(`${options.selfScriptsUnder}/`));
  res.setHeader('Content-Security-Policy', own ? selfScriptsPolicy() : contentSecurityPolicy(nonce));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  if (options.https) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  return nonce;
}

export function securityHeaders(options: SecurityHeaderOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.locals.cspNonce = setSecurityHeaders(res, req.path, options);
    next();
  };
}

// ───────────── Body limits ─────────────

const MiB = 1024 * 1024;
export const DEFAULT_BODY_LIMIT = MiB;
export const MAX_MULTIPART_PARTS = 100;

/**
 * The routes that take files, with their limit: the file's own limit (checked again by the route, with
 * its message) plus room for the other fields. Paths are matched without Remix's `.data` suffix.
 */
export const UPLOAD_LIMITS: readonly { path: RegExp; bytes: number; what: string }[] = [
  { path: /^\/creation\/epreuves\/[^/]+$/, bytes: 11 * MiB, what: 'pièces jointes des épreuves (10 Mo)' },
  { path: /^\/creation\/echanges$/, bytes: 21 * MiB, what: 'import de paquets de contenu et QTI (20 Mo)' },
  { path: /^\/orga\/eleves$/, bytes: 3 * MiB, what: 'import de la liste des élèves (2 Mo)' },
  { path: /^\/certif\/sessions\/[^/]+$/, bytes: 2 * MiB, what: 'import des candidats (1 Mo)' },
];

/** The most bytes a request to `path` may send. */
export function bodyLimitFor(path: string): number {
  const bare = path.replace(/\.data$/, '').replace(/\/+$/, '') || '/';
  return UPLOAD_LIMITS.find((u) => u.path.test(bare))?.bytes ?? DEFAULT_BODY_LIMIT;
}

export const TOO_LARGE = 'Requête trop volumineuse : elle a été refusée.';
const TOO_MANY_PARTS = `Formulaire refusé : plus de ${MAX_MULTIPART_PARTS} champs.`;

/** Counts the parts of a multipart body as its chunks go by (a delimiter may straddle two chunks). */
export function multipartCounter(boundary: string) {
  const delimiter = Buffer.from(`--${boundary}`);
  let tail = Buffer.alloc(0);
  let parts = 0;
  return (chunk: Buffer): number => {
    const text = Buffer.concat([tail, chunk]);
    let at = text.indexOf(delimiter);
    let last = -1;
    while (at !== -1) {
      parts++;
      last = at;
      at = text.indexOf(delimiter, at + delimiter.length);
    }
    // Keep what could start a delimiter cut by the chunk's end, never what was already counted.
    const keepFrom = Math.max(last === -1 ? 0 : last + delimiter.length, text.length - delimiter.length + 1);
    tail = text.subarray(keepFrom);
    // The closing delimiter (`--boundary--`) is counted too: parts = delimiters - 1.
    return Math.max(0, parts - 1);
  };
}

/** The 413 answer of a body over its limit (bodyLimit; the direct path of scripts/direct-actions.ts too). */
export function refuseBody(res: ServerResponse, message: string): void {
  if (res.headersSent) return;
  res.statusCode = 413;
  res.setHeader('Connection', 'close');
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(message);
}

export function bodyLimit(options: { limitFor?: (path: string) => number; maxParts?: number } = {}) {
  const limitFor = options.limitFor ?? bodyLimitFor;
  const maxParts = options.maxParts ?? MAX_MULTIPART_PARTS;
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const limit = limitFor(req.path);
    const declared = req.headers['content-length'];
    if (declared !== undefined && !(Number(declared) <= limit)) {
      // Refused before anything is read; the connection closes, so the rest is never read either.
      refuseBody(res, TOO_LARGE);
      return;
    }
    const boundary = /^multipart\/form-data\b.*?\bboundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers['content-type'] ?? '');
    const countParts = boundary ? multipartCounter(boundary[1] ?? boundary[2] ?? '') : null;
    let received = 0;
    let cut = false;
    // Counted only once someone reads the body (Remix, the queue dashboard): listening to 'data' here
    // would start the flow before they listen. The stream emits 'resume' just before it flows; this
    // listener goes first, so no chunk past the limit reaches the reader.
    const onData = (chunk: Buffer) => {
      if (cut) return;
      received += chunk.length;
      const tooLarge = received > limit;
      const tooManyParts = !tooLarge && countParts !== null && countParts(chunk) > maxParts;
      if (!tooLarge && !tooManyParts) return;
      cut = true;
      req.off('data', onData);
      req.pause();
      refuseBody(res, tooLarge ? TOO_LARGE : TOO_MANY_PARTS);
      // The reader of the body gets an error instead of the rest.
      if (req.listenerCount('error') > 0) req.emit('error', Object.assign(new Error(tooLarge ? TOO_LARGE : TOO_MANY_PARTS), { status: 413 }));
    };
    let counting = false;
    req.on('resume', () => {
      if (counting || cut) return;
      counting = true;
      req.prependListener('data', onData);
    });
    // Whatever Remix does after a cut body (its own error answer) goes nowhere: the 413 is sent.
    next();
  };
}

/** For the Remix handler: ignores what it does after bodyLimit has answered. */
export function unlessAnswered(handler: (req: Request, res: Response, next: NextFunction) => unknown) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return;
    return handler(req, res, (error?: unknown) => {
      if (res.headersSent) return;
      next(error);
    });
  };
}
