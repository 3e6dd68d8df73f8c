/**
 * Organisations in the Orga space: who may see what (a member sees only their organisation), members
 * (an admin adds or removes teachers by e-mail), learners (class list import with a preview, password
 * resets, detaching).
 */
import crypto from 'node:crypto';
import type { PrismaClient } from '../../prisma/client';
import type { Viewer } from '../lib/roles';
import { hashPassword } from '../lib/password.server';
import {
  checkClassListRows,
  classListRowsAsCsv,
  classListRowsFromFile,
  classListRowsFromText,
  type ClassListCheck,
  type ClassListLearner,
  type KnownLearner,
} from '../../engine/campaigns';
import { recordAudit } from './audit.server';
import { NON_LEARNER_ROLES } from './learner-account.server';

export type OrgRole = 'ADMIN' | 'TEACHER';

/** 404 for an organisation the viewer is not a member of (we do not say it exists). */
export function requireMembership(viewer: Pick<Viewer, 'organisations'>, organisationId: string | null | undefined, role?: OrgRole) {
  const membership = viewer.organisations.find((o) => o.id === organisationId);
  if (!membership) throw new Response('Organisation introuvable', { status: 404 });
  if (role === 'ADMIN' && membership.role !== 'ADMIN') throw new Response('Réservé aux administrateurs de l’organisation', { status: 403 });
  return membership;
}

/**
 * The organisation a page works on: `?org=` when the viewer is a member of it, else the one chosen with
 * the switcher (kept in the session) while they are still a member of it, else their first one.
 */
export function activeOrganisation(viewer: Pick<Viewer, 'organisations' | 'activeOrganisationId'>, request: Request) {
  const wanted = new URL(request.url).searchParams.get('org');
  if (wanted) return requireMembership(viewer, wanted);
  const chosen = viewer.organisations.find((o) => o.id === viewer.activeOrganisationId);
  if (chosen) return chosen;
  const first = viewer.organisations[0];
  if (!first) throw new Response('Aucune organisation', { status: 403 });
  return first;
}

export async function listMembers(client: PrismaClient, organisationId: string) {
  const rows = await client.membership.findMany({
    where: { organisationId },
    include: { user: { select: { id: true, email: true, firstName: true, lastName: true } } },
    orderBy: [{ role: 'asc' }, { user: { lastName: 'asc' } }],
  });
  return rows.map((m) => ({ id: m.id, role: m.role as OrgRole, userId: m.user.id, email: m.user.email, name: `${m.user.firstName} ${m.user.lastName}` }));
}

/**
 * What an Orga change tells the user: a message of app/i18n/orga.ts (`notice.<code>`) and its
 * parameters, put into words in the page's language by the route (`codedText`).
 */
export interface OrgNotice {
  code:
    | 'invalidEmail'
    | 'noAccount'
    | 'alreadyMember'
    | 'added'
    | 'memberNotFound'
    | 'lastAdmin'
    | 'removed'
    | 'learnerNotFound'
    | 'noAccountToReset'
    | 'resetAdminOnly'
    | 'resetNotLearnerAccount'
    | 'resetNotMatched'
    | 'detached';
  params?: Record<string, string>;
}

export type MemberChange = { ok: boolean; notice: OrgNotice };

/** An admin adds a teacher by the e-mail of an existing account. */
export async function addTeacher(client: PrismaClient, organisationId: string, email: string): Promise<MemberChange> {
  const address = email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) return { ok: false, notice: { code: 'invalidEmail' } };
  const user = await client.user.findUnique({ where: { email: address } });
  if (!user || user.disabledAt) return { ok: false, notice: { code: 'noAccount', params: { email: address } } };
  const existing = await client.membership.findUnique({ where: { userId_organisationId: { userId: user.id, organisationId } } });
  if (existing) return { ok: false, notice: { code: 'alreadyMember', params: { name: `${user.firstName} ${user.lastName}` } } };
  await client.membership.create({ data: { userId: user.id, organisationId, role: 'TEACHER' } });
  return { ok: true, notice: { code: 'added', params: { name: `${user.firstName} ${user.lastName}` } } };
}

/** An admin removes a member; the last admin cannot be removed. */
export async function removeMember(client: PrismaClient, organisationId: string, membershipId: string): Promise<MemberChange> {
  const membership = await client.membership.findFirst({ where: { id: membershipId, organisationId }, include: { user: true } });
  if (!membership) return { ok: false, notice: { code: 'memberNotFound' } };
  if (membership.role === 'ADMIN' && (await client.membership.count({ where: { organisationId, role: 'ADMIN' } })) <= 1) {
    return { ok: false, notice: { code: 'lastAdmin' } };
  }
  await client.membership.delete({ where: { id: membership.id } });
  return { ok: true, notice: { code: 'removed', params: { name: `${membership.user.firstName} ${membership.user.lastName}` } } };
}

