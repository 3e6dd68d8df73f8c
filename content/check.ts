/**
 * The checks of a content pack before import, problem by problem, each named by where it is and said in
 * French or English: the workbench's import (/creation/echanges) and `cli pack check` use the same rules.
 * Challenges are checked one by one first, so that each bad one is named by its key; then the whole file;
 * then what only the whole content can say (keys used twice, tutorials, the framework).
 */
import { validateAnswerSpec } from '../engine/challenges';
import { ContentError, loadContentFrom } from './load';
import { packChallengeSchema, packFileSchema } from './schema';

import type { Lang } from './issues';
export { issueMessage, issuePath, type Lang } from './issues';
import { issueMessage, issuePath } from './issues';

export interface PackProblem {
  /** The pack (`pack 1.1`) and the challenge key when there is one. */
  item: string;
  /** Where in the file: `thematics[0].tubes[1].skills[0].challenges[2].answer.correct`. */
  path: string;
  reason: string;
}

/** What the answer checker says, in English for `en` (its messages are French). */
function answerProblem(p: string, lang: Lang): string {
  return lang === 'fr' ? p : `answer: ${p}`;
}

/** Every problem of the packs (parsed JSON), item by item. */
export function checkPacks(packs: unknown[], lang: Lang = 'fr'): PackProblem[] {
  const problems: PackProblem[] = [];
  packs.forEach((pack, pi) => {
    const label = `pack ${(pack as { competence?: unknown })?.competence ?? pi + 1}`;
    const thematics = (pack as { thematics?: unknown })?.thematics;
    const challengePaths = new Set<string>();
    if (Array.isArray(thematics)) {
      thematics.forEach((th, ti) =>
        (Array.isArray(th?.tubes) ? th.tubes : []).forEach((tube: { skills?: unknown }, ui: number) =>
          (Array.isArray(tube?.skills) ? tube.skills : []).forEach((skill: { challenges?: unknown }, si: number) =>
            (Array.isArray(skill?.challenges) ? skill.challenges : []).forEach((ch: { key?: unknown }, ci: number) => {
              const where = `thematics[${ti}].tubes[${ui}].skills[${si}].challenges[${ci}]`;
              challengePaths.add(where);
              const parsed = packChallengeSchema.safeParse(ch);
              const key = typeof ch?.key === 'string' ? ch.key : where;
              if (!parsed.success) {
                for (const issue of parsed.error.issues)
                  problems.push({
                    item: `${label} › ${key}`,
                    path: `${where}${issue.path.length ? '.' : ''}${issuePath(issue.path)}`,
                    reason: issueMessage(issue, lang),
                  });
              } else {
                const { type, answer } = parsed.data;
                for (const p of validateAnswerSpec({ type, ...answer } as never))
                  problems.push({ item: `${label} › ${key}`, path: `${where}.answer`, reason: answerProblem(p, lang) });
              }
            }),
          ),
        ),
      );
    }
    const parsed = packFileSchema.safeParse(pack);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const where = issuePath(issue.path);
        if ([...challengePaths].some((c) => where.startsWith(c))) continue; // already reported by key
        problems.push({ item: label, path: where || (lang === 'fr' ? '(fichier)' : '(file)'), reason: issueMessage(issue, lang) });
      }
    }
  });
  return problems;
}

/** Then the whole content (framework, keys across files, tutorials): the first problem, if any. */
export function checkContent(framework: unknown, packs: { file: string; json: unknown }[], lang: Lang = 'fr'): PackProblem | null {
  try {
    loadContentFrom(framework, packs);
    return null;
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    const reason = error.message.replace(/^.*? : (champ \S+ : )?/, '');
    return { item: error.file, path: error.field || (lang === 'fr' ? '(fichier)' : '(file)'), reason: lang === 'fr' ? reason : `content rule: ${reason}` };
  }
}
