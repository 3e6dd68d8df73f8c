/**
 * Learner-only accounts: no global role beyond LEARNER, no organisation membership, no certification
 * centre membership (the rule of isLearnerOnly in app/lib/roles.ts, checked here on the stored account).
 * Only they join campaigns, and only they may have their password reset by an organisation.
 */
import type { PrismaClient } from '../../prisma/client';
import type { GlobalRole } from '../lib/roles';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
type Client = Pick<PrismaClient | Tx, 'user'>;

/** The global roles that make an account more than a learner's. */
export const NON_LEARNER_ROLES: GlobalRole[] = ['ADMIN', 'AUTHOR', 'REVIEWER', 'PSYCHOMETRICIAN'];

/** A `User` filter: learner-only accounts. */
export const learnerOnlyWhere = {
  NOT: { roles: { hasSome: NON_LEARNER_ROLES } },
  memberships: { none: {} },
  centreMemberships: { none: {} },
};

/** True when the account exists and is learner-only. */
export async function isLearnerOnlyAccount(client: Client, userId: string): Promise<boolean> {
  return (await client.user.count({ where: { id: userId, ...learnerOnlyWhere } })) === 1;
}
