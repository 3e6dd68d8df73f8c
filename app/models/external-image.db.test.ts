import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { makeUser } from '../../tests/setup/authoring-fixtures';
import { getAttachment, MAX_ATTACHMENT_BYTES } from './attachment.server';
import { copyImageToAttachments } from './external-image.server';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

/** A local site with the images (and the traps) an author may point at; never the internet. */
let server: http.Server;
let base = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    switch (req.url) {
      case '/tasse.png':
      case '/sans-extension':
        res.writeHead(200, { 'Content-Type': 'image/png' }).end(Buffer.from(PNG));
        return;
      case '/deplacee.png':
        res.writeHead(302, { Location: '/tasse.png' }).end();
        return;
      case '/page.png':
        res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>pas une image</p>');
        return;
      case '/faux.png':
        res.writeHead(200, { 'Content-Type': 'image/png' }).end('<script>alert(1)</script>');
        return;
      case '/enorme.png':
        // Announces nothing and sends more than the limit.
        res.writeHead(200, { 'Content-Type': 'image/png' });
        res.write(Buffer.from(PNG));
        res.end(Buffer.alloc(MAX_ATTACHMENT_BYTES + 10));
        return;
      case '/lente.png':
        setTimeout(() => res.writeHead(200, { 'Content-Type': 'image/png' }).end(Buffer.from(PNG)), 2000);
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// The local site is on 127.0.0.1: these tests count only 10.0.0.0/8 as internal.
const local = { internalAddress: (a: string) => a.startsWith('10.'), timeoutMs: 1000 };

describe('copying an image from another site into the attachments', () => {
  it('stores the image with the type of its bytes, following a redirect', async () => {
    const db = testDb();
    const author = await makeUser(db, ['AUTHOR']);
    const copied = await copyImageToAttachments(db, { url: `${base}/deplacee.png`, userId: author.id }, local);
    expect(copied).toMatchObject({ ok: true, attachment: { name: 'deplacee.png', mimeType: 'image/png', size: PNG.length } });
    if (!copied.ok) return;
    const row = await getAttachment(db, copied.attachment.url.split('/').pop()!);
    expect([...row!.data]).toEqual([...PNG]);
    expect(await copyImageToAttachments(db, { url: `${base}/sans-extension`, userId: author.id }, local)).toMatchObject({
      ok: true,
      attachment: { name: 'sans-extension.png' },
    });
  });

  it('refuses what is not an image, too big, too slow, missing, internal or not http', async () => {
    const db = testDb();
    const author = await makeUser(db, ['AUTHOR']);
    const before = await db.attachment.count();
    const copy = (url: string, options = local) => copyImageToAttachments(db, { url, userId: author.id }, options);
    expect(await copy(`${base}/page.png`)).toEqual({ ok: false, error: 'notImage' });
    expect(await copy(`${base}/faux.png`)).toEqual({ ok: false, error: 'notImage' });
    expect(await copy(`${base}/enorme.png`)).toEqual({ ok: false, error: 'tooBig' });
    expect(await copy(`${base}/lente.png`, { ...local, timeoutMs: 200 })).toEqual({ ok: false, error: 'timeout' });
    expect(await copy(`${base}/absente.png`)).toEqual({ ok: false, error: 'httpError', status: 404 });
    expect(await copy(`${base}/tasse.png`, { timeoutMs: 1000 } as typeof local)).toEqual({ ok: false, error: 'internal' });
    expect(await copy('ftp://exemple.fr/a.png')).toEqual({ ok: false, error: 'invalidUrl' });
    expect(await copy('pas une adresse')).toEqual({ ok: false, error: 'invalidUrl' });
    expect(await db.attachment.count()).toBe(before);
  });
});
