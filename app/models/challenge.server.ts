/**
 * Challenges and their immutable versions: create, save (a new version N+1, refused as a conflict when
 * someone else saved since the version the author started from), restore an old version as a new one,
 * declinations, autosaved drafts, lists and diffs. Every function takes the Prisma client so that
 * routes pass db() and tests pass their own database.
 */
import crypto from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { PrismaClient } from '../../prisma/client';
import { diffBodies, docToPlainText, type ChallengeBody, type ChallengeType, type FieldChange } from '../../engine/challenges';
import { parseBodyJson, storedBodyOf } from './challenge-body.server';
import { flaggedChallengeIds, fullTextMatches } from './challenge-search.server';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

import { EDITABLE_STATUSES, STATUSES, type Status } from './challenge-status';
export { EDITABLE_STATUSES, STATUSES, type Status };

const TO_DB = { QCU: 'QCU', QCM: 'QCM', QROC: 'QROC', 'QROCM-ind': 'QROCM_ind', 'QROCM-dep': 'QROCM_dep' } as const;
type DbType = (typeof TO_DB)[ChallengeType];
export function toDbType(type: ChallengeType): DbType {
  return TO_DB[type];
}
export function fromDbType(type: string): ChallengeType {
  return (type === 'QROCM_ind' ? 'QROCM-ind' : type === 'QROCM_dep' ? 'QROCM-dep' : type) as ChallengeType;
}

function userName(u: { firstName: string; lastName: string } | null | undefined): string | null {
  return u ? `${u.firstName} ${u.lastName}` : null;
}

export class ChallengeError extends Error {
  constructor(
    public code: 'notFound' | 'notEditable' | 'noSuchVersion' | 'notPrototype' | 'skillNotFound',
    message: string,
  ) {
    super(message);
    this.name = 'ChallengeError';
  }
}

// =============================================================================================
// Reading

export async function getChallenge(client: PrismaClient, id: string) {
  const c = await client.challenge.findUnique({
    where: { id },
    include: {
      skill: { include: { tube: { include: { competence: true } } } },
      currentVersion: { include: { author: { select: { firstName: true, lastName: true } } } },
      liveVersion: { select: { id: true, number: true } },
      prototype: { select: { id: true, key: true, status: true } },
      declinations: { select: { id: true, key: true, status: true }, orderBy: { key: 'asc' } },
    },
  });
  if (!c) return null;
  return {
    id: c.id,
    key: c.key,
    type: fromDbType(c.type),
    status: c.status as Status,
    /** Review state of a newer version of a live challenge (null: none waits). */
    proposalStatus: (c.proposalStatus as Status | null) ?? null,
    /** The version learners are served once released (validated by a person). */
    liveVersion: c.liveVersion,
    isPrototype: c.isPrototype,
    prototype: c.prototype,
    declinations: c.declinations,
    skill: {
      id: c.skill.id,
      name: c.skill.name,
      level: c.skill.level,
      tube: c.skill.tube.name,
      competence: { code: c.skill.tube.competence.code, title: c.skill.tube.competence.titleFr },
    },
    version: c.currentVersion
      ? {
          id: c.currentVersion.id,
          number: c.currentVersion.number,
          message: c.currentVersion.message,
          createdAt: c.currentVersion.createdAt,
          author: userName(c.currentVersion.author),
        }
      : null,
    body: c.currentVersion ? storedBodyOf(c.currentVersion) : null,
  };
}
export type ChallengeDetail = NonNullable<Awaited<ReturnType<typeof getChallenge>>>;

export async function listVersions(client: PrismaClient, challengeId: string) {
  const rows = await client.challengeVersion.findMany({
    where: { challengeId },
    orderBy: { number: 'desc' },
    select: { id: true, number: true, message: true, createdAt: true, author: { select: { firstName: true, lastName: true } } },
  });
  return rows.map((v) => ({ id: v.id, number: v.number, message: v.message, createdAt: v.createdAt, author: userName(v.author) }));
}

export async function getVersion(client: PrismaClient, challengeId: string, number: number) {
  const v = await client.challengeVersion.findUnique({
    where: { challengeId_number: { challengeId, number } },
    include: { author: { select: { firstName: true, lastName: true } } },
  });
  return v ? { id: v.id, number: v.number, message: v.message, createdAt: v.createdAt, author: userName(v.author), body: storedBodyOf(v) } : null;
}

