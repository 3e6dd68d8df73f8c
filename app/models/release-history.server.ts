/**
 * Releases as the authoring space shows them: each with what changed since the previous one
 * (challenges added, changed to another version, removed), and publishing a new one.
 */
import crypto from 'node:crypto';
import type { PrismaClient } from '../../prisma/client';
import type { GlobalRole } from '../lib/roles';
import { createRelease, liveSnapshot } from './release.server';
import { WorkflowError, isReviewer } from './workflow.server';
import { filterApplicable } from './parameter-set.server';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

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
      confirmedAt: r.confirmedAt,
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
    confirmedAt: release.confirmedAt,
    authoringChanges: authoringChangesOf(release.authoringChanges),
    skillChanges: skillAuthoringChangesOf(release.authoringChanges),
    createdAt: release.createdAt,
    createdBy: release.createdBy ? `${release.createdBy.firstName} ${release.createdBy.lastName}` : null,
    challenges: current.length,
    previousNumber: previous?.number ?? null,
    added: changes.added.map(describe).sort(byKey),
    changed: changes.changed.map(describe).sort(byKey),
    removed: changes.removed.map(describe).sort(byKey),
  };
}

export interface PreviewItem {
  id: string;
  key: string;
  skill: string;
  /** Version number in the release in force, and in the publication to come. */
  from: number | null;
  to: number | null;
  /** Calibrated in the release in force and not any more (removed, or a version whose scoring changed). */
  calibratedLeaving: boolean;
}

/**
 * What publishing now would change, compared with the release in force: challenges added, removed and
 * changed, and the calibrated challenges that would leave the calibrated bank. `token` fingerprints the
 * content previewed: publishing checks it so that what is confirmed is what was shown.
 */
export async function releasePreview(client: PrismaClient | Tx) {
  const last = await client.release.findFirst({ orderBy: { number: 'desc' } });
  const live = await liveSnapshot(client);
  const before = last ? await client.releaseChallenge.findMany({ where: { releaseId: last.id }, select: { challengeId: true, versionId: true } }) : [];
  const changes = compare(before, live);
  const ids = [...changes.added, ...changes.changed, ...changes.removed];
  const active = await client.parameterSet.findFirst({ where: { active: true }, select: { id: true } });
  const params = active
    ? await client.itemParameter.findMany({
        where: { parameterSetId: active.id, challengeId: { in: [...changes.changed, ...changes.removed] } },
        select: { challengeId: true, versionId: true, a: true, d: true },
      })
    : [];
  const [calibratedBefore, calibratedAfter] = await Promise.all([filterApplicable(client, params, before), filterApplicable(client, params, live)]);
  const versionIds = [...before, ...live].filter((i) => ids.includes(i.challengeId)).map((i) => i.versionId);
  const [challenges, versions] = await Promise.all([
    client.challenge.findMany({ where: { id: { in: ids } }, select: { id: true, key: true, skill: { select: { name: true } } } }),
    client.challengeVersion.findMany({ where: { id: { in: versionIds } }, select: { id: true, number: true } }),
  ]);
  const numberOf = new Map(versions.map((v) => [v.id, v.number]));
  const beforeOf = new Map(before.map((i) => [i.challengeId, i.versionId]));
  const nowOf = new Map(live.map((i) => [i.challengeId, i.versionId]));
  const describe = (id: string): PreviewItem => {
    const c = challenges.find((x) => x.id === id);
    const from = beforeOf.get(id);
    const to = nowOf.get(id);
    return {
      id,
      key: c?.key ?? id,
      skill: c?.skill.name ?? '',
      from: from ? (numberOf.get(from) ?? null) : null,
      to: to ? (numberOf.get(to) ?? null) : null,
      calibratedLeaving: calibratedBefore.has(id) && !calibratedAfter.has(id),
    };
  };
  const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
  const token = crypto
    .createHash('sha256')
    .update(
      `${last?.number ?? 0}|${live
        .map((i) => `${i.challengeId}:${i.versionId}`)
        .sort()
        .join(',')}`,
    )
    .digest('hex')
    .slice(0, 32);
  const added = changes.added.map(describe).sort(byKey);
  const changed = changes.changed.map(describe).sort(byKey);
  const removed = changes.removed.map(describe).sort(byKey);
  return {
    inForce: last ? { number: last.number, kind: last.kind, restoredFromNumber: last.restoredFromNumber, confirmed: last.confirmedAt !== null } : null,
    challenges: live.length,
    added,
    changed,
    removed,
    calibratedLeaving: [...changed, ...removed].filter((i) => i.calibratedLeaving),
    token,
  };
}

