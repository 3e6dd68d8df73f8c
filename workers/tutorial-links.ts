/**
 * The tutorial link checker: every tutorial address is asked for (HEAD, then GET when the server does not
 * answer HEAD properly), redirects followed, with a time limit, a few at a time. The result goes on the
 * tutorial: OK or DEAD, when, and why in French words (« HTTP 404 », « délai dépassé », « nom de domaine
 * introuvable »…). A network failure is a dead link with its reason, never a crash of the job.
 * Runs daily (job scheduler in main.ts) and on demand from the tutorials page.
 */
import type { Job } from 'bullmq';
import type { PrismaClient } from '../prisma/client';

export const CHECK_TUTORIAL_LINKS = 'check-tutorial-links';

export interface CheckLinksJobData {
  /** Only these tutorials; every tutorial when absent. */
  tutorialIds?: string[];
}

export interface LinkCheckResult {
  ok: boolean;
  /** « HTTP 200 », « HTTP 404 », « délai dépassé »… */
  note: string;
}

export interface LinkCheckOptions {
  timeoutMs?: number;
  concurrency?: number;
  fetch?: typeof fetch;
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

async function request(url: string, method: 'HEAD' | 'GET', timeoutMs: number, fetchImpl: typeof fetch): Promise<Response> {
  const response = await fetchImpl(url, {
    method,
    redirect: 'follow',
    signal: AbortSignal.timeout(timeoutMs),
    headers: { 'User-Agent': USER_AGENT, Accept: '*/*' },
  });
  // We only want the status: do not download the page.
  await response.body?.cancel().catch(() => undefined);
  return response;
}

/** Checks one address: HEAD, then GET when HEAD fails or is refused. Never throws. */
export async function checkUrl(url: string, options: LinkCheckOptions = {}): Promise<LinkCheckResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchImpl = options.fetch ?? fetch;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, note: 'adresse invalide' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false, note: 'adresse invalide (ni http ni https)' };
  try {
    const head = await request(url, 'HEAD', timeoutMs, fetchImpl);
    if (head.ok) return { ok: true, note: `HTTP ${head.status}` };
    if (!RETRY_WITH_GET.has(head.status)) return { ok: false, note: `HTTP ${head.status}` };
  } catch (error) {
    const note = describeNetworkError(error);
    // No point asking again a host that does not exist or does not answer.
    if (note === 'nom de domaine introuvable' || note === 'délai dépassé' || note === 'connexion refusée') return { ok: false, note };
  }
  try {
    const get = await request(url, 'GET', timeoutMs, fetchImpl);
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
  db: PrismaClient,
  data: CheckLinksJobData = {},
  options: LinkCheckOptions & { now?: () => Date; onProgress?: (done: number, total: number) => void | Promise<void> } = {},
): Promise<CheckSummary> {
  const tutorials = await db.tutorial.findMany({
    where: data.tutorialIds ? { id: { in: data.tutorialIds } } : {},
    select: { id: true, url: true },
    orderBy: { key: 'asc' },
  });
  const summary: CheckSummary = { checked: 0, ok: 0, dead: 0 };
  const now = options.now ?? (() => new Date());
  await eachLimited(tutorials, options.concurrency ?? DEFAULT_CONCURRENCY, async (tutorial) => {
    const result = await checkUrl(tutorial.url, options);
    // The tutorial may have been deleted meanwhile: updateMany does not fail on that.
    await db.tutorial.updateMany({
      where: { id: tutorial.id, url: tutorial.url },
      data: { linkStatus: result.ok ? 'OK' : 'DEAD', lastCheckedAt: now(), lastCheckNote: result.note },
    });
    summary.checked++;
    if (result.ok) summary.ok++;
    else summary.dead++;
    await options.onProgress?.(summary.checked, tutorials.length);
  });
  return summary;
}

export function tutorialLinksProcessor(db: PrismaClient, options: LinkCheckOptions = {}) {
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
