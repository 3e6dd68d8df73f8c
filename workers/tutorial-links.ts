/**
 * The tutorial link checker: every tutorial address is asked for (HEAD, then GET when the server does not
 * answer HEAD properly), redirects followed, with a time limit, a few at a time. The result goes on the
 * tutorial: OK or DEAD, when, and why in French words (« HTTP 404 », « délai dépassé », « nom de domaine
 * introuvable »…). A network failure is a dead link with its reason, never a crash of the job.
 * Runs daily (job scheduler in main.ts) and on demand from the tutorials page.
 *
 * Authors type these addresses, and the worker runs inside the installation's network: it never asks an
 * internal address (loopback, private, link-local, carrier-grade NAT, unique-local IPv6, and IPv6 forms
 * carrying such an IPv4 address: compatible, mapped, NAT64, 6to4), whether typed,
 * reached by a redirect or behind a host name (the check is made on the address actually connected to,
 * so a name that changes its answer between two lookups gains nothing). An installation whose tutorials
 * live on an intranet sets LINK_CHECK_ALLOW_PRIVATE=1.
 */
import dns from 'node:dns';
import net from 'node:net';
import type { Job } from 'bullmq';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Db } from '../app/lib/db.server';
import { env } from '../app/lib/env.server';
import { CHECK_TUTORIAL_LINKS, type CheckLinksJobData } from '../app/lib/queues.server';
import { recordLinkCheck, tutorialLinksToCheck } from '../app/models/tutorial-link.server';

export interface LinkCheckResult {
  ok: boolean;
  /** « HTTP 200 », « HTTP 404 », « délai dépassé »… */
  note: string;
}

export interface LinkCheckOptions {
  timeoutMs?: number;
  concurrency?: number;
  /** Ask internal addresses too (default: LINK_CHECK_ALLOW_PRIVATE=1 in the environment, else no). */
  allowPrivateAddresses?: boolean;
  /** Which typed or redirected IP addresses count as internal (default isInternalAddress; tests narrow it). */
  internalAddress?: (address: string) => boolean;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CONCURRENCY = 5;
const USER_AGENT = 'PixWorkbench-LinkChecker/1.0 (+verification des tutoriels)';
const MAX_REDIRECTS = 10;
const INTERNAL_ADDRESS = 'EINTERNALADDRESS';
const INTERNAL_NOTE = 'adresse interne refusée';

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

function internalAddressError(): Error {
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
function agentFor(allowPrivate: boolean): Agent {
  if (allowPrivate) return (openAgent ??= new Agent());
  return (guardedAgent ??= new Agent({ connect: { lookup: guardedLookup } }));
}

/** Statuses after which a GET is worth trying: servers that refuse or mishandle HEAD. */
const RETRY_WITH_GET = new Set([400, 403, 404, 405, 406, 429, 500, 501, 502, 503]);

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof Error) parts.push(current.message);
    current = current && typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return parts.join(' : ');
}

/** A French reason for a failed request. */
export function describeNetworkError(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return 'délai dépassé';
  const code = errorCode(error);
  const message = errorMessage(error);
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
      return 'nom de domaine introuvable';
    case 'ECONNREFUSED':
      return 'connexion refusée';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connexion interrompue';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'délai dépassé';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'serveur injoignable';
    case INTERNAL_ADDRESS:
      return INTERNAL_NOTE;
    case 'EBADREDIRECT':
      return 'redirection vers une adresse ni http ni https';
    case 'CERT_HAS_EXPIRED':
      return 'certificat expiré';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'certificat invalide';
  }
  if (/redirect/i.test(message)) return 'trop de redirections';
  return code ? `erreur réseau (${code})` : `erreur réseau${message ? ` : ${message.slice(0, 160)}` : ''}`;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * One request, following redirects ourselves so that every hop is checked: an address typed as an IP
 * is judged here, a host name by the guarded lookup when the connection is made.
 */
