/**
 * For integration tests of framework editing: a real competence of the CRCN (created from
 * content/framework.json if the database does not have it yet), unique names per test run, and a
 * cleanup that removes what a test made so that the browser tests of the same run see the seeded
 * framework only.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PrismaClient } from '../../prisma/client';

interface FrameworkFile {
  areas: { code: string; title: { fr: string; en: string }; competences: { code: string; title: { fr: string; en: string } }[] }[];
}

export async function ensureCompetence(db: PrismaClient, code: string) {
  const framework = JSON.parse(fs.readFileSync(path.resolve('content/framework.json'), 'utf8')) as FrameworkFile;
  const area = framework.areas.find((a) => a.competences.some((c) => c.code === code));
  if (!area) throw new Error(`Compétence ${code} absente de content/framework.json`);
  const competence = area.competences.find((c) => c.code === code)!;
  const a = await db.area.upsert({ where: { code: area.code }, create: { code: area.code, titleFr: area.title.fr, titleEn: area.title.en }, update: {} });
  return db.competence.upsert({
    where: { code },
    create: { code, areaId: a.id, titleFr: competence.title.fr, titleEn: competence.title.en },
    update: {},
  });
}

/** Lowercase letters only: tube names end with a letter, keys stay readable. */
export function uniqueLetters(length = 6): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let out = '';
  for (let i = 0; i < length; i++) out += letters[Math.floor(Math.random() * letters.length)];
  return out;
}

/** Removes the thematics (with their tubes, skills, challenges-free) and tutorials a test created. */
export async function removeFrameworkData(db: PrismaClient, { thematicIds = [], tutorialIds = [] }: { thematicIds?: string[]; tutorialIds?: string[] }) {
  const tubes = await db.tube.findMany({ where: { thematicId: { in: thematicIds } }, select: { id: true } });
  const tubeIds = tubes.map((t) => t.id);
  await db.skillTutorial.deleteMany({ where: { OR: [{ skill: { tubeId: { in: tubeIds } } }, { tutorialId: { in: tutorialIds } }] } });
  await db.skill.deleteMany({ where: { tubeId: { in: tubeIds } } });
  await db.tube.deleteMany({ where: { id: { in: tubeIds } } });
  await db.thematic.deleteMany({ where: { id: { in: thematicIds } } });
  await db.tutorial.deleteMany({ where: { id: { in: tutorialIds } } });
}
