/** The spaces of the workbench and who may enter each. Shared by the server checks and the navigation. */
export type GlobalRole = 'ADMIN' | 'AUTHOR' | 'REVIEWER' | 'PSYCHOMETRICIAN' | 'LEARNER';

export interface Viewer {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  locale: string;
  roles: GlobalRole[];
  organisations: { id: string; name: string; role: 'ADMIN' | 'TEACHER' }[];
  /** The organisation chosen with the switcher, kept in the session (checked against `organisations` where used). */
  activeOrganisationId?: string | null;
  centres: { id: string; name: string; role: 'ADMIN' | 'STAFF' }[];
}

export type SpaceId = 'admin' | 'creation' | 'psychometrie' | 'orga' | 'certif' | 'profil';

export const SPACES: { id: SpaceId; path: string; labelKey: string }[] = [
  { id: 'creation', path: '/creation', labelKey: 'space.creation' },
  { id: 'psychometrie', path: '/psychometrie', labelKey: 'space.psychometrie' },
  { id: 'orga', path: '/orga', labelKey: 'space.orga' },
  { id: 'certif', path: '/certif', labelKey: 'space.certif' },
  { id: 'profil', path: '/profil', labelKey: 'space.profil' },
  { id: 'admin', path: '/admin', labelKey: 'space.admin' },
];

export function canEnter(viewer: Viewer, space: SpaceId): boolean {
  const has = (role: GlobalRole) => viewer.roles.includes(role);
  switch (space) {
    case 'admin':
      return has('ADMIN');
    case 'creation':
      return has('ADMIN') || has('AUTHOR') || has('REVIEWER');
    case 'psychometrie':
      return has('ADMIN') || has('PSYCHOMETRICIAN');
    case 'orga':
      return viewer.organisations.length > 0;
    case 'certif':
      return viewer.centres.length > 0;
    case 'profil':
      return has('LEARNER');
  }
}

/**
 * A learner account and nothing else: no global role beyond LEARNER, no organisation membership, no
 * certification centre membership. Only such accounts take part in campaigns (a campaign links the
 * account to the organisation's learner list) and only such accounts may have their password reset
 * from Orga. The server checks the same rule on the stored account (learnerOnlyWhere).
 */
export function isLearnerOnly(viewer: Pick<Viewer, 'roles' | 'organisations' | 'centres'>): boolean {
  return viewer.roles.every((r) => r === 'LEARNER') && viewer.organisations.length === 0 && viewer.centres.length === 0;
}

/** Where a viewer lands after signing in: their main space. */
export function homeSpace(viewer: Viewer): string {
  const order: SpaceId[] = ['admin', 'creation', 'psychometrie', 'orga', 'certif', 'profil'];
  const space = order.find((s) => canEnter(viewer, s));
  return space ? SPACES.find((s) => s.id === space)!.path : '/referentiel';
}
