import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { campaignOfViewer } from '~/models/campaign-dashboard.server';
import { campaignExportStream, exportFileName } from '~/models/campaign-export.server';

/** The results as CSV (UTF-8 with BOM, `;`), streamed as it is read. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const campaign = await campaignOfViewer(db(), viewer, params.id ?? '');
  const body = await campaignExportStream(db(), campaign.id);
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${exportFileName(campaign.name, campaign.code)}"`,
      'Cache-Control': 'no-store',
    },
  });
}
