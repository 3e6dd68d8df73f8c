/**
 * A learner's knowledge that counts: knowledge elements are append-only, and a competence's reset
 * ("Remettre à zéro") makes those created up to it stop counting (engine/framework `knowledgeAfterResets`,
 * the one rule). Everything that reads a learner's knowledge for a score, a profile, certifiability, a
 * campaign's known skills or a test's prior knowledge goes through this module: the functions below in
 * TypeScript, or `countsAfterReset` inside a statement that must stay one query.
 */
import type { PrismaClient } from '../../prisma/client';
import { Prisma } from '../../prisma/generated/client';
import {
  availableAt,
  competenceScore,
  knowledgeAfterResets,
  latestKnowledgeElements,
  latestResets,
  resetAllowed,
  RESET_DELAY_DAYS,
  type CompetenceScore,
} from '../../engine/framework';
import { maxReachableLevel } from '../lib/settings.server';
import { competenceByCode, type CompetenceRow } from './positioning-bank.server';
import { PositioningError } from './positioning-error.server';

type Client = PrismaClient;

export interface CountingKnowledgeElement {
  skillId: string;
  competenceId: string;
  status: 'validated' | 'invalidated';
  source: 'direct' | 'inferred' | 'estimated';
  createdAt: Date;
}

/**
 * The learner's knowledge elements that count (oldest first), on one competence or all, with the latest
 * reset of each competence that has one.
 */
