/**
 * Releases as the authoring space shows them: each with what changed since the previous one
 * (challenges added, changed to another version, removed), and publishing a new one.
 */
import type { PrismaClient } from '../../prisma/client';
import type { GlobalRole } from '../lib/roles';
import { createRelease, liveSnapshot } from './release.server';
import { WorkflowError, isReviewer } from './workflow.server';

/** Serialises release creation (numbers follow each other). */
const RELEASE_LOCK = 4242001;

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
      kind: r.kind,
      restoredFromNumber: r.restoredFromNumber,
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
    return {
      id,
      key: c?.key ?? id,
      skill: c?.skill.name ?? '',
      status: c?.status ?? null,
      from: beforeVersion.get(id) ?? null,
      to: nowVersion.get(id) ?? null,
    };
  };
  const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
  return {
    number: release.number,
    message: release.message,
    kind: release.kind,
    restoredFromNumber: release.restoredFromNumber,
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
      await tx.$queryRaw`select pg_advisory_xact_lock(${RELEASE_LOCK})::text`;
      return createRelease(tx, message, input.userId);
    },
    { timeout: 60_000 },
  );
}

function sameContent(a: Item[], b: Item[]): boolean {
  if (a.length !== b.length) return false;
  const m = new Map(a.map((i) => [i.challengeId, i.versionId]));
  return b.every((i) => m.get(i.challengeId) === i.versionId);
}

export type NightlyOutcome = { published: true; number: number; challenges: number } | { published: false; reason: 'unchanged' | 'empty' };

/**
 * The nightly release (worker): published only when something changed since the latest release — a
 * version saved, a status changed or a skill edited after it — and the live content differs from it.
 * After a rollback, live content may differ from the rolled-back release; nothing is published until
 * someone changes something again, so a rollback is not undone by the next night.
 */
export async function publishNightlyRelease(client: PrismaClient, now = new Date()): Promise<NightlyOutcome> {
  return client.$transaction(
    async (tx) => {
      await tx.$queryRaw`select pg_advisory_xact_lock(${RELEASE_LOCK})::text`;
      const last = await tx.release.findFirst({ orderBy: { number: 'desc' } });
      const live = await liveSnapshot(tx);
      if (!last) {
        if (live.length === 0) return { published: false, reason: 'empty' } as const;
      } else {
        const since = { gt: last.createdAt };
        const [versions, statuses, skills] = await Promise.all([
          tx.challengeVersion.count({ where: { createdAt: since } }),
          tx.challengeStatusChange.count({ where: { createdAt: since } }),
          tx.skill.count({ where: { updatedAt: since } }),
        ]);
        if (versions + statuses + skills === 0) return { published: false, reason: 'unchanged' } as const;
        const current = await tx.releaseChallenge.findMany({ where: { releaseId: last.id }, select: { challengeId: true, versionId: true } });
        if (sameContent(current, live)) return { published: false, reason: 'unchanged' } as const;
      }
      const day = now.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });
      const release = await createRelease(tx, `Publication nocturne du ${day}`, null, 'NIGHTLY');
      return { published: true, number: release.number, challenges: release.challengeCount } as const;
    },
    { timeout: 60_000 },
  );
}

/**
 * Rolls back to an earlier release (administrators, with a reason): a new release whose content is
 * exactly that release's. Releases stay immutable; who and why are on the new one.
 */
export async function rollbackRelease(client: PrismaClient, input: { toNumber: number; reason: string; userId: string; roles: readonly GlobalRole[] }) {
  if (!input.roles.includes('ADMIN')) throw new WorkflowError('reviewerOnly', 'Seuls les administrateurs peuvent revenir à une version publiée antérieure.');
  const reason = input.reason.trim();
  if (!reason) throw new WorkflowError('messageRequired', 'Indiquez la raison du retour à une version antérieure.');
  return client.$transaction(
    async (tx) => {
      await tx.$queryRaw`select pg_advisory_xact_lock(${RELEASE_LOCK})::text`;
      const target = await tx.release.findUnique({ where: { number: input.toNumber } });
      if (!target) throw new WorkflowError('notFound', `La version publiée n° ${input.toNumber} n’existe pas.`);
      const last = await tx.release.findFirst({ orderBy: { number: 'desc' }, select: { number: true } });
      if (last && last.number === target.number) throw new WorkflowError('wrongStatus', `La version n° ${target.number} est déjà la plus récente.`);
      const items = await tx.releaseChallenge.findMany({ where: { releaseId: target.id }, select: { challengeId: true, versionId: true, skillId: true } });
      const release = await tx.release.create({
        data: { number: (last?.number ?? 0) + 1, message: reason, kind: 'ROLLBACK', restoredFromNumber: target.number, createdById: input.userId },
      });
      await tx.releaseChallenge.createMany({ data: items.map((i) => ({ ...i, releaseId: release.id })) });
      return { number: release.number, restoredFromNumber: target.number, challenges: items.length };
    },
    { timeout: 60_000 },
  );
}
