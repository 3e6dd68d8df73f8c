import { clientAddress } from '~/lib/client-address.server';
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useLoaderData, useNavigation } from '@remix-run/react';
import { db } from '~/lib/db.server';
import { verifyCertificate } from '~/models/certificate-view.server';
import { useLocale, useMessages } from '~/i18n';
import { fill, formatDay } from '~/i18n/apprenant';
import { certificateMessages } from '~/i18n/certificat';
import { CertificateCard } from '~/components/certificat/CertificateCard';
import certificateStyles from '~/styles/certificat.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: certificateStyles }];

export const meta: MetaFunction = () => [{ title: 'Vérifier un certificat Pix – Pix Workbench' }];

/** Public: anyone types a code and sees that certificate, and nothing else (lookups rate-limited by address). */
export async function loader({ request }: LoaderFunctionArgs) {
  const code = new URL(request.url).searchParams.get('code');
  if (code === null || code.trim() === '') return { code: code ?? '', result: null };
  const ip = clientAddress(request);
  const result = await verifyCertificate(db(), code.slice(0, 40), ip);
  return { code: code.slice(0, 40), result, now: new Date().toISOString() };
}

export default function Verification() {
  const data = useLoaderData<typeof loader>();
  const t = useMessages(certificateMessages);
  const locale = useLocale();
  const busy = useNavigation().state === 'loading';
  const result = data.result;
  const failed = result && !result.ok ? result.reason : null;
  return (
    <>
      <h1>{t('verif.title')}</h1>
      <p>{t('verif.intro')}</p>
      <Form method="get" className="panel verification-form" role="search">
        <div>
          <label htmlFor="code">{t('verif.code')}</label>
          <p id="code-hint" className="muted small" style={{ margin: 0 }}>
            {t('verif.hint')}
          </p>
          <input
            id="code"
            name="code"
            defaultValue={data.code}
            autoComplete="off"
            spellCheck={false}
            maxLength={40}
            required
            aria-describedby={failed ? 'code-hint code-error' : 'code-hint'}
            aria-invalid={failed ? true : undefined}
          />
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {t('verif.submit')}
        </button>
      </Form>
      {failed ? (
        <p id="code-error" className="notice error" role="alert">
          {t(`verif.${failed}`)}
        </p>
      ) : null}
      {result && result.ok ? (
        <section aria-labelledby="verified">
          <h2 id="verified" className="notice success" role="status" style={{ fontSize: '1.1rem' }}>
            {t('verif.found')}
          </h2>
          {'now' in data && data.now && result.certificate.validUntil < data.now ? (
            <p className="notice error">{fill(t('verif.expired'), { date: formatDay(result.certificate.validUntil, locale) })}</p>
          ) : null}
          <CertificateCard certificate={result.certificate} headingLevel={3} />
        </section>
      ) : null}
    </>
  );
}
