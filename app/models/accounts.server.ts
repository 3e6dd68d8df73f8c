/**
 * Accounts administration: an administrator creates accounts, gives and removes global roles, adds and
 * removes organisation and certification-centre memberships, disables and re-enables accounts and
 * makes one-time password-reset links. Every change writes its audit entry in the same transaction
 * (app/models/audit.server.ts). Refusals are message keys of app/i18n/admin.ts, field by field.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import { hashPassword } from '../lib/password.server';
import { forgetRecentSessions } from '../lib/session.server';
import type { GlobalRole } from '../lib/roles';
import { recordAudit } from './audit.server';
import { passwordSchema } from './signup.server';
import {
  CENTRE_ROLES,
  GLOBAL_ROLES,
  ORGANISATION_ROLES,
  RESET_LINK_HOURS,
  type CentreRoleName,
  type CreateField,
  type OrganisationRoleName,
} from './account-options';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export { CENTRE_ROLES, CREATE_FIELDS, GLOBAL_ROLES, ORGANISATION_ROLES, RESET_LINK_HOURS, type CreateField } from './account-options';

/** Who acts, from where: written in every audit entry. */
export interface Actor {
  actorId: string;
  ip: string;
}

export type AccountErrorKey =
  | 'error.email'
  | 'error.emailTaken'
  | 'error.firstName'
  | 'error.lastName'
  | 'error.role'
  | 'error.organisation'
  | 'error.organisationRole'
  | 'error.centre'
  | 'error.centreRole'
  | 'error.notFound'
  | 'error.selfAdmin'
  | 'error.lastAdmin'
  | 'error.selfDisable'
  | 'error.alreadyDisabled'
  | 'error.notDisabled'
  | 'error.notMember'
  | 'error.notCentreMember'
  | 'error.disabledAccount';

export type Errors<F extends string> = Partial<Record<F, AccountErrorKey>>;
export type Outcome<F extends string, T = object> = ({ ok: true } & T) | { ok: false; errors: Errors<F> };

const name = (key: AccountErrorKey) => z.string().trim().min(1, key).max(100, key);
const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'error.email')
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'error.email');
const roles = z.array(z.enum(GLOBAL_ROLES as [GlobalRole, ...GlobalRole[]], { errorMap: () => ({ message: 'error.role' }) }));

function fieldErrors<F extends string>(error: z.ZodError): Errors<F> {
  const errors: Errors<F> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0]) as F;
    errors[field] ??= issue.message as AccountErrorKey;
  }
  return errors;
}

