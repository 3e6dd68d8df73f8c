/**
 * Server rendering: Remix's default for Node (streamed to browsers, whole to bots), plus the nonce of
 * the response's Content-Security-Policy, set by the web server (scripts/http-security.ts) and passed in
 * the load context: React and Remix put it on every inline script they write, and root.tsx reads it
 * (useNonce) for <Scripts> and <ScrollRestoration>.
 *
 * A page is sent whole once all of it is rendered (React's "all ready"), in one piece with its length,
 * compressed here in one call in the encoding the web server negotiated (scripts/server.ts, in the load
 * context; the compression middleware then lets it through as it is). Streamed instead (the shell, then
 * the rest), a page went as React's 2 KB chunks through the middleware's compression stream, which cost
 * more server CPU than the render itself (docs/decisions/021, h63). No route defers data today: a page's
 * only pending part is Remix's own data stream, done within a few ticks of the shell. A page with a part
 * still pending SHELL_WAIT ms after its shell (a deferred loader's promise) is streamed, as before, for
 * browsers; bots get every page whole.
 */
import { PassThrough, Writable } from 'node:stream';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToPipeableStream } from 'react-dom/server';
import { NonceContext } from '~/lib/nonce';

const ABORT_DELAY = 5_000;
/** How long a browser's page waits after its shell for the rest before it is streamed instead (ms). */
const SHELL_WAIT = 50;
/** Below this, a page goes as it is (the compression middleware's own threshold). */
const COMPRESS_THRESHOLD = 1024;

/** The encodings a page sent whole may take, with the compression middleware's settings (brotli at quality 4). */
const COMPRESSORS: Record<string, (html: Buffer) => Buffer> = {
  br: (html) => brotliCompressSync(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: html.length } }),
  gzip: (html) => gzipSync(html),
  deflate: (html) => deflateSync(html),
};

/** What the web server (scripts/server.ts) puts in the load context for documents. */
export interface DocumentContext {
  cspNonce?: string;
  /** The encoding the client takes best of br, gzip, deflate and identity (asked only for a page sent whole). */
  documentEncoding?: () => string | false;
}

function documentContext(loadContext: AppLoadContext): DocumentContext {
  const context = (loadContext ?? {}) as DocumentContext;
  return {
    cspNonce: typeof context.cspNonce === 'string' && context.cspNonce !== '' ? context.cspNonce : undefined,
    documentEncoding: typeof context.documentEncoding === 'function' ? context.documentEncoding : undefined,
  };
}

/** The whole page, as one body with its length (compressed when it is worth it and the client takes it). */
function wholeResponse(html: Buffer, status: number, headers: Headers, documentEncoding: (() => string | false) | undefined): Response {
  headers.set('Content-Type', 'text/html');
  let body = html;
  const encoding = html.length >= COMPRESS_THRESHOLD && documentEncoding ? documentEncoding() : false;
  const compress = encoding ? COMPRESSORS[encoding] : undefined;
  if (encoding && compress) {
    body = compress(html);
    headers.set('Content-Encoding', encoding);
    headers.append('Vary', 'Accept-Encoding');
  }
  headers.set('Content-Length', String(body.length));
  return new Response(new Uint8Array(body), { headers, status });
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const { cspNonce: nonce, documentEncoding } = documentContext(loadContext);
  const bot = isbot(request.headers.get('user-agent') ?? '') || remixContext.isSpaMode;
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    let sent = false;
    const timer = setTimeout(() => abort(), ABORT_DELAY);
    let shellWait: ReturnType<typeof setTimeout> | undefined;
    const stream = () => {
      if (sent) return;
      sent = true;
      const body = new PassThrough();
      body.once('end', () => clearTimeout(timer));
      responseHeaders.set('Content-Type', 'text/html');
      resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
      pipe(body);
    };
    const whole = () => {
      if (sent) return;
      sent = true;
      clearTimeout(timer);
      clearTimeout(shellWait);
      const chunks: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done();
        },
        final(done) {
          resolve(wholeResponse(Buffer.concat(chunks), responseStatusCode, responseHeaders, documentEncoding));
          done();
        },
      });
      sink.once('error', reject);
      pipe(sink);
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        onShellReady() {
          shellRendered = true;
          if (!bot) shellWait = setTimeout(stream, SHELL_WAIT);
        },
        onAllReady: whole,
        onShellError(error: unknown) {
          clearTimeout(timer);
          clearTimeout(shellWait);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors of the shell itself are logged by Remix (handleDocumentRequest).
          if (shellRendered) console.error(error);
        },
      },
    );
  });
}