/**
 * Publishes a new release of all live content (reviewers and administrators, with a message), once the
 * person has seen the preview: `previewToken` must match the content now, else nothing is published
 * (someone changed it meanwhile). Publishing confirms a rollback in force.
 */
export async function publishRelease(client: PrismaClient, input: { message: string; userId: string; roles: readonly GlobalRole[]; previewToken: string }) {
  if (!isReviewer(input.roles)) throw new WorkflowError('reviewerOnly', 'Seuls les relecteurs et les administrateurs publient une version.');
  const message = input.message.trim();
  if (!message) throw new WorkflowError('messageRequired', 'Un message décrivant la version publiée est obligatoire.');
  return client.$transaction(
    async (tx) => {
      // One publication at a time: release numbers follow each other.
      await tx.$queryRaw`select pg_advisory_xact_lock(${RELEASE_LOCK})::text`;
      const preview = await releasePreview(tx);
      if (preview.token !== input.previewToken) {
        throw new WorkflowError('previewStale', 'Le contenu a changé depuis l’aperçu : relisez les différences avant de publier.');
      }
      await tx.release.updateMany({ where: { confirmedAt: null }, data: { confirmedAt: new Date(), confirmedById: input.userId } });
      return createRelease(tx, message, input.userId);
    },
    { timeout: 60_000 },
  );
}

/** Confirms a rollback in force without publishing: the nightly release may publish again (what people validate after it). */
export async function confirmRollback(client: PrismaClient, input: { number: number; userId: string; roles: readonly GlobalRole[] }) {
  if (!isReviewer(input.roles)) throw new WorkflowError('reviewerOnly', 'Seuls les relecteurs et les administrateurs confirment un retour en arrière.');
  const done = await client.release.updateMany({
    where: { number: input.number, kind: 'ROLLBACK', confirmedAt: null },
    data: { confirmedAt: new Date(), confirmedById: input.userId },
  });
  if (done.count !== 1) throw new WorkflowError('wrongStatus', `La version n° ${input.number} n’est pas un retour en arrière à confirmer.`);
}

function sameContent(a: Item[], b: Item[]): boolean {
  if (a.length !== b.length) return false;
  const m = new Map(a.map((i) => [i.challengeId, i.versionId]));
  return b.every((i) => m.get(i.challengeId) === i.versionId);
}

export type NightlyOutcome = { published: true; number: number; challenges: number } | { published: false; reason: 'unchanged' | 'empty' | 'rollback' };

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
      // A rollback holds until a person confirms it (or publishes after seeing the preview).
      if (last && last.kind === 'ROLLBACK' && last.confirmedAt === null) return { published: false, reason: 'rollback' } as const;
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

export interface AuthoringChange {
  challengeId: string;
  key: string;
  from: { status: string; liveVersion: number | null; proposalStatus: string | null };
  to: { status: string; liveVersion: number | null; proposalStatus: string | null };
}

/** A skill whose status a rollback returned (stored beside the challenges' changes, marked `kind: 'skill'`). */
export interface SkillAuthoringChange {
  kind: 'skill';
  skillId: string;
  name: string;
  from: { status: string };
  to: { status: string };
}

function authoringChangesOf(json: unknown): AuthoringChange[] {
  return Array.isArray(json) ? (json as (AuthoringChange | SkillAuthoringChange)[]).filter((c): c is AuthoringChange => !('kind' in c)) : [];
}

function skillAuthoringChangesOf(json: unknown): SkillAuthoringChange[] {
  return Array.isArray(json)
    ? (json as (AuthoringChange | SkillAuthoringChange)[]).filter((c): c is SkillAuthoringChange => 'kind' in c && c.kind === 'skill')
    : [];
}

/**
 * The skill statuses a rollback returns to. A release serves only challenges of active skills, so every
 * skill the target release served is made active again (even one archived or made obsolete since: the
 * rollback says that content is served), otherwise the next publication would drop its challenges again.
 * Other skills keep their status: no history of skill statuses is kept, and a skill created since serves
 * nothing after the rollback anyway (its challenges went back to proposal above).
 */