export async function listLearners(client: PrismaClient, organisationId: string, division?: string | null) {
  const rows = await client.organisationLearner.findMany({
    where: { organisationId, detachedAt: null, ...(division ? { division } : {}) },
    orderBy: [{ division: 'asc' }, { lastName: 'asc' }, { firstName: 'asc' }],
    include: { user: { select: accountForReset }, _count: { select: { participations: true } } },
    take: 1000,
  });
  return rows.map((l) => ({
    id: l.id,
    lastName: l.lastName,
    firstName: l.firstName,
    division: l.division,
    studentNumber: l.studentNumber,
    birthDate: l.birthDate ? l.birthDate.toISOString().slice(0, 10) : null,
    account: l.user?.email ?? null,
    participations: l._count.participations,
    /** Whether an administrator of the organisation may reset this account's password (resetRefusal). */
    resettable: l.user !== null && resetRefusal(l, l.user) === null,
  }));
}

/** What resetRefusal needs of the linked account. */
const accountForReset = {
  id: true,
  email: true,
  firstName: true,
  lastName: true,
  birthDate: true,
  roles: true,
  _count: { select: { memberships: true, centreMemberships: true } },
} as const;

type AccountForReset = {
  firstName: string;
  lastName: string;
  birthDate: Date | null;
  roles: string[];
  _count: { memberships: number; centreMemberships: number };
};

const sameName = (a: string, b: string) => a.trim().localeCompare(b.trim(), 'fr', { sensitivity: 'accent' }) === 0;

/**
 * Why an organisation may not reset the password of the account linked to one of its learners, or
 * null when it may: the account must be learner-only (no global role beyond LEARNER, no organisation
 * or centre membership), and the class list row must match it by name AND birth date (a row linked
 * by name alone proves nothing about who owns the account).
 */
export function resetRefusal(
  learner: { firstName: string; lastName: string; birthDate: Date | null },
  account: AccountForReset,
): 'resetNotLearnerAccount' | 'resetNotMatched' | null {
  const learnerOnly =
    !account.roles.some((r) => (NON_LEARNER_ROLES as string[]).includes(r)) && account._count.memberships === 0 && account._count.centreMemberships === 0;
  if (!learnerOnly) return 'resetNotLearnerAccount';
  const matched =
    learner.birthDate !== null &&
    account.birthDate !== null &&
    learner.birthDate.toISOString().slice(0, 10) === account.birthDate.toISOString().slice(0, 10) &&
    sameName(learner.firstName, account.firstName) &&
    sameName(learner.lastName, account.lastName);
  return matched ? null : 'resetNotMatched';
}

/** The organisation's learners by student number (those detached have none). */
async function knownLearners(client: PrismaClient, organisationId: string): Promise<Map<string, KnownLearner>> {
  const rows = await client.organisationLearner.findMany({
    where: { organisationId, studentNumber: { not: null } },
    select: { studentNumber: true, lastName: true, firstName: true, division: true, birthDate: true },
  });
  return new Map(
    rows.map((l) => [
      l.studentNumber!,
      { lastName: l.lastName, firstName: l.firstName, division: l.division, birthDate: l.birthDate ? l.birthDate.toISOString().slice(0, 10) : null },
    ]),
  );
}

/**
 * Checks a class list against the organisation's learners (nothing is written): the file as uploaded
 * (CSV in any usual encoding and separator, .xlsx, .ods) or the text a preview gave. `text` is the list
 * as CSV, what the confirmation sends back to be imported.
 */
export async function previewClassList(client: PrismaClient, organisationId: string, file: string | Uint8Array): Promise<ClassListCheck & { text: string }> {
  const read = typeof file === 'string' ? classListRowsFromText(file) : classListRowsFromFile(file);
  const check = checkClassListRows(read, await knownLearners(client, organisationId));
  return { ...check, text: 'rows' in read ? classListRowsAsCsv(read.rows) : '' };
}

/**
 * Imports the valid rows of a class list (checked again: the file is what the teacher confirmed, not
 * what the browser claims): new learners are created, those already there with changes (e.g. another
 * class) updated, the others counted as already present. Rows that became invalid meanwhile are
 * reported again.
 */
