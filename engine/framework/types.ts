import type { SkillStatus } from '../challenges';

export type { SkillStatus };

/** The 16 competences of the CRCN, in framework order. */
export const COMPETENCE_CODES = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '2.4', '3.1', '3.2', '3.3', '3.4', '4.1', '4.2', '4.3', '5.1', '5.2'] as const;
export type CompetenceCode = (typeof COMPETENCE_CODES)[number];

/** Levels of the framework (the platform may not reach all of them: see maxReachableLevel). */
export const MIN_LEVEL = 1;
export const MAX_LEVEL = 8;
/** The highest level a learner can reach unless the platform says otherwise (MAX_REACHABLE_LEVEL). */
export const DEFAULT_MAX_REACHABLE_LEVEL = 6;
/** Pix earned by a full level of a competence. */
export const PIX_PER_LEVEL = 8;
/** The most a skill can be worth, whatever the number of skills at its level. */
export const MAX_SKILL_PIX = 4;

/** A tube (sujet), e.g. `@mdp`, inside one competence. */
export interface Tube {
  id: string;
  /** Starts with @, unique in the framework. */
  name: string;
  competenceCode: string;
}

/** A skill (acquis): one level of one tube, named tube name + level (`@mdp3`). */
export interface Skill {
  id: string;
  tubeId: string;
  competenceCode: string;
  /** 1..8 */
  level: number;
  status: SkillStatus;
}

export type KnowledgeElementStatus = 'validated' | 'invalidated';
/** direct: the skill was asked; inferred: tube rule; estimated: from the ability estimate. */
export type KnowledgeElementSource = 'direct' | 'inferred' | 'estimated';

/** What is known of one learner on one skill at one moment. The latest one per skill counts. */
export interface KnowledgeElement {
  skillId: string;
  status: KnowledgeElementStatus;
  source: KnowledgeElementSource;
  /** Ordinal given by the caller (a timestamp or a sequence number): larger is later. */
  createdAt: number;
}

/** The name of the skill of a tube at a level: `@mdp` + 3 → `@mdp3`. */
export function skillName(tubeName: string, level: number): string {
  return `${tubeName}${level}`;
}

/** Splits `@mdp3` into its tube name and level; null when it is not a skill name. */
export function parseSkillName(name: string): { tubeName: string; level: number } | null {
  const m = /^(@\S+)([1-8])$/.exec(name);
  return m ? { tubeName: m[1] as string, level: Number(m[2]) } : null;
}
