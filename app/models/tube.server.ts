/**
 * Tubes (sujets): `@name`, a practical title and description that teachers read, in a thematic of a
 * competence. Renaming a tube renames its skills (`@mdp` → `@motdepasse`: `@mdp3` → `@motdepasse3`).
 */
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import { skillName, tubeNameProblem, type TubeNameProblem } from '../../engine/framework';
import type { EditErrorKey } from '../i18n/referentiel-edition';
import { competenceByCode } from './positioning-bank.server';
import { fail, isUniqueViolation, zodFieldErrors, type EditResult, type FieldErrors } from './validation.server';

export const TUBE_FIELDS = ['name', 'title', 'description', 'thematicId'] as const;
export type TubeField = (typeof TUBE_FIELDS)[number];

const NAME_MESSAGES: Record<TubeNameProblem, EditErrorKey> = {
  missing: 'error.tube.name.required',
  at: 'error.tube.name.at',
  characters: 'error.tube.name.characters',
  edges: 'error.tube.name.edges',
  length: 'error.tube.name.tooLong',
};

const tubeSchema = z.object({
  // Names are typed by people: surrounding spaces are dropped, but nothing else is changed for them.
  name: z
    .string()
    .trim()
    .superRefine((name, ctx) => {
      const problem = tubeNameProblem(name);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: NAME_MESSAGES[problem] });
    }),
  title: z.string().trim().min(1, 'error.tube.title.required').max(120, 'error.tube.title.tooLong'),
  description: z.string().trim().min(1, 'error.tube.description.required').max(1000, 'error.tube.description.tooLong'),
  thematicId: z.string().min(1, 'error.tube.thematic.required'),
});

export type TubeInput = z.input<typeof tubeSchema>;

/**
 * Field errors of a tube form: the format rules, then the thematic (of this competence) and the
 * uniqueness of the name, all reported at once so that the author fixes everything in one go.
 */
async function validateTube(client: PrismaClient, competenceId: string, input: TubeInput, exceptId?: string) {
  const parsed = tubeSchema.safeParse(input);
  const errors: FieldErrors<TubeField> = parsed.success ? {} : zodFieldErrors(parsed.error);
  if (!errors.thematicId) {
    const thematic = await client.thematic.findUnique({ where: { id: input.thematicId }, select: { competenceId: true } });
    if (!thematic || thematic.competenceId !== competenceId) errors.thematicId = 'error.tube.thematic.required';
  }
  if (!errors.name) {
    const same = await client.tube.findUnique({ where: { name: input.name.trim() }, select: { id: true } });
    if (same && same.id !== exceptId) errors.name = 'error.tube.name.taken';
  }
  return parsed.success && Object.keys(errors).length === 0 ? { ok: true as const, data: parsed.data } : { ok: false as const, errors };
}

/** A new tube at the end of its thematic. */
export async function createTube(client: PrismaClient, competenceCode: string, input: TubeInput): Promise<EditResult<{ id: string; name: string }, TubeField>> {
  const competence = await client.competence.findUnique({ where: { code: competenceCode }, select: { id: true } });
  if (!competence) return fail({ thematicId: 'error.competence.unknown' });
  const checked = await validateTube(client, competence.id, input);
  if (!checked.ok) return fail(checked.errors);
  const data = checked.data;
  const last = await client.tube.aggregate({ where: { thematicId: data.thematicId }, _max: { position: true } });
  try {
    const tube = await client.tube.create({
      data: { ...data, competenceId: competence.id, position: (last._max.position ?? -1) + 1 },
    });
    return { ok: true, value: { id: tube.id, name: tube.name } };
  } catch (error) {
    if (isUniqueViolation(error)) return fail({ name: 'error.tube.name.taken' });
    throw error;
  }
}

/** Changes a tube; a new name renames its skills in the same transaction. */
export async function updateTube(client: PrismaClient, tubeId: string, input: TubeInput): Promise<EditResult<{ id: string; name: string }, TubeField>> {
  const tube = await client.tube.findUnique({ where: { id: tubeId }, include: { skills: { select: { id: true, level: true } } } });
  if (!tube) return fail({ name: 'error.tube.unknown' });
  const checked = await validateTube(client, tube.competenceId, input, tube.id);
  if (!checked.ok) return fail(checked.errors);
  const data = checked.data;
  const moved = data.thematicId !== tube.thematicId;
  const last = moved ? await client.tube.aggregate({ where: { thematicId: data.thematicId }, _max: { position: true } }) : null;
  try {
    await client.$transaction(async (tx) => {
      await tx.tube.update({
        where: { id: tube.id },
        data: { ...data, ...(last ? { position: (last._max.position ?? -1) + 1 } : {}) },
      });
      if (data.name !== tube.name) {
        // Skill names follow their tube's (`@new` is unique, so `@new3` belongs to no other tube).
        for (const skill of tube.skills) await tx.skill.update({ where: { id: skill.id }, data: { name: skillName(data.name, skill.level) } });
      }
    });
  } catch (error) {
    if (isUniqueViolation(error)) return fail({ name: 'error.tube.name.taken' });
    throw error;
  }
  return { ok: true, value: { id: tube.id, name: data.name } };
}

/** A tube with its place in the framework and its skills by level. */
export async function getTube(client: PrismaClient, tubeId: string) {
  return client.tube.findUnique({
    where: { id: tubeId },
    include: {
      thematic: { select: { id: true, name: true } },
      competence: { select: { id: true, code: true, titleFr: true, titleEn: true } },
      skills: { orderBy: { level: 'asc' }, select: { id: true, name: true, level: true, status: true } },
    },
  });
}

/** The thematics a tube of this competence may belong to, in order. */
export async function competenceThematics(client: PrismaClient, competenceId: string) {
  return client.thematic.findMany({ where: { competenceId }, orderBy: { position: 'asc' }, select: { id: true, name: true } });
}

/** What the new-tube form needs: the competence (by code) and its thematics in order; null for an unknown code. */
export async function newTubeForm(client: PrismaClient, competenceCode: string) {
  const competence = await competenceByCode(client, competenceCode);
  if (!competence) return null;
  return { competence, thematics: await competenceThematics(client, competence.id) };
}
