/**
 * Search helpers for the challenge list: French full text over the current versions (instruction,
 * alternative instruction, proposals, solution) through the expression index of migrations
 * 20261123065700_challenge_search_french and 20261206110000_challenge_search_solution, keys, skill names
 * and tutorial titles, authors, and the flags of the latest finished calibration.
 */
import type { PrismaClient } from '../../prisma/client';

type Client = Pick<PrismaClient, '$queryRaw' | 'calibrationRun' | 'calibrationItemResult' | 'user'>;

/**
 * Challenges matching the query (web-search syntax: words, "a phrase", -word, or), with their rank:
 *  - French full text over the current version: instruction, alternative instruction, proposals and the
 *    solution (explanation, accepted answers); the expression is the indexed one;
 *  - the key or the skill name containing the query (10 and 5: an identifier comes first);
 *  - the title of a tutorial of the challenge's skill (full text, ranked below the challenge's own text).
 * Accents and case are folded by the same search_fold on both sides, so « hameçonnage » and
 * « hameconnage » find the same challenges.
 */
export async function fullTextMatches(client: Pick<PrismaClient, '$queryRaw'>, q: string): Promise<Map<string, number>> {
  const query = q.trim().slice(0, 200);
  if (!query) return new Map();
  const rows = await client.$queryRaw<{ id: string; rank: number }[]>`
    with q as (select websearch_to_tsquery('french'::regconfig, search_fold(${query})) as query, search_fold(${query}) as folded),
    hits as (
      select c.id, ts_rank(to_tsvector('french'::regconfig, challenge_search_text(v.body)), q.query)::float8 as rank
      from "Challenge" c
      join "ChallengeVersion" v on v.id = c."currentVersionId", q
      where to_tsvector('french'::regconfig, challenge_search_text(v.body)) @@ q.query
      union all
      select c.id, 10::float8 from "Challenge" c, q where position(q.folded in search_fold(c.key)) > 0
      union all
      select c.id, 5::float8 from "Challenge" c join "Skill" s on s.id = c."skillId", q where position(q.folded in search_fold(s.name)) > 0
      union all
      select c.id, 0.01::float8
      from "Challenge" c
      join "SkillTutorial" st on st."skillId" = c."skillId"
      join "Tutorial" t on t.id = st."tutorialId", q
      where to_tsvector('french'::regconfig, search_fold(t.title)) @@ q.query
    )
    select id, max(rank)::float8 as rank from hits group by id`;
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
