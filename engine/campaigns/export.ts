/**
 * The rows of a campaign's results export: UTF-8 with BOM, `;`, one line per participant. Columns:
 * organisation, campaign, code, participant, class, progress, dates, shared, stage, badges, global mastery,
 * then per competence and per area: mastery %, validated skills, targeted skills. Spreadsheet-safe by
 * default (a learner named `=HYPERLINK(…)` is written `'=HYPERLINK(…)`); `mode: 'raw'` keeps text as stored.
 */
import { csvLine, BOM, type CsvMode } from './csv';
import { masteryPercent } from './results';

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
}

function day(date: Date): string {
  const d = String(date.getUTCDate()).padStart(2, '0');
  const m = String(date.getUTCMonth() + 1).padStart(2, '0');
  return `${d}/${m}/${date.getUTCFullYear()}`;
}

export function exportHeader(ctx: ExportContext): string {
  const cols = ['Organisation', 'Campagne', 'Code', 'Nom du participant', 'Prénom du participant', 'Classe'];
  if (ctx.externalIdLabel) cols.push(ctx.externalIdLabel);
  cols.push('% de progression', 'Date de début', 'Partage (O/N)', 'Date du partage');
  if (ctx.hasStages) cols.push('Palier obtenu');
  for (const b of ctx.badges) cols.push(`${b} obtenu (O/N)`);
  cols.push('% maîtrise de l’ensemble des acquis du profil');
  for (const c of ctx.competences)
    cols.push(
      `% de maîtrise des acquis de la compétence ${c.label}`,
      `Nombre d’acquis du profil cible dans la compétence ${c.label}`,
      `Acquis maîtrisés dans la compétence ${c.label}`,
    );
  for (const a of ctx.areas)
    cols.push(
      `% de maîtrise des acquis du domaine ${a.label}`,
      `Nombre d’acquis du profil cible du domaine ${a.label}`,
      `Acquis maîtrisés du domaine ${a.label}`,
    );
  return BOM + csvLine(cols, ';', ctx.mode ?? 'spreadsheet');
}

/** One participant's line. Results stay empty until the participant has shared them. */
export function exportRow(ctx: ExportContext, p: ExportParticipant): string {
  const shared = p.sharedAt !== null;
  const cols: (string | number)[] = [ctx.organisation, ctx.campaign, ctx.code, p.lastName, p.firstName, p.division ?? ''];
  if (ctx.externalIdLabel) cols.push(p.externalId ?? '');
  cols.push(masteryPercent(p.progress) + ' %', day(p.startedAt), shared ? 'O' : 'N', p.sharedAt ? day(p.sharedAt) : 'NA');
  if (ctx.hasStages) cols.push(shared ? (p.stage ?? '') : 'NA');
  for (const b of ctx.badges) cols.push(shared ? (p.badges.includes(b) ? 'O' : 'N') : 'NA');
  cols.push(shared && p.masteryRate !== null ? masteryPercent(p.masteryRate) + ' %' : 'NA');
  for (const g of [...ctx.competences, ...ctx.areas]) {
    const [validated, targeted] = p.groups[g.key] ?? [0, 0];
    if (!shared) cols.push('NA', targeted, 'NA');
    else cols.push((targeted ? masteryPercent(validated / targeted) : 0) + ' %', targeted, validated);
  }
  return csvLine(cols, ';', ctx.mode ?? 'spreadsheet');
}
