/**
 * Accounts: who a user is with their memberships (the viewer they become when signed in, where they
 * land), and the administrators' list of accounts and roles.
 */
import type { PrismaClient } from '../../prisma/client';
import { homeSpace, type Viewer } from '../lib/roles';

/** The viewer a user is (roles, organisations, centres), as a session would show them. */
export async function viewerOfUser(client: PrismaClient, userId: string): Promise<Viewer> {
  const user = await client.user.findUniqueOrThrow({
    where: { id: userId },
    include: { memberships: { include: { organisation: true } }, centreMemberships: { include: { centre: true } } },
  });
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    locale: user.locale,
    roles: user.roles,
    organisations: user.memberships.map((m) => ({ id: m.organisationId, name: m.organisation.name, role: m.role })),
    centres: user.centreMemberships.map((m) => ({ id: m.centreId, name: m.centre.name, role: m.role })),
  };
}

/** Where a user lands after signing in without a page to go back to: their main space. */
export async function landingPathOf(client: PrismaClient, userId: string): Promise<string> {
  return homeSpace(await viewerOfUser(client, userId));
}

/** How many accounts the administration page lists at most. */
export const ACCOUNTS_SHOWN = 200;

/**
 * The accounts people manage, by e-mail (the first ACCOUNTS_SHOWN): roles, organisations with the
 * member's role, certification centres. The demo's simulated learners (thousands) are left out.
 */
export async function listAccounts(client: PrismaClient) {
  const users = await client.user.findMany({
    where: { simulated: false },
    orderBy: { email: 'asc' },
    take: ACCOUNTS_SHOWN,
    include: { memberships: { include: { organisation: true } }, centreMemberships: { include: { centre: true } } },
  });
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    firstName: u.firstName,
    lastName: u.lastName,
    roles: u.roles,
    disabled: u.disabledAt !== null,
    organisations: u.memberships.map((m) => ({ name: m.organisation.name, role: m.role })),
    centres: u.centreMemberships.map((m) => m.centre.name),
  }));
}
