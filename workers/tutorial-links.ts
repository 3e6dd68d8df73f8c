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
import type { Job } from 'bullmq';
import type { Db } from '../app/lib/db.server';
import { env } from '../app/lib/env.server';
import { CHECK_CHALLENGE_LINKS, CHECK_TUTORIAL_LINKS, type CheckChallengeLinksJobData, type CheckLinksJobData } from '../app/lib/queues.server';
import { recordChallengeLinkCheck } from '../app/models/quality.server';
import { recordLinkCheck, tutorialLinksToCheck } from '../app/models/tutorial-link.server';
import { INTERNAL_ADDRESS, INTERNAL_NOTE, guardedFetch, isInternalAddress } from '../app/lib/outbound-http.server';

export { embeddedIpv4, isInternalAddress } from '../app/lib/outbound-http.server';

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

/** One request (redirects followed, every hop checked), without downloading the page: only the status matters. */
async function request(url: URL, method: 'HEAD' | 'GET', timeoutMs: number, allowPrivate: boolean, internal: (address: string) => boolean): Promise<Response> {
  const response = await guardedFetch(url, { method, timeoutMs, allowPrivate, internal, headers: { 'User-Agent': USER_AGENT, Accept: '*/*' } });
  await response.body?.cancel().catch(() => undefined);
  return response;
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

/** Checks the addresses of a challenge (its links, embedded page, images) and records each result. */
export async function checkChallengeLinks(
  db: Db,
  data: CheckChallengeLinksJobData,
  options: LinkCheckOptions & { now?: () => Date } = {},
): Promise<CheckSummary> {
  const urls = [...new Set(data.urls ?? [])].slice(0, 200);
  const summary: CheckSummary = { checked: 0, ok: 0, dead: 0 };
  const now = options.now ?? (() => new Date());
  await eachLimited(urls, options.concurrency ?? DEFAULT_CONCURRENCY, async (url) => {
    const result = await checkUrl(url, options);
    await recordChallengeLinkCheck(db, url, result, now());
    summary.checked++;
    if (result.ok) summary.ok++;
    else summary.dead++;
  });
  return summary;
}

export function tutorialLinksProcessor(db: Db, options: LinkCheckOptions = {}) {
  return async (job: Job<CheckLinksJobData | CheckChallengeLinksJobData>) => {
    if (job.name === CHECK_CHALLENGE_LINKS) return checkChallengeLinks(db, job.data as CheckChallengeLinksJobData, options);
    if (job.name !== CHECK_TUTORIAL_LINKS) throw new Error(`Tâche inconnue dans la file des liens : ${job.name}`);
    return checkTutorialLinks(db, (job.data ?? {}) as CheckLinksJobData, {
      ...options,
      onProgress: async (done, total) => {
        if (done === total || done % 10 === 0) await job.updateProgress({ done, total });
      },
    });
  };
}
