/** Challenge statuses, shared by the server models and the pages (no server code here). */
export const STATUSES = ['propose', 'submitted', 'valide', 'archive', 'perime'] as const;
export type Status = (typeof STATUSES)[number];
/** Statuses in which a challenge may still get new versions. */
export const EDITABLE_STATUSES: readonly Status[] = ['propose', 'submitted', 'valide'];
/**
 * The status the workflow acts on: a live challenge with a newer version waiting for review is, for that
 * version, in its proposal status (propose or submitted) while learners keep the live version.
 */
export function workflowStatus(status: Status, proposalStatus: Status | null | undefined): Status {
  return status === 'valide' && proposalStatus ? proposalStatus : status;
}
