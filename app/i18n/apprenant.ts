/**
 * Strings of the learner space: sign-up, « Mon profil », the competence test, « Réponses et tutoriels »,
 * tutorials and the reset of a competence. French first, English with the same keys. `{name}`
 * placeholders are filled with `fill`.
 */
import { defineMessages, fill } from '../i18n';

const fr = {
  // Sign-up
  'signup.title': 'Inscription',
  'signup.intro': 'Créez votre compte pour évaluer vos compétences numériques et suivre vos progrès.',
  'signup.firstName': 'Prénom',
  'signup.lastName': 'Nom',
  'signup.email': 'Adresse e-mail',
  'signup.emailHint': 'Par exemple : prenom.nom@exemple.fr',
  'signup.password': 'Mot de passe',
  'signup.passwordRules': 'Au moins 8 caractères, dont une lettre minuscule, une lettre majuscule et un chiffre.',
  'signup.showPassword': 'Afficher le mot de passe',
  'signup.consent':
    'J’accepte les conditions d’utilisation de Pix Workbench : mes réponses servent à calculer mes niveaux et, de façon anonyme, à améliorer les questions.',
  'signup.submit': 'Je m’inscris',
  'signup.haveAccount': 'Vous avez déjà un compte ?',
  'signup.signIn': 'Connectez-vous',
  'signup.errorSummary': 'Le formulaire contient des erreurs :',
  'signup.error.firstName': 'Indiquez votre prénom.',
  'signup.error.lastName': 'Indiquez votre nom.',
  'signup.error.email': 'Indiquez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.',
  'signup.error.emailTaken': 'Un compte existe déjà avec cette adresse e-mail. Connectez-vous, ou choisissez une autre adresse.',
  'signup.error.password.length': 'Le mot de passe doit contenir au moins 8 caractères.',
  'signup.error.password.lower': 'Le mot de passe doit contenir au moins une lettre minuscule.',
  'signup.error.password.upper': 'Le mot de passe doit contenir au moins une lettre majuscule.',
  'signup.error.password.digit': 'Le mot de passe doit contenir au moins un chiffre.',
  'signup.error.password.long': 'Le mot de passe ne doit pas dépasser 200 caractères.',
  'signup.error.consent': 'Vous devez accepter les conditions d’utilisation pour créer un compte.',
  'login.noAccount': 'Pas encore de compte ?',
  'login.signUp': 'Inscrivez-vous',

  // Profile
  'profile.title': 'Mon profil',
  'profile.hello': 'Bonjour {name} !',
  'profile.totalPix': '{pix} pix',
  'profile.totalPixOf': 'sur {max} possibles',
  'profile.certifiable': 'Vous êtes certifiable : vous avez le niveau 1 ou plus dans au moins 5 compétences.',
  'profile.notCertifiable': 'Pour être certifiable, il faut le niveau 1 ou plus dans 5 compétences : encore {n} à obtenir.',
  'profile.certifiableWith': 'Vous avez le niveau 1 ou plus dans : {list}.',
  'profile.level': 'Niveau {level}',
  'profile.pix': '{pix} pix',
  'profile.toNext': 'Encore {n} pix pour le niveau {level}',
  'profile.maxLevel': 'Niveau maximal atteint',
  'profile.progressLabel': 'Progression vers le niveau {level} de la compétence {code}',
  'profile.start': 'Commencer',
  'profile.resume': 'Reprendre',
  'profile.resumeAt': '{n} questions répondues',
  'profile.improve': 'Améliorer',
  'profile.improveFrom': 'Améliorer : possible à partir du {date}.',
  'profile.reset': 'Remettre à zéro',
  'profile.resetFrom': 'Remise à zéro possible à partir du {date}.',
  'profile.results': 'Réponses et tutoriels',
  'profile.actionsOf': 'compétence {code}',
  'profile.recommended': 'Tutoriels recommandés',
  'profile.recommendedIntro': 'Pour les acquis que vous n’avez pas encore validés.',
  'profile.saved': 'Mes tutoriels enregistrés',
  'profile.savedEmpty': 'Aucun tutoriel enregistré. Enregistrez-en depuis vos résultats pour les retrouver ici.',
  'profile.resetDone': 'La compétence {code} a été remise à zéro : vous pouvez la repasser quand vous voulez.',

  // The test
  'test.eyebrow': 'Compétence {code} · {title}',
  'test.question': 'Question {n}',
  'test.instruction': 'Consigne',
  'test.progress': 'Avancement du test',
  'test.leave': 'Quitter et reprendre plus tard',
  'test.leaveHint': 'Vous pouvez quitter le test à tout moment : vous reprendrez à cette même question.',
  'test.timeLeft': 'Temps restant : {time}',
  'test.timeUp': 'Temps écoulé : vous pouvez encore répondre, mais la réponse comptera comme hors délai.',
  'test.focusLost': 'Vous avez quitté la page de cette épreuve « focus ».',
  'test.backHeld':
    'Le bouton Retour du navigateur ne quitte pas le test : vous êtes toujours à cette question. Pour partir, utilisez « {leave} » en bas de la page.',
  'test.sending': 'Envoi de votre réponse…',
  'test.introTitle': 'Test de la compétence {code}',
  'test.introText':
    'Un test adaptatif : les questions s’ajustent à vos réponses, et le test s’arrête dès que votre niveau est connu (20 questions au plus). Vous pouvez passer une question avec « Je passe », et quitter à tout moment pour reprendre plus tard.',
  'test.start': 'Commencer le test',
  'test.backToProfile': 'Retour à mon profil',
  'test.refused': 'Réponse refusée',
  'test.unavailable': 'Test indisponible',
  'test.error': 'Une erreur est survenue.',

  // Results
  'results.title': 'Résultats : {code} {title}',
  'results.levelPix': 'Niveau {level} · {pix} pix',
  'results.finished': 'Test terminé le {date}.',
  'results.answers': 'Réponses et tutoriels',
  'results.answersIntro': 'Pour chaque question : votre réponse, la bonne réponse, son explication et des tutoriels pour progresser.',
  'results.question': 'Question {n}',
  'results.yourAnswer': 'Votre réponse',
  'results.rightAnswer': 'Bonne réponse',
  'results.explanation': 'Explication',
  'results.result.ok': 'Bonne réponse',
  'results.result.ko': 'Mauvaise réponse',
  'results.result.skipped': 'Question passée',
  'results.result.timedout': 'Hors délai',
  'results.skipped': 'Vous avez passé cette question.',
  'results.empty': '(vide)',
  'results.late': 'Réponse donnée après la fin du temps.',
  'results.or': 'ou',
  'results.pick': '{n} réponses parmi :',
  'results.anyOrder': 'Dans n’importe quel ordre.',
  'results.tutorials': 'Tutoriels',
  'results.noTutorial': 'Pas de tutoriel pour cette question.',
  'results.noQuestion': 'Aucune question n’a été posée dans ce test.',
  'results.backToProfile': 'Retour à mon profil',
  'results.improveFrom': 'Vous pourrez améliorer cette compétence à partir du {date}.',
  'results.improve': 'Améliorer cette compétence',

  // Tutorials
  'tutorial.meta': '{source} · {format} · {duration}',
  'tutorial.newTab': '(s’ouvre dans un nouvel onglet)',
  'tutorial.save': 'Enregistrer',
  'tutorial.unsave': 'Retirer de mes tutoriels',
  'tutorial.savedFlag': 'Enregistré',
  'tutorial.usefulQuestion': 'Utile ?',
  'tutorial.yes': 'Oui',
  'tutorial.no': 'Non',
  'tutorial.thanks': 'Merci pour votre avis.',
  'tutorial.of': 'tutoriel « {title} »',

  // Reset
  'reset.title': 'Remettre à zéro la compétence {code} ?',
  'reset.text':
    'Vos {pix} pix et votre niveau {level} dans « {title} » ne compteront plus. Vos réponses passées restent enregistrées, mais vous repartirez de zéro pour cette compétence, et pourrez la repasser tout de suite.',
  'reset.confirm': 'Oui, remettre à zéro',
  'reset.cancel': 'Non, revenir à mon profil',

  // Refusals
  'error.unknown_competence': 'Cette compétence n’existe pas.',
  'error.no_release': 'Aucun contenu n’est encore publié : le test n’est pas disponible pour l’instant.',
  'error.no_content': 'Aucune question n’est disponible pour cette compétence dans votre langue.',
  'error.nothing_to_improve': 'Vous avez déjà validé tout ce que ce test peut mesurer dans cette compétence : il n’y a rien à améliorer pour l’instant.',
  'error.not_found': 'Ce test est introuvable.',
  'error.not_asked': 'Cette question ne vous a pas été posée dans ce test : la réponse est refusée.',
  'error.aborted': 'Ce test a été remis à zéro : la réponse n’a pas été enregistrée.',
  'error.bad_response': 'Réponse illisible : rechargez la page et répondez de nouveau.',
  'error.response_too_large':
    'Réponse trop longue : 10 000 caractères au plus par champ, et pas plus de choix que de propositions. Raccourcissez-la et validez de nouveau.',
  'error.too_early_improve': 'Vous pourrez améliorer cette compétence à partir du {date}.',
  'error.too_early_reset': 'Vous pourrez remettre cette compétence à zéro à partir du {date}.',
  'error.nothing_to_reset': 'Cette compétence est déjà à zéro.',
};

