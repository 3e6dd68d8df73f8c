/** The shape of the content files (see content/README.md), checked before anything is imported. */
import { z } from 'zod';
import { ANSWER_FORMATS, CHALLENGE_STATUSES, TOLERANCES, SKILL_STATUSES } from '../engine/challenges/model';
import { TUBE_NAME_PATTERN, isHttpUrl } from '../engine/framework/authoring';

/** An absolute http(s) address: `javascript:`, `data:` and other schemes are refused (as in the tutorial editor). */
const httpUrl = z.string().url().refine(isHttpUrl, 'adresse http:// ou https:// attendue');

const title = z.object({ fr: z.string().min(1), en: z.string().min(1) });

export const frameworkFileSchema = z.object({
  maxReachableLevel: z.number().int().min(1).max(8),
  areas: z
    .array(
      z.object({
        code: z.string().regex(/^[1-9]$/),
        title,
        competences: z.array(z.object({ code: z.string().regex(/^[1-9]\.[1-9]$/), title })).min(1),
      }),
    )
    .min(1),
});

const tolerances = z.array(z.enum(TOLERANCES));
const format = z.enum(ANSWER_FORMATS);
const field = z.object({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/),
  label: z.string().min(1),
  accepted: z.array(z.string().min(1)).min(1).optional(),
  format: format.optional(),
});

const richDoc = z.object({ type: z.literal('doc'), content: z.array(z.any()) }).passthrough();

const challengeBase = {
  key: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'clé en minuscules, chiffres et tirets'),
  prototype: z.boolean(),
  instruction: z.string().min(1),
  alternativeInstruction: z.string().optional(),
  solution: z.string().min(1),
  timer: z.number().int().positive().nullable().optional(),
  focused: z.boolean().optional(),
  embed: z
    .object({ url: httpUrl, title: z.string().min(1), height: z.number().int().positive() })
    .nullable()
    .optional(),
  illustration: z
    .object({ url: z.string().min(1), alt: z.string().min(1) })
    .nullable()
    .optional(),
  locales: z.array(z.string()).optional(),
  // Written by the workbench's export so that a round trip loses nothing; hand-written packs leave them out.
  /** Status on import (default valide). */
  status: z.enum(CHALLENGE_STATUSES).optional(),
  authors: z.array(z.string()).optional(),
  accessibility: z.object({ blind: z.enum(['OK', 'KO', 'RAS']), colorBlind: z.enum(['OK', 'KO', 'RAS']) }).optional(),
  pedagogy: z.enum(['q-savoir', 'q-situation', 'e-preuve']).optional(),
  attachments: z.array(z.object({ name: z.string(), url: z.string(), mimeType: z.string(), size: z.number().int().nonnegative() })).optional(),
  /** Exact rich-text documents (tiptap JSON) when Markdown-lite cannot say them; they win over the text fields. */
  rich: z
    .object({
      instruction: richDoc.optional(),
      alternativeInstruction: richDoc.nullable().optional(),
      solutionExplanation: richDoc.nullable().optional(),
    })
    .optional(),
};

export const packChallengeSchema = z.discriminatedUnion('type', [
  z.object({
    ...challengeBase,
    type: z.literal('QCU'),
    answer: z.object({ proposals: z.array(z.string().min(1)).min(2), correct: z.number().int().min(0), shuffle: z.boolean().default(true) }),
  }),
  z.object({
    ...challengeBase,
    type: z.literal('QCM'),
    answer: z.object({ proposals: z.array(z.string().min(1)).min(3), correct: z.array(z.number().int().min(0)).min(2), shuffle: z.boolean().default(true) }),
  }),
  z.object({
    ...challengeBase,
    type: z.literal('QROC'),
    answer: z.object({ template: z.string().optional(), accepted: z.array(z.string().min(1)).min(1), format, tolerances }),
  }),
  z.object({
    ...challengeBase,
    type: z.literal('QROCM-ind'),
    answer: z.object({ template: z.string().min(1), fields: z.array(field.required({ accepted: true })).min(2), tolerances }),
  }),
  z.object({
    ...challengeBase,
    type: z.literal('QROCM-dep'),
    answer: z.object({
      template: z.string().min(1),
      fields: z.array(field).min(2),
      accepted: z.array(z.array(z.string().min(1)).min(1)).min(2),
      tolerances,
      format: format.optional(),
    }),
  }),
]);

export const packFileSchema = z.object({
  competence: z.string().regex(/^[1-9]\.[1-9]$/),
  thematics: z
    .array(
      z.object({
        key: z.string().min(1),
        name: z.string().min(1),
        tubes: z
          .array(
            z.object({
              name: z.string().regex(TUBE_NAME_PATTERN, 'nom de sujet de la forme @nom (minuscules, finit par une lettre)'),
              title: z.string().min(1),
              description: z.string().min(1),
              skills: z
                .array(
                  z.object({
                    level: z.number().int().min(1).max(8),
                    status: z.enum(SKILL_STATUSES),
                    hint: z.string().default(''),
                    tutorials: z
                      .object({ understand: z.array(z.string()).default([]), learnMore: z.array(z.string()).default([]) })
                      .default({ understand: [], learnMore: [] }),
                    challenges: z.array(packChallengeSchema).min(1),
                  }),
                )
                .min(1),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
  tutorials: z.array(
    z.object({
      key: z.string().min(1),
      title: z.string().min(1),
      url: httpUrl,
      source: z.string().min(1),
      format: z.string().min(1),
      duration: z.string().regex(/^\d{2}:\d{2}:\d{2}$/, 'durée au format hh:mm:ss'),
      locale: z.string().default('fr-fr'),
      licence: z.string().optional(),
    }),
  ),
});

export type FrameworkFile = z.infer<typeof frameworkFileSchema>;
export type PackFile = z.infer<typeof packFileSchema>;
export type PackChallenge = z.infer<typeof packChallengeSchema>;
