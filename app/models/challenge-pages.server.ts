/**
 * What the challenge pages of the creation space read in one call each: the filtered list with its
 * filter choices, and the start of a new challenge on a skill (the author's pending draft, or a fresh
 * body). The work itself is challenge.server.ts and challenge-search.server.ts.
 */
import type { PrismaClient } from '../../prisma/client';
import { newChallengeBody } from '../../engine/challenges';
import { frameworkChoices, listChallenges, pendingDraft, type ChallengeFilters } from './challenge.server';
import { authorChoices, flagChoices } from './challenge-search.server';

/**
 * The challenge list with the filters as given (a skill may be given by id, from the framework
 * workspace's links: the filter then shows its name, its tube and competence when not chosen, and
 * `@?` when there is no such skill), the framework choices, the authors and the calibration flags.
 */
export async function challengeListPage(client: PrismaClient, given: ChallengeFilters) {
  const filters = { ...given };
  if (filters.skill && !filters.skill.startsWith('@')) {
    const skill = await client.skill.findUnique({
      where: { id: filters.skill },
      select: { name: true, tube: { select: { name: true, competence: { select: { code: true } } } } },
    });
    filters.skill = skill?.name ?? '@?';
    if (skill) {
      filters.tube ??= skill.tube.name;
      filters.competence ??= skill.tube.competence.code;
    }
  }
  const [list, choices, authors, flags] = await Promise.all([
    listChallenges(client, filters),
    frameworkChoices(client),
    authorChoices(client),
    flagChoices(client),
  ]);
  return { ...list, filters, choices, authors, flags };
}

/** A skill by name (`@mdp3`) or id, with its tube and competence; null when there is none. */
export async function skillForNewChallenge(client: PrismaClient, ref: string) {
  if (!ref) return null;
  return client.skill.findFirst({
    where: ref.startsWith('@') ? { name: ref } : { id: ref },
    select: {
      id: true,
      name: true,
      level: true,
      status: true,
      tube: { select: { name: true, title: true, competence: { select: { code: true, titleFr: true } } } },
    },
  });
}

/**
 * The new-challenge page: for a known skill, the body to start from (the author's pending draft for
 * that skill, else a new QCU signed with the author's name); otherwise the skill picker's choices and
 * whether a skill was asked for that does not exist.
 */
export async function newChallengePage(client: PrismaClient, author: { id: string; firstName: string; lastName: string }, ref: string) {
  const skill = await skillForNewChallenge(client, ref);
  if (!skill) {
    return { skill: null, prototypes: [], choices: await frameworkChoices(client), unknown: ref !== '', body: null, draft: null };
  }
  const [draft, prototypes] = await Promise.all([
    pendingDraft(client, { challengeId: null, skillId: skill.id, userId: author.id }, null),
    // Prototypes of the skill that may be declined instead of writing a new prototype.
    client.challenge.findMany({
      where: { skillId: skill.id, isPrototype: true, status: { in: ['propose', 'submitted', 'valide'] } },
      select: { id: true, key: true, status: true },
      orderBy: { key: 'asc' },
    }),
  ]);
  return {
    skill,
    prototypes,
    choices: null,
    unknown: false,
    body: draft?.body ?? newChallengeBody('QCU', [`${author.firstName} ${author.lastName}`]),
    draft: draft ? { updatedAt: draft.updatedAt } : null,
  };
}
