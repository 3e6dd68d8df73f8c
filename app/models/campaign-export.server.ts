/**
 * The CSV export of a campaign's results, streamed: header first, then participants 1,000 at a time
 * (keyset pagination on the participation id), each batch turned into lines by the engine.
 */
import type { PrismaClient } from '../../prisma/client';
import { exportHeader, exportRow, sortStages, type CsvMode, type ExportContext, type ExportLanguage } from '../../engine/campaigns';
import { titleIn } from '../i18n';
import { targetedSkillsOf } from './target-profile.server';
import { storedTubesOf } from './campaign-results.server';
import { skillStatesAt } from './knowledge.server';

const BATCH = 1000;

export interface CampaignExportOptions {
  /** `spreadsheet` (default, formula-looking text neutralised) or `raw` (text as stored, for R or scripts). */
  mode?: CsvMode;
  /** Headers, values and framework names in French (default) or English. */
  language?: ExportLanguage;
  /** One column per targeted skill (OK, KO, not tested, as when the results were shared). */
  skillColumns?: boolean;
}

export async function campaignExportStream(
  client: PrismaClient,
  campaignId: string,
  { mode = 'spreadsheet', language = 'fr', skillColumns = false }: CampaignExportOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const campaign = await client.campaign.findUniqueOrThrow({ where: { id: campaignId }, include: { organisation: true } });
  const [{ tubeInfo, skills, skillNames }, stages, badges] = await Promise.all([
    targetedSkillsOf(client, campaign.targetProfileId),
    campaign.targetProfileId ? client.targetProfileStage.findMany({ where: { targetProfileId: campaign.targetProfileId } }) : [],
    campaign.targetProfileId ? client.targetProfileBadge.findMany({ where: { targetProfileId: campaign.targetProfileId }, orderBy: { title: 'asc' } }) : [],
  ]);
  const competences = new Map<string, string>();
  const areas = new Map<string, string>();
  for (const t of tubeInfo.values()) {
    competences.set(t.competence, `${t.competence} ${titleIn(language, t.competenceTitle)}`);
    areas.set(`d${t.area}`, `${t.area} ${titleIn(language, t.areaTitle)}`);
  }
  const byKey = (a: [string, string], b: [string, string]) => a[0].localeCompare(b[0], 'fr', { numeric: true });
  // The skill columns: the targeted skills by competence, tube and level (their names, e.g. @requete1).
  const place = (s: { tubeId: string }): [string, string] => [tubeInfo.get(s.tubeId)?.competence ?? '', tubeInfo.get(s.tubeId)?.name ?? ''];
  const skillColumnsOf = skillColumns
    ? [...skills]
        .sort((a, b) => byKey(place(a), place(b)) || place(a)[1].localeCompare(place(b)[1]) || a.level - b.level)
        .map((s) => ({ id: s.id, name: skillNames.get(s.id) ?? s.id }))
    : [];
  const ctx: ExportContext = {
    organisation: campaign.organisation.name,
    campaign: campaign.name,
    code: campaign.code,
    externalIdLabel: campaign.externalIdLabel,
    competences: [...competences.entries()].sort(byKey).map(([key, label]) => ({ key, label })),
    areas: [...areas.entries()].sort(byKey).map(([key, label]) => ({ key, label })),
    badges: badges.map((b) => b.title),
    hasStages: stages.length > 0,
    mode,
    language,
    ...(skillColumns ? { skills: skillColumnsOf.map((s) => s.name) } : {}),
  };
  const sortedStages = sortStages(stages);
  const encoder = new TextEncoder();
  let cursor: string | null = null;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(exportHeader(ctx)));
        return;
      }
      const rows: {
        participationId: string;
        status: string;
        lastName: string;
        firstName: string;
        division: string | null;
        progress: number;
        createdAt: Date;
        sharedAt: Date | null;
        stageIndex: number | null;
        badges: string[];
        masteryPercent: number;
        tubes: unknown;
        participation: { participantExternalId: string | null; userId: string };
      }[] = await client.campaignParticipantResult.findMany({
        // One line per learner: a retried participation's earlier result is kept aside.
        where: { campaignId, participation: { isImproved: false }, ...(cursor ? { participationId: { gt: cursor } } : {}) },
        orderBy: { participationId: 'asc' },
        take: BATCH,
        select: {
          participationId: true,
          status: true,
          lastName: true,
          firstName: true,
          division: true,
          progress: true,
          createdAt: true,
          sharedAt: true,
          stageIndex: true,
          badges: true,
          masteryPercent: true,
          tubes: true,
          participation: { select: { participantExternalId: true, userId: true } },
        },
      });
      if (rows.length === 0) {
        controller.close();
        return;
      }
      cursor = rows[rows.length - 1]!.participationId;
      // Per-skill states as they were when each learner shared (none for results not sent).
      const states = skillColumns
        ? await skillStatesAt(
            client,
            rows.filter((r) => r.status === 'SHARED' && r.sharedAt).map((r) => ({ userId: r.participation.userId, at: r.sharedAt! })),
            skillColumnsOf.map((s) => s.id),
          )
        : null;
      let chunk = '';
      for (const r of rows) {
        // Results a learner has not sent yet stay theirs: their line has their status and progress, no result.
        const shared = r.status === 'SHARED';
        const groups: Record<string, [number, number]> = {};
        for (const [tubeId, [targeted, validated]] of Object.entries(storedTubesOf(r))) {
          const info = tubeInfo.get(tubeId);
          if (!info) continue;
          for (const key of [info.competence, `d${info.area}`]) {
            const g = (groups[key] ??= [0, 0]);
            g[0] += shared ? validated : 0;
            g[1] += targeted;
          }
        }
        chunk += exportRow(ctx, {
          lastName: r.lastName,
          firstName: r.firstName,
          division: r.division,
          externalId: r.participation.participantExternalId,
          progress: r.progress,
          startedAt: r.createdAt,
          sharedAt: shared ? r.sharedAt : null,
          stage: shared && r.stageIndex !== null ? (sortedStages[r.stageIndex]?.title ?? null) : null,
          badges: shared ? r.badges : [],
          masteryRate: shared ? r.masteryPercent / 100 : null,
          groups,
          ...(states
            ? {
                skills: Object.fromEntries(
                  skillColumnsOf.flatMap((s) => {
                    const state = states.get(r.participation.userId)?.get(s.id);
                    return state ? [[s.name, state]] : [];
                  }),
                ),
              }
            : {}),
        });
      }
      controller.enqueue(encoder.encode(chunk));
    },
  });
}

/** The download's name; a raw export ends in `-brut.csv`, one with skill columns in `-acquis.csv`, so the files are told apart. */
export function exportFileName(
  name: string,
  code: string,
  now = new Date(),
  { mode = 'spreadsheet', skillColumns = false }: CampaignExportOptions = {},
): string {
  const safe =
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'campagne';
  return `${now.toISOString().slice(0, 10)}-${code}-${safe}${skillColumns ? '-acquis' : ''}${mode === 'raw' ? '-brut' : ''}.csv`;
}
