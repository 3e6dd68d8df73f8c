import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { campaignOfViewer } from '~/models/campaign-dashboard.server';
import { campaignExportStream, exportFileName } from '~/models/campaign-export.server';
import { csvModeOf } from '../../engine/campaigns';
import { localeFromRequest, parseLocale } from '~/i18n';

/**
 * The results as CSV (UTF-8 with BOM, `;`), streamed as it is read. Spreadsheet-safe by default (text
 * cells starting with = + - @ are prefixed with a quote); `?format=brut` gives the text as stored.
 * In the page's language unless `?langue=fr|en` says otherwise; `?acquis=1` adds one column per skill.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const campaign = await campaignOfViewer(db(), viewer, params.id ?? '');
  const query = new URL(request.url).searchParams;
  const options = {
    mode: csvModeOf(query.get('format'), 'spreadsheet'),
    language: query.has('langue') ? parseLocale(query.get('langue')) : localeFromRequest(request),
    skillColumns: query.get('acquis') === '1',
  };
  const body = await campaignExportStream(db(), campaign.id, options);
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${exportFileName(campaign.name, campaign.code, new Date(), options)}"`,
      'Cache-Control': 'no-store',
    },
  });
}
