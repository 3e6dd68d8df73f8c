/**
 * Serves an attachment with the type found when it was checked: to the people who write, review or analyse
 * challenges, and to a learner only when it is in a challenge they were asked (404 otherwise, as for an
 * unknown id).
 */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { notFound } from '~/lib/http-error.server';
import { requireViewer } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { getAttachment, mayDownloadAttachment } from '~/models/attachment.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const id = params.id ?? '';
  const file = (await mayDownloadAttachment(db(), viewer, id)) ? await getAttachment(db(), id) : null;
  if (!file) throw notFound('attachment', request);
  const encoded = encodeURIComponent(file.name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const ascii = file.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return new Response(file.data, {
    headers: {
      'Content-Type': file.mimeType.startsWith('text/') ? `${file.mimeType}; charset=utf-8` : file.mimeType,
      'Content-Length': String(file.size),
      'Content-Disposition': `${file.inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encoded}`,
      'X-Content-Type-Options': 'nosniff',
      // Nothing in a served file may run script in the platform's origin.
      'Content-Security-Policy':
        file.mimeType === 'application/pdf' ? "default-src 'none'; object-src 'self'" : "default-src 'none'; img-src 'self'; media-src 'self'; sandbox",
      'Cache-Control': 'private, max-age=31536000, immutable',
      ETag: `"${file.sha256}"`,
    },
  });
}