export type LearnerKey = keyof typeof fr;

const en: Record<LearnerKey, string> = {
  'signup.title': 'Sign up',
  'signup.intro': 'Create your account to assess your digital skills and follow your progress.',
  'signup.firstName': 'First name',
  'signup.lastName': 'Last name',
  'signup.email': 'Email address',
  'signup.emailHint': 'For example: first.last@example.com',
  'signup.password': 'Password',
  'signup.passwordRules': 'At least 8 characters, with a lowercase letter, an uppercase letter and a digit.',
  'signup.showPassword': 'Show the password',
  'signup.consent': 'I accept the terms of use of Pix Workbench: my answers are used to compute my levels and, anonymously, to improve the questions.',
  'signup.submit': 'Sign up',
  'signup.haveAccount': 'Already have an account?',
  'signup.signIn': 'Sign in',
  'signup.errorSummary': 'The form has errors:',
  'signup.error.firstName': 'Enter your first name.',
  'signup.error.lastName': 'Enter your last name.',
  'signup.error.email': 'Enter a valid email address, for example first.last@example.com.',
  'signup.error.emailTaken': 'An account already exists with this email address. Sign in, or choose another address.',
  'signup.error.password.length': 'The password must be at least 8 characters long.',
  'signup.error.password.lower': 'The password must contain a lowercase letter.',
  'signup.error.password.upper': 'The password must contain an uppercase letter.',
  'signup.error.password.digit': 'The password must contain a digit.',
  'signup.error.password.long': 'The password must not be longer than 200 characters.',
  'signup.error.consent': 'You must accept the terms of use to create an account.',
  'login.noAccount': 'No account yet?',
  'login.signUp': 'Sign up',

  'profile.title': 'My profile',
  'profile.hello': 'Hello {name}!',
  'profile.totalPix': '{pix} pix',
  'profile.totalPixOf': 'out of {max}',
  'profile.certifiable': 'You may sit the certification: you have level 1 or more in at least 5 competences.',
  'profile.notCertifiable': 'To sit the certification you need level 1 or more in 5 competences: {n} more to go.',
  'profile.certifiableWith': 'You have level 1 or more in: {list}.',
  'profile.level': 'Level {level}',
  'profile.pix': '{pix} pix',
  'profile.toNext': '{n} more pix for level {level}',
  'profile.maxLevel': 'Highest level reached',
  'profile.progressLabel': 'Progress to level {level} of competence {code}',
  'profile.start': 'Start',
  'profile.resume': 'Resume',
  'profile.resumeAt': '{n} questions answered',
  'profile.improve': 'Improve',
  'profile.improveFrom': 'Improve: possible from {date}.',
  'profile.reset': 'Reset',
  'profile.resetFrom': 'Reset possible from {date}.',
  'profile.results': 'Answers and tutorials',
  'profile.actionsOf': 'competence {code}',
  'profile.recommended': 'Recommended tutorials',
  'profile.recommendedIntro': 'For the skills you have not validated yet.',
  'profile.saved': 'My saved tutorials',
  'profile.savedEmpty': 'No saved tutorial. Save some from your results to find them here.',
  'profile.resetDone': 'Competence {code} was reset: you may take it again whenever you like.',

  'test.eyebrow': 'Competence {code} · {title}',
  'test.question': 'Question {n}',
  'test.instruction': 'Instruction',
  'test.progress': 'Test progress',
  'test.leave': 'Leave and resume later',
  'test.leaveHint': 'You may leave the test at any time: you will come back to this very question.',
  'test.timeLeft': 'Time left: {time}',
  'test.timeUp': 'Time is up: you may still answer, but the answer will count as late.',
  'test.focusLost': 'You left the page of this “focus” challenge.',
  'test.backHeld': 'The browser’s Back button does not leave the test: you are still on this question. To leave, use “{leave}” at the bottom of the page.',
  'test.sending': 'Sending your answer…',
  'test.introTitle': 'Test of competence {code}',
  'test.introText':
    'An adaptive test: the questions adjust to your answers, and the test stops as soon as your level is known (20 questions at most). You may skip a question with “Skip”, and leave at any time to resume later.',
  'test.start': 'Start the test',
  'test.backToProfile': 'Back to my profile',
  'test.refused': 'Answer refused',
  'test.unavailable': 'Test unavailable',
  'test.error': 'Something went wrong.',

  'results.title': 'Results: {code} {title}',
  'results.levelPix': 'Level {level} · {pix} pix',
  'results.finished': 'Test finished on {date}.',
  'results.answers': 'Answers and tutorials',
  'results.answersIntro': 'For each question: your answer, the right answer, its explanation and tutorials to progress.',
  'results.question': 'Question {n}',
  'results.yourAnswer': 'Your answer',
  'results.rightAnswer': 'Right answer',
  'results.explanation': 'Explanation',
  'results.result.ok': 'Right',
  'results.result.ko': 'Wrong',
  'results.result.skipped': 'Skipped',
  'results.result.timedout': 'Late',
  'results.skipped': 'You skipped this question.',
  'results.empty': '(empty)',
  'results.late': 'Answer given after the time was up.',
  'results.or': 'or',
  'results.pick': '{n} answers among:',
  'results.anyOrder': 'In any order.',
  'results.tutorials': 'Tutorials',
  'results.noTutorial': 'No tutorial for this question.',
  'results.noQuestion': 'No question was asked in this test.',
  'results.backToProfile': 'Back to my profile',
  'results.improveFrom': 'You may improve this competence from {date}.',
  'results.improve': 'Improve this competence',

  'tutorial.meta': '{source} · {format} · {duration}',
  'tutorial.newTab': '(opens in a new tab)',
  'tutorial.save': 'Save',
  'tutorial.unsave': 'Remove from my tutorials',
  'tutorial.savedFlag': 'Saved',
  'tutorial.usefulQuestion': 'Useful?',
  'tutorial.yes': 'Yes',
  'tutorial.no': 'No',
  'tutorial.thanks': 'Thank you for your feedback.',
  'tutorial.of': 'tutorial “{title}”',

  'reset.title': 'Reset competence {code}?',
  'reset.text':
    'Your {pix} pix and level {level} in “{title}” will no longer count. Your past answers stay recorded, but you will start this competence from zero, and may take it again right away.',
  'reset.confirm': 'Yes, reset',
  'reset.cancel': 'No, back to my profile',

  'error.unknown_competence': 'This competence does not exist.',
  'error.no_release': 'No content is published yet: the test is not available for now.',
  'error.no_content': 'No question is available for this competence in your language.',
  'error.nothing_to_improve': 'You have already validated everything this test can measure in this competence: there is nothing to improve for now.',
  'error.not_found': 'This test cannot be found.',
  'error.not_asked': 'This question was not asked to you in this test: the answer is refused.',
  'error.aborted': 'This test was reset: the answer was not recorded.',
  'error.bad_response': 'Unreadable answer: reload the page and answer again.',
  'error.response_too_large': 'Answer too long: at most 10,000 characters per field, and no more choices than proposals. Shorten it and submit again.',
  'error.too_early_improve': 'You may improve this competence from {date}.',
  'error.too_early_reset': 'You may reset this competence from {date}.',
  'error.nothing_to_reset': 'This competence is already at zero.',
};

