/**
 * Releases as the authoring space shows them: each with what changed since the previous one
 * (challenges added, changed to another version, removed), and publishing a new one.
 */
import type { PrismaClient } from '../../prisma/client';
import type { GlobalRole } from '../lib/roles';
import { createRelease } from './release.server';
import { WorkflowError, isReviewer } from './workflow.server';

export interface ReleaseChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

type Item = { challengeId: string; versionId: string };

function compare(previous: Item[], current: Item[]): { added: string[]; changed: string[]; removed: string[] } {
  const before = new Map(previous.map((i) => [i.challengeId, i.versionId]));
  const now = new Map(current.map((i) => [i.challengeId, i.versionId]));
  return {
    added: current.filter((i) => !before.has(i.challengeId)).map((i) => i.challengeId),
    changed: current.filter((i) => before.has(i.challengeId) && before.get(i.challengeId) !== i.versionId).map((i) => i.challengeId),
    removed: previous.filter((i) => !now.has(i.challengeId)).map((i) => i.challengeId),
  };
}

/** The latest releases, newest first, each with its counts of changes since the one before. */
export async function listReleases(client: PrismaClient, limit = 30) {
  const releases = await client.release.findMany({
    orderBy: { number: 'desc' },
    take: limit + 1,
    include: { createdBy: { select: { firstName: true, lastName: true } } },
  });
  const items = await client.releaseChallenge.findMany({
    where: { releaseId: { in: releases.map((r) => r.id) } },
    select: { releaseId: true, challengeId: true, versionId: true },
  });
  const byRelease = new Map<string, Item[]>();
  for (const i of items) (byRelease.get(i.releaseId) ?? byRelease.set(i.releaseId, []).get(i.releaseId)!).push(i);
  return releases.slice(0, limit).map((r, index) => {
    const previous = releases[index + 1];
    const current = byRelease.get(r.id) ?? [];
    const changes = compare(previous ? (byRelease.get(previous.id) ?? []) : [], current);
    return {
      number: r.number,
      message: r.message,
      createdAt: r.createdAt,
      createdBy: r.createdBy ? `${r.createdBy.firstName} ${r.createdBy.lastName}` : null,
      challenges: current.length,
      previousNumber: previous?.number ?? null,
      added: changes.added.length,
      changed: changes.changed.length,
      removed: changes.removed.length,
    };
  });
}

/** One release with the challenges added, changed and removed since the previous release. */
export async function releaseDetail(client: PrismaClient, number: number) {
  const release = await client.release.findUnique({ where: { number }, include: { createdBy: { select: { firstName: true, lastName: true } } } });
  if (!release) return null;
  const previous = await client.release.findFirst({ where: { number: { lt: number } }, orderBy: { number: 'desc' } });
  const [current, before] = await Promise.all([
    client.releaseChallenge.findMany({ where: { releaseId: release.id }, select: { challengeId: true, versionId: true } }),
    previous ? client.releaseChallenge.findMany({ where: { releaseId: previous.id }, select: { challengeId: true, versionId: true } }) : Promise.resolve([]),
  ]);
  const changes = compare(before, current);
  const ids = [...changes.added, ...changes.changed, ...changes.removed];
  const versionIds = [...current, ...before].filter((i) => ids.includes(i.challengeId)).map((i) => i.versionId);
  const [challenges, versions] = await Promise.all([
    client.challenge.findMany({ where: { id: { in: ids } }, select: { id: true, key: true, status: true, skill: { select: { name: true } } } }),
    client.challengeVersion.findMany({ where: { id: { in: versionIds } }, select: { id: true, number: true } }),
  ]);
  const numberOf = new Map(versions.map((v) => [v.id, v.number]));
  const beforeVersion = new Map(before.map((i) => [i.challengeId, numberOf.get(i.versionId) ?? null]));
  const nowVersion = new Map(current.map((i) => [i.challengeId, numberOf.get(i.versionId) ?? null]));
  const describe = (id: string) => {
    const c = challenges.find((x) => x.id === id);
    return { id, key: c?.key ?? id, skill: c?.skill.name ?? '', status: c?.status ?? null, from: beforeVersion.get(id) ?? null, to: nowVersion.get(id) ?? null };
  };
  const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
  return {
    number: release.number,
    message: release.message,
    createdAt: release.createdAt,
    createdBy: release.createdBy ? `${release.createdBy.firstName} ${release.createdBy.lastName}` : null,
    challenges: current.length,
    previousNumber: previous?.number ?? null,
    added: changes.added.map(describe).sort(byKey),
    changed: changes.changed.map(describe).sort(byKey),
    removed: changes.removed.map(describe).sort(byKey),
  };
}

/** Publishes a new release of all live content (reviewers and administrators, with a message). */
export async function publishRelease(client: PrismaClient, input: { message: string; userId: string; roles: readonly GlobalRole[] }) {
  if (!isReviewer(input.roles)) throw new WorkflowError('reviewerOnly', 'Seuls les relecteurs et les administrateurs publient une version.');
  const message = input.message.trim();
  if (!message) throw new WorkflowError('messageRequired', 'Un message décrivant la version publiée est obligatoire.');
  return client.$transaction(
    async (tx) => {
      // One publication at a time: release numbers follow each other.
      await tx.$queryRaw`select pg_advisory_xact_lock(4242001)::text`;
      return createRelease(tx, message, input.userId);
    },
    { timeout: 60_000 },
  );
}
