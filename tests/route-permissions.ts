/**
 * Who may call what: for every route module of app/routes, the expected outcome of its loader and of its
 * action (when it exports one) for each role. app/routes-permissions.db.test.ts calls them all with a
 * signed session of a demo account per role and compares; a route module missing here fails that test.
 *
 * Outcomes (the test's classify()):
 *  - 'allow': the role gets through: a 2xx, a 3xx to a page of the same space (not its entry page unless
 *    that is the page asked for), or, for an action called with an empty form, a 400/409/422 (the form
 *    is refused after the permission checks passed);
 *  - 'login': a 3xx to the sign-in page (/connexion);
 *  - 'away': a 3xx out of the space, or to the space's entry page from another of its pages (e.g. the
 *    home page sending a signed-in user to their space, a page needing an invigilator access sending
 *    back to /surveillance);
 *  - 'deny': 401, 403 or 404 (another tenant's row must answer like a row that does not exist).
 * Anything else (a 5xx, an exception that is not a Response) fails the test whatever the table says.
 *
 * The roles are demo accounts (prisma/demo.ts, prisma/demo-certification.ts, prisma/demo-tenants.ts):
 * the "own" organisation and centre are the demo ones (Lycée de démonstration, Centre de certification de
 * démonstration), whose rows fill the route parameters; the "other" ones are Collège de Quimper and the
 * Rennes centre, whose members must see nothing of the first.
 *
 * To add a route: add a row keyed by the file name in app/routes, with `params` naming the fixture that
 * fills each dynamic segment (see FIXTURES in the test) and a `loader` (and `action`) line, a string per
 * role in ROLES order — or `all(...)` / `roles({...})` for readability. Decide each cell; do not copy the
 * output of a run without reading it.
 */

