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
    'invalidEmail' | 'noAccount' | 'alreadyMember' | 'added' | 'memberNotFound' | 'lastAdmin' | 'removed' | 'learnerNotFound' | 'noAccountToReset' | 'detached';
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
    include: { user: { select: { email: true } }, _count: { select: { participations: true } } },
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
  }));
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

/** Gives the learner's account a new temporary password; returns it (shown once) or an error. */
export async function resetLearnerPassword(client: PrismaClient, organisationId: string, learnerId: string) {
  const learner = await client.organisationLearner.findFirst({ where: { id: learnerId, organisationId, detachedAt: null }, include: { user: true } });
  if (!learner) return { ok: false as const, notice: { code: 'learnerNotFound' } satisfies OrgNotice };
  if (!learner.user)
    return { ok: false as const, notice: { code: 'noAccountToReset', params: { name: `${learner.firstName} ${learner.lastName}` } } satisfies OrgNotice };
  const password = temporaryPassword();
  await client.$transaction([
    client.user.update({ where: { id: learner.user.id }, data: { passwordHash: await hashPassword(password) } }),
    client.authSession.deleteMany({ where: { userId: learner.user.id } }),
  ]);
  return { ok: true as const, password, name: `${learner.firstName} ${learner.lastName}`, email: learner.user.email };
}

/** Detaches a learner: no longer in the organisation's lists; their account is unlinked, results stay. */
export async function detachLearner(client: PrismaClient, organisationId: string, learnerId: string) {
  const learner = await client.organisationLearner.findFirst({ where: { id: learnerId, organisationId, detachedAt: null } });
  if (!learner) return { ok: false as const, notice: { code: 'learnerNotFound' } satisfies OrgNotice };
  await client.organisationLearner.update({ where: { id: learner.id }, data: { detachedAt: new Date(), userId: null, studentNumber: null } });
  return { ok: true as const, notice: { code: 'detached', params: { name: `${learner.firstName} ${learner.lastName}` } } satisfies OrgNotice };
}
