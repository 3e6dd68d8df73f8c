/**
 * Requests the server makes to addresses typed by authors (the tutorial link checker, the copy of an
 * image into attachments): they run inside the installation's network, so they never reach an internal
 * address (loopback, private, link-local, carrier-grade NAT, unique-local IPv6, and IPv6 forms carrying
 * such an IPv4 address: compatible, mapped, NAT64, 6to4), whether typed, reached by a redirect or behind
 * a host name (the check is made on the address actually connected to, through agentFor(false)).
 */
import dns from 'node:dns';
import net from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';

export const INTERNAL_ADDRESS = 'EINTERNALADDRESS';
export const INTERNAL_NOTE = 'adresse interne refusée';

/** Address ranges the checker never connects to. */
const internalRanges = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  // IETF protocol assignments (DS-Lite B4/AFTR, NAT64 discovery, …): never a public page.
  ['192.0.0.0', 24],
  // Documentation ranges (TEST-NET-1, 2, 3).
  ['192.0.2.0', 24],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  internalRanges.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  // Discard-only prefix, local-use NAT64 (RFC 8215), Teredo (embeds an obfuscated IPv4), documentation.
  ['100::', 64],
  ['64:ff9b:1::', 48],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  internalRanges.addSubnet(prefix, bits, 'ipv6');

/** The 16 bytes of an IPv6 address (zone id dropped, trailing dotted IPv4 accepted), or null. */
function ipv6Bytes(address: string): number[] | null {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = (dotted[1] as string).split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const bytes: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    const n = parseInt(g, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  return bytes;
}

const zeros = (bytes: number[], from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);

/**
 * The IPv4 address an IPv6 address carries, when it is one of the forms that reach an IPv4 host:
 * IPv4-compatible (::a.b.c.d, e.g. `[::127.0.0.1]`), IPv4-mapped (::ffff:a.b.c.d), IPv4-translated
 * (::ffff:0:a.b.c.d), NAT64 well-known prefix (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::).
 */
export function embeddedIpv4(address: string): string | null {
  const b = ipv6Bytes(address);
  if (!b) return null;
  const v4 = (at: number) => b.slice(at, at + 4).join('.');
  if (zeros(b, 0, 10) && ((b[10] === 0 && b[11] === 0) || (b[10] === 0xff && b[11] === 0xff))) return v4(12);
  if (zeros(b, 0, 8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) return v4(12);
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(b, 4, 12)) return v4(12);
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2);
  return null;
}

/**
 * True for an IP address the checker must not ask. An IPv6 address carrying an IPv4 address (mapped,
 * compatible, NAT64, 6to4) is judged on that IPv4 address too.
 */
export function isInternalAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return internalRanges.check(address, 'ipv4');
  if (family !== 6) return false;
  const embedded = embeddedIpv4(address);
  if (embedded !== null && internalRanges.check(embedded, 'ipv4')) return true;
  return internalRanges.check(address.replace(/%.*$/, ''), 'ipv6');
}

export function internalAddressError(): Error {
  return Object.assign(new Error(INTERNAL_NOTE), { code: INTERNAL_ADDRESS });
}

/** dns.lookup that refuses names resolving to an internal address: used for every connection made. */
const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as dns.LookupAddress[];
    if (list.length === 0 || list.some((a) => isInternalAddress(a.address))) return callback(internalAddressError(), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    const first = list[0] as dns.LookupAddress;
    callback(null, first.address, first.family);
  });
};

let guardedAgent: Agent | null = null;
let openAgent: Agent | null = null;
export function agentFor(allowPrivate: boolean): Agent {
  if (allowPrivate) return (openAgent ??= new Agent());
  return (guardedAgent ??= new Agent({ connect: { lookup: guardedLookup } }));
}

/** The host of an address, without the brackets of an IPv6 literal. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

const MAX_REDIRECTS = 10;

export interface GuardedFetchOptions {
  method: 'HEAD' | 'GET';
  timeoutMs: number;
  /** Ask internal addresses too (an intranet installation). */
  allowPrivate: boolean;
  /** Which typed or redirected IP addresses count as internal (isInternalAddress; tests narrow it). */
  internal?: (address: string) => boolean;
  headers?: Record<string, string>;
}

/**
 * One request, following redirects ourselves so that every hop is checked: an address typed as an IP
 * is judged here, a host name by the guarded lookup when the connection is made. The time limit covers
 * the whole exchange, body included. Throws on a network failure, an internal address (code
 * EINTERNALADDRESS), a redirect to a non-http address or too many redirects.
 */
export async function guardedFetch(url: URL, options: GuardedFetchOptions): Promise<Response> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const internal = options.internal ?? isInternalAddress;
  let current = url;
  for (let hop = 0; ; hop++) {
    if (current.protocol !== 'http:' && current.protocol !== 'https:')
      throw Object.assign(new Error('redirect to a non-http address'), { code: 'EBADREDIRECT' });
    if (!options.allowPrivate && internal(hostOf(current))) throw internalAddressError();
    const response = (await undiciFetch(current, {
      method: options.method,
      redirect: 'manual',
      signal,
      dispatcher: agentFor(options.allowPrivate),
      headers: options.headers,
    })) as unknown as Response;
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || response.status === 304 || !location) return response;
    await response.body?.cancel().catch(() => undefined);
    if (hop >= MAX_REDIRECTS) throw new Error('too many redirects');
    current = new URL(location, current);
  }
}
