/** Strings of the Orga space (teachers) and of « J'ai un code » (learners). French first. */
import { defineMessages } from '../i18n';

const fr = {
  'nav.label': 'Navigation de l’espace Orga',
  'nav.campaigns': 'Campagnes',
  'nav.learners': 'Élèves',
  'nav.members': 'Membres',
  'nav.profiles': 'Profils cibles',
  'nav.organisation': 'Organisation',
  'nav.switch': 'Changer',
  'band.insufficient': 'Maîtrise insuffisante',
  'band.fragile': 'Maîtrise fragile',
  'band.satisfactory': 'Maîtrise satisfaisante',
  'band.veryGood': 'Très bonne maîtrise',
  'status.STARTED': 'En cours',
  'status.TO_SHARE': 'En attente d’envoi',
  'status.SHARED': 'Résultats reçus',
  'type.ASSESSMENT': 'Évaluation',
  'type.PROFILES_COLLECTION': 'Collecte de profils',
  'tabs.activity': 'Activité',
  'tabs.participants': 'Participants',
  'tabs.results': 'Résultats collectifs',
  'tabs.topics': 'Sujets à travailler',
  'dots.4': 'Très recommandé',
  'dots.3': 'Recommandé',
  'dots.2': 'Assez recommandé',
  'dots.1': 'Peu recommandé',
} as const;

const en: Record<keyof typeof fr, string> = {
  'nav.label': 'Organisation space navigation',
  'nav.campaigns': 'Campaigns',
  'nav.learners': 'Learners',
  'nav.members': 'Members',
  'nav.profiles': 'Target profiles',
  'nav.organisation': 'Organisation',
  'nav.switch': 'Switch',
  'band.insufficient': 'Insufficient mastery',
  'band.fragile': 'Fragile mastery',
  'band.satisfactory': 'Satisfactory mastery',
  'band.veryGood': 'Very good mastery',
  'status.STARTED': 'In progress',
  'status.TO_SHARE': 'Waiting to be sent',
  'status.SHARED': 'Results received',
  'type.ASSESSMENT': 'Assessment',
  'type.PROFILES_COLLECTION': 'Profiles collection',
  'tabs.activity': 'Activity',
  'tabs.participants': 'Participants',
  'tabs.results': 'Collective results',
  'tabs.topics': 'Topics to work on',
  'dots.4': 'Highly recommended',
  'dots.3': 'Recommended',
  'dots.2': 'Fairly recommended',
  'dots.1': 'Slightly recommended',
};

export const orgaMessages = defineMessages(fr, en);
export type OrgaKey = keyof typeof fr;

export function frDate(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return d.toLocaleDateString('fr-FR', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Paris' });
}
