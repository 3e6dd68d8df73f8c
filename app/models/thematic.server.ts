/** Thematics (groups of tubes inside a competence): creation and renaming. */
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import { fail, isUniqueViolation, slugify, zodFieldErrors, type EditResult } from './validation.server';

export const THEMATIC_FIELDS = ['name'] as const;
export type ThematicField = (typeof THEMATIC_FIELDS)[number];

const thematicSchema = z.object({
  name: z.string().trim().min(1, 'error.thematic.name.required').max(120, 'error.thematic.name.tooLong'),
});

export type ThematicInput = z.input<typeof thematicSchema>;

async function nameTaken(client: PrismaClient, competenceId: string, name: string, exceptId?: string) {
  const same = await client.thematic.findFirst({
    where: { competenceId, name: { equals: name, mode: 'insensitive' }, ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { id: true },
  });
  return same !== null;
}

/** A new thematic at the end of its competence; its stable key is made from the competence and the name. */
export async function createThematic(
  client: PrismaClient,
  competenceCode: string,
  input: ThematicInput,
): Promise<EditResult<{ id: string; key: string }, ThematicField>> {
  const parsed = thematicSchema.safeParse(input);
  if (!parsed.success) return fail(zodFieldErrors(parsed.error));
  const competence = await client.competence.findUnique({ where: { code: competenceCode }, select: { id: true } });
  if (!competence) return fail({ name: 'error.competence.unknown' });
  const { name } = parsed.data;
  if (await nameTaken(client, competence.id, name)) return fail({ name: 'error.thematic.name.taken' });
  const base = `${competenceCode}-${slugify(name)}`;
  for (let attempt = 1; attempt <= 50; attempt++) {
    const key = attempt === 1 ? base : `${base}-${attempt}`;
    if (await client.thematic.findUnique({ where: { key }, select: { id: true } })) continue;
    const last = await client.thematic.aggregate({ where: { competenceId: competence.id }, _max: { position: true } });
    try {
      const row = await client.thematic.create({ data: { key, name, competenceId: competence.id, position: (last._max.position ?? -1) + 1 } });
      return { ok: true, value: { id: row.id, key: row.key } };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return fail({ name: 'error.thematic.name.taken' });
}

export async function updateThematic(client: PrismaClient, id: string, input: ThematicInput): Promise<EditResult<{ id: string }, ThematicField>> {
  const parsed = thematicSchema.safeParse(input);
  if (!parsed.success) return fail(zodFieldErrors(parsed.error));
  const thematic = await client.thematic.findUnique({ where: { id }, select: { id: true, competenceId: true } });
  if (!thematic) return fail({ name: 'error.thematic.unknown' });
  if (await nameTaken(client, thematic.competenceId, parsed.data.name, id)) return fail({ name: 'error.thematic.name.taken' });
  await client.thematic.update({ where: { id }, data: { name: parsed.data.name } });
  return { ok: true, value: { id } };
}

export async function getThematic(client: PrismaClient, id: string) {
  return client.thematic.findUnique({
    where: { id },
    include: { competence: { select: { code: true, titleFr: true, titleEn: true } }, _count: { select: { tubes: true } } },
  });
}
