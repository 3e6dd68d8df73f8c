/**
 * The web server itself (scripts/server.ts, on the Remix build and this run's database), asked with real
 * HTTP over a socket: body limits and security headers. Skipped when there is no build (`npm run build`).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../tests/setup/db';
import { projectRoot } from './database';
import type { WebServer } from './server';

const built = fs.existsSync(path.join(projectRoot, 'build', 'index.js'));
let server: WebServer;
let port = 0;

beforeAll(async () => {
  if (!built) return;
  process.env.DATABASE_URL = testDatabaseUrl();
  const { startWebServer } = await import('./server');
  server = await startWebServer({ port: 0, host: '127.0.0.1' });
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server?.close();
});

interface Sent {
  status: number;
  head: string;
  /** Body bytes written before the answer came. */
  written: number;
}

/**
 * A POST written by hand: the headers, then `chunk` again and again (chunked or not) until the server
 * answers or `total` bytes are written.
 */
function post(target: string, options: { headers: Record<string, string>; chunk: Buffer; total: number; chunked: boolean }): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let written = 0;
    let answer = '';
    let done = false;
    const finish = () => {
      if (done) return;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      if (!status) return;
      done = true;
      socket.destroy();
      resolve({ status, head: answer.split('\r\n\r\n')[0]!, written });
    };
    socket.on('data', (data) => {
      answer += data.toString('latin1');
      if (answer.includes('\r\n\r\n')) finish();
    });
    socket.on('error', (error) => (done ? undefined : answer ? finish() : reject(error)));
    socket.on('close', () => (done ? undefined : answer ? finish() : reject(new Error('closed without an answer'))));
    const head = [
      `POST ${target} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      `Origin: http://127.0.0.1:${port}`,
      ...Object.entries(options.headers).map(([k, v]) => `${k}: ${v}`),
    ];
    if (options.chunked) head.push('Transfer-Encoding: chunked');
    socket.write(`${head.join('\r\n')}\r\n\r\n`);
    // One chunk at a time, the first answer given a moment to come (a server that answers early closes
    // the connection: writing on would only meet EPIPE).
    const pump = () => {
      if (done) return;
      if (written >= options.total) {
        if (options.chunked) socket.write('0\r\n\r\n');
        return;
      }
      const ok = socket.write(
        options.chunked ? Buffer.concat([Buffer.from(`${options.chunk.length.toString(16)}\r\n`), options.chunk, Buffer.from('\r\n')]) : options.chunk,
      );
      written += options.chunk.length;
      if (!ok) socket.once('drain', () => setTimeout(pump, 1));
      else setTimeout(pump, written === options.chunk.length ? 200 : 0);
    };
    pump();
  });
}

const form = 'application/x-www-form-urlencoded';
const filler = (size: number) => Buffer.alloc(size, 'a');

describe.skipIf(!built)('the web server', () => {
  it('answers 413 to a 30 MB sign-in form announced by its Content-Length, before reading it', async () => {
    const sent = await post('/connexion', {
      headers: { 'Content-Type': form, 'Content-Length': String(30 * 1024 * 1024) },
      chunk: filler(16 * 1024),
      total: 30 * 1024 * 1024,
      chunked: false,
    });
    expect(sent.status).toBe(413);
    // Answered long before the body could have been read whole.
    expect(sent.written).toBeLessThan(30 * 1024 * 1024);
  });

  it('cuts a chunked body at 1 MiB with 413', async () => {
    const sent = await post('/connexion', {
      headers: { 'Content-Type': form },
      chunk: Buffer.from(`email=${'a'.repeat(64 * 1024)}`),
      total: 30 * 1024 * 1024,
      chunked: true,
    });
    expect(sent.status).toBe(413);
    expect(sent.written).toBeLessThan(8 * 1024 * 1024);
  });

  it('refuses a multipart body of more than 100 parts, even a small one', async () => {
    const parts =
      Array.from({ length: 300 }, (_, i) => `--B0undary\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`).join('') + '--B0undary--\r\n';
    const body = Buffer.from(parts);
    const sent = await post('/connexion', {
      headers: { 'Content-Type': 'multipart/form-data; boundary=B0undary', 'Content-Length': String(body.length) },
      chunk: body,
      total: body.length,
      chunked: false,
    });
    expect(sent.status).toBe(413);
  });

  it('still takes an ordinary sign-in form', async () => {
    const body = Buffer.from('email=personne%40exemple.fr&password=faux');
    const sent = await post('/connexion', {
      headers: { 'Content-Type': form, 'Content-Length': String(body.length) },
      chunk: body,
      total: body.length,
      chunked: false,
    });
    expect(sent.status).toBe(200);
  });

  it('sends the security headers on pages, /build assets and public files, with a fresh nonce per page', async () => {
    const page = await fetch(`${server.url}/connexion`);
    const html = await page.text();
    const policy = page.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
    expect(nonce).toBeTruthy();
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'self'");
    // Every inline script of the page carries the nonce.
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    const again = await fetch(`${server.url}/connexion`);
    expect(again.headers.get('content-security-policy')).not.toContain(nonce!);
    await again.arrayBuffer();
    const asset = /\/build\/[^"]+\.js/.exec(html)![0];
    for (const url of [asset, '/favicon.svg', '/connexion']) {
      const res = await fetch(`${server.url}${url}`);
      await res.arrayBuffer();
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-security-policy'), url).toContain("object-src 'none'");
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(res.headers.get('permissions-policy'), url).toContain('camera=()');
      expect(res.headers.get('x-frame-options'), url).toBe('SAMEORIGIN');
    }
    // No HSTS on plain HTTP (COOKIE_SECURE unset).
    expect(page.headers.get('strict-transport-security')).toBeNull();
  });
});

describe.skipIf(!built)('what the web server compresses and where it looks for files (decision 021, learners)', () => {
  /** Raw headers of a GET (fetch would decode the body and hide Content-Encoding). */
  function head(target: string): Promise<{ status: number; encoding: string | null; type: string | null }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (d) => {
        text += d.toString('latin1');
        const end = text.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.destroy();
        const lines = text.slice(0, end).split('\r\n');
        const header = (name: string) =>
          lines
            .find((l) => l.toLowerCase().startsWith(`${name}:`))
            ?.slice(name.length + 1)
            .trim() ?? null;
        resolve({ status: Number(lines[0]!.split(' ')[1]), encoding: header('content-encoding'), type: header('content-type') });
      });
      socket.on('error', reject);
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n`);
    });
  }

  it('gzips pages but sends route data (.data) as it is', async () => {
    expect(await head('/connexion')).toMatchObject({ status: 200, encoding: 'gzip' });
    const data = await head('/connexion.data');
    expect(data.status).toBe(200);
    expect(data.encoding).toBeNull();
  });

  it('serves the files of public/ and leaves every other path to the pages, a malformed one included', async () => {
    expect(await head('/favicon.svg')).toMatchObject({ status: 200, type: expect.stringContaining('image/svg+xml') });
    expect((await head('/favicon.svg.absent')).status).toBe(404);
    expect((await head('/%E0%A4%A')).status).toBeLessThan(500);
    expect((await head('/connexion')).type).toContain('text/html');
  });
});
