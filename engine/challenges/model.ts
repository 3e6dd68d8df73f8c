/**
 * The challenge model shared by the content pack, the authoring editor, the learner renderer and the
 * answer checker. A challenge version's body is one of these; nothing else describes a question.
 */

export const CHALLENGE_TYPES = ['QCU', 'QCM', 'QROC', 'QROCM-ind', 'QROCM-dep'] as const;
export type ChallengeType = (typeof CHALLENGE_TYPES)[number];

/** T1: case, accents and spaces ignored; T2: punctuation ignored; T3: one typo per four characters at most. */
export const TOLERANCES = ['T1', 'T2', 'T3'] as const;
export type Tolerance = (typeof TOLERANCES)[number];

/** Expected shape of a free answer: how it is compared and what input the learner sees. */
export const ANSWER_FORMATS = ['mots', 'phrase', 'paragraphe', 'nombre', 'date'] as const;
export type AnswerFormat = (typeof ANSWER_FORMATS)[number];

export const CHALLENGE_STATUSES = ['propose', 'submitted', 'valide', 'archive', 'perime'] as const;
export type ChallengeStatus = (typeof CHALLENGE_STATUSES)[number];

export const SKILL_STATUSES = ['en_construction', 'actif', 'archive', 'perime'] as const;
export type SkillStatus = (typeof SKILL_STATUSES)[number];

/** A field of a QROCM: placed in the answer template as {{name}}. */
export interface AnswerField {
  name: string;
  /** Accessible label of the input (read by screen readers, shown when the template has no text around it). */
  label: string;
  /** QROCM-ind only: accepted answers for this field (synonyms). */
  accepted?: string[];
  format?: AnswerFormat;
}

/** The part of a challenge that says what the learner answers and what is right. */
export type AnswerSpec =
  | { type: 'QCU'; proposals: string[]; /** 0-based index of the right proposal */ correct: number; shuffle: boolean }
  | { type: 'QCM'; proposals: string[]; /** 0-based indices, at least two */ correct: number[]; shuffle: boolean }
  | {
      type: 'QROC';
      /** Optional text around the single input, with {{answer}} where the input stands. */
      template?: string;
      accepted: string[];
      format: AnswerFormat;
      tolerances: Tolerance[];
    }
  | { type: 'QROCM-ind'; template: string; fields: AnswerField[]; tolerances: Tolerance[] }
  | {
      type: 'QROCM-dep';
      template: string;
      fields: AnswerField[];
      /** Groups of synonyms; each field must match a different group, in any order. */
      accepted: string[][];
      tolerances: Tolerance[];
      format?: AnswerFormat;
    };

/** tiptap / ProseMirror JSON document. */
export interface RichDoc {
  type: 'doc';
  content: RichNode[];
}
export interface RichNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: RichNode[];
  text?: string;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
}

export interface Attachment {
  name: string;
  url: string;
  mimeType: string;
  size: number;
}

export interface Embed {
  url: string;
  title: string;
  height: number;
}

/** Everything an immutable challenge version holds. */
export interface ChallengeBody {
  instruction: RichDoc;
  alternativeInstruction: RichDoc | null;
  answer: AnswerSpec;
  /** Explanation shown to the learner once the answer is final. */
  solutionExplanation: RichDoc | null;
  illustration: { url: string; alt: string } | null;
  attachments: Attachment[];
  embed: Embed | null;
  /** Seconds, or null when not timed. */
  timer: number | null;
  focused: boolean;
  locales: string[];
  accessibility: { blind: 'OK' | 'KO' | 'RAS'; colorBlind: 'OK' | 'KO' | 'RAS' };
  pedagogy: 'q-savoir' | 'q-situation' | 'e-preuve';
  authors: string[];
}