/** One administrator change at a time: the "at least one active administrator" check cannot race. */
async function lockAdministrators(tx: Tx): Promise<void> {
  await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext('accounts.administrators'))) AS l`;
}

async function activeAdministrators(tx: Tx): Promise<string[]> {
  const rows = await tx.user.findMany({ where: { roles: { has: 'ADMIN' }, disabledAt: null }, select: { id: true } });
  return rows.map((r) => r.id);
}

// ───────────────────────────── Reading ─────────────────────────────

/** The account with its memberships, for its administration page; null when there is none. */
export async function accountDetail(client: PrismaClient, userId: string) {
  const user = await client.user.findUnique({
    where: { id: userId },
    include: {
      memberships: { include: { organisation: true }, orderBy: { organisation: { name: 'asc' } } },
      centreMemberships: { include: { centre: true }, orderBy: { centre: { name: 'asc' } } },
    },
  });
  if (!user) return null;
  const pendingLinks = await client.passwordResetToken.count({ where: { userId, usedAt: null, expiresAt: { gt: new Date() } } });
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    roles: user.roles,
    createdAt: user.createdAt,
    disabledAt: user.disabledAt,
    organisations: user.memberships.map((m) => ({ id: m.organisationId, name: m.organisation.name, role: m.role })),
    centres: user.centreMemberships.map((m) => ({ id: m.centreId, name: m.centre.name, role: m.role })),
    pendingLinks,
  };
}

/** The organisations and centres an administrator may add an account to. */
export async function membershipChoices(client: PrismaClient) {
  const [organisations, centres] = await Promise.all([
    client.organisation.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } }),
    client.certificationCentre.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } }),
  ]);
  return { organisations, centres };
}

// ───────────────────────────── Creating ─────────────────────────────

export interface CreateAccountInput {
  email: string;
  firstName: string;
  lastName: string;
  roles: string[];
  organisationId?: string;
  organisationRole?: string;
  centreId?: string;
  centreRole?: string;
}

const createSchema = z.object({
  email,
  firstName: name('error.firstName'),
  lastName: name('error.lastName'),
  roles,
  organisationId: z.string().trim().optional(),
  organisationRole: z.string().trim().optional(),
  centreId: z.string().trim().optional(),
  centreRole: z.string().trim().optional(),
});

/**
 * Creates an account with its global roles and, optionally, one organisation and one centre
 * membership. It has no usable password: the administrator then makes a reset link for its owner.
 */
export async function createAccount(client: PrismaClient, actor: Actor, input: CreateAccountInput): Promise<Outcome<CreateField, { userId: string }>> {
  // Every field is checked, so that all the problems show at once.
  const parsed = createSchema.safeParse(input);
  const errors: Errors<CreateField> = parsed.success ? {} : fieldErrors<CreateField>(parsed.error);
  const organisationId = input.organisationId?.trim() || null;
  const centreId = input.centreId?.trim() || null;
  if (organisationId && !(await client.organisation.findUnique({ where: { id: organisationId }, select: { id: true } })))
    errors.organisationId = 'error.organisation';
  if (organisationId && !ORGANISATION_ROLES.includes(input.organisationRole?.trim() as OrganisationRoleName))
    errors.organisationRole = 'error.organisationRole';
  if (centreId && !(await client.certificationCentre.findUnique({ where: { id: centreId }, select: { id: true } }))) errors.centreId = 'error.centre';
  if (centreId && !CENTRE_ROLES.includes(input.centreRole?.trim() as CentreRoleName)) errors.centreRole = 'error.centreRole';
  if (parsed.success && (await client.user.findUnique({ where: { email: parsed.data.email }, select: { id: true } }))) errors.email = 'error.emailTaken';
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  const values = parsed.data;
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  // A password nobody knows: the owner chooses theirs with a reset link.
  const passwordHash = await hashPassword(crypto.randomBytes(32).toString('base64url'));
  const uniqueRoles = [...new Set(values.roles)];
  try {
    const userId = await client.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: values.email, firstName: values.firstName, lastName: values.lastName, roles: uniqueRoles, passwordHash },
        select: { id: true },
      });
      const organisation = organisationId
        ? await tx.membership.create({
            data: { userId: user.id, organisationId, role: values.organisationRole as OrganisationRoleName },
            select: { role: true, organisation: { select: { id: true, name: true } } },
          })
        : null;
      const centre = centreId
        ? await tx.centreMembership.create({
            data: { userId: user.id, centreId, role: values.centreRole as CentreRoleName },
            select: { role: true, centre: { select: { id: true, name: true } } },
          })
        : null;
      await recordAudit(tx, {
        actorId: actor.actorId,
        action: 'account.create',
        targetType: 'user',
        targetId: user.id,
        ip: actor.ip,
        details: {
          email: values.email,
          firstName: values.firstName,
          lastName: values.lastName,
          roles: uniqueRoles,
          organisation: organisation ? { id: organisation.organisation.id, name: organisation.organisation.name, role: organisation.role } : null,
          centre: centre ? { id: centre.centre.id, name: centre.centre.name, role: centre.role } : null,
        },
      });
      return user.id;
    });
    return { ok: true, userId };
  } catch (error) {
    if ((error as { code?: unknown }).code === 'P2002') return { ok: false, errors: { email: 'error.emailTaken' } };
    throw error;
  }
}

// ───────────────────────────── Global roles ─────────────────────────────

/** Sets the account's global roles. An administrator keeps their own ADMIN role; one active administrator always remains. */
export async function setRoles(client: PrismaClient, actor: Actor, userId: string, wanted: string[]): Promise<Outcome<'roles'>> {
  const parsed = roles.safeParse(wanted);
  if (!parsed.success) return { ok: false, errors: { roles: 'error.role' } };
  const after = GLOBAL_ROLES.filter((r) => parsed.data.includes(r));
  return client.$transaction(async (tx) => {
    await lockAdministrators(tx);
    const user = await tx.user.findUnique({ where: { id: userId }, select: { roles: true, disabledAt: true } });
    if (!user) return { ok: false, errors: { roles: 'error.notFound' } };
    const before = GLOBAL_ROLES.filter((r) => user.roles.includes(r));
    if (before.includes('ADMIN') && !after.includes('ADMIN')) {
      if (userId === actor.actorId) return { ok: false, errors: { roles: 'error.selfAdmin' } };
      const admins = await activeAdministrators(tx);
      if (admins.length === 1 && admins[0] === userId) return { ok: false, errors: { roles: 'error.lastAdmin' } };
    }
    if (before.join() === after.join()) return { ok: true };
    await tx.user.update({ where: { id: userId }, data: { roles: after } });
    await recordAudit(tx, {
      actorId: actor.actorId,
      action: 'account.roles',
      targetType: 'user',
      targetId: userId,
      ip: actor.ip,
      details: { before, after, added: after.filter((r) => !before.includes(r)), removed: before.filter((r) => !after.includes(r)) },
    });
    return { ok: true };
  });
}

// ───────────────────────────── Memberships ─────────────────────────────

/** Adds the account to an organisation with a role (or changes its role there). */
export async function addMembership(
  client: PrismaClient,
  actor: Actor,
  userId: string,
  input: { organisationId: string; role: string },
): Promise<Outcome<'organisationId' | 'organisationRole'>> {
  const errors: Errors<'organisationId' | 'organisationRole'> = {};
  const organisation = input.organisationId
    ? await client.organisation.findUnique({ where: { id: input.organisationId }, select: { id: true, name: true } })
    : null;
  if (!organisation) errors.organisationId = 'error.organisation';
  if (!ORGANISATION_ROLES.includes(input.role as OrganisationRoleName)) errors.organisationRole = 'error.organisationRole';
  if (!organisation || Object.keys(errors).length > 0) return { ok: false, errors };
  const role = input.role as OrganisationRoleName;
  return client.$transaction(async (tx) => {
    if (!(await tx.user.findUnique({ where: { id: userId }, select: { id: true } }))) return { ok: false, errors: { organisationId: 'error.notFound' } };
    const existing = await tx.membership.findUnique({ where: { userId_organisationId: { userId, organisationId: organisation.id } }, select: { role: true } });
    if (existing?.role === role) return { ok: true };
    await tx.membership.upsert({
      where: { userId_organisationId: { userId, organisationId: organisation.id } },
      create: { userId, organisationId: organisation.id, role },
      update: { role },
    });
    await recordAudit(tx, {
      actorId: actor.actorId,
      action: 'account.membership.add',
      targetType: 'user',
      targetId: userId,
      ip: actor.ip,
      details: { organisation: { id: organisation.id, name: organisation.name }, before: existing?.role ?? null, after: role },
    });
    return { ok: true };
  });
}

export async function removeMembership(client: PrismaClient, actor: Actor, userId: string, organisationId: string): Promise<Outcome<'membership'>> {
  return client.$transaction(async (tx) => {
    const existing = await tx.membership.findUnique({
      where: { userId_organisationId: { userId, organisationId } },
      select: { id: true, role: true, organisation: { select: { name: true } } },
    });
    if (!existing) return { ok: false, errors: { membership: 'error.notMember' } };
    await tx.membership.delete({ where: { id: existing.id } });
    await recordAudit(tx, {
      actorId: actor.actorId,
      action: 'account.membership.remove',
      targetType: 'user',
      targetId: userId,
      ip: actor.ip,
      details: { organisation: { id: organisationId, name: existing.organisation.name }, before: existing.role, after: null },
    });
    return { ok: true };
  });
}

/** Adds the account to a certification centre's staff with a role (or changes its role there). */
export async function addCentreMembership(
  client: PrismaClient,
  actor: Actor,
  userId: string,
  input: { centreId: string; role: string },
): Promise<Outcome<'centreId' | 'centreRole'>> {
  const errors: Errors<'centreId' | 'centreRole'> = {};
  const centre = input.centreId ? await client.certificationCentre.findUnique({ where: { id: input.centreId }, select: { id: true, name: true } }) : null;
  if (!centre) errors.centreId = 'error.centre';
  if (!CENTRE_ROLES.includes(input.role as CentreRoleName)) errors.centreRole = 'error.centreRole';
  if (!centre || Object.keys(errors).length > 0) return { ok: false, errors };
  const role = input.role as CentreRoleName;
  return client.$transaction(async (tx) => {
    if (!(await tx.user.findUnique({ where: { id: userId }, select: { id: true } }))) return { ok: false, errors: { centreId: 'error.notFound' } };
    const existing = await tx.centreMembership.findUnique({ where: { userId_centreId: { userId, centreId: centre.id } }, select: { role: true } });
    if (existing?.role === role) return { ok: true };
    await tx.centreMembership.upsert({
      where: { userId_centreId: { userId, centreId: centre.id } },
      create: { userId, centreId: centre.id, role },
      update: { role },
    });
    await recordAudit(tx, {
      actorId: actor.actorId,
      action: 'account.centre.add',
      targetType: 'user',
      targetId: userId,
      ip: actor.ip,
      details: { centre: { id: centre.id, name: centre.name }, before: existing?.role ?? null, after: role },
    });
    return { ok: true };
  });
}

export async function removeCentreMembership(client: PrismaClient, actor: Actor, userId: string, centreId: string): Promise<Outcome<'centre'>> {
  return client.$transaction(async (tx) => {
    const existing = await tx.centreMembership.findUnique({
      where: { userId_centreId: { userId, centreId } },
      select: { id: true, role: true, centre: { select: { name: true } } },
    });
    if (!existing) return { ok: false, errors: { centre: 'error.notCentreMember' } };
    await tx.centreMembership.delete({ where: { id: existing.id } });
    await recordAudit(tx, {
      actorId: actor.actorId,
      action: 'account.centre.remove',
      targetType: 'user',
      targetId: userId,
      ip: actor.ip,
      details: { centre: { id: centreId, name: existing.centre.name }, before: existing.role, after: null },
    });
    return { ok: true };
  });
}

// ───────────────────────────── Disabling ─────────────────────────────

/**
 * Disables the account: its sessions end at once (rows deleted, shared lookups forgotten) and it can no
 * longer sign in. The last active administrator cannot disable themselves.
 */
export async function disableAccount(client: PrismaClient, actor: Actor, userId: string): Promise<Outcome<'account'>> {
  const outcome = await client.$transaction(async (tx): Promise<Outcome<'account'>> => {
    await lockAdministrators(tx);
    const user = await tx.user.findUnique({ where: { id: userId }, select: { disabledAt: true, roles: true } });
    if (!user) return { ok: false, errors: { account: 'error.notFound' } };
    if (user.disabledAt) return { ok: false, errors: { account: 'error.alreadyDisabled' } };
    if (user.roles.includes('ADMIN')) {
      const admins = await activeAdministrators(tx);
      if (admins.length === 1 && admins[0] === userId)
        return { ok: false, errors: { account: userId === actor.actorId ? 'error.selfDisable' : 'error.lastAdmin' } };
    }
    const disabledAt = new Date();
    await tx.user.update({ where: { id: userId }, data: { disabledAt } });
    const sessions = await tx.authSession.deleteMany({ where: { userId } });
    await recordAudit(tx, {
      actorId: actor.actorId,
      action: 'account.disable',
      targetType: 'user',
      targetId: userId,
      ip: actor.ip,
      details: { before: { disabledAt: null }, after: { disabledAt: disabledAt.toISOString() }, sessionsEnded: sessions.count },
    });
    return { ok: true };
  });
  if (outcome.ok) forgetRecentSessions();
  return outcome;
}

export async function enableAccount(client: PrismaClient, actor: Actor, userId: string): Promise<Outcome<'account'>> {
  return client.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { disabledAt: true } });
    if (!user) return { ok: false, errors: { account: 'error.notFound' } };
    if (!user.disabledAt) return { ok: false, errors: { account: 'error.notDisabled' } };
    await tx.user.update({ where: { id: userId }, data: { disabledAt: null } });
    await recordAudit(tx, {
      actorId: actor.actorId,
      action: 'account.enable',
      targetType: 'user',
      targetId: userId,
      ip: actor.ip,
      details: { before: { disabledAt: user.disabledAt.toISOString() }, after: { disabledAt: null } },
    });
    return { ok: true };
  });
}

// ───────────────────────────── Password reset links ─────────────────────────────

export function hashResetToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Makes a one-time link for the account's owner to choose a new password. Only the token's SHA-256 is
 * kept; the token itself is returned once, for the administrator to pass on. Earlier unused links stop working.
 */
export async function createPasswordResetLink(
  client: PrismaClient,
  actor: Actor,
  userId: string,
  now = new Date(),
): Promise<Outcome<'account', { token: string; expiresAt: Date }>> {
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + RESET_LINK_HOURS * 3600_000);
  return client.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { disabledAt: true } });
    if (!user) return { ok: false, errors: { account: 'error.notFound' } };
    if (user.disabledAt) return { ok: false, errors: { account: 'error.disabledAccount' } };
    const revoked = await tx.passwordResetToken.updateMany({ where: { userId, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    const link = await tx.passwordResetToken.create({
      data: { userId, tokenHash: hashResetToken(token), createdById: actor.actorId, createdAt: now, expiresAt },
      select: { id: true },
    });
    await recordAudit(tx, {
      actorId: actor.actorId,
      action: 'account.password_reset_link',
      targetType: 'user',
      targetId: userId,
      ip: actor.ip,
      details: { linkId: link.id, expiresAt: expiresAt.toISOString(), earlierLinksRevoked: revoked.count },
    });
    return { ok: true, token, expiresAt };
  });
}

export type ResetLinkProblem = 'reset.invalid' | 'reset.expired' | 'reset.used';

/** What a reset link is worth: the account it is for, or why it does not work. */
export async function checkPasswordResetToken(
  client: PrismaClient | Tx,
  token: string,
  now = new Date(),
): Promise<{ ok: true; userId: string; email: string; firstName: string; linkId: string } | { ok: false; problem: ResetLinkProblem }> {
  if (!token || token.length > 200) return { ok: false, problem: 'reset.invalid' };
  const link = await client.passwordResetToken.findUnique({ where: { tokenHash: hashResetToken(token) } });
  if (!link) return { ok: false, problem: 'reset.invalid' };
  if (link.usedAt) return { ok: false, problem: 'reset.used' };
  if (link.expiresAt <= now) return { ok: false, problem: 'reset.expired' };
  const user = await client.user.findUnique({ where: { id: link.userId }, select: { email: true, firstName: true, disabledAt: true } });
  if (!user || user.disabledAt) return { ok: false, problem: 'reset.invalid' };
  return { ok: true, userId: link.userId, email: user.email, firstName: user.firstName, linkId: link.id };
}

export type NewPasswordErrorKey =
  | 'signup.error.password.length'
  | 'signup.error.password.lower'
  | 'signup.error.password.upper'
  | 'signup.error.password.digit'
  | 'signup.error.password.long'
  | 'reset.error.confirm';

/**
 * Sets the new password chosen with a reset link: same rules as sign-up, the link works once, and all
 * the account's sessions end.
 */
export async function completePasswordReset(
  client: PrismaClient,
  input: { token: string; password: string; confirm: string; ip: string },
  now = new Date(),
): Promise<{ ok: true } | { ok: false; problem: ResetLinkProblem } | { ok: false; errors: Partial<Record<'password' | 'confirm', NewPasswordErrorKey>> }> {
  const first = await checkPasswordResetToken(client, input.token, now);
  if (!first.ok) return first;
  const parsed = passwordSchema.safeParse(input.password);
  if (!parsed.success) return { ok: false, errors: { password: parsed.error.issues[0]!.message as NewPasswordErrorKey } };
  if (input.password !== input.confirm) return { ok: false, errors: { confirm: 'reset.error.confirm' } };
  const passwordHash = await hashPassword(input.password);
  const outcome = await client.$transaction(async (tx) => {
    // Claimed once: of two requests with the same link, only one finds it unused.
    const claimed = await tx.passwordResetToken.updateMany({
      where: { tokenHash: hashResetToken(input.token), usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) return { ok: false as const, problem: 'reset.used' as const };
    const check = await tx.user.findUnique({ where: { id: first.userId }, select: { disabledAt: true } });
    if (!check || check.disabledAt) return { ok: false as const, problem: 'reset.invalid' as const };
    await tx.user.update({ where: { id: first.userId }, data: { passwordHash } });
    const sessions = await tx.authSession.deleteMany({ where: { userId: first.userId } });
    await recordAudit(tx, {
      actorId: first.userId,
      action: 'account.password_reset_done',
      targetType: 'user',
      targetId: first.userId,
      ip: input.ip,
      details: { linkId: first.linkId, sessionsEnded: sessions.count },
    });
    return { ok: true as const };
  });
  if (outcome.ok) forgetRecentSessions();
  return outcome;
}
