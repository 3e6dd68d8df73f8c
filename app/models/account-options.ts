/** The roles an administrator may give, shared by the accounts use cases and their forms (browser too). */
import type { GlobalRole } from '../lib/roles';

export const GLOBAL_ROLES: GlobalRole[] = ['ADMIN', 'AUTHOR', 'REVIEWER', 'PSYCHOMETRICIAN', 'LEARNER'];
export const ORGANISATION_ROLES = ['ADMIN', 'TEACHER'] as const;
export const CENTRE_ROLES = ['ADMIN', 'STAFF'] as const;
export type OrganisationRoleName = (typeof ORGANISATION_ROLES)[number];
export type CentreRoleName = (typeof CENTRE_ROLES)[number];

/** How long a password-reset link works. */
export const RESET_LINK_HOURS = 24;

export const CREATE_FIELDS = ['email', 'firstName', 'lastName', 'roles', 'organisationId', 'organisationRole', 'centreId', 'centreRole'] as const;
export type CreateField = (typeof CREATE_FIELDS)[number];
