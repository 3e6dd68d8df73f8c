/** Fixtures for authoring tests: a skill of its own and users with roles, unique to each call. */
import crypto from 'node:crypto';
import type { PrismaClient } from '../../prisma/client';
import { markdownLiteToDoc, newChallengeBody, type ChallengeBody } from '../../engine/challenges';

export function uid(): string {
  return crypto.randomBytes(4).toString('hex');
}

export async function makeSkill(db: PrismaClient, level = 2) {
  const u = uid();
  const area = await db.area.create({ data: { code: `A${u}`, titleFr: `Domaine ${u}`, titleEn: `Area ${u}` } });
  const competence = await db.competence.create({ data: { code: `C${u}`, areaId: area.id, titleFr: `Compétence ${u}`, titleEn: `Competence ${u}` } });
  const thematic = await db.thematic.create({ data: { key: `th-${u}`, competenceId: competence.id, name: `Thématique ${u}` } });
  const tube = await db.tube.create({
    data: { name: `@t${u}`, thematicId: thematic.id, competenceId: competence.id, title: `Sujet ${u}`, description: 'Pour les tests' },
  });
  return db.skill.create({ data: { name: `@t${u}${level}`, tubeId: tube.id, level, status: 'actif' } });
}

export async function makeUser(db: PrismaClient, roles: ('AUTHOR' | 'REVIEWER' | 'ADMIN')[], firstName = 'Test') {
  const u = uid();
  return db.user.create({ data: { email: `${u}@test.exemple.fr`, passwordHash: 'x', firstName, lastName: u, roles } });
}

export function qrocBody(instruction = 'Quelle boisson chaude est faite avec des grains torréfiés ?', accepted = ['café']): ChallengeBody {
  return {
    ...newChallengeBody('QROC', ['Camille Autrice']),
    instruction: markdownLiteToDoc(instruction),
    answer: { type: 'QROC', accepted, format: 'mots', tolerances: ['T1'] },
  };
}
