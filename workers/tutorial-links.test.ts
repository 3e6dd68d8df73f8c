import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLinkServer, type LinkServer } from '../tests/setup/http-server';
import { checkUrl as checkAnyUrl, describeNetworkError, embeddedIpv4, isInternalAddress, type LinkCheckOptions } from './tutorial-links';

// The test server listens on 127.0.0.1: these checks are allowed internal addresses, as an intranet
// installation would be; the guard itself is tested below with the default options.
const checkUrl = (url: string, options: LinkCheckOptions = {}) => checkAnyUrl(url, { allowPrivateAddresses: true, ...options });

let server: LinkServer;

beforeAll(async () => {
  server = await startLinkServer();
});

afterAll(async () => {
  await server.close();
});

/** A port on which nothing listens (taken, then released). */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('checkUrl', () => {
  it('finds a page that answers 200 alive, asking only for its head', async () => {
    server.requests.length = 0;
    expect(await checkUrl(server.url('/ok'))).toEqual({ ok: true, note: 'HTTP 200' });
    expect(server.requests).toEqual(['HEAD /ok']);
  });

  it('finds a 404, a 410 and a 500 dead and says the status', async () => {
    expect(await checkUrl(server.url('/missing'))).toEqual({ ok: false, note: 'HTTP 404' });
    expect(await checkUrl(server.url('/gone'))).toEqual({ ok: false, note: 'HTTP 410' });
    expect(await checkUrl(server.url('/broken'))).toEqual({ ok: false, note: 'HTTP 500' });
  });

  it('tries GET when the server refuses HEAD', async () => {
    server.requests.length = 0;
    expect(await checkUrl(server.url('/no-head'))).toEqual({ ok: true, note: 'HTTP 200' });
    expect(server.requests).toEqual(['HEAD /no-head', 'GET /no-head']);
  });

  it('follows redirects, and gives up on a redirect loop', async () => {
    expect(await checkUrl(server.url('/moved'))).toEqual({ ok: true, note: 'HTTP 200' });
    expect(await checkUrl(server.url('/loop'))).toEqual({ ok: false, note: 'trop de redirections' });
  });

  it('stops waiting after the time limit', async () => {
    const started = Date.now();
    expect(await checkUrl(server.url('/slow'), { timeoutMs: 300 })).toEqual({ ok: false, note: 'délai dépassé' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('records an unknown host and a refused connection as dead links with the reason', async () => {
    expect(await checkUrl('http://introuvable.invalid/tutoriel')).toEqual({ ok: false, note: 'nom de domaine introuvable' });
    expect(await checkUrl(`http://127.0.0.1:${await closedPort()}/`)).toEqual({ ok: false, note: 'connexion refusée' });
  });

  it('refuses addresses that are not http(s) without asking anyone', async () => {
    expect(await checkUrl('pas une adresse')).toEqual({ ok: false, note: 'adresse invalide' });
    expect(await checkUrl('ftp://exemple.fr/fichier')).toEqual({ ok: false, note: 'adresse invalide (ni http ni https)' });
  });
});

describe('internal addresses', () => {
  it('are never asked by default: typed as an address, behind a name, or reached by a redirect', async () => {
    server.requests.length = 0;
    expect(await checkAnyUrl(server.url('/ok'), { allowPrivateAddresses: false })).toEqual({ ok: false, note: 'adresse interne refusée' });
    expect(await checkAnyUrl(server.url('/ok').replace('127.0.0.1', 'localhost'), { allowPrivateAddresses: false })).toEqual({
      ok: false,
      note: 'adresse interne refusée',
    });
    expect(await checkAnyUrl('http://[::1]:9/', { allowPrivateAddresses: false })).toEqual({ ok: false, note: 'adresse interne refusée' });
    expect(await checkAnyUrl('http://169.254.169.254/latest/meta-data/', { allowPrivateAddresses: false })).toEqual({
      ok: false,
      note: 'adresse interne refusée',
    });
    expect(server.requests).toEqual([]);
  });

  it('a public page that redirects inside is refused at the redirect', async () => {
    // Our server on 127.0.0.1 plays the public page (only link-local counts as internal here), and its
    // redirect goes to the cloud metadata address.
    server.requests.length = 0;
    const options = { allowPrivateAddresses: false, internalAddress: (address: string) => address.startsWith('169.254.') };
    expect(await checkAnyUrl(server.url('/to-metadata'), options)).toEqual({ ok: false, note: 'adresse interne refusée' });
    expect(server.requests).toEqual(['HEAD /to-metadata']);
  });

  it('are the loopback, private, link-local, shared and unique-local ranges, IPv4-mapped included', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ])
      expect(isInternalAddress(address), address).toBe(true);
    for (const address of ['8.8.8.8', '172.32.0.1', '193.51.24.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])
      expect(isInternalAddress(address), address).toBe(false);
  });
});

describe('IPv6 forms carrying an internal IPv4 address', () => {
  it.each([
    ['::127.0.0.1', 'IPv4-compatible, as typed in [::127.0.0.1]'],
    ['::7f00:1', 'IPv4-compatible, as the URL parser writes it'],
    ['::ffff:7f00:1', 'IPv4-mapped in hexadecimal'],
    ['::ffff:0:a00:1', 'IPv4-translated (SIIT) 10.0.0.1'],
    ['64:ff9b::10.0.0.1', 'NAT64 of a private IPv4'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata address'],
    ['64:ff9b:1::1', 'local-use NAT64 prefix'],
    ['2002:c0a8:0101::1', '6to4 of 192.168.1.1'],
    ['2002:7f00:1::', '6to4 of 127.0.0.1'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['192.0.0.1', '192.0.0.0/24'],
    ['192.0.0.170', '192.0.0.0/24 (NAT64 discovery)'],
    ['fe80::1%eth0', 'link-local with a zone'],
  ])('%s is internal (%s)', (address) => {
    expect(isInternalAddress(address)).toBe(true);
  });

  it.each(['64:ff9b::8.8.8.8', '2002:0808:0808::1', '2606:4700:4700::1111', '192.0.1.1', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(isInternalAddress(address)).toBe(false);
  });

  it('reads the IPv4 address inside', () => {
    expect(embeddedIpv4('::7f00:1')).toBe('127.0.0.1');
    expect(embeddedIpv4('64:ff9b::c0a8:101')).toBe('192.168.1.1');
    expect(embeddedIpv4('2002:0a00:0001:abcd::1')).toBe('10.0.0.1');
    expect(embeddedIpv4('2001:4860:4860::8888')).toBeNull();
  });

  it('refuses [::127.0.0.1] typed in a tutorial address without asking it', async () => {
    server.requests.length = 0;
    const port = new URL(server.url('/ok')).port;
    for (const host of ['[::127.0.0.1]', '[::ffff:127.0.0.1]', '[64:ff9b::127.0.0.1]', '[2002:7f00:1::]'])
      expect(await checkAnyUrl(`http://${host}:${port}/ok`, { allowPrivateAddresses: false }), host).toEqual({ ok: false, note: 'adresse interne refusée' });
    expect(server.requests).toEqual([]);
  });
});

describe('describeNetworkError', () => {
  it('names the usual network failures in French', () => {
    const failed = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
    expect(describeNetworkError(failed('EAI_AGAIN'))).toBe('nom de domaine introuvable');
    expect(describeNetworkError(failed('ECONNRESET'))).toBe('connexion interrompue');
    expect(describeNetworkError(failed('CERT_HAS_EXPIRED'))).toBe('certificat expiré');
    expect(describeNetworkError(failed('EWHATEVER'))).toBe('erreur réseau (EWHATEVER)');
    expect(describeNetworkError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe('délai dépassé');
  });
});