export async function importClassList(client: PrismaClient, organisationId: string, text: string) {
  const check = await previewClassList(client, organisationId, text);
  if (check.fileError) return { created: 0, updated: 0, present: 0, check };
  const fields = (l: ClassListLearner) => ({
    lastName: l.lastName,
    firstName: l.firstName,
    division: l.division,
    birthDate: new Date(`${l.birthDate}T00:00:00Z`),
  });
  const toUpdate = check.valid.filter((l) => l.status === 'update');
  const [result] = await client.$transaction([
    client.organisationLearner.createMany({
      data: check.valid.filter((l) => l.status === 'new').map((l) => ({ organisationId, studentNumber: l.studentNumber, ...fields(l) })),
      skipDuplicates: true,
    }),
    ...toUpdate.map((l) =>
      client.organisationLearner.update({ where: { organisationId_studentNumber: { organisationId, studentNumber: l.studentNumber } }, data: fields(l) }),
    ),
  ]);
  return { created: result.count, updated: toUpdate.length, present: check.valid.filter((l) => l.status === 'present').length, check };
}

/** A temporary password: 10 characters of an unambiguous alphabet plus the classes the sign-up rules ask for. */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const bytes = crypto.randomBytes(10);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return `${out}-Aa7`;
}

export type PasswordReset =
  | { ok: true; password: string; name: string; email: string }
  | { ok: false; notice: OrgNotice & { code: 'learnerNotFound' | 'noAccountToReset' | 'resetAdminOnly' | 'resetNotLearnerAccount' | 'resetNotMatched' } };

/**
 * Gives the learner's account a new temporary password; returns it (shown once) or why not. Only an
 * ADMIN member of the organisation (checked on the stored membership, not the session's copy) resets,
 * only a learner-only account, only one whose class list row matches it by name and birth date (see
 * resetRefusal). The change, the end of the account's sessions and the audit entry
 * (`orga.password_reset`, never the password) are one transaction.
 */
export async function resetLearnerPassword(
  client: PrismaClient,
  input: { organisationId: string; learnerId: string; actorId: string; ip?: string | null },
): Promise<PasswordReset> {
  const { organisationId, learnerId, actorId } = input;
  const isAdmin = async (c: Pick<PrismaClient, 'membership'>) =>
    (await c.membership.findUnique({ where: { userId_organisationId: { userId: actorId, organisationId } } }))?.role === 'ADMIN';
  // Checked before the (slow) hashing, and again inside the transaction.
  if (!(await isAdmin(client))) return { ok: false, notice: { code: 'resetAdminOnly' } };
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  return client.$transaction(async (tx): Promise<PasswordReset> => {
    if (!(await isAdmin(tx))) return { ok: false, notice: { code: 'resetAdminOnly' } };
    const learner = await tx.organisationLearner.findFirst({ where: { id: learnerId, organisationId, detachedAt: null } });
    if (!learner) return { ok: false, notice: { code: 'learnerNotFound' } };
    const name = `${learner.firstName} ${learner.lastName}`;
    if (!learner.userId) return { ok: false, notice: { code: 'noAccountToReset', params: { name } } };
    // Lock the account first: a role change, or a membership added (its foreign key), waits for this transaction.
    await tx.$queryRaw`SELECT 1 FROM "User" WHERE id = ${learner.userId} FOR UPDATE`;
    const account = await tx.user.findUniqueOrThrow({ where: { id: learner.userId }, select: accountForReset });
    const refusal = resetRefusal(learner, account);
    if (refusal) return { ok: false, notice: { code: refusal, params: { name } } };
    await tx.user.update({ where: { id: account.id }, data: { passwordHash } });
    await tx.authSession.deleteMany({ where: { userId: account.id } });
    await recordAudit(tx, {
      actorId,
      action: 'orga.password_reset',
      targetType: 'user',
      targetId: account.id,
      details: { organisationId, organisationLearnerId: learner.id },
      ip: input.ip ?? null,
    });
    return { ok: true, password, name, email: account.email };
  });
}

/** Detaches a learner: no longer in the organisation's lists; their account is unlinked, results stay. */
export async function detachLearner(client: PrismaClient, organisationId: string, learnerId: string) {
  const learner = await client.organisationLearner.findFirst({ where: { id: learnerId, organisationId, detachedAt: null } });
  if (!learner) return { ok: false as const, notice: { code: 'learnerNotFound' } satisfies OrgNotice };
  await client.organisationLearner.update({ where: { id: learner.id }, data: { detachedAt: new Date(), userId: null, studentNumber: null } });
  return { ok: true as const, notice: { code: 'detached', params: { name: `${learner.firstName} ${learner.lastName}` } } satisfies OrgNotice };
}
