import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireViewerOutsideCertification } from '~/lib/certification-lock.server';
import { db } from '~/lib/db.server';
import { certificateOfLearner } from '~/models/certificate-view.server';
import { certificatePdf } from '~/models/certificate-pdf.server';
import { localeFromRequest } from '~/i18n';

/** The learner's own certificate as a PDF download. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewerOutsideCertification(request);
  const certificate = await certificateOfLearner(db(), viewer, params.id ?? '');
  const bytes = await certificatePdf(certificate, localeFromRequest(request));
  const body = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return new Response(body, {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="certificat-pix-${certificate.verificationCode}.pdf"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
