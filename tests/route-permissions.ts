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
  | 'splat';

export type Expectation = Record<Role, Outcome>;

export interface RouteRule {
  params?: Record<string, Fixture>;
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
  '$.tsx': { params: { "*": 'splat' }, loader: all('deny') },
  '_index.tsx': { loader: signedIn('away') },
  'admin._index.tsx': { loader: only('admin') },
  'admin.jury.$id.tsx': { params: { id: 'finalizedSessionId' }, loader: only(), action: only() },
  'admin.jury._index.tsx': { loader: only('admin') },
  'admin.reglages.tsx': { loader: only('admin'), action: only('admin') },
  'campagnes.$code.tsx': { params: { code: 'campaignCode' }, loader: only(), action: signedIn('allow') },
  'campagnes.$code_.evaluation.tsx': { params: { code: 'campaignCode' }, loader: signedIn('allow'), action: signedIn('allow') },
  'campagnes._index.tsx': { loader: signedIn('allow'), action: signedIn('allow') },
  'certif._index.tsx': { loader: only('staff', 'otherStaff') },
  'certif.modele-candidats[.]csv.tsx': { loader: only('staff', 'otherStaff') },
  'certif.sessions.$id._index.tsx': { params: { id: 'sessionId' }, loader: only(), action: only('staff', 'otherStaff') },
  'certif.sessions.$id.modifier.tsx': { params: { id: 'sessionId' }, loader: only(), action: only('staff', 'otherStaff') },
  'certif.sessions.$id_.finalisation.tsx': { params: { id: 'sessionId' }, loader: only(), action: only() },
  'certif.sessions.nouvelle.tsx': { loader: only('staff', 'otherStaff'), action: only('staff', 'otherStaff') },
  'certification.$candidateId.tsx': { params: { candidateId: 'candidateId' }, loader: only(), action: only('learner', 'candidate') },
  'certification._index.tsx': { loader: only('learner', 'candidate'), action: only('learner', 'candidate') },
  'certificats.$id.tsx': { params: { id: 'certificateId' }, loader: only() },
  'certificats.$id_.pdf.tsx': { params: { id: 'certificateId' }, loader: only() },
  'competences.$code.evaluation.tsx': { params: { code: 'competenceCode' }, loader: only(), action: only('learner', 'candidate') },
  'competences.$code.remise-a-zero.tsx': { params: { code: 'competenceCode' }, loader: only(), action: only() },
  'competences.$code.resultats.tsx': { params: { code: 'competenceCode' }, loader: only(), action: only('learner', 'candidate') },
  'connexion.tsx': { loader: roles('away', { anonymous: 'allow' }), action: all('allow') },
  'creation._index.tsx': { loader: only('author', 'reviewer', 'admin') },
  'creation.echanges._index.tsx': { loader: only('author', 'reviewer', 'admin'), action: signedIn('deny', { author: 'ERROR', reviewer: 'ERROR', admin: 'ERROR' }) },
  'creation.echanges.paquet.$code.tsx': { params: { code: 'competenceCode' }, loader: only() },
  'creation.echanges.paquet[.]json.tsx': { loader: only('author', 'reviewer', 'admin') },
  'creation.echanges.qti.$id.tsx': { params: { id: 'challengeId' }, loader: only() },
  'creation.epreuves.$id.tsx': { params: { id: 'challengeId' }, loader: only(), action: only() },
  'creation.epreuves.$id_.historique.tsx': { params: { id: 'challengeId' }, loader: only(), action: only('author', 'reviewer', 'admin') },
  'creation.epreuves.$id_.statut.tsx': { params: { id: 'challengeId' }, loader: only(), action: only('author', 'reviewer', 'admin') },
  'creation.epreuves._index.tsx': { loader: only('author', 'reviewer', 'admin') },
  'creation.epreuves.nouvelle.tsx': { loader: only('author', 'reviewer', 'admin'), action: all('deny') },
  'creation.referentiel.$code._index.tsx': { params: { code: 'competenceCode' }, loader: only() },
  'creation.referentiel.$code.sujets.nouveau.tsx': { params: { code: 'competenceCode' }, loader: only(), action: only() },
  'creation.referentiel.$code.thematiques.$id.tsx': { params: { code: 'competenceCode', id: 'thematicId' }, loader: only(), action: only() },
  'creation.referentiel.$code.thematiques.nouvelle.tsx': { params: { code: 'competenceCode' }, loader: only(), action: only() },
  'creation.referentiel._index.tsx': { loader: only('author', 'reviewer', 'admin') },
  'creation.referentiel.acquis.$id.tsx': { params: { id: 'skillId' }, loader: only(), action: only() },
  'creation.referentiel.acquis.nouveau.tsx': { loader: only(), action: only() },
  'creation.referentiel.sujets.$id.tsx': { params: { id: 'tubeId' }, loader: only(), action: only() },
  'creation.relecture._index.tsx': { loader: only('author', 'reviewer', 'admin') },
  'creation.tutoriels.$id.tsx': { params: { id: 'tutorialId' }, loader: only(), action: only() },
  'creation.tutoriels._index.tsx': { loader: only('author', 'reviewer', 'admin'), action: only('author', 'reviewer', 'admin') },
  'creation.tutoriels.nouveau.tsx': { loader: only('author', 'reviewer', 'admin'), action: only('author', 'reviewer', 'admin') },
  'creation.versions-publiees.$number.tsx': { params: { number: 'releaseNumber' }, loader: only() },
  'creation.versions-publiees._index.tsx': { loader: only('author', 'reviewer', 'admin'), action: only('reviewer', 'admin') },
  'deconnexion.tsx': { loader: all('away'), action: all('login') },
  'inscription.tsx': { loader: roles('away', { anonymous: 'allow' }), action: all('allow') },
  'langue.tsx': { loader: all('away'), action: all('away') },
  'orga._index.tsx': { loader: only('teacher', 'otherTeacher'), action: only('teacher', 'otherTeacher') },
  'orga.campagnes.$id._index.tsx': { params: { id: 'campaignId' }, loader: only() },
  'orga.campagnes.$id.export[.]csv.tsx': { params: { id: 'campaignId' }, loader: only() },
  'orga.campagnes.$id.participants.$pid.tsx': { params: { id: 'campaignId', pid: 'participationId' }, loader: only() },
  'orga.campagnes.$id.participants.tsx': { params: { id: 'campaignId' }, loader: only() },
  'orga.campagnes.$id.resultats.tsx': { params: { id: 'campaignId' }, loader: only() },
  'orga.campagnes.$id.sujets.tsx': { params: { id: 'campaignId' }, loader: only() },
  'orga.campagnes.$id.tsx': { params: { id: 'campaignId' }, loader: only() },
  'orga.campagnes.nouvelle.tsx': { loader: only('teacher', 'otherTeacher'), action: only('teacher', 'otherTeacher') },
  'orga.eleves.tsx': { loader: only('teacher', 'otherTeacher'), action: only('teacher', 'otherTeacher') },
  'orga.membres.tsx': { loader: only('teacher', 'otherTeacher'), action: only('otherTeacher') },
  'orga.organisation.tsx': { loader: signedIn('deny', { teacher: 'away', otherTeacher: 'away' }), action: only() },
  'orga.profils-cibles.$id.tsx': { params: { id: 'targetProfileId' }, loader: only(), action: only('teacher', 'otherTeacher') },
  'orga.profils-cibles._index.tsx': { loader: only('teacher', 'otherTeacher'), action: only('teacher', 'otherTeacher') },
  'orga.profils-cibles.nouveau.tsx': { loader: only('teacher', 'otherTeacher'), action: only('teacher', 'otherTeacher') },
  'pieces-jointes.$id.tsx': { params: { id: 'attachmentId' }, loader: only() },
  'profil._index.tsx': { loader: only('learner', 'candidate'), action: only('learner', 'candidate') },
  'psychometrie._index.tsx': { loader: only('psychometrician', 'admin'), action: only('psychometrician', 'admin') },
  'psychometrie.banque.tsx': { loader: only('psychometrician', 'admin') },
  'psychometrie.calibrations.$id.tsx': { params: { id: 'calibrationId' }, loader: only() },
  'psychometrie.calibrations.$id_.approbation.tsx': { params: { id: 'calibrationId' }, loader: only(), action: only('psychometrician', 'admin') },
  'psychometrie.comparaison.tsx': { loader: only('psychometrician', 'admin') },
  'psychometrie.exports.matrice-reponses[.]csv.tsx': { loader: only('psychometrician', 'admin') },
  'psychometrie.items.$challengeId.tsx': { params: { challengeId: 'challengeId' }, loader: only() },
  'psychometrie.parametres.$version.tsx': { params: { version: 'parameterVersion' }, loader: only() },
  'psychometrie.parametres.$version_.export[.]csv.tsx': { params: { version: 'parameterVersion' }, loader: only() },
  'psychometrie.parametres._index.tsx': { loader: only('psychometrician', 'admin') },
  'psychometrie.progression.tsx': { loader: only('psychometrician', 'admin') },
  'referentiel.$code.tsx': { params: { code: 'competenceCode' }, loader: only() },
  'referentiel._index.tsx': { loader: signedIn('allow') },
  'surveillance._index.tsx': { loader: all('allow'), action: all('allow') },
  'surveillance.session.tsx': { loader: all('away'), action: all('away') },
  'verification.tsx': { loader: all('allow') },
};
