/** Challenge statuses, shared by the server models and the pages (no server code here). */
export const STATUSES = ['propose', 'submitted', 'valide', 'archive', 'perime'] as const;
export type Status = (typeof STATUSES)[number];
/** Statuses in which a challenge may still get new versions. */
export const EDITABLE_STATUSES: readonly Status[] = ['propose', 'submitted', 'valide'];
