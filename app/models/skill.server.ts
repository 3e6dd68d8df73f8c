/**
 * Skills (acquis): one level of one tube, named tube + level. Level unique in the tube, status, hint;
 * the tutorials of a skill are in tutorial.server.ts.
 */
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import { SKILL_STATUS_ORDER, canChangeSkillStatus, isSkillLevel, skillName, skillQualityIssues, type SkillStatus } from '../../engine/framework';
import { fail, isUniqueViolation, zodFieldErrors, type EditResult } from './validation.server';
import { skillStats } from './workspace.server';

export const SKILL_FIELDS = ['level', 'status', 'hint'] as const;
export type SkillField = (typeof SKILL_FIELDS)[number];

const skillSchema = z.object({
  level: z
    .string()
    .trim()
    .min(1, 'error.skill.level.required')
    .refine((v) => /^\d+$/.test(v) && isSkillLevel(Number(v)), 'error.skill.level.range')
    .transform(Number),
  status: z.enum(SKILL_STATUS_ORDER as [SkillStatus, ...SkillStatus[]], { errorMap: () => ({ message: 'error.skill.status.invalid' }) }),
  hint: z.string().trim().max(500, 'error.skill.hint.tooLong'),
});

/** As the form sends it: text fields. */
export type SkillInput = { level: string; status: string; hint: string };

async function levelTaken(client: PrismaClient, tubeId: string, level: number, exceptId?: string) {
  const same = await client.skill.findUnique({ where: { tubeId_level: { tubeId, level } }, select: { id: true, name: true } });
  return same && same.id !== exceptId ? same : null;
}

export async function createSkill(client: PrismaClient, tubeId: string, input: SkillInput): Promise<EditResult<{ id: string; name: string }, SkillField>> {
  const parsed = skillSchema.safeParse(input);
  if (!parsed.success) return fail(zodFieldErrors(parsed.error));
  const tube = await client.tube.findUnique({ where: { id: tubeId }, select: { id: true, name: true } });
  if (!tube) return fail({ level: 'error.tube.unknown' });
  const { level, status, hint } = parsed.data;
  if (await levelTaken(client, tube.id, level)) return fail({ level: 'error.skill.level.taken' });
  try {
    const skill = await client.skill.create({ data: { tubeId: tube.id, level, status, hint, name: skillName(tube.name, level) } });
    return { ok: true, value: { id: skill.id, name: skill.name } };
  } catch (error) {
    if (isUniqueViolation(error)) return fail({ level: 'error.skill.level.taken' });
    throw error;
  }
}

/**
 * Changes a skill's level, status or hint. A skill that already has challenges keeps its level (they
 * were written for it: make a new skill instead), and a périmé skill stays périmé.
 */
export async function updateSkill(client: PrismaClient, skillId: string, input: SkillInput): Promise<EditResult<{ id: string; name: string }, SkillField>> {
  const parsed = skillSchema.safeParse(input);
  if (!parsed.success) return fail(zodFieldErrors(parsed.error));
  const skill = await client.skill.findUnique({
    where: { id: skillId },
    include: { tube: { select: { name: true } }, _count: { select: { challenges: true } } },
  });
  if (!skill) return fail({ level: 'error.skill.unknown' });
  const { level, status, hint } = parsed.data;
  if (level !== skill.level) {
    if (skill._count.challenges > 0) return fail({ level: 'error.skill.level.hasChallenges' });
    if (await levelTaken(client, skill.tubeId, level, skill.id)) return fail({ level: 'error.skill.level.taken' });
  }
  if (!canChangeSkillStatus(skill.status as SkillStatus, status)) return fail({ status: 'error.skill.status.final' });
  try {
    const updated = await client.skill.update({ where: { id: skill.id }, data: { level, status, hint, name: skillName(skill.tube.name, level) } });
    return { ok: true, value: { id: updated.id, name: updated.name } };
  } catch (error) {
    if (isUniqueViolation(error)) return fail({ level: 'error.skill.level.taken' });
    throw error;
  }
}

/** Everything the skill page shows: place in the framework, tutorials by kind in order, challenges by status. */
export async function getSkillPage(client: PrismaClient, skillId: string) {
  const skill = await client.skill.findUnique({
    where: { id: skillId },
    include: {
      tube: {
        select: {
          id: true,
          name: true,
          title: true,
          thematic: { select: { name: true } },
          competence: { select: { code: true, titleFr: true, titleEn: true } },
        },
      },
      tutorials: {
        orderBy: [{ kind: 'asc' }, { position: 'asc' }],
        include: {
          tutorial: {
            select: {
              id: true,
              title: true,
              url: true,
              source: true,
              format: true,
              duration: true,
              linkStatus: true,
              lastCheckedAt: true,
              lastCheckNote: true,
            },
          },
        },
      },
      _count: { select: { challenges: true } },
    },
  });
  if (!skill) return null;
  const stats = (await skillStats(client, [skill.id])).get(skill.id)!;
  const tutorials = (kind: 'UNDERSTAND' | 'LEARN_MORE') =>
    skill.tutorials
      .filter((link) => link.kind === kind)
      .map((link) => ({
        ...link.tutorial,
        lastCheckedAt: link.tutorial.lastCheckedAt?.toISOString() ?? null,
        position: link.position,
      }));
  return {
    id: skill.id,
    name: skill.name,
    level: skill.level,
    status: skill.status as SkillStatus,
    hint: skill.hint,
    hasChallenges: skill._count.challenges > 0,
    tube: skill.tube,
    understand: tutorials('UNDERSTAND'),
    learnMore: tutorials('LEARN_MORE'),
    challenges: stats.challenges,
    issues: skillQualityIssues({ status: skill.status as SkillStatus, hint: skill.hint, ...stats }),
  };
}
