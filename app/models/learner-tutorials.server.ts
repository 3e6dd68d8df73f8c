/** A learner's tutorials: saving one for later ("Mes tutos") and saying whether it was useful (UserTutorial). */
import type { PrismaClient } from '../../prisma/client';

export interface TutorialCard {
  id: string;
  title: string;
  url: string;
  source: string;
  format: string;
  duration: string;
  saved: boolean;
  useful: boolean | null;
}

export function tutorialCard(
  tutorial: { id: string; title: string; url: string; source: string; format: string; duration: string },
  mine?: { saved: boolean; useful: boolean | null } | null,
): TutorialCard {
  return {
    id: tutorial.id,
    title: tutorial.title,
    url: tutorial.url,
    source: tutorial.source,
    format: tutorial.format,
    duration: tutorial.duration,
    saved: mine?.saved ?? false,
    useful: mine?.useful ?? null,
  };
}

export type TutorialIntent = 'save' | 'unsave' | 'useful' | 'notUseful';

export const TUTORIAL_INTENTS: readonly TutorialIntent[] = ['save', 'unsave', 'useful', 'notUseful'];

/** Applies a learner's choice on a tutorial; false when the tutorial does not exist. */
export async function setUserTutorial(
  client: Pick<PrismaClient, 'tutorial' | 'userTutorial'>,
  input: { userId: string; tutorialId: string; intent: TutorialIntent },
): Promise<boolean> {
  const tutorial = await client.tutorial.findUnique({ where: { id: input.tutorialId }, select: { id: true } });
  if (!tutorial) return false;
  const change = input.intent === 'save' ? { saved: true } : input.intent === 'unsave' ? { saved: false } : { useful: input.intent === 'useful' };
  await client.userTutorial.upsert({
    where: { userId_tutorialId: { userId: input.userId, tutorialId: input.tutorialId } },
    create: { userId: input.userId, tutorialId: input.tutorialId, ...change },
    update: change,
  });
  return true;
}

/** Parses the tutorial form (intent `tutorial:save` etc. and `tutorialId`), or null when it is not one. */
export function tutorialFormIntent(form: FormData): { tutorialId: string; intent: TutorialIntent } | null {
  const intent = String(form.get('intent') ?? '');
  const tutorialId = String(form.get('tutorialId') ?? '');
  const m = /^tutorial:(\w+)$/.exec(intent);
  if (!m || !tutorialId || !(TUTORIAL_INTENTS as readonly string[]).includes(m[1] as string)) return null;
  return { tutorialId, intent: m[1] as TutorialIntent };
}
