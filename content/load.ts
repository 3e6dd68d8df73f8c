/**
 * Reads the content files, checks them and turns them into the records the importer writes.
 * Any problem stops everything with a message naming the file and the field.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ZodError } from 'zod';
import { frameworkFileSchema, packFileSchema, type FrameworkFile, type PackChallenge, type PackFile } from './schema';
import { issueMessage, jsonSyntaxMessage } from './issues';
import {
  markdownLiteToDoc,
  validateAnswerSpec,
  type AnswerSpec,
  type ChallengeBody,
  type ChallengeStatus,
  type ChallengeType,
  type RichDoc,
} from '../engine/challenges';

export const contentDir = path.dirname(fileURLToPath(import.meta.url));

export class ContentError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    message: string,
  ) {
    super(`${file} : ${field ? `champ ${field} : ` : ''}${message}`);
  }
}

function fieldPath(pathParts: (string | number)[]): string {
  return pathParts.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function firstIssue(file: string, error: ZodError): ContentError {
  const issue = error.issues[0]!;
  return new ContentError(file, fieldPath(issue.path as (string | number)[]), issueMessage(issue, 'fr'));
}

function readJson(dir: string, relative: string): unknown {
  const file = path.join(dir, relative);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ContentError(relative, '', 'fichier illisible ou absent');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ContentError(relative, '', jsonSyntaxMessage(error, text));
  }
}

export interface LoadedChallenge {
  key: string;
  type: ChallengeType;
  /** Status a new challenge gets on import (the starter pack: live). */
  status: ChallengeStatus;
  isPrototype: boolean;
  prototypeKey: string | null;
  body: ChallengeBody;
}
export interface LoadedSkill {
  name: string;
  level: number;
  status: PackFile['thematics'][number]['tubes'][number]['skills'][number]['status'];
  hint: string;
  understand: string[];
  learnMore: string[];
  challenges: LoadedChallenge[];
}
export interface LoadedTube {
  name: string;
  title: string;
  description: string;
  position: number;
  skills: LoadedSkill[];
}
export interface LoadedThematic {
  key: string;
  name: string;
  position: number;
  competenceCode: string;
  tubes: LoadedTube[];
}
export interface LoadedContent {
  framework: FrameworkFile;
  thematics: LoadedThematic[];
  tutorials: PackFile['tutorials'];
}

function toAnswerSpec(challenge: PackChallenge): AnswerSpec {
  switch (challenge.type) {
    case 'QCU':
      return { type: 'QCU', ...challenge.answer };
    case 'QCM':
      return { type: 'QCM', ...challenge.answer };
    case 'QROC':
      return { type: 'QROC', ...challenge.answer };
    case 'QROCM-ind':
      return { type: 'QROCM-ind', ...challenge.answer };
    case 'QROCM-dep':
      return { type: 'QROCM-dep', ...challenge.answer };
  }
}

function toBody(challenge: PackChallenge): ChallengeBody {
  // `rich` carries the exact documents when Markdown-lite cannot say them (exported from the workbench).
  const rich = challenge.rich ?? {};
  return {
    instruction: (rich.instruction as RichDoc | undefined) ?? markdownLiteToDoc(challenge.instruction),
    alternativeInstruction:
      rich.alternativeInstruction !== undefined
        ? (rich.alternativeInstruction as RichDoc | null)
        : challenge.alternativeInstruction
          ? markdownLiteToDoc(challenge.alternativeInstruction)
          : null,
    answer: toAnswerSpec(challenge),
    solutionExplanation: rich.solutionExplanation !== undefined ? (rich.solutionExplanation as RichDoc | null) : markdownLiteToDoc(challenge.solution),
    illustration: challenge.illustration ?? null,
    attachments: challenge.attachments ?? [],
    embed: challenge.embed ?? null,
    timer: challenge.timer ?? null,
    focused: challenge.focused ?? false,
    locales: challenge.locales ?? ['fr-fr'],
    accessibility: challenge.accessibility ?? { blind: 'RAS', colorBlind: 'RAS' },
    pedagogy: challenge.pedagogy ?? 'q-situation',
    authors: challenge.authors ?? ['Équipe Pix Workbench'],
  };
}

