/**
 * Which content versions of a challenge measure the same thing. Two versions are equivalent for
 * calibration when nothing scored changed between them (engine scoringChanges: statement, type,
 * proposals, answer key, timer) or when a psychometrician recorded that a change does not affect the
 * difficulty (DifficultyMark, with a reason). Equivalence is transitive (a union of consecutive versions
 * and marks). Parameters calibrated on a version apply to its equivalent versions only, and a calibration
 * pools the answers given on versions equivalent to the one it calibrates (docs/decisions/020).
 */
import type { PrismaClient } from '../../prisma/client';
import { scoringChanges, type ScoredField } from '../../engine/challenges';
import { storedBodyOf } from './challenge-body.server';

type Client = Pick<PrismaClient, 'challengeVersion' | 'difficultyMark'>;

export interface VersionClasses {
  /** The class representative of a version (same representative: same difficulty). */
  rootOf(versionId: string): string;
  /** Every version of the challenge in the same class as this one. */
  same(versionId: string): string[];
  /** How many versions the challenge has. */
  versionCount: number;
}

/** The equivalence classes of the versions of each challenge. */
export async function versionClasses(client: Client, challengeIds: readonly string[]): Promise<Map<string, VersionClasses>> {
  const out = new Map<string, VersionClasses>();
  if (challengeIds.length === 0) return out;
  const [versions, marks] = await Promise.all([
    client.challengeVersion.findMany({
      where: { challengeId: { in: [...challengeIds] } },
      select: { id: true, challengeId: true, number: true, body: true },
      orderBy: [{ challengeId: 'asc' }, { number: 'asc' }],
    }),
    client.difficultyMark.findMany({ where: { challengeId: { in: [...challengeIds] } }, select: { versionId: true, baseVersionId: true } }),
  ]);
  const parent = new Map<string, string>();
  const find = (v: string): string => {
    let r = v;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(v, r);
    return r;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  const byChallenge = new Map<string, string[]>();
  let previous: { id: string; challengeId: string; body: ReturnType<typeof storedBodyOf> } | null = null;
  for (const v of versions) {
    parent.set(v.id, v.id);
    (byChallenge.get(v.challengeId) ?? byChallenge.set(v.challengeId, []).get(v.challengeId)!).push(v.id);
    const body = storedBodyOf(v);
    if (previous && previous.challengeId === v.challengeId && scoringChanges(previous.body, body).length === 0) union(previous.id, v.id);
    previous = { id: v.id, challengeId: v.challengeId, body };
  }
  for (const m of marks) if (parent.has(m.versionId) && parent.has(m.baseVersionId)) union(m.baseVersionId, m.versionId);
  for (const [challengeId, ids] of byChallenge) {
    out.set(challengeId, {
      rootOf: (versionId) => (parent.has(versionId) ? find(versionId) : versionId),
      same: (versionId) => (parent.has(versionId) ? ids.filter((id) => find(id) === find(versionId)) : [versionId]),
      versionCount: ids.length,
    });
  }
  return out;
}

/** The scored fields that changed from one version of a challenge to another (for the pages). */
export async function scoredChangesBetween(client: Pick<PrismaClient, 'challengeVersion'>, fromVersionId: string, toVersionId: string): Promise<ScoredField[]> {
  const [a, b] = await Promise.all([
    client.challengeVersion.findUnique({ where: { id: fromVersionId }, select: { id: true, body: true } }),
    client.challengeVersion.findUnique({ where: { id: toVersionId }, select: { id: true, body: true } }),
  ]);
  if (!a || !b) return [];
  return scoringChanges(storedBodyOf(a), storedBodyOf(b));
}

/**
 * The version ids whose answers a calibration of these live challenges reads: for each challenge, the
 * versions equivalent to the live one (answers on a version that scored something else are left out);
 * `all` when that is every version of these challenges (nothing to leave out).
 */
export async function calibrationVersions(client: Client, live: readonly { id: string; versionId: string }[]): Promise<{ ids: string[]; all: boolean }> {
  const classes = await versionClasses(
    client,
    live.map((c) => c.id),
  );
  let all = true;
  const ids = live.flatMap((c) => {
    const challenge = classes.get(c.id);
    if (!challenge) return [c.versionId];
    const same = challenge.same(c.versionId);
    if (same.length < challenge.versionCount) all = false;
    return same;
  });
  return { ids, all };
}

/** The version ids whose answers a calibration of these live challenges reads (see calibrationVersions). */
export async function calibrationVersionIds(client: Client, live: readonly { id: string; versionId: string }[]): Promise<string[]> {
  return (await calibrationVersions(client, live)).ids;
}
