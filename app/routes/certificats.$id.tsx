import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireViewerOutsideCertification } from '~/lib/certification-lock.server';
import { db } from '~/lib/db.server';
import { certificateOfLearner } from '~/models/certificate-view.server';
import { useMessages } from '~/i18n';
import { certificateMessages } from '~/i18n/certificat';
import { CertificateCard } from '~/components/certificat/CertificateCard';
import certificateStyles from '~/styles/certificat.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: certificateStyles }];

export const meta: MetaFunction = () => [{ title: 'Mon certificat Pix – Pix Workbench' }];

/** The learner's own published certificate; anybody else's is "not found". */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewerOutsideCertification(request);
  const certificate = await certificateOfLearner(db(), viewer, params.id ?? '');
  return { certificate };
}

export default function CertificatePage() {
  const { certificate } = useLoaderData<typeof loader>();
  const t = useMessages(certificateMessages);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/profil">{t('cert.back')}</Link>
      </p>
      <h1>{t('cert.title')}</h1>
      <CertificateCard certificate={certificate} headingLevel={2} />
      <p>
        <a className="button" href={`/certificats/${certificate.id}/pdf`} download>
          {t('cert.download')}
        </a>
      </p>
      <p className="muted">
        {t('cert.shareHint').split('{url}')[0]}
        <Link to="/verification">{t('cert.shareLink')}</Link>
        {t('cert.shareHint').split('{url}')[1] ?? ''}
      </p>
    </>
  );
}
