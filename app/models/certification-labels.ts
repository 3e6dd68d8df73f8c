/** Labels and constants of certification shared by the server and the pages (no server code here). */

export const DEFAULT_SESSION_MINUTES = 105;

/** Column headers of the candidate list (French, as the template gives them). */
export const CANDIDATE_CSV_HEADERS = [
  'Nom de naissance',
  'Prénom',
  'Date de naissance (jj/mm/aaaa)',
  'Lieu de naissance',
  'E-mail',
  'Identifiant externe',
  'Temps majoré (%)',
] as const;

export const INCIDENT_CATEGORIES = {
  TECHNICAL: 'Problème technique (hors question)',
  IN_CHALLENGE: 'Problème sur une question',
  FRAUD: 'Suspicion de fraude',
  LATE_OR_LEAVING: 'Retard, absence ou départ',
} as const;
export type IncidentCategory = keyof typeof INCIDENT_CATEGORIES;

export const IN_CHALLENGE_SUBCATEGORIES = {
  IMAGE_NOT_DISPLAYING: 'L’image ne s’affiche pas',
  EMBED_NOT_WORKING: 'Le simulateur ou l’application intégrée ne fonctionne pas',
  FILE_NOT_OPENING: 'Le fichier à télécharger ne s’ouvre pas',
  WEBSITE_UNAVAILABLE: 'Le site à visiter est indisponible',
  OTHER: 'Autre problème sur la question',
} as const;
export type InChallengeSubcategory = keyof typeof IN_CHALLENGE_SUBCATEGORIES;

/** Audit action written when a candidate enters their session with the code (then waits for the invigilator). */
export const CANDIDATE_ENTERED = 'certification.candidate_enter';
