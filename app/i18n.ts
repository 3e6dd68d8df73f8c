/** UI strings: French first, English available. Keys are English identifiers; values are what people read. */
import { useRouteLoaderData } from '@remix-run/react';

const fr = {
  'app.name': 'Pix Workbench',
  'app.tagline': 'Création, psychométrie et évaluation des compétences numériques (CRCN)',
  'nav.skip': 'Aller au contenu',
  'nav.main': 'Navigation principale',
  'nav.framework': 'Référentiel',
  'nav.signout': 'Se déconnecter',
  'nav.signin': 'Se connecter',
  'nav.language': 'Langue',
  'nav.switchTo': 'English',
  'space.creation': 'Création',
  'space.psychometrie': 'Psychométrie',
  'space.orga': 'Orga',
  'space.certif': 'Certif',
  'space.profil': 'Mon profil',
  'space.admin': 'Administration',
  'login.title': 'Connexion',
  'login.email': 'Adresse e-mail',
  'login.password': 'Mot de passe',
  'login.submit': 'Se connecter',
  'login.invalid': 'L’adresse e-mail ou le mot de passe est incorrect.',
  'login.rateLimited': 'Trop de tentatives de connexion depuis cet appareil. Réessayez dans quelques minutes.',
  'login.missing': 'Saisissez votre adresse e-mail et votre mot de passe.',
  'home.title': 'Bienvenue',
  'home.yourSpaces': 'Vos espaces',
  'framework.title': 'Référentiel CRCN',
  'framework.intro': '5 domaines, 16 compétences, 8 niveaux. Choisissez une compétence pour voir ses sujets et ses acquis.',
  'framework.level': 'Niveau',
  'framework.tubes': 'sujets',
  'framework.skills': 'acquis',
  'framework.challenges': 'épreuves',
  'framework.noSkill': '—',
  'framework.back': 'Retour au référentiel',
  'error.forbidden': 'Accès refusé',
  'error.forbiddenText': 'Votre compte ne donne pas accès à cet espace.',
  'error.notFound': 'Page introuvable',
  'error.generic': 'Une erreur est survenue',
  'error.backHome': 'Retour à l’accueil',
  'error.unknownAction': 'Action inconnue : rechargez la page et recommencez.',
  'error.missing.challenge': 'Cette épreuve n’existe pas.',
  'error.missing.competence': 'Cette compétence n’existe pas.',
  'error.missing.tube': 'Ce sujet n’existe pas.',
  'error.missing.thematic': 'Cette thématique n’existe pas.',
  'error.missing.tutorial': 'Ce tutoriel n’existe pas.',
  'error.missing.attachment': 'Cette pièce jointe n’existe pas, ou vous n’y avez pas accès.',
  'error.missing.calibration': 'Ce calcul de calibration n’existe pas.',
  'error.missing.parameterVersion': 'Cette version des paramètres n’existe pas.',
  'error.missing.page': 'Aucune page à cette adresse.',
} as const;

export type MessageKey = keyof typeof fr;

const en: Record<MessageKey, string> = {
  'app.name': 'Pix Workbench',
  'app.tagline': 'Authoring, psychometrics and assessment of digital skills (CRCN)',
  'nav.skip': 'Skip to content',
  'nav.main': 'Main navigation',
  'nav.framework': 'Framework',
  'nav.signout': 'Sign out',
  'nav.signin': 'Sign in',
  'nav.language': 'Language',
  'nav.switchTo': 'Français',
  'space.creation': 'Authoring',
  'space.psychometrie': 'Psychometrics',
  'space.orga': 'Organisation',
  'space.certif': 'Certification',
  'space.profil': 'My profile',
  'space.admin': 'Administration',
  'login.title': 'Sign in',
  'login.email': 'Email address',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.invalid': 'The email address or the password is wrong.',
  'login.rateLimited': 'Too many sign-in attempts from this device. Try again in a few minutes.',
  'login.missing': 'Enter your email address and your password.',
  'home.title': 'Welcome',
  'home.yourSpaces': 'Your spaces',
  'framework.title': 'CRCN framework',
  'framework.intro': '5 areas, 16 competences, 8 levels. Choose a competence to see its tubes and skills.',
  'framework.level': 'Level',
  'framework.tubes': 'tubes',
  'framework.skills': 'skills',
  'framework.challenges': 'challenges',
  'framework.noSkill': '—',
  'framework.back': 'Back to the framework',
  'error.forbidden': 'Access denied',
  'error.forbiddenText': 'Your account does not give access to this space.',
  'error.notFound': 'Page not found',
  'error.generic': 'Something went wrong',
  'error.backHome': 'Back to home',
  'error.unknownAction': 'Unknown action: reload the page and try again.',
  'error.missing.challenge': 'This challenge does not exist.',
  'error.missing.competence': 'This competence does not exist.',
  'error.missing.tube': 'This tube does not exist.',
  'error.missing.thematic': 'This thematic does not exist.',
  'error.missing.tutorial': 'This tutorial does not exist.',
  'error.missing.attachment': 'This attachment does not exist, or you have no access to it.',
  'error.missing.calibration': 'This calibration run does not exist.',
  'error.missing.parameterVersion': 'This parameter set version does not exist.',
  'error.missing.page': 'There is no page at this address.',
};