export const ROLES = [
  'anonymous',
  'learner',
  'author',
  'reviewer',
  'psychometrician',
  'teacher',
  'otherTeacher',
  'staff',
  'otherStaff',
  'candidate',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export type Outcome = 'allow' | 'login' | 'away' | 'deny';

/** The fixtures the test makes or finds; a route's `params` maps each of its dynamic segments to one. */
export type Fixture =
  | 'organisationId'
  | 'campaignId'
  | 'campaignCode'
  | 'participationId'
  | 'targetProfileId'
  | 'sessionId'
  | 'finalizedSessionId'
  | 'candidateId'
  | 'certificateId'
  | 'competenceCode'
  | 'challengeId'
  | 'thematicId'
  | 'skillId'
  | 'tubeId'
  | 'tutorialId'
  | 'releaseNumber'
  | 'calibrationId'
  | 'parameterVersion'
  | 'attachmentId'
  | 'accountId'
  | 'splat';

export type Expectation = Record<Role, Outcome>;

export interface RouteRule {
  params?: Record<string, Fixture>;
  /** A query string for pages that need one, `{fixture}` replaced by its value (e.g. 'skill={skillId}'); also in `form` values. */
  search?: string;
  /**
   * Fields posted to the action besides the CSRF token: a harmless intent for actions that refuse an
   * unknown intent (400) before their intents check the row's owner. Use only when that order is cheap
   * and safe; prefer moving the owner check first in the route.
   */
  form?: Record<string, string>;
  loader: Expectation;
  action?: Expectation;
  /** Why a cell is what it is, when it is not obvious (read by people, not by the test). */
  note?: string;
}

/** The same outcome for every role. */
export function all(outcome: Outcome): Expectation {
  return Object.fromEntries(ROLES.map((r) => [r, outcome])) as Expectation;
}

/** `rest` for every role, with the exceptions given. */
export function roles(rest: Outcome, exceptions: Partial<Expectation>): Expectation {
  return { ...all(rest), ...exceptions };
}

/** Signed-in roles get `outcome`; anonymous is sent to sign in. */
export function signedIn(outcome: Outcome, exceptions: Partial<Expectation> = {}): Expectation {
  return { ...all(outcome), anonymous: 'login', ...exceptions };
}

/** Only the roles named get through; anonymous signs in; every other role is denied. */
export function only(...allowed: Role[]): Expectation {
  return signedIn('deny', Object.fromEntries(allowed.map((r) => [r, 'allow'])));
}

export const ROUTE_PERMISSIONS: Record<string, RouteRule> = {
  '$.tsx': { params: { '*': 'splat' }, loader: all('deny'), note: 'The catch-all: 404 for everyone.' },
  '_index.tsx': { loader: signedIn('away'), note: 'The home page sends a signed-in user to their main space (homeSpace), anyone else to sign in.' },
  'admin._index.tsx': { loader: only('admin') },
  'admin.comptes.$id.tsx': {
    params: { id: 'accountId' },
    loader: only('admin'),
    note: 'Managing an account (roles, memberships, disabling, reset links) is for administrators only.',
    action: only('admin'),
  },
  'admin.comptes.nouveau.tsx': { loader: only('admin'), action: only('admin') },
  'admin.journal.tsx': { loader: only('admin'), note: 'The audit log is read by administrators only.' },
  'admin.jury.$id.tsx': { params: { id: 'finalizedSessionId' }, loader: only('admin'), action: only('admin') },
  'admin.jury._index.tsx': { loader: only('admin') },
  'admin.reglages.tsx': { loader: only('admin'), action: only('admin') },
  'campagnes.$code.tsx': {
    params: { code: 'campaignCode' },
    loader: signedIn('allow'),
    note: 'Any signed-in account may join a campaign by its code, whatever its roles (as on Pix).',
    action: signedIn('allow'),
  },
  'campagnes.$code_.evaluation.tsx': {
    params: { code: 'campaignCode' },
    loader: signedIn('allow'),
    note: 'The learner of the fixture has shared their results: the page sends them back to the campaign page; so do the others, who have no participation.',
    action: signedIn('allow'),
  },
  'campagnes._index.tsx': { loader: signedIn('allow'), action: signedIn('allow') },
  'certif._index.tsx': { loader: only('staff', 'otherStaff') },
  'certif.modele-candidats[.]csv.tsx': { loader: only('staff', 'otherStaff') },
  'certif.sessions.$id._index.tsx': {
    params: { id: 'sessionId' },
    loader: only('staff'),
    note: 'The owner check (sessionInScope) runs before the intent is read: another centre gets 404, not 400.',
    action: only('staff'),
  },
  'certif.sessions.$id.modifier.tsx': {
    params: { id: 'sessionId' },
    loader: only('staff'),
    note: 'The owner check runs before the form is validated: another centre gets 404.',
    action: only('staff'),
  },
  'certif.sessions.$id_.finalisation.tsx': { params: { id: 'sessionId' }, loader: only('staff'), action: only('staff') },
  'certif.sessions.nouvelle.tsx': { loader: only('staff', 'otherStaff'), action: only('staff', 'otherStaff') },
  'certification.$candidateId.tsx': {
    params: { candidateId: 'candidateId' },
    form: { intent: 'attention' },
    loader: only('candidate'),
    note: 'An unknown intent is refused (400) before the candidate is looked up; each intent checks that the candidate is the viewer (404 otherwise), hence the harmless intent posted here. The learner who is not this candidate gets 404.',
    action: only('candidate'),
  },
  'certification._index.tsx': { loader: only('learner', 'candidate'), action: only('learner', 'candidate') },
  'certificats.$id.tsx': {
    params: { id: 'certificateId' },
    loader: only(),
    note: 'No published certificate among the fixtures: 404 for everyone signed in, the owner included (not checked here: app/models/certificate*.db.test.ts).',
  },
  'certificats.$id_.pdf.tsx': { params: { id: 'certificateId' }, loader: only(), note: 'As certificats.$id.tsx.' },
  'competences.$code.evaluation.tsx': { params: { code: 'competenceCode' }, loader: only('learner', 'candidate'), action: only('learner', 'candidate') },
  'competences.$code.remise-a-zero.tsx': { params: { code: 'competenceCode' }, loader: only('learner', 'candidate'), action: only('learner', 'candidate') },
  'competences.$code.resultats.tsx': { params: { code: 'competenceCode' }, loader: only('learner', 'candidate'), action: only('learner', 'candidate') },
  'connexion.tsx': {
    loader: roles('away', { anonymous: 'allow' }),
    note: 'A signed-in user is sent to their space; posting the form is open to all (the login throttling is tested elsewhere).',
    action: all('allow'),
  },
  'creation._index.tsx': { loader: only('author', 'reviewer', 'admin') },
  'creation.images-externes.tsx': {
    loader: only('author', 'reviewer', 'admin'),
    action: only('author', 'reviewer', 'admin'),
    note: 'Copies an image from another site into the attachments, for the challenge editor (an empty form: 400).',
  },
  'creation.echanges._index.tsx': { loader: only('author', 'reviewer', 'admin'), action: only('author', 'reviewer', 'admin') },
  'creation.echanges.paquet.$code.tsx': { params: { code: 'competenceCode' }, loader: only('author', 'reviewer', 'admin') },
  'creation.echanges.paquet[.]json.tsx': { loader: only('author', 'reviewer', 'admin') },
  'creation.echanges.paquet[.]zip.tsx': { loader: only('author', 'reviewer', 'admin') },
  'creation.echanges.qti[.]zip.tsx': { loader: only('author', 'reviewer', 'admin') },
  'creation.echanges.qti.$id.tsx': { params: { id: 'challengeId' }, loader: only('author', 'reviewer', 'admin') },
  'creation.epreuves.$id.tsx': { params: { id: 'challengeId' }, loader: only('author', 'reviewer', 'admin'), action: only('author', 'reviewer', 'admin') },
  'creation.epreuves.$id_.historique.tsx': {
    params: { id: 'challengeId' },
    loader: only('author', 'reviewer', 'admin'),
    action: only('author', 'reviewer', 'admin'),
  },
  'creation.epreuves.$id_.statut.tsx': {
    params: { id: 'challengeId' },
    loader: only('author', 'reviewer', 'admin'),
    action: only('author', 'reviewer', 'admin'),
  },
  'creation.epreuves._index.tsx': { loader: only('author', 'reviewer', 'admin') },
  'creation.epreuves.nouvelle.tsx': {
    search: 'skill={skillId}',
    loader: only('author', 'reviewer', 'admin'),
    note: 'The action checks the space before looking the skill up (it answered 404 to anonymous before).',
    action: only('author', 'reviewer', 'admin'),
  },
  'creation.referentiel.$code._index.tsx': { params: { code: 'competenceCode' }, loader: only('author', 'reviewer', 'admin') },
  'creation.referentiel.$code.sujets.nouveau.tsx': {
    params: { code: 'competenceCode' },
    loader: only('author', 'reviewer', 'admin'),
    action: only('author', 'reviewer', 'admin'),
  },
  'creation.referentiel.$code.thematiques.$id.tsx': {
    params: { code: 'competenceCode', id: 'thematicId' },
    loader: only('author', 'reviewer', 'admin'),
    action: only('author', 'reviewer', 'admin'),
  },
  'creation.referentiel.$code.thematiques.nouvelle.tsx': {
    params: { code: 'competenceCode' },
    loader: only('author', 'reviewer', 'admin'),
    action: only('author', 'reviewer', 'admin'),
  },
  'creation.referentiel._index.tsx': { loader: only('author', 'reviewer', 'admin') },
  'creation.referentiel.acquis.$id.tsx': {
    params: { id: 'skillId' },
    loader: only('author', 'reviewer', 'admin'),
    action: only('author', 'reviewer', 'admin'),
  },
  'creation.referentiel.acquis.nouveau.tsx': {
    search: 'sujet={tubeId}',
    form: { tubeId: '{tubeId}' },
    loader: only('author', 'reviewer', 'admin'),
    action: only('author', 'reviewer', 'admin'),
  },
  'creation.referentiel.sujets.$id.tsx': { params: { id: 'tubeId' }, loader: only('author', 'reviewer', 'admin'), action: only('author', 'reviewer', 'admin') },
  'creation.relecture._index.tsx': { loader: only('author', 'reviewer', 'admin') },
  'creation.tutoriels.$id.tsx': { params: { id: 'tutorialId' }, loader: only('author', 'reviewer', 'admin'), action: only('author', 'reviewer', 'admin') },
  'creation.tutoriels._index.tsx': { loader: only('author', 'reviewer', 'admin'), action: only('author', 'reviewer', 'admin') },
  'creation.tutoriels.nouveau.tsx': { loader: only('author', 'reviewer', 'admin'), action: only('author', 'reviewer', 'admin') },
  'creation.versions-publiees.$number.tsx': { params: { number: 'releaseNumber' }, loader: only('author', 'reviewer', 'admin') },
  'creation.versions-publiees._index.tsx': {
    loader: only('author', 'reviewer', 'admin'),
    note: 'Publishing a release is for reviewers and administrators, not authors.',
    action: only('reviewer', 'admin'),
  },
  'deconnexion.tsx': { loader: all('away'), note: 'GET goes home; POST ends the session (a new one is made for the next check).', action: all('login') },
  'inscription.tsx': {
    loader: roles('away', { anonymous: 'allow' }),
    note: 'A signed-in user is sent to their space; the sign-up form is open.',
    action: all('allow'),
  },
  'mot-de-passe.nouveau.tsx': {
    search: 'jeton=jeton-inconnu',
    loader: all('allow'),
    note: 'Reached from a one-time reset link by someone signed out: the token, not a session, is the permission; an unknown token shows its error page.',
    action: all('allow'),
  },
  'langue.tsx': { loader: all('away'), note: 'Sets the language cookie and goes back: open to all.', action: all('away') },
  'orga._index.tsx': { loader: only('teacher', 'otherTeacher'), action: only('teacher', 'otherTeacher') },
  'orga.campagnes.$id._index.tsx': { params: { id: 'campaignId' }, loader: only('teacher') },
  'orga.campagnes.$id.export[.]csv.tsx': { params: { id: 'campaignId' }, loader: only('teacher') },
  'orga.campagnes.$id.participants.$pid.tsx': { params: { id: 'campaignId', pid: 'participationId' }, loader: only('teacher') },
  'orga.campagnes.$id.participants.tsx': { params: { id: 'campaignId' }, loader: only('teacher') },
  'orga.campagnes.$id.resultats.tsx': { params: { id: 'campaignId' }, loader: only('teacher') },
  'orga.campagnes.$id.sujets.tsx': { params: { id: 'campaignId' }, loader: only('teacher') },
  'orga.campagnes.$id.tsx': { params: { id: 'campaignId' }, loader: only('teacher') },
  'orga.campagnes.nouvelle.tsx': { loader: only('teacher', 'otherTeacher'), action: only('teacher', 'otherTeacher') },
  'orga.eleves.tsx': { loader: only('teacher', 'otherTeacher'), action: only('teacher', 'otherTeacher') },
  'orga.membres.tsx': {
    loader: only('teacher', 'otherTeacher'),
    note: 'Managing members is for organisation administrators: both demo teachers administer their organisation (each only their own).',
    action: only('teacher', 'otherTeacher'),
  },
  'orga.organisation.tsx': {
    form: { organisationId: '{organisationId}' },
    loader: signedIn('deny', { teacher: 'away', otherTeacher: 'away' }),
    note: 'The switcher: GET sends to /orga; POST with the demo organisation switches to it for its teacher (redirect to /orga, counted as away) and answers 404 to the other organisation’s administrator.',
    action: signedIn('deny', { teacher: 'away' }),
  },
  'orga.profils-cibles.$id.tsx': {
    params: { id: 'targetProfileId' },
    loader: only('teacher'),
    note: 'The owner check runs before the form is validated: another organisation gets 404.',
    action: only('teacher'),
  },
  'orga.profils-cibles._index.tsx': { loader: only('teacher', 'otherTeacher'), action: only('teacher', 'otherTeacher') },
  'orga.profils-cibles.nouveau.tsx': { loader: only('teacher', 'otherTeacher'), action: only('teacher', 'otherTeacher') },
  'pieces-jointes.$id.tsx': {
    params: { id: 'attachmentId' },
    loader: only('author', 'reviewer', 'psychometrician', 'admin'),
    note: 'Challenge attachments: content staff; anyone else only when the file is in a challenge they were asked (404 otherwise; mayDownloadAttachment).',
  },
  'profil._index.tsx': { loader: only('learner', 'candidate'), action: only('learner', 'candidate') },
  'psychometrie._index.tsx': { loader: only('psychometrician', 'admin'), action: only('psychometrician', 'admin') },
  'psychometrie.banque.tsx': { loader: only('psychometrician', 'admin') },
  'psychometrie.calibrations.$id.tsx': { params: { id: 'calibrationId' }, loader: only('psychometrician', 'admin') },
  'psychometrie.calibrations.$id_.approbation.tsx': {
    params: { id: 'calibrationId' },
    loader: only('psychometrician', 'admin'),
    action: only('psychometrician', 'admin'),
  },
  'psychometrie.calibrations.$id_.scores[.]csv.tsx': { params: { id: 'calibrationId' }, loader: only('psychometrician', 'admin') },
  'psychometrie.comparaison.tsx': { loader: only('psychometrician', 'admin') },
  'psychometrie.exports.matrice-reponses[.]csv.tsx': { loader: only('psychometrician', 'admin') },
  'psychometrie.items.$challengeId.tsx': {
    params: { challengeId: 'challengeId' },
    loader: only('psychometrician', 'admin'),
    // Marking a scored change as not affecting difficulty (decision 020).
    action: only('psychometrician', 'admin'),
  },
  'psychometrie.parametres.$version.tsx': {
    params: { version: 'parameterVersion' },
    loader: only('psychometrician', 'admin'),
    action: only('psychometrician', 'admin'),
    note: 'Putting an earlier parameter set back in force: psychometricians and administrators, with a reason.',
  },
  'psychometrie.parametres.$version_.export[.]csv.tsx': { params: { version: 'parameterVersion' }, loader: only('psychometrician', 'admin') },
  'psychometrie.parametres._index.tsx': { loader: only('psychometrician', 'admin') },
  'psychometrie.progression.tsx': { loader: only('psychometrician', 'admin') },
  'referentiel.$code.tsx': { params: { code: 'competenceCode' }, loader: signedIn('allow') },
  'referentiel._index.tsx': { loader: signedIn('allow') },
  'surveillance._index.tsx': { loader: all('allow'), note: 'The invigilator sign-in (session code and password), open to all.', action: all('allow') },
  'surveillance.session.tsx': {
    loader: all('away'),
    note: 'Needs an invigilator access cookie, which no role has here: back to /surveillance.',
    action: all('away'),
  },
  'verification.tsx': { loader: all('allow') },
};