/** The readable differences between two versions of a challenge. */
export async function diffVersions(client: PrismaClient, challengeId: string, from: number, to: number): Promise<FieldChange[] | null> {
  const [a, b] = await Promise.all([getVersion(client, challengeId, from), getVersion(client, challengeId, to)]);
  if (!a || !b) return null;
  return diffBodies(a.body, b.body);
}

export interface ChallengeFilters {
  competence?: string;
  tube?: string;
  /** Skill name (`@mdp3`) or id. */
  skill?: string;
  status?: string;
  type?: string;
  /**
   * Free text: `@name` is a skill (or the skills of a tube: `@mdp`), an id or key finds that challenge,
   * anything else is searched in the instruction, proposals and solution (French full text), keys, skill names
   * and tutorial titles, accents ignored.
   */
  q?: string;
  /** User id: challenges with a version written by this person. */
  author?: string;
  /** A flag of the latest finished calibration run, or `*` for any flag. */
  flag?: string;
}

/** Challenges with their skill, status, type, current version and last change, filtered; at most `limit` rows. */
export async function listChallenges(client: PrismaClient, filters: ChallengeFilters, limit = 300) {
  const type =
    filters.type && (Object.keys(TO_DB) as ChallengeType[]).includes(filters.type as ChallengeType) ? toDbType(filters.type as ChallengeType) : undefined;
  const status = filters.status && (STATUSES as readonly string[]).includes(filters.status) ? (filters.status as Status) : undefined;
  const q = filters.q?.trim() ?? '';
  let skillName: string | undefined = filters.skill?.startsWith('@') ? filters.skill : undefined;
  let skillPrefix: string | undefined;
  let ranks: Map<string, number> | null = null;
  let textIds: string[] | null = null;
  if (q.startsWith('@') && !/\s/.test(q)) {
    // A skill by name, or a tube's skills by its name.
    if (await client.skill.findUnique({ where: { name: q }, select: { id: true } })) skillName = skillName ?? q;
    else skillPrefix = q;
  } else if (q) {
    const [matches, exact] = await Promise.all([
      fullTextMatches(client, q),
      /^[0-9a-f-]{36}$/i.test(q) ? client.challenge.findMany({ where: { id: q.toLowerCase() }, select: { id: true } }) : Promise.resolve([]),
    ]);
    ranks = matches;
    for (const e of exact) ranks.set(e.id, 10); // an id match comes first (a key match is ranked 10 too)
    textIds = [...ranks.keys()];
  }
  const flagged = filters.flag ? await flaggedChallengeIds(client, filters.flag) : null;
  const idSets = [textIds, filters.flag ? (flagged ?? []) : null].filter((x): x is string[] => x !== null);
  const ids = idSets.length === 0 ? null : idSets.reduce((a, b) => a.filter((x) => b.includes(x)));
  const rows = await client.challenge.findMany({
    where: {
      ...(ids ? { id: { in: ids } } : {}),
      ...(status ? { status } : {}),
      ...(type ? { type } : {}),
      ...(filters.author ? { versions: { some: { authorId: filters.author } } } : {}),
      skill: {
        ...(skillName ? { name: skillName } : filters.skill && !filters.skill.startsWith('@') ? { id: filters.skill } : {}),
        ...(skillPrefix ? { name: { startsWith: skillPrefix } } : {}),
        tube: { ...(filters.tube ? { name: filters.tube } : {}), ...(filters.competence ? { competence: { code: filters.competence } } : {}) },
      },
    },
    orderBy: [{ updatedAt: 'desc' }],
    include: {
      skill: { select: { name: true, tube: { select: { name: true, competence: { select: { code: true } } } } } },
      currentVersion: { select: { id: true, number: true, body: true, createdAt: true, author: { select: { firstName: true, lastName: true } } } },
      statusChanges: {
        orderBy: { createdAt: 'desc' },
        take: 1,
        select: { createdAt: true, toStatus: true, user: { select: { firstName: true, lastName: true } } },
      },
    },
  });
  // Best matches first when searching text; otherwise the latest changed first.
  const filtered = ranks ? [...rows].sort((a, b) => (ranks.get(b.id) ?? 0) - (ranks.get(a.id) ?? 0)) : rows;
  return {
    total: filtered.length,
    rows: filtered.slice(0, limit).map((r) => {
      const version = r.currentVersion;
      const change = r.statusChanges[0];
      const versionAt = version?.createdAt ?? r.createdAt;
      const last =
        change && change.createdAt > versionAt
          ? { at: change.createdAt, by: userName(change.user), what: 'status' as const, status: change.toStatus as Status }
          : { at: versionAt, by: userName(version?.author), what: 'version' as const, status: null };
      const body = version ? storedBodyOf(version) : null;
      return {
        id: r.id,
        key: r.key,
        type: fromDbType(r.type),
        status: r.status as Status,
        proposalStatus: (r.proposalStatus as Status | null) ?? null,
        isPrototype: r.isPrototype,
        skill: r.skill.name,
        competence: r.skill.tube.competence.code,
        version: version?.number ?? 0,
        excerpt: body ? docToPlainText(body.instruction).replace(/\s+/g, ' ').slice(0, 140) : '',
        last,
      };
    }),
  };
}