/** Loads framework.json and every pack/*.json of a content folder, or throws a ContentError. */
export function loadContent(dir: string = contentDir): LoadedContent {
  const packDir = path.join(dir, 'pack');
  const files = fs.existsSync(packDir)
    ? fs
        .readdirSync(packDir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  return loadContentFrom(
    readJson(dir, 'framework.json'),
    files.map((name) => ({ file: `pack/${name}`, json: readJson(dir, `pack/${name}`) })),
  );
}

/**
 * The same checks on content held in memory (an uploaded bundle). A skill may refer to a tutorial of
 * any file of the same content (the workbench attaches a tutorial to skills of several competences).
 */
export function loadContentFrom(frameworkJson: unknown, packs: { file: string; json: unknown }[]): LoadedContent {
  const frameworkParsed = frameworkFileSchema.safeParse(frameworkJson);
  if (!frameworkParsed.success) throw firstIssue('framework.json', frameworkParsed.error);
  const framework = frameworkParsed.data;
  const competenceCodes = new Set(framework.areas.flatMap((area) => area.competences.map((c) => c.code)));
  const thematics: LoadedThematic[] = [];
  const tutorials: PackFile['tutorials'] = [];
  const seen = {
    tubes: new Map<string, string>(),
    challenges: new Map<string, string>(),
    tutorials: new Map<string, string>(),
    thematics: new Map<string, string>(),
  };
  const allTutorialKeys = new Set(
    packs.flatMap((p) => {
      const list = (p.json as { tutorials?: unknown } | null)?.tutorials;
      return Array.isArray(list) ? list.map((t) => (t as { key?: unknown })?.key).filter((k): k is string => typeof k === 'string') : [];
    }),
  );

  for (const { file, json } of packs) {
    const parsed = packFileSchema.safeParse(json);
    if (!parsed.success) throw firstIssue(file, parsed.error);
    const pack = parsed.data;
    if (!competenceCodes.has(pack.competence)) throw new ContentError(file, 'competence', `compétence « ${pack.competence} » absente du référentiel`);
    const tutorialKeys = new Set<string>();
    pack.tutorials.forEach((tutorial, i) => {
      const other = seen.tutorials.get(tutorial.key);
      if (other) throw new ContentError(file, `tutorials[${i}].key`, `clé « ${tutorial.key} » déjà utilisée dans ${other}`);
      seen.tutorials.set(tutorial.key, file);
      tutorialKeys.add(tutorial.key);
      tutorials.push(tutorial);
    });

    pack.thematics.forEach((thematic, ti) => {
      const at = `thematics[${ti}]`;
      const otherThematic = seen.thematics.get(thematic.key);
      if (otherThematic) throw new ContentError(file, `${at}.key`, `clé « ${thematic.key} » déjà utilisée dans ${otherThematic}`);
      seen.thematics.set(thematic.key, file);
      const tubes: LoadedTube[] = thematic.tubes.map((tube, ui) => {
        const tubeAt = `${at}.tubes[${ui}]`;
        const otherTube = seen.tubes.get(tube.name);
        if (otherTube) throw new ContentError(file, `${tubeAt}.name`, `sujet « ${tube.name} » déjà défini dans ${otherTube}`);
        seen.tubes.set(tube.name, file);
        const levels = new Set<number>();
        const skills: LoadedSkill[] = tube.skills.map((skill, si) => {
          const skillAt = `${tubeAt}.skills[${si}]`;
          if (levels.has(skill.level)) throw new ContentError(file, `${skillAt}.level`, `niveau ${skill.level} en double dans ${tube.name}`);
          levels.add(skill.level);
          for (const [kind, keys] of [
            ['understand', skill.tutorials.understand],
            ['learnMore', skill.tutorials.learnMore],
          ] as const) {
            keys.forEach((key, k) => {
              if (!tutorialKeys.has(key) && !allTutorialKeys.has(key))
                throw new ContentError(file, `${skillAt}.tutorials.${kind}[${k}]`, `tutoriel « ${key} » introuvable`);
            });
          }
          const prototypes = skill.challenges.filter((c) => c.prototype);
          if (prototypes.length !== 1) {
            throw new ContentError(file, `${skillAt}.challenges`, `il faut exactement un prototype par acquis (trouvé ${prototypes.length})`);
          }
          const prototypeKey = prototypes[0]!.key;
          const challenges = skill.challenges.map((challenge, ci) => {
            const challengeAt = `${skillAt}.challenges[${ci}]`;
            const otherChallenge = seen.challenges.get(challenge.key);
            if (otherChallenge) throw new ContentError(file, `${challengeAt}.key`, `clé « ${challenge.key} » déjà utilisée dans ${otherChallenge}`);
            seen.challenges.set(challenge.key, file);
            const body = toBody(challenge);
            const problems = validateAnswerSpec(body.answer);
            if (problems.length > 0) throw new ContentError(file, `${challengeAt}.answer`, problems[0]!);
            return {
              key: challenge.key,
              type: challenge.type,
              status: challenge.status ?? 'valide',
              isPrototype: challenge.prototype,
              prototypeKey: challenge.prototype ? null : prototypeKey,
              body,
            };
          });
          return {
            name: `${tube.name}${skill.level}`,
            level: skill.level,
            status: skill.status,
            hint: skill.hint,
            understand: skill.tutorials.understand,
            learnMore: skill.tutorials.learnMore,
            challenges,
          };
        });
        return { name: tube.name, title: tube.title, description: tube.description, position: ui, skills };
      });
      thematics.push({ key: thematic.key, name: thematic.name, position: ti, competenceCode: pack.competence, tubes });
    });
  }
  return { framework, thematics, tutorials };
}
