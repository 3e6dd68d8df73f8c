/**
 * The CSV export of a campaign's results, streamed: header first, then participants 1,000 at a time
 * (keyset pagination on the participation id), each batch turned into lines by the engine.
 */
import type { PrismaClient } from '../../prisma/client';
import { exportHeader, exportRow, sortStages, type CsvMode, type ExportContext } from '../../engine/campaigns';
import { targetedSkillsOf } from './target-profile.server';
import { storedTubesOf } from './campaign-results.server';

const BATCH = 1000;

/** `mode`: `spreadsheet` (default, formula-looking text neutralised) or `raw` (text as stored, for R or scripts). */
export async function campaignExportStream(client: PrismaClient, campaignId: string, mode: CsvMode = 'spreadsheet'): Promise<ReadableStream<Uint8Array>> {
  const campaign = await client.campaign.findUniqueOrThrow({ where: { id: campaignId }, include: { organisation: true } });
  const [{ tubeInfo }, stages, badges] = await Promise.all([
    targetedSkillsOf(client, campaign.targetProfileId),
    campaign.targetProfileId ? client.targetProfileStage.findMany({ where: { targetProfileId: campaign.targetProfileId } }) : [],
    campaign.targetProfileId ? client.targetProfileBadge.findMany({ where: { targetProfileId: campaign.targetProfileId }, orderBy: { title: 'asc' } }) : [],
  ]);
  const competences = new Map<string, string>();
  const areas = new Map<string, string>();
  for (const t of tubeInfo.values()) {
    competences.set(t.competence, `${t.competence} ${t.competenceTitle}`);
    areas.set(`d${t.area}`, `${t.area} ${t.areaTitle}`);
  }
  const byKey = (a: [string, string], b: [string, string]) => a[0].localeCompare(b[0], 'fr', { numeric: true });
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
        participation: { participantExternalId: string | null };
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
          participation: { select: { participantExternalId: true } },
        },
      });
      if (rows.length === 0) {
        controller.close();
        return;
      }
      cursor = rows[rows.length - 1]!.participationId;
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
        });
      }
      controller.enqueue(encoder.encode(chunk));
    },
  });
}

/** The download's name; a raw export ends in `-brut.csv` so the two files are told apart. */
export function exportFileName(name: string, code: string, now = new Date(), mode: CsvMode = 'spreadsheet'): string {
  const safe =
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'campagne';
  return `${now.toISOString().slice(0, 10)}-${code}-${safe}${mode === 'raw' ? '-brut' : ''}.csv`;
}