/** Competences → tubes → skills, for the filters and the skill picker. */
export async function frameworkChoices(client: PrismaClient) {
  const competences = await client.competence.findMany({
    orderBy: { code: 'asc' },
    select: {
      code: true,
      titleFr: true,
      tubes: {
        orderBy: [{ thematic: { position: 'asc' } }, { position: 'asc' }],
        select: { name: true, title: true, skills: { orderBy: { level: 'asc' }, select: { id: true, name: true, level: true, status: true } } },
      },
    },
  });
  return competences;
}

// =============================================================================================
// Saving

export type SaveOutcome =
  | { kind: 'saved'; challengeId: string; number: number }
  | {
      kind: 'conflict';
      challengeId: string;
      baseNumber: number;
      current: { number: number; author: string | null; createdAt: Date; message: string };
      /** Changes someone else made: from the version the author started from to the current one. */
      theirs: FieldChange[];
      /** The author's own changes from that same starting version. */
      mine: FieldChange[];
    };

async function lockChallenge(tx: Tx, id: string) {
  await tx.$queryRaw`select id from "Challenge" where id = ${id} for update`;
  const c = await tx.challenge.findUnique({ where: { id }, include: { currentVersion: true } });
  if (!c) throw new ChallengeError('notFound', 'Épreuve introuvable.');
  return c;
}

/**
 * Writes version N+1 and makes it current. On a live (validated) challenge the new version is a proposal:
 * the live version keeps being served until someone validates the new one (proposalStatus back to null,
 * see workflow.server.ts) and a release includes it. The type column follows the live version then.
 */
export async function writeVersion(tx: Tx, challengeId: string, number: number, body: ChallengeBody, message: string, authorId: string | null) {
  const version = await tx.challengeVersion.create({
    data: { challengeId, number, body: body as object, message: message.trim(), authorId },
  });
  const c = await tx.challenge.findUniqueOrThrow({ where: { id: challengeId }, select: { status: true, proposalStatus: true } });
  const live = c.status === 'valide';
  await tx.challenge.update({
    where: { id: challengeId },
    data: {
      currentVersionId: version.id,
      ...(live ? { proposalStatus: c.proposalStatus ?? 'propose' } : { type: toDbType(body.answer.type) }),
    },
  });
  return version;
}

/** A key for a new challenge of a skill: `mdp3-k4z7q2`. */
async function newKey(tx: Tx, skillName: string, suffix?: string): Promise<string> {
  const base = skillName.replace(/^@/, '');
  for (let attempt = 0; attempt < 20; attempt++) {
    const key =
      suffix && attempt === 0
        ? suffix
        : `${base}-${crypto
            .randomBytes(4)
            .toString('base64url')
            .toLowerCase()
            .replace(/[^a-z0-9]/g, '')
            .slice(0, 6)}`;
    if (!(await tx.challenge.findUnique({ where: { key }, select: { id: true } }))) return key;
  }
  throw new Error('Impossible de trouver une clé libre pour la nouvelle épreuve.');
}