export const learnerMessages = defineMessages(fr, en);

export { fill } from '../i18n';

/** A day as people read it ("27 novembre 2026"), in Paris time, for messages about delays. */
// toLocaleDateString builds a formatter on every call (a tenth of a millisecond): one per locale is kept.
const dayFormats = {
  fr: new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' }),
};

/**
 * Days already written, by locale and UTC hour: Paris has been a whole number of hours from UTC since
 * 1911 (before, its mean time was 9 min 21 s ahead), so every instant of one UTC hour is on the same Paris
 * day. Formatting is ~10–20 µs a call (twice in a test's results, decision 021, h57); 512 kept at most.
 */
const WHOLE_HOURS_FROM = Date.UTC(1912, 0, 1);
const HOUR = 3_600_000;
const writtenDays = new Map<string, string>();

export function formatDay(date: Date | string, locale: 'fr' | 'en'): string {
  const lang = locale === 'en' ? 'en' : 'fr';
  const at = new Date(date);
  const time = at.getTime();
  if (!(time >= WHOLE_HOURS_FROM)) return dayFormats[lang].format(at);
  const key = `${lang}${Math.floor(time / HOUR)}`;
  let day = writtenDays.get(key);
  if (day === undefined) {
    day = dayFormats[lang].format(at);
    if (writtenDays.size >= 512) writtenDays.clear();
    writtenDays.set(key, day);
  }
  return day;
}
