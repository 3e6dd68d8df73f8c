/** The tutorials' link checks (workers/tutorial-links.ts asks the addresses; this reads and records). */
import type { PrismaClient } from '../../prisma/client';

type Client = Pick<PrismaClient, 'tutorial'>;

/** The tutorials to check, by key: these (when given) or all. */
export async function tutorialLinksToCheck(client: Client, tutorialIds?: readonly string[]): Promise<{ id: string; url: string }[]> {
  return client.tutorial.findMany({
    where: tutorialIds ? { id: { in: [...tutorialIds] } } : {},
    select: { id: true, url: true },
    orderBy: { key: 'asc' },
  });
}

/**
 * Records a check on the tutorial: OK or DEAD, when, and why. Nothing happens when the tutorial was deleted
 * or its address changed since it was read (the result is about the old address).
 */
export async function recordLinkCheck(client: Client, tutorial: { id: string; url: string }, result: { ok: boolean; note: string }, at: Date): Promise<void> {
  await client.tutorial.updateMany({
    where: { id: tutorial.id, url: tutorial.url },
    data: { linkStatus: result.ok ? 'OK' : 'DEAD', lastCheckedAt: at, lastCheckNote: result.note },
  });
}