/** A new challenge (prototype, status proposé) on a skill, with its version 1; the author's draft for that skill is discarded. */
export async function createChallenge(client: PrismaClient, input: { skillId: string; userId: string; body: ChallengeBody; message: string }) {
  return client.$transaction(async (tx) => {
    const skill = await tx.skill.findUnique({ where: { id: input.skillId }, select: { id: true, name: true } });
    if (!skill) throw new ChallengeError('skillNotFound', 'Acquis introuvable.');
    const key = await newKey(tx, skill.name);
    const challenge = await tx.challenge.create({
      data: { key, skillId: skill.id, type: toDbType(input.body.answer.type), status: 'propose', isPrototype: true },
    });
    await writeVersion(tx, challenge.id, 1, input.body, input.message || 'Création', input.userId);
    await tx.challengeStatusChange.create({
      data: { challengeId: challenge.id, fromStatus: null, toStatus: 'propose', message: 'Création', userId: input.userId },
    });
    await tx.challengeDraft.deleteMany({ where: { challengeId: null, skillId: skill.id, userId: input.userId } });
    return { challengeId: challenge.id, key, number: 1 };
  });
}

/**
 * Saves the author's body as version N+1 if the current version is still the one they started from
 * (`baseVersionNumber`). Otherwise nothing is saved as a version: the body goes to the author's draft
 * (so it is not lost) and the outcome describes the conflict with both sides' changes.
 */
export async function saveChallenge(
  client: PrismaClient,
  input: { challengeId: string; userId: string; body: ChallengeBody; message: string; baseVersionNumber: number },
): Promise<SaveOutcome> {
  return client.$transaction(async (tx) => {
    const c = await lockChallenge(tx, input.challengeId);
    if (!(EDITABLE_STATUSES as string[]).includes(c.status)) {
      throw new ChallengeError('notEditable', 'Cette épreuve est archivée ou périmée : elle ne peut plus être modifiée.');
    }
    const currentNumber = c.currentVersion?.number ?? 0;
    if (input.baseVersionNumber !== currentNumber) {
      await upsertDraft(tx, { challengeId: c.id, skillId: c.skillId, userId: input.userId, body: input.body, baseVersionNumber: input.baseVersionNumber });
      const base = await tx.challengeVersion.findUnique({ where: { challengeId_number: { challengeId: c.id, number: input.baseVersionNumber } } });
      const current = await tx.challengeVersion.findUniqueOrThrow({
        where: { id: c.currentVersionId! },
        include: { author: { select: { firstName: true, lastName: true } } },
      });
      const baseBody = storedBodyOf(base ?? current);
      return {
        kind: 'conflict',
        challengeId: c.id,
        baseNumber: input.baseVersionNumber,
        current: { number: current.number, author: userName(current.author), createdAt: current.createdAt, message: current.message },
        theirs: diffBodies(baseBody, storedBodyOf(current)),
        mine: diffBodies(baseBody, input.body),
      };
    }
    await writeVersion(tx, c.id, currentNumber + 1, input.body, input.message, input.userId);
    await tx.challengeDraft.deleteMany({ where: { challengeId: c.id, userId: input.userId } });
    return { kind: 'saved', challengeId: c.id, number: currentNumber + 1 };
  });
}

/** Makes an old version current again, as a new version on top (history is never rewritten). */
export async function restoreVersion(client: PrismaClient, input: { challengeId: string; number: number; userId: string; message?: string }) {
  return client.$transaction(async (tx) => {
    const c = await lockChallenge(tx, input.challengeId);
    if (!(EDITABLE_STATUSES as string[]).includes(c.status)) {
      throw new ChallengeError('notEditable', 'Cette épreuve est archivée ou périmée : elle ne peut plus être modifiée.');
    }
    const old = await tx.challengeVersion.findUnique({ where: { challengeId_number: { challengeId: c.id, number: input.number } } });
    if (!old) throw new ChallengeError('noSuchVersion', `La version ${input.number} n’existe pas.`);
    const number = (c.currentVersion?.number ?? 0) + 1;
    const extra = input.message?.trim();
    await writeVersion(tx, c.id, number, storedBodyOf(old), `Restauration de la version ${input.number}${extra ? ` : ${extra}` : ''}`, input.userId);
    return { number };
  });
}

