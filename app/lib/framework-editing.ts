/** Constants of the framework workspace shared by the server models and the pages. */
export const CHALLENGE_STATUS_ORDER = ['propose', 'submitted', 'valide', 'archive', 'perime'] as const;

export type TutorialKind = 'UNDERSTAND' | 'LEARN_MORE';
export const TUTORIAL_KINDS: readonly TutorialKind[] = ['UNDERSTAND', 'LEARN_MORE'];

export const LINK_STATUSES = ['UNCHECKED', 'OK', 'DEAD'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];
