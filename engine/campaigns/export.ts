/**
 * The rows of a campaign's results export: UTF-8 with BOM, `;`, one line per participant. Columns:
 * organisation, campaign, code, participant, class, progress, dates, shared, stage, badges, global mastery,
 * then per competence and per area: mastery %, validated skills, targeted skills, and, as an option, one
 * column per targeted skill (OK, KO or not tested). French headers and values by default, English ones with
 * `language: 'en'` (the names of competences and areas come in the caller's language). Spreadsheet-safe by
 * default (a learner named `=HYPERLINK(…)` is written `'=HYPERLINK(…)`); `mode: 'raw'` keeps text as stored.
 */
import { csvLine, BOM, type CsvMode } from './csv';
import { masteryPercent } from './results';

export type ExportLanguage = 'fr' | 'en';

/** A targeted skill's state in a shared result: validated, invalidated, or never tested. */
export type ExportSkillStatus = 'validated' | 'invalidated' | 'untested';

export interface ExportGroup {
  key: string;
  label: string;
}

export interface ExportContext {
  organisation: string;
  campaign: string;
  code: string;
  externalIdLabel?: string | null;
  competences: readonly ExportGroup[];
  areas: readonly ExportGroup[];
  badges: readonly string[];
  hasStages: boolean;
  /** `spreadsheet` (the default): text cells neutralised against formula injection; `raw`: as stored. */
  mode?: CsvMode;
  /** Headers and values in French (the default) or English. */
  language?: ExportLanguage;
  /** One column per targeted skill, by its name (`@requete1`), when given (the per-skill option). */
  skills?: readonly string[];
}

export interface ExportParticipant {
  lastName: string;
  firstName: string;
  division: string | null;
  externalId?: string | null;
  /** 0..1 */
  progress: number;
  startedAt: Date;
  sharedAt: Date | null;
  stage: string | null;
  badges: readonly string[];
  masteryRate: number | null;
  /** key → [validated, targeted] for competences and areas. */
  groups: Record<string, [number, number]>;
  /** Skill name → state, read only when the context has `skills` (a skill missing here was not tested). */
  skills?: Readonly<Record<string, ExportSkillStatus>>;
}

const WORDS = {
  fr: {
    organisation: 'Organisation',
    campaign: 'Campagne',
    code: 'Code',
    lastName: 'Nom du participant',
    firstName: 'Prénom du participant',
    division: 'Classe',
    progress: '% de progression',
    started: 'Date de début',
    shared: 'Partage (O/N)',
    sharedAt: 'Date du partage',
    stage: 'Palier obtenu',
    badge: (b: string) => `${b} obtenu (O/N)`,
    mastery: '% maîtrise de l’ensemble des acquis du profil',
    competence: (l: string) => [
      `% de maîtrise des acquis de la compétence ${l}`,
      `Nombre d’acquis du profil cible dans la compétence ${l}`,
      `Acquis maîtrisés dans la compétence ${l}`,
    ],
    area: (l: string) => [`% de maîtrise des acquis du domaine ${l}`, `Nombre d’acquis du profil cible du domaine ${l}`, `Acquis maîtrisés du domaine ${l}`],
    skill: (name: string) => `Acquis ${name}`,
    yes: 'O',
    no: 'N',
    status: { validated: 'OK', invalidated: 'KO', untested: 'Non testé' },
  },
  en: {
    organisation: 'Organisation',
    campaign: 'Campaign',
    code: 'Code',
    lastName: 'Participant last name',
    firstName: 'Participant first name',
    division: 'Class',
    progress: '% progress',
    started: 'Start date',
    shared: 'Shared (Y/N)',
    sharedAt: 'Sharing date',
    stage: 'Stage reached',
    badge: (b: string) => `${b} earned (Y/N)`,
    mastery: '% mastery of all the skills of the profile',
    competence: (l: string) => [
      `% mastery of the skills of competence ${l}`,
      `Number of target profile skills in competence ${l}`,
      `Skills mastered in competence ${l}`,
    ],
    area: (l: string) => [`% mastery of the skills of area ${l}`, `Number of target profile skills in area ${l}`, `Skills mastered in area ${l}`],
    skill: (name: string) => `Skill ${name}`,
    yes: 'Y',
    no: 'N',
    status: { validated: 'OK', invalidated: 'KO', untested: 'Not tested' },
  },
} as const;

/** dd/mm/yyyy in French, yyyy-mm-dd in English (what an English spreadsheet reads without doubt), in UTC. */
function day(date: Date, language: ExportLanguage): string {
  const d = String(date.getUTCDate()).padStart(2, '0');
  const m = String(date.getUTCMonth() + 1).padStart(2, '0');
  return language === 'en' ? `${date.getUTCFullYear()}-${m}-${d}` : `${d}/${m}/${date.getUTCFullYear()}`;
}

export function exportHeader(ctx: ExportContext): string {
  const w = WORDS[ctx.language ?? 'fr'];
  const cols: string[] = [w.organisation, w.campaign, w.code, w.lastName, w.firstName, w.division];
  if (ctx.externalIdLabel) cols.push(ctx.externalIdLabel);
  cols.push(w.progress, w.started, w.shared, w.sharedAt);
  if (ctx.hasStages) cols.push(w.stage);
  for (const b of ctx.badges) cols.push(w.badge(b));
  cols.push(w.mastery);
  for (const c of ctx.competences) cols.push(...w.competence(c.label));
  for (const a of ctx.areas) cols.push(...w.area(a.label));
  for (const s of ctx.skills ?? []) cols.push(w.skill(s));
  return BOM + csvLine(cols, ';', ctx.mode ?? 'spreadsheet');
}

/** One participant's line. Results stay empty until the participant has shared them. */
export function exportRow(ctx: ExportContext, p: ExportParticipant): string {
  const language = ctx.language ?? 'fr';
  const w = WORDS[language];
  const shared = p.sharedAt !== null;
  const cols: (string | number)[] = [ctx.organisation, ctx.campaign, ctx.code, p.lastName, p.firstName, p.division ?? ''];
  if (ctx.externalIdLabel) cols.push(p.externalId ?? '');
  cols.push(masteryPercent(p.progress) + ' %', day(p.startedAt, language), shared ? w.yes : w.no, p.sharedAt ? day(p.sharedAt, language) : 'NA');
  if (ctx.hasStages) cols.push(shared ? (p.stage ?? '') : 'NA');
  for (const b of ctx.badges) cols.push(shared ? (p.badges.includes(b) ? w.yes : w.no) : 'NA');
  cols.push(shared && p.masteryRate !== null ? masteryPercent(p.masteryRate) + ' %' : 'NA');
  for (const g of [...ctx.competences, ...ctx.areas]) {
    const [validated, targeted] = p.groups[g.key] ?? [0, 0];
    if (!shared) cols.push('NA', targeted, 'NA');
    else cols.push((targeted ? masteryPercent(validated / targeted) : 0) + ' %', targeted, validated);
  }
  for (const s of ctx.skills ?? []) cols.push(shared ? w.status[p.skills?.[s] ?? 'untested'] : 'NA');
  return csvLine(cols, ';', ctx.mode ?? 'spreadsheet');
}
