/** The demo accounts seeded on a fresh database and listed in the README. */
export const DEMO_PASSWORD = 'Demo-Pix-2026';

export interface DemoAccount {
  email: string;
  firstName: string;
  lastName: string;
  roles: ('ADMIN' | 'AUTHOR' | 'REVIEWER' | 'PSYCHOMETRICIAN' | 'LEARNER')[];
  organisationRole?: 'ADMIN' | 'TEACHER';
  centreRole?: 'ADMIN' | 'STAFF';
  space: string;
  label: string;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { email: 'admin@exemple.fr', firstName: 'Alice', lastName: 'Admin', roles: ['ADMIN'], space: '/admin', label: 'Administratrice' },
  { email: 'autrice@exemple.fr', firstName: 'Camille', lastName: 'Autrice', roles: ['AUTHOR'], space: '/creation', label: 'Autrice de contenu' },
  { email: 'relecteur@exemple.fr', firstName: 'Rémi', lastName: 'Relecteur', roles: ['REVIEWER'], space: '/creation', label: 'Relecteur (validation)' },
  {
    email: 'psychometre@exemple.fr',
    firstName: 'Paula',
    lastName: 'Psychométricienne',
    roles: ['PSYCHOMETRICIAN'],
    space: '/psychometrie',
    label: 'Psychométricienne',
  },
  {
    email: 'enseignant@exemple.fr',
    firstName: 'Théo',
    lastName: 'Enseignant',
    roles: [],
    // An administrator of the organisation: adds teachers, resets a pupil's password (reserved to admins).
    organisationRole: 'ADMIN',
    space: '/orga',
    label: 'Enseignant, administrateur Orga (Lycée de démonstration)',
  },
  {
    email: 'certif@exemple.fr',
    firstName: 'Céline',
    lastName: 'Certif',
    roles: [],
    centreRole: 'STAFF',
    space: '/certif',
    label: 'Personnel du centre de certification',
  },
  { email: 'eleve@exemple.fr', firstName: 'Léa', lastName: 'Élève', roles: ['LEARNER'], space: '/profil', label: 'Élève' },
];

export const DEMO_ORGANISATION = { name: 'Lycée de démonstration', type: 'SCO' as const, externalId: 'DEMO-LYCEE' };
export const DEMO_CENTRE = { name: 'Centre de certification de démonstration', type: 'SCO' as const };