async function request(url: URL, method: 'HEAD' | 'GET', timeoutMs: number, allowPrivate: boolean, internal: (address: string) => boolean): Promise<Response> {
  const signal = AbortSignal.timeout(timeoutMs);
  let current = url;
  for (let hop = 0; ; hop++) {
    if (current.protocol !== 'http:' && current.protocol !== 'https:')
      throw Object.assign(new Error('redirect to a non-http address'), { code: 'EBADREDIRECT' });
    if (!allowPrivate && internal(hostOf(current))) throw internalAddressError();
    const response = (await undiciFetch(current, {
      method,
      redirect: 'manual',
      signal,
      dispatcher: agentFor(allowPrivate),
      headers: { 'User-Agent': USER_AGENT, Accept: '*/*' },
    })) as unknown as Response;
    // We only want the status: do not download the page.
    await response.body?.cancel().catch(() => undefined);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || response.status === 304 || !location) return response;
    if (hop >= MAX_REDIRECTS) throw new Error('too many redirects');
    current = new URL(location, current);
  }
}

/** Checks one address: HEAD, then GET when HEAD fails or is refused. Never throws. */
export async function checkUrl(url: string, options: LinkCheckOptions = {}): Promise<LinkCheckResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const allowPrivate = options.allowPrivateAddresses ?? env().LINK_CHECK_ALLOW_PRIVATE;
  const internal = options.internalAddress ?? isInternalAddress;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, note: 'adresse invalide' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false, note: 'adresse invalide (ni http ni https)' };
  try {
    const head = await request(parsed, 'HEAD', timeoutMs, allowPrivate, internal);
    if (head.ok) return { ok: true, note: `HTTP ${head.status}` };
    if (!RETRY_WITH_GET.has(head.status)) return { ok: false, note: `HTTP ${head.status}` };
  } catch (error) {
    const note = describeNetworkError(error);
    // No point asking again a host that does not exist, does not answer or must not be asked.
    if (['nom de domaine introuvable', 'délai dépassé', 'connexion refusée', INTERNAL_NOTE, 'trop de redirections'].includes(note)) return { ok: false, note };
  }
  try {
    const get = await request(parsed, 'GET', timeoutMs, allowPrivate, internal);
    return { ok: get.ok, note: `HTTP ${get.status}` };
  } catch (error) {
    return { ok: false, note: describeNetworkError(error) };
  }
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await task(item);
    }
  });
  await Promise.all(runners);
}

export interface CheckSummary {
  checked: number;
  ok: number;
  dead: number;
}

/** Checks the tutorials' links and records each result as soon as it is known. */
export async function checkTutorialLinks(
  db: Db,
  data: CheckLinksJobData = {},
  options: LinkCheckOptions & { now?: () => Date; onProgress?: (done: number, total: number) => void | Promise<void> } = {},
): Promise<CheckSummary> {
  const tutorials = await tutorialLinksToCheck(db, data.tutorialIds);
  const summary: CheckSummary = { checked: 0, ok: 0, dead: 0 };
  const now = options.now ?? (() => new Date());
  await eachLimited(tutorials, options.concurrency ?? DEFAULT_CONCURRENCY, async (tutorial) => {
    const result = await checkUrl(tutorial.url, options);
    await recordLinkCheck(db, tutorial, result, now());
    summary.checked++;
    if (result.ok) summary.ok++;
    else summary.dead++;
    await options.onProgress?.(summary.checked, tutorials.length);
  });
  return summary;
}

export function tutorialLinksProcessor(db: Db, options: LinkCheckOptions = {}) {
  return async (job: Job<CheckLinksJobData>) => {
    if (job.name !== CHECK_TUTORIAL_LINKS) throw new Error(`Tâche inconnue dans la file des liens : ${job.name}`);
    return checkTutorialLinks(db, job.data ?? {}, {
      ...options,
      onProgress: async (done, total) => {
        if (done === total || done % 10 === 0) await job.updateProgress({ done, total });
      },
    });
  };
}
