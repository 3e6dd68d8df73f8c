import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { campaignOfViewer } from '~/models/campaign-dashboard.server';
import { campaignExportStream, exportFileName } from '~/models/campaign-export.server';
import { csvModeOf } from '../../engine/campaigns';

/**
 * The results as CSV (UTF-8 with BOM, `;`), streamed as it is read. Spreadsheet-safe by default (text
 * cells starting with = + - @ are prefixed with a quote); `?format=brut` gives the text as stored.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const campaign = await campaignOfViewer(db(), viewer, params.id ?? '');
  const mode = csvModeOf(new URL(request.url).searchParams.get('format'), 'spreadsheet');
  const body = await campaignExportStream(db(), campaign.id, mode);
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${exportFileName(campaign.name, campaign.code, new Date(), mode)}"`,
      'Cache-Control': 'no-store',
    },
  });
}