export type Locale = 'fr' | 'en';
export const LOCALES: Locale[] = ['fr', 'en'];
const dictionaries: Record<Locale, Record<MessageKey, string>> = { fr, en };

/** Whether a text is a key of the common dictionary (a code thrown by a route, said by the error page). */
export function isMessageKey(text: unknown): text is MessageKey {
  return typeof text === 'string' && Object.prototype.hasOwnProperty.call(fr, text);
}

export function translate(locale: Locale, key: MessageKey): string {
  return dictionaries[locale][key];
}

export function parseLocale(value: string | null | undefined): Locale {
  return value === 'en' ? 'en' : 'fr';
}

/** Reads the `lang` cookie. */
export function localeFromRequest(request: { headers: { get(name: string): string | null } }): Locale {
  const match = /(?:^|;\s*)lang=(fr|en)/.exec(request.headers.get('Cookie') ?? '');
  return parseLocale(match?.[1]);
}

export function useLocale(): Locale {
  const data = useRouteLoaderData('root') as { locale?: Locale } | undefined;
  return data?.locale ?? 'fr';
}

/** The viewer's language in a route's `meta` function: the root loader's, among the matches. */
export function metaLocale(matches: readonly { id: string; data?: unknown }[]): Locale {
  const root = matches.find((m) => m.id === 'root')?.data as { locale?: Locale } | undefined;
  return root?.locale ?? 'fr';
}

export function useT(): (key: MessageKey) => string {
  const locale = useLocale();
  return (key) => translate(locale, key);
}

/** A framework name in both languages (areas, competences): the database's `titleFr` and `titleEn`. */
export interface Titles {
  titleFr: string;
  titleEn: string;
}

/** The one lookup of a bilingual name: the English one on English pages, the French one otherwise or when no English name is given. */
export function titleIn(locale: Locale, titles: Titles): string {
  return locale === 'en' && titles.titleEn.trim() ? titles.titleEn : titles.titleFr;
}

/** Picks the French or English form of a bilingual title. */
export function useTitle(): (titles: Titles) => string {
  const locale = useLocale();
  return (t) => titleIn(locale, t);
}

/** A space's own dictionary: French first, English with the same keys. */
export type Dictionary<K extends string> = { fr: Record<K, string>; en: Record<K, string> };

export function defineMessages<K extends string>(fr: Record<K, string>, en: Record<K, string>): Dictionary<K> {
  return { fr, en };
}

/** The translate function of a space's dictionary for the current locale. */
export function useMessages<K extends string>(dictionary: Dictionary<K>): (key: K) => string {
  const locale = useLocale();
  return (key) => dictionary[locale][key];
}

/** Fills `{name}` placeholders (an unknown one stays as it is). */
export function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
}

/**
 * A coded message — what a model refuses or reports as a code with its parameters — in the page's
 * language: the dictionary's `<prefix>.<code>`, its placeholders filled with the parameters.
 */
export function codedText<K extends string>(t: (key: K) => string, prefix: string, coded: { code: string; params?: Record<string, string> }): string {
  return fill(t(`${prefix}.${coded.code}` as K), coded.params ?? {});
}

/** Server side: the same, from the request's locale (for messages returned by actions). */
export function messagesFor<K extends string>(dictionary: Dictionary<K>, request: { headers: { get(name: string): string | null } }): (key: K) => string {
  const locale = localeFromRequest(request);
  return (key) => dictionary[locale][key];
}
