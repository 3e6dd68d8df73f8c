import type { PrismaClient } from '../../prisma/client';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * What a release holds: every validated challenge (of an active skill) at its live version — the version a
 * person validated, never a newer one still in proposal.
 */
export async function liveSnapshot(tx: Tx | PrismaClient) {
  const live = await tx.challenge.findMany({
    where: { status: 'valide', liveVersionId: { not: null }, skill: { status: 'actif' } },
    select: { id: true, liveVersionId: true, skillId: true },
  });
  return live.map((c) => ({ challengeId: c.id, versionId: c.liveVersionId!, skillId: c.skillId }));
}

/** Freezes every live challenge at its current version into a new, immutable release. */
export async function createRelease(tx: Tx, message: string, userId: string | null, kind: 'MANUAL' | 'NIGHTLY' = 'MANUAL') {
  const live = (await liveSnapshot(tx)).map((c) => ({ id: c.challengeId, currentVersionId: c.versionId, skillId: c.skillId }));
  const last = await tx.release.findFirst({ orderBy: { number: 'desc' }, select: { number: true } });
  const release = await tx.release.create({
    data: { number: (last?.number ?? 0) + 1, message, createdById: userId, kind, confirmedAt: new Date(), confirmedById: userId },
  });
  await tx.releaseChallenge.createMany({
    data: live.map((c) => ({ releaseId: release.id, challengeId: c.id, versionId: c.currentVersionId!, skillId: c.skillId })),
  });
  return { ...release, challengeCount: live.length };
}

export async function latestRelease(db: PrismaClient) {
  return db.release.findFirst({ orderBy: { number: 'desc' } });
}
