/**
 * The quality report of a challenge's current version, with what the link checker knows: the tutorials'
 * links found dead, and the last check of each address the challenge links to or loads (LinkCheck, written
 * by the link checker's `check-challenge-links` job). See engine/challenges/quality.ts for the checks.
 */
import type { PrismaClient } from '../../prisma/client';
import { checkableLinks, normaliseUrl, qualityReport, type ChallengeBody, type QualityReport } from '../../engine/challenges';

type Client = Pick<PrismaClient, 'tutorial' | 'linkCheck'>;

/** A check older than this is asked again when the challenge's status page is opened. */
export const LINK_CHECK_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/** Every link the tutorial link checker found dead. */
export async function deadLinks(client: Pick<PrismaClient, 'tutorial'>): Promise<string[]> {
  const rows = await client.tutorial.findMany({ where: { linkStatus: 'DEAD' }, select: { url: true } });
  return rows.map((r) => r.url);
}

/** The last checks of a body's addresses (stored under their normalised form). */
async function linkChecks(client: Pick<PrismaClient, 'linkCheck'>, body: ChallengeBody) {
  const urls = [...new Set(checkableLinks(body).map(normaliseUrl))];
  return urls.length === 0 ? [] : client.linkCheck.findMany({ where: { url: { in: urls } } });
}

export async function challengeQuality(client: Client, body: ChallengeBody): Promise<QualityReport> {
  const [tutorialDead, checks] = await Promise.all([deadLinks(client), linkChecks(client, body)]);
  return qualityReport(body, { dead: [...tutorialDead, ...checks.filter((c) => !c.ok).map((c) => c.url)], checked: checks.map((c) => c.url) });
}

/** The addresses of a body never checked or checked too long ago (what to ask the link checker for). */
export async function linksToCheck(client: Pick<PrismaClient, 'linkCheck'>, body: ChallengeBody, now = new Date()): Promise<string[]> {
  const checks = new Map((await linkChecks(client, body)).map((c) => [c.url, c.checkedAt]));
  return checkableLinks(body).filter((u) => {
    const at = checks.get(normaliseUrl(u));
    return !at || now.getTime() - at.getTime() > LINK_CHECK_MAX_AGE_MS;
  });
}

/** Records the link checker's result for an address of a challenge. */
export async function recordChallengeLinkCheck(client: Pick<PrismaClient, 'linkCheck'>, url: string, result: { ok: boolean; note: string }, at: Date) {
  const key = normaliseUrl(url);
  await client.linkCheck.upsert({
    where: { url: key },
    create: { url: key, ok: result.ok, note: result.note.slice(0, 300), checkedAt: at },
    update: { ok: result.ok, note: result.note.slice(0, 300), checkedAt: at },
  });
}
