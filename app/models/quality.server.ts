/**
 * The quality report of a challenge's current version, with the links known dead (tutorials whose last
 * link check said DEAD). See engine/challenges/quality.ts for the checks.
 */
import type { PrismaClient } from '../../prisma/client';
import { qualityReport, type ChallengeBody, type QualityReport } from '../../engine/challenges';

type Client = Pick<PrismaClient, 'tutorial'>;

/** Every link the tutorial link checker found dead. */
export async function deadLinks(client: Client): Promise<string[]> {
  const rows = await client.tutorial.findMany({ where: { linkStatus: 'DEAD' }, select: { url: true } });
  return rows.map((r) => r.url);
}

export async function challengeQuality(client: Client, body: ChallengeBody): Promise<QualityReport> {
  return qualityReport(body, await deadLinks(client));
}
