/**
 * Demo data for cross-tenant checks: a second organisation with its own teacher and campaign, and a
 * session in the second certification centre (prisma/demo-certification.ts makes the centre and its
 * staff). A teacher of the first organisation must see nothing of the second, nor the staff of the first
 * centre anything of the second centre's session (the route permission test and the browser tests try).
 * Safe to run again.
 */
import type { PrismaClient } from './client';
import { hashPassword } from '../app/lib/password.server';
import { DEMO_PASSWORD } from './demo';
import { DEMO_OTHER_CENTRE } from './demo-certification';

export const DEMO_OTHER_ORGANISATION = { name: 'Collège de Quimper', type: 'SCO' as const, externalId: 'DEMO-COLLEGE-QUIMPER' };
export const DEMO_OTHER_TEACHER = { email: 'enseignant2@exemple.fr', firstName: 'Yann', lastName: 'Enseignant' };
/** A profiles-collection campaign of the second organisation (a fixed code of the campaign-code form). */
export const DEMO_OTHER_CAMPAIGN = { code: 'QMPRDM234', name: 'Collecte de profils — Quimper', type: 'PROFILES_COLLECTION' as const };
/** A session of the second centre (a fixed access code of the session-code form). */
export const DEMO_OTHER_SESSION = {
  accessCode: 'QMPR23',
  address: '2 rue de Rennes, Rennes',
  room: 'Salle 12',
  time: '14:00',
  examiner: 'M. Rennes',
  invigilatorPassword: 'RNNS2346',
} as const;

export async function seedDemoOtherTenants(db: PrismaClient): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const organisation =
    (await db.organisation.findUnique({ where: { externalId: DEMO_OTHER_ORGANISATION.externalId } })) ??
    (await db.organisation.create({ data: DEMO_OTHER_ORGANISATION }));
  const teacher = await db.user.upsert({
    where: { email: DEMO_OTHER_TEACHER.email },
    create: { ...DEMO_OTHER_TEACHER, roles: [], passwordHash },
    update: {},
  });
  await db.membership.upsert({
    where: { userId_organisationId: { userId: teacher.id, organisationId: organisation.id } },
    create: { userId: teacher.id, organisationId: organisation.id, role: 'ADMIN' },
    update: {},
  });
  await db.campaign.upsert({
    where: { code: DEMO_OTHER_CAMPAIGN.code },
    create: { ...DEMO_OTHER_CAMPAIGN, organisationId: organisation.id, creatorId: teacher.id },
    update: {},
  });
  const centre = await db.certificationCentre.findFirst({ where: { name: DEMO_OTHER_CENTRE.name } });
  if (!centre) return;
  if (!(await db.certificationSession.findUnique({ where: { accessCode: DEMO_OTHER_SESSION.accessCode } }))) {
    const parameterSet = await db.parameterSet.findFirst({ where: { active: true }, orderBy: { version: 'desc' }, select: { id: true } });
    await db.certificationSession.create({
      data: { ...DEMO_OTHER_SESSION, centreId: centre.id, date: new Date('2027-01-15T00:00:00Z'), parameterSetId: parameterSet?.id ?? null },
    });
  }
}
