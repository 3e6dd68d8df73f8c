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

/** « name » lists of the answer checker, in English quotes. */
const quoted = (text: string) => text.replace(/« ([^»]*) »/g, '"$1"');

/** Where the answer checker places a problem (« Réponse », « Champ « x » », « Groupe n »), in English. */
const PLACE = String.raw`(Réponse|Champ « [^»]* »|Groupe \d+)`;
const place = (where: string) =>
  quoted(
    where
      .replace(/^Réponse$/, 'Answer')
      .replace(/^Champ /, 'Field ')
      .replace(/^Groupe /, 'Group '),
  );

/**
 * The answer checker's messages (engine/challenges/check.ts `validateAnswerSpec`, French) in English:
 * one pattern per message; a message without a pattern keeps its French text behind "answer:".
 */
const ANSWER_MESSAGES_EN: [RegExp, (...m: string[]) => string][] = [
  [/^Type d'épreuve inconnu : « (.*) » \((.*)\)\.$/, (t, list) => `unknown challenge type "${t}" (${list})`],
  [/^La bonne réponse doit être le numéro d'une proposition \(0 à (\d+)\)\.$/, (n) => `the right answer must be the number of a proposal (0 to ${n})`],
  [/^Chaque bonne réponse doit être le numéro d'une proposition \(0 à (\d+)\)\.$/, (n) => `each right answer must be the number of a proposal (0 to ${n})`],
  [/^Une bonne réponse est indiquée deux fois\.$/, () => 'a right answer is given twice'],
  [/^Un QCM doit avoir au moins deux bonnes réponses/, () => 'a QCM needs at least two right answers (otherwise, make it a QCU)'],
  [/^Un QCM doit avoir au moins une proposition fausse\.$/, () => 'a QCM needs at least one wrong proposal'],
  [/^Le modèle d'un QROC doit contenir exactement un champ, \{\{answer\}\}\.$/, () => 'the template of a QROC must hold exactly one field, {{answer}}'],
  [/^Un QROCM-dep doit avoir au moins deux champs/, () => 'a QROCM-dep needs at least two fields (otherwise, make it a QROC)'],
  [
    /^Champ « (.*) » : dans un QROCM-dep, les réponses sont dans les groupes, pas dans les champs\.$/,
    (f) => `field "${f}": in a QROCM-dep, the answers go in the groups, not in the fields`,
  ],
  [
    /^Il faut au moins autant de groupes de réponses \((\d+)\) que de champs \((\d+)\)\.$/,
    (g, f) => `at least as many answer groups (${g}) as fields (${f}) are needed`,
  ],
  [/^La réponse « (.*) » est dans les groupes (\d+) et (\d+)/, (a, x, y) => `the answer "${a}" is in groups ${x} and ${y}: the same word would count twice`],
  [/^Les tolérances doivent être une liste \(T1, T2, T3\)\.$/, () => 'the tolerances must be a list (T1, T2, T3)'],
  [/^Tolérance inconnue : (.*) \(T1, T2 ou T3\)\.$/, (t) => `unknown tolerance: ${t} (T1, T2 or T3)`],
  [/^Une tolérance est indiquée deux fois\.$/, () => 'a tolerance is given twice'],
  [new RegExp(`^${PLACE} : format inconnu « (.*) » \\((.*)\\)\\.$`), (w, f, list) => `${place(w)}: unknown format "${f}" (${list})`],
  [new RegExp(`^${PLACE} : il faut au moins une réponse acceptée\\.$`), (w) => `${place(w)}: at least one accepted answer is needed`],
  [new RegExp(`^${PLACE} : une réponse acceptée est vide\\.$`), (w) => `${place(w)}: an accepted answer is empty`],
  [new RegExp(`^${PLACE} : « (.*) » n'est pas un nombre\\.$`), (w, a) => `${place(w)}: "${a}" is not a number`],
  [new RegExp(`^${PLACE} : « (.*) » n'est pas une date valide`), (w, a) => `${place(w)}: "${a}" is not a valid date (dd/mm/yyyy)`],
  [new RegExp(`^${PLACE} : la réponse « (.*) » est acceptée deux fois\\.$`), (w, a) => `${place(w)}: the answer "${a}" is accepted twice`],
  [/^Il faut au moins deux propositions\.$/, () => 'at least two proposals are needed'],
  [/^La proposition (\d+) est vide\.$/, (n) => `proposal ${n} is empty`],
  [/^La proposition (\d+) répète une proposition précédente\.$/, (n) => `proposal ${n} repeats an earlier proposal`],
  [/^Il faut au moins un champ de réponse\.$/, () => 'at least one answer field is needed'],
  [/^Champ (\d+) : nom « (.*) » invalide/, (n, name) => `field ${n}: invalid name "${name}" (a letter, then letters, digits, - or _)`],
  [/^Champ « (.*) » : il faut un libellé/, (f) => `field "${f}": a label is needed (read by screen readers)`],
  [/^Noms de champ en double : (.*)\.$/, (l) => `duplicate field names: ${quoted(l)}`],
  [/^Il faut un modèle de réponse contenant les champs/, () => 'an answer template holding the {{name}} fields is needed'],
  [/^Le modèle ne place pas le\(s\) champ\(s\) (.*) : ajoutez/, (l) => `the template does not place the field(s) ${quoted(l)}: add {{name}}`],
  [/^Le modèle contient (.*), qui ne correspond\(ent\) à aucun champ\.$/, (l) => `the template holds ${quoted(l)}, which match(es) no field`],
  [/^Le modèle place plusieurs fois le\(s\) champ\(s\) (.*)\.$/, (l) => `the template places the field(s) ${quoted(l)} more than once`],
];

/** What the answer checker says, in English for `en` (its messages are French). */
export function answerProblem(p: string, lang: Lang): string {
  if (lang === 'fr') return p;
  for (const [pattern, english] of ANSWER_MESSAGES_EN) {
    const m = pattern.exec(p);
    if (m) return `answer: ${english(...m.slice(1))}`;
  }
  return `answer: ${p}`;
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