/** A declination of a prototype: same skill, a copy of the prototype's current body, status proposé. */
export async function createDeclination(client: PrismaClient, input: { prototypeId: string; userId: string }) {
  return client.$transaction(async (tx) => {
    const p = await tx.challenge.findUnique({ where: { id: input.prototypeId }, include: { currentVersion: true, skill: { select: { name: true } } } });
    if (!p || !p.currentVersion) throw new ChallengeError('notFound', 'Épreuve introuvable.');
    if (!p.isPrototype) throw new ChallengeError('notPrototype', 'Seul un prototype peut être décliné.');
    const n = (await tx.challenge.count({ where: { prototypeId: p.id } })) + 1;
    let key = `${p.key}-d${n}`;
    if (await tx.challenge.findUnique({ where: { key }, select: { id: true } })) key = await newKey(tx, p.skill.name);
    const d = await tx.challenge.create({
      data: { key, skillId: p.skillId, type: p.type, status: 'propose', isPrototype: false, prototypeId: p.id },
    });
    await writeVersion(tx, d.id, 1, storedBodyOf(p.currentVersion), `Déclinaison de ${p.key} (version ${p.currentVersion.number})`, input.userId);
    await tx.challengeStatusChange.create({
      data: { challengeId: d.id, fromStatus: null, toStatus: 'propose', message: `Déclinaison de ${p.key}`, userId: input.userId },
    });
    return { challengeId: d.id, key };
  });
}

// =============================================================================================
// Drafts (autosave)

async function upsertDraft(
  tx: Tx | PrismaClient,
  input: { challengeId: string | null; skillId: string | null; userId: string; body: ChallengeBody; baseVersionNumber: number | null },
) {
  const where = input.challengeId
    ? { challengeId: input.challengeId, userId: input.userId }
    : { challengeId: null, skillId: input.skillId, userId: input.userId };
  const existing = await tx.challengeDraft.findFirst({ where, select: { id: true } });
  const data = { body: input.body as object, baseVersionNumber: input.baseVersionNumber, skillId: input.skillId };
  if (existing) return tx.challengeDraft.update({ where: { id: existing.id }, data });
  return tx.challengeDraft.create({ data: { ...data, challengeId: input.challengeId, userId: input.userId } });
}

/**
 * Keeps the author's unsaved editor state (a body of the right shape, not necessarily valid yet).
 * Returns false when the posted JSON is not a body at all.
 */
export async function saveDraft(
  client: PrismaClient,
  input: { challengeId: string | null; skillId: string | null; userId: string; bodyJson: unknown; baseVersionNumber: number | null },
) {
  const body = parseBodyJson(input.bodyJson);
  if (!body) return null;
  const row = await upsertDraft(client, { ...input, body });
  return { updatedAt: row.updatedAt };
}

export async function getDraft(client: PrismaClient, input: { challengeId: string | null; skillId?: string | null; userId: string }) {
  const row = await client.challengeDraft.findFirst({
    where: input.challengeId
      ? { challengeId: input.challengeId, userId: input.userId }
      : { challengeId: null, skillId: input.skillId ?? null, userId: input.userId },
  });
  return row ? { body: storedBodyOf(row, 'ChallengeDraft'), baseVersionNumber: row.baseVersionNumber, updatedAt: row.updatedAt } : null;
}

/** The author's draft of a challenge when it differs from the current version (what the editor should start from). */
export async function pendingDraft(
  client: PrismaClient,
  input: { challengeId: string | null; skillId?: string | null; userId: string },
  current: ChallengeBody | null,
) {
  const draft = await getDraft(client, input);
  if (!draft || (current && isDeepStrictEqual(draft.body, current))) return null;
  return draft;
}

export async function discardDraft(client: PrismaClient, input: { challengeId: string | null; skillId?: string | null; userId: string }) {
  await client.challengeDraft.deleteMany({
    where: input.challengeId
      ? { challengeId: input.challengeId, userId: input.userId }
      : { challengeId: null, skillId: input.skillId ?? null, userId: input.userId },
  });
}
