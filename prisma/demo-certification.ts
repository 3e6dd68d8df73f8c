/**
 * Demo data for certification: two learners with a certifiable profile (levels 1 to 4 validated in all 16
 * competences, so level ≥ 1 in ≥ 5), one learner who is not certifiable, and a second certification
 * centre with its own staff (to show that a centre sees only its own sessions). Safe to run again.
 */
import type { PrismaClient } from './client';
import { hashPassword } from '../app/lib/password.server';
import { DEMO_PASSWORD } from './demo';

export const DEMO_CERTIFIABLE_LEARNERS = [
  { email: 'candidat1@exemple.fr', firstName: 'Inès', lastName: 'Durand', birthDate: '2007-04-12', birthPlace: 'Lyon' },
  { email: 'candidat2@exemple.fr', firstName: 'Hugo', lastName: 'Martin', birthDate: '2006-11-03', birthPlace: 'Nantes' },
] as const;
export const DEMO_UNCERTIFIABLE_LEARNER = {
  email: 'debutant@exemple.fr',
  firstName: 'Noé',
  lastName: 'Petit',
  birthDate: '2008-02-20',
  birthPlace: 'Lille',
} as const;
export const DEMO_OTHER_CENTRE = { name: 'Centre de certification de Rennes', type: 'SUP' as const };
export const DEMO_OTHER_CENTRE_STAFF = { email: 'certif-rennes@exemple.fr', firstName: 'Romain', lastName: 'Rennes' };
/** Competences and levels validated for the certifiable demo learners. */
export const DEMO_CERTIFIABLE_COMPETENCES = 16;
export const DEMO_CERTIFIABLE_MAX_LEVEL = 4;

export async function seedDemoCertification(db: PrismaClient): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const competences = await db.competence.findMany({ orderBy: { code: 'asc' }, take: DEMO_CERTIFIABLE_COMPETENCES, select: { id: true } });
  const skills = await db.skill.findMany({
    where: { status: 'actif', level: { lte: DEMO_CERTIFIABLE_MAX_LEVEL }, tube: { competenceId: { in: competences.map((c) => c.id) } } },
    select: { id: true, tube: { select: { competenceId: true } } },
  });
  for (const learner of [...DEMO_CERTIFIABLE_LEARNERS, DEMO_UNCERTIFIABLE_LEARNER]) {
    const user = await db.user.upsert({
      where: { email: learner.email },
      create: {
        email: learner.email,
        firstName: learner.firstName,
        lastName: learner.lastName,
        roles: ['LEARNER'],
        passwordHash,
        birthDate: new Date(`${learner.birthDate}T00:00:00Z`),
      },
      update: {},
    });
    const certifiable = learner.email !== DEMO_UNCERTIFIABLE_LEARNER.email;
    if (!certifiable || (await db.knowledgeElement.count({ where: { userId: user.id } })) > 0) continue;
    await db.knowledgeElement.createMany({
      data: skills.map((s) => ({
        userId: user.id,
        skillId: s.id,
        competenceId: s.tube.competenceId,
        status: 'validated' as const,
        source: 'direct' as const,
        earnedPix: 0,
      })),
    });
  }
  const other =
    (await db.certificationCentre.findFirst({ where: { name: DEMO_OTHER_CENTRE.name } })) ?? (await db.certificationCentre.create({ data: DEMO_OTHER_CENTRE }));
  const staff = await db.user.upsert({
    where: { email: DEMO_OTHER_CENTRE_STAFF.email },
    create: { ...DEMO_OTHER_CENTRE_STAFF, roles: [], passwordHash },
    update: {},
  });
  await db.centreMembership.upsert({
    where: { userId_centreId: { userId: staff.id, centreId: other.id } },
    create: { userId: staff.id, centreId: other.id, role: 'ADMIN' },
    update: {},
  });
}
