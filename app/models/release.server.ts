import type { PrismaClient } from '../../prisma/client';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** Freezes every live challenge at its current version into a new, immutable release. */
export async function createRelease(tx: Tx, message: string, userId: string | null) {
  const live = await tx.challenge.findMany({
    where: { status: 'valide', currentVersionId: { not: null }, skill: { status: 'actif' } },
    select: { id: true, currentVersionId: true, skillId: true },
  });
  const last = await tx.release.findFirst({ orderBy: { number: 'desc' }, select: { number: true } });
  const release = await tx.release.create({
    data: { number: (last?.number ?? 0) + 1, message, createdById: userId },
  });
  await tx.releaseChallenge.createMany({
    data: live.map((c) => ({ releaseId: release.id, challengeId: c.id, versionId: c.currentVersionId!, skillId: c.skillId })),
  });
  return { ...release, challengeCount: live.length };
}

export async function latestRelease(db: PrismaClient) {
  return db.release.findFirst({ orderBy: { number: 'desc' } });
}
