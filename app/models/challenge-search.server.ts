/**
 * Search helpers for the challenge list: French full text over the current versions (instruction,
 * alternative instruction, proposals) through the expression index of migration
 * 20261123065700_challenge_search_french, authors, and the flags of the latest finished calibration.
 */
import type { PrismaClient } from '../../prisma/client';

type Client = Pick<PrismaClient, '$queryRaw' | 'calibrationRun' | 'calibrationItemResult' | 'user'>;

/**
 * Challenges whose current version matches the query (web-search syntax: words, "a phrase", -word, or),
 * with their rank. The expression is the indexed one.
 */
export async function fullTextMatches(client: Pick<PrismaClient, '$queryRaw'>, q: string): Promise<Map<string, number>> {
  const query = q.trim().slice(0, 200);
  if (!query) return new Map();
  const rows = await client.$queryRaw<{ id: string; rank: number }[]>`
    select c.id, ts_rank(to_tsvector('french'::regconfig, challenge_search_text(v.body)), q.query)::float8 as rank
    from "Challenge" c
    join "ChallengeVersion" v on v.id = c."currentVersionId",
    websearch_to_tsquery('french'::regconfig, search_fold(${query})) as q(query)
    where to_tsvector('french'::regconfig, challenge_search_text(v.body)) @@ q.query`;
  return new Map(rows.map((r) => [r.id, Number(r.rank)]));
}

/** The latest finished (succeeded) calibration run. */
export async function latestFinishedRun(client: Pick<PrismaClient, 'calibrationRun'>) {
  return client.calibrationRun.findFirst({
    where: { status: 'SUCCEEDED', finishedAt: { not: null } },
    orderBy: [{ finishedAt: 'desc' }, { createdAt: 'desc' }],
    select: { id: true, finishedAt: true },
  });
}

/** Challenges flagged (with this flag, or any flag) in the latest finished calibration run; null when there is no run. */
export async function flaggedChallengeIds(client: Client, flag: string): Promise<string[] | null> {
  const run = await latestFinishedRun(client);
  if (!run) return null;
  const rows = await client.calibrationItemResult.findMany({
    where: { runId: run.id, ...(flag === '*' ? { NOT: { flags: { isEmpty: true } } } : { flags: { has: flag } }) },
    select: { challengeId: true },
  });
  return rows.map((r) => r.challengeId);
}

/** The flags present in the latest finished run (for the filter). */
export async function flagChoices(client: Client): Promise<string[]> {
  const run = await latestFinishedRun(client);
  if (!run) return [];
  const rows = await client.calibrationItemResult.findMany({ where: { runId: run.id, NOT: { flags: { isEmpty: true } } }, select: { flags: true } });
  return [...new Set(rows.flatMap((r) => r.flags))].sort();
}

/** People who wrote at least one challenge version (for the author filter). */
export async function authorChoices(client: Client) {
  const users = await client.user.findMany({
    where: { challengeVersions: { some: {} } },
    orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }],
    select: { id: true, firstName: true, lastName: true },
  });
  return users.map((u) => ({ id: u.id, name: `${u.firstName} ${u.lastName}` }));
}