async function returnSkillStatuses(tx: Tx, target: { id: string }): Promise<SkillAuthoringChange[]> {
  const served = await tx.releaseChallenge.findMany({ where: { releaseId: target.id }, select: { skillId: true }, distinct: ['skillId'] });
  const skills = await tx.skill.findMany({
    where: { id: { in: served.map((i) => i.skillId) }, status: { not: 'actif' } },
    select: { id: true, name: true, status: true },
  });
  const changes: SkillAuthoringChange[] = [];
  for (const skill of skills) {
    await tx.skill.update({ where: { id: skill.id }, data: { status: 'actif' } });
    changes.push({ kind: 'skill', skillId: skill.id, name: skill.name, from: { status: skill.status }, to: { status: 'actif' } });
  }
  return changes.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The authoring state a rollback returns to: each challenge of the target release validated at the version
 * it served (a newer current version waits as a proposal); each validated challenge not in it back to the
 * status it had when the target was published (proposée when it did not exist yet). Writes the status
 * changes and returns what changed.
 */
async function returnAuthoringState(tx: Tx, target: { number: number; createdAt: Date; id: string }, reason: string, userId: string) {
  const items = await tx.releaseChallenge.findMany({ where: { releaseId: target.id }, select: { challengeId: true, versionId: true } });
  const inTarget = new Map(items.map((i) => [i.challengeId, i.versionId]));
  const touched = await tx.challenge.findMany({
    where: { OR: [{ id: { in: [...inTarget.keys()] } }, { status: 'valide' }] },
    select: { id: true, key: true, status: true, liveVersionId: true, currentVersionId: true, proposalStatus: true },
  });
  const versionIds = [...new Set(touched.flatMap((c) => [c.liveVersionId, inTarget.get(c.id)]).filter((x): x is string => !!x))];
  const numberOf = new Map(
    (await tx.challengeVersion.findMany({ where: { id: { in: versionIds } }, select: { id: true, number: true } })).map((v) => [v.id, v.number]),
  );
  const changes: AuthoringChange[] = [];
  const message = `Retour à la version publiée n° ${target.number} : ${reason}`;
  for (const c of touched) {
    const served = inTarget.get(c.id);
    let to: { status: 'propose' | 'submitted' | 'valide' | 'archive' | 'perime'; liveVersionId: string | null; proposalStatus: 'propose' | null };
    if (served) {
      to = { status: 'valide', liveVersionId: served, proposalStatus: c.currentVersionId !== served ? 'propose' : null };
    } else {
      const then = await tx.challengeStatusChange.findFirst({
        where: { challengeId: c.id, createdAt: { lte: target.createdAt } },
        orderBy: { createdAt: 'desc' },
        select: { toStatus: true },
      });
      // Validated then but not served (e.g. its skill was not active): back in proposal, to be validated again.
      const status = !then || then.toStatus === 'valide' ? 'propose' : then.toStatus;
      to = { status, liveVersionId: null, proposalStatus: null };
    }
    if (to.status === c.status && to.liveVersionId === c.liveVersionId && to.proposalStatus === c.proposalStatus) continue;
    await tx.challenge.update({ where: { id: c.id }, data: to });
    if (to.status !== c.status) {
      await tx.challengeStatusChange.create({ data: { challengeId: c.id, fromStatus: c.status, toStatus: to.status, message, userId } });
    }
    changes.push({
      challengeId: c.id,
      key: c.key,
      from: { status: c.status, liveVersion: c.liveVersionId ? (numberOf.get(c.liveVersionId) ?? null) : null, proposalStatus: c.proposalStatus },
      to: { status: to.status, liveVersion: to.liveVersionId ? (numberOf.get(to.liveVersionId) ?? null) : null, proposalStatus: to.proposalStatus },
    });
  }
  return changes.sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * Rolls back to an earlier release (administrators, with a reason): a new release whose content is
 * exactly that release's, and the authoring state returned to it (statuses and live versions, recorded on
 * the new release as `authoringChanges`), so the next publication starts from the rolled-back content.
 * The rollback is unconfirmed: the nightly release waits until a person confirms or publishes.
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
      const authoringChanges = await returnAuthoringState(tx, target, reason, input.userId);
      const skillChanges = await returnSkillStatuses(tx, target);
      const release = await tx.release.create({
        data: {
          number: (last?.number ?? 0) + 1,
          message: reason,
          kind: 'ROLLBACK',
          restoredFromNumber: target.number,
          createdById: input.userId,
          authoringChanges: [...authoringChanges, ...skillChanges] as unknown as object,
        },
      });
      await tx.releaseChallenge.createMany({ data: items.map((i) => ({ ...i, releaseId: release.id })) });
      return { number: release.number, restoredFromNumber: target.number, challenges: items.length, authoringChanges, skillChanges };
    },
    { timeout: 60_000 },
  );
}
