import type { CertificateView } from '~/models/certificate-view.server';
import { useLocale, useMessages } from '~/i18n';
import { fill, formatDay } from '~/i18n/apprenant';
import { certificateMessages } from '~/i18n/certificat';

/** A certificate as people read it: holder, centre, dates, total pix, level per competence, code. */
export function CertificateCard({ certificate, headingLevel }: { certificate: CertificateView; headingLevel: 2 | 3 }) {
  const t = useMessages(certificateMessages);
  const locale = useLocale();
  const day = (iso: string | null) => (iso ? formatDay(iso, locale) : '—');
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <article className="certificate" aria-labelledby="certificate-holder" data-testid="certificate">
      <H id="certificate-holder">
        {certificate.firstName} {certificate.lastName}
      </H>
      <dl>
        <dt>{t('cert.birth')}</dt>
        <dd>
          {day(certificate.birthDate)} {t('cert.birthPlace')} {certificate.birthPlace}
        </dd>
        <dt>{t('cert.centre')}</dt>
        <dd>{certificate.centreName}</dd>
        <dt>{t('cert.taken')}</dt>
        <dd>{day(certificate.takenOn)}</dd>
        <dt>{t('cert.delivered')}</dt>
        <dd>{day(certificate.deliveredAt)}</dd>
        <dt>{t('cert.validUntil')}</dt>
        <dd>{day(certificate.validUntil)}</dd>
        <dt>{t('cert.total')}</dt>
        <dd className="total" data-testid="certificate-pix">
          {fill(t('cert.pix'), { pix: certificate.pixScore })}
        </dd>
        {certificate.measure ? (
          <>
            <dt>{t('cert.measure')}</dt>
            <dd data-testid="certificate-measure">
              {fill(t('cert.measureValue'), {
                theta: certificate.measure.theta.toFixed(2),
                se: certificate.measure.thetaSe.toFixed(2),
                n: certificate.measure.answersCounted,
              })}
            </dd>
          </>
        ) : null}
        <dt>{t('cert.code')}</dt>
        <dd className="code" data-testid="certificate-code">
          {certificate.verificationCode}
        </dd>
      </dl>
      <table>
        <caption style={{ textAlign: 'left', fontWeight: 600, padding: '.25rem 0' }}>{t('cert.competences')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('cert.competence')}</th>
            <th scope="col" style={{ textAlign: 'right' }}>
              {t('cert.level')}
            </th>
            <th scope="col" style={{ textAlign: 'right' }}>
              {t('cert.pixColumn')}
            </th>
          </tr>
        </thead>
        <tbody>
          {certificate.competences.map((c) => (
            <tr key={c.code} data-testid="certificate-competence" data-code={c.code}>
              <th scope="row" style={{ fontWeight: 'normal' }}>
                {c.code} {locale === 'en' ? c.titleEn : c.titleFr}
              </th>
              <td className="level">{c.level > 0 ? c.level : t('cert.notCertified')}</td>
              <td className="level">{c.pix}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {certificate.measure ? <p className="muted">{t('cert.measureHelp')}</p> : null}
    </article>
  );
}