export async function countingKnowledge(
  client: Pick<Client, 'knowledgeElement' | 'competenceReset'>,
  userId: string,
  competenceId?: string,
): Promise<{ kes: CountingKnowledgeElement[]; resets: Map<string, Date> }> {
  const [kes, resets] = await Promise.all([
    client.knowledgeElement.findMany({
      where: { userId, ...(competenceId ? { competenceId } : {}) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { skillId: true, competenceId: true, status: true, source: true, createdAt: true },
    }),
    client.competenceReset.findMany({ where: { userId, ...(competenceId ? { competenceId } : {}) }, select: { competenceId: true, createdAt: true } }),
  ]);
  const points = resets.map((r) => ({ competenceId: r.competenceId, at: r.createdAt }));
  const latest = new Map([...latestResets(points)].map(([competenceId, at]) => [competenceId, new Date(at)]));
  return { kes: knowledgeAfterResets(kes, points), resets: latest };
}

/** The skills whose latest counting knowledge element is validated. */
export async function validatedSkillIds(client: Pick<Client, 'knowledgeElement' | 'competenceReset'>, userId: string): Promise<Set<string>> {
  const { kes } = await countingKnowledge(client, userId);
  const latest = latestKnowledgeElements(kes.map((k, i) => ({ skillId: k.skillId, status: k.status, source: k.source, createdAt: i })));
  return new Set([...latest.values()].filter((k) => k.status === 'validated').map((k) => k.skillId));
}

/**
 * Several learners' state on some skills as it was at an instant of theirs (e.g. when they shared a
 * campaign's results): on each skill, the latest knowledge element created up to that instant that counts
 * after the resets made up to it. userId → skillId → state; a skill absent was not tested then.
 */
export async function skillStatesAt(
  client: Pick<Client, 'knowledgeElement' | 'competenceReset'>,
  learners: readonly { userId: string; at: Date }[],
  skillIds: readonly string[],
): Promise<Map<string, Map<string, 'validated' | 'invalidated'>>> {
  const userIds = [...new Set(learners.map((l) => l.userId))];
  const [kes, resets] = await Promise.all([
    client.knowledgeElement.findMany({
      where: { userId: { in: userIds }, skillId: { in: [...skillIds] } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { userId: true, skillId: true, competenceId: true, status: true, source: true, createdAt: true },
    }),
    client.competenceReset.findMany({ where: { userId: { in: userIds } }, select: { userId: true, competenceId: true, createdAt: true } }),
  ]);
  const byUser = <R extends { userId: string }>(rows: R[]) => {
    const map = new Map<string, R[]>();
    for (const r of rows) {
      const list = map.get(r.userId);
      if (list) list.push(r);
      else map.set(r.userId, [r]);
    }
    return map;
  };
  const kesOf = byUser(kes);
  const resetsOf = byUser(resets);
  const out = new Map<string, Map<string, 'validated' | 'invalidated'>>();
  for (const { userId, at } of learners) {
    const mine = (kesOf.get(userId) ?? []).filter((k) => k.createdAt <= at);
    const points = (resetsOf.get(userId) ?? []).filter((r) => r.createdAt <= at).map((r) => ({ competenceId: r.competenceId, at: r.createdAt }));
    const latest = latestKnowledgeElements(
      knowledgeAfterResets(mine, points).map((k, i) => ({ skillId: k.skillId, status: k.status, source: k.source, createdAt: i })),
    );
    out.set(userId, new Map([...latest.values()].map((k) => [k.skillId, k.status])));
  }
  return out;
}

/**
 * The same rule inside one SQL statement: true when the knowledge element aliased `k` counts, i.e. no
 * reset of its competence by its learner at or after its creation (and, with `before`, before that
 * instant: the resets a test started after).
 */
export function countsAfterReset(k: string, before?: string): Prisma.Sql {
  const alias = Prisma.raw(k);
  const bound = before === undefined ? Prisma.empty : Prisma.sql` AND r."createdAt" < ${before}::timestamp`;
  return Prisma.sql`NOT EXISTS (SELECT 1 FROM "CompetenceReset" r WHERE r."userId" = ${alias}."userId" AND r."competenceId" = ${alias}."competenceId" AND r."createdAt" >= ${alias}."createdAt"${bound})`;
}

/** Level and pix of the learner on one competence now. */
export async function competenceScoreOf(client: Client, userId: string, competence: CompetenceRow): Promise<CompetenceScore> {
  const [{ kes }, skills] = await Promise.all([
    countingKnowledge(client, userId, competence.id),
    client.skill.findMany({ where: { tube: { competenceId: competence.id } }, select: { id: true, tubeId: true, level: true, status: true } }),
  ]);
  return competenceScore(
    kes.map((k, i) => ({ skillId: k.skillId, status: k.status, source: k.source, createdAt: i })),
    skills.map((s) => ({ ...s, competenceCode: competence.code })),
    maxReachableLevel(),
  );
}

/** Whether the learner completed a positioning test on the competence since its latest reset (its results are then shown). */
export async function completedTestSinceReset(client: Client, userId: string, competenceId: string): Promise<boolean> {
  const [row] = await client.$queryRaw<{ done: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM "Assessment" a
      WHERE a."userId" = ${userId} AND a."competenceId" = ${competenceId} AND a.type = 'POSITIONING' AND a.state = 'COMPLETED'
        AND NOT EXISTS (SELECT 1 FROM "CompetenceReset" r WHERE r."userId" = a."userId" AND r."competenceId" = a."competenceId" AND r."createdAt" >= a."createdAt")
    ) AS done`;
  return row?.done ?? false;
}

/**
 * "Remettre à zéro": 7 days after the last knowledge element that counts on the competence, a reset
 * point after which only new elements count (the old ones stay, append-only). A test under way is
 * abandoned.
 */
export async function resetCompetence(client: Client, input: { userId: string; competenceCode: string; now: Date }): Promise<void> {
  const competence = await competenceByCode(client, input.competenceCode);
  if (!competence) throw new PositioningError('unknown_competence');
  const { kes } = await countingKnowledge(client, input.userId, competence.id);
  const last = kes.reduce<Date | null>((latest, k) => (latest === null || k.createdAt > latest ? k.createdAt : latest), null);
  if (!last) throw new PositioningError('nothing_to_reset');
  if (!resetAllowed(last, input.now)) throw new PositioningError('too_early_reset', availableAt(last, RESET_DELAY_DAYS));
  await client.$transaction([
    client.competenceReset.create({ data: { userId: input.userId, competenceId: competence.id, createdAt: input.now } }),
    client.assessment.updateMany({
      where: { userId: input.userId, competenceId: competence.id, type: 'POSITIONING', state: 'STARTED' },
      data: { state: 'ABORTED' },
    }),
  ]);
}
