import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { requireForm } from '~/lib/session.server';
import { requireLearnerSpace } from '~/lib/certification-lock.server';
import { db } from '~/lib/db.server';
import { learnerProfile } from '~/models/profile.server';
import { setUserTutorial, tutorialFormIntent } from '~/models/learner-tutorials.server';
import { localeFromRequest, useMessages, useTitle } from '~/i18n';
import { fill, formatDay, learnerMessages } from '~/i18n/apprenant';
import { campaignMessages } from '~/i18n/campagne';
import { useRootData } from '~/root';
import { TutorialItem } from '~/components/learner/TutorialItem';
import { certificatesOfUser, unsuccessfulCertificationsOf } from '~/models/certificate-view.server';
import { certificateMessages } from '~/i18n/certificat';
import learnerStyles from '~/styles/learner.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: learnerStyles }];

export const meta: MetaFunction = () => [{ title: 'Mon profil – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireLearnerSpace(request);
  const locale = localeFromRequest(request);
  const [profile, certificates, unsuccessful] = await Promise.all([
    learnerProfile(viewer.id, new Date()),
    certificatesOfUser(db(), viewer.id),
    unsuccessfulCertificationsOf(db(), viewer.id),
  ]);
  return {
    unsuccessful: unsuccessful.map((c) => ({
      id: c.id,
      status: c.status,
      publishedAt: formatDay(c.publishedAt, locale),
      takenOn: c.takenOn ? formatDay(c.takenOn, locale) : '—',
      centreName: c.centreName,
    })),
    firstName: viewer.firstName,
    certificates: certificates.map((c) => ({
      id: c.id,
      pixScore: c.pixScore,
      deliveredAt: formatDay(c.deliveredAt, locale),
      validUntil: formatDay(c.validUntil, locale),
    })),
    profile: {
      ...profile,
      competences: profile.competences.map((c) => ({
        ...c,
        improveFrom: c.improveFrom ? formatDay(c.improveFrom, locale) : null,
        resetFrom: c.resetFrom ? formatDay(c.resetFrom, locale) : null,
      })),
    },
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireLearnerSpace(request);
  const form = await requireForm(request, session);
  const tutorial = tutorialFormIntent(form);
  if (!tutorial) throw new Response('Action inconnue', { status: 400 });
  const found = await setUserTutorial(db(), { userId: session.viewer.id, ...tutorial });
  if (!found) throw new Response('Tutoriel introuvable', { status: 404 });
  return { ok: true };
}

export default function Profile() {
  const { profile, firstName, certificates, unsuccessful } = useLoaderData<typeof loader>();
  const t = useMessages(learnerMessages);
  const tc = useMessages(campaignMessages);
  const tcert = useMessages(certificateMessages);
  const title = useTitle();
  const { csrfToken } = useRootData();
  const [params] = useSearchParams();
  const resetCode = params.get('remise-a-zero');
  const areas = [...new Map(profile.competences.map((c) => [c.area.code, c.area])).values()];
  const withLevel = profile.competences.filter((c) => c.level >= 1).map((c) => c.code);
  return (
    <>
      <h1>{t('profile.title')}</h1>
      <p>
        <Link to="/campagnes">{tc('code.title')}</Link> — {tc('code.profileHint')}
      </p>
      <p>
        <Link to="/certification">{tcert('cert.take')}</Link> — {tcert('cert.takeHint')}
      </p>
      {resetCode ? (
        <p className="notice success" role="status">
          {fill(t('profile.resetDone'), { code: resetCode })}
        </p>
      ) : null}
      <section className="panel profile-summary" aria-label={fill(t('profile.hello'), { name: firstName })}>
        <div>
          <p className="muted" style={{ margin: 0 }}>
            {fill(t('profile.hello'), { name: firstName })}
          </p>
          <p className="total-pix" data-testid="total-pix">
            {fill(t('profile.totalPix'), { pix: profile.totalPix })}
          </p>
          <p className="muted" style={{ margin: 0 }}>
            {fill(t('profile.totalPixOf'), { max: profile.maxPix })}
          </p>
        </div>
        <div style={{ flex: '1 1 20rem' }}>
          <p data-testid="certifiability" style={{ margin: 0 }}>
            {profile.certifiability.certifiable ? t('profile.certifiable') : fill(t('profile.notCertifiable'), { n: profile.certifiability.missingCount })}
          </p>
          {withLevel.length > 0 && !profile.certifiability.certifiable ? (
            <p className="muted small" style={{ margin: 0 }}>
              {fill(t('profile.certifiableWith'), { list: withLevel.join(', ') })}
            </p>
          ) : null}
        </div>
      </section>

      {certificates.length > 0 || unsuccessful.length > 0 ? (
        <section className="panel" aria-labelledby="certificates" data-testid="profile-certificates">
          <h2 id="certificates">{tcert('cert.mine')}</h2>
          <p className="muted">{tcert('cert.mineIntro')}</p>
          <ul>
            {certificates.map((c) => (
              <li key={c.id}>
                <Link to={`/certificats/${c.id}`}>{fill(tcert('cert.open'), { date: c.deliveredAt })}</Link> :{' '}
                {fill(tcert('cert.summary'), { pix: c.pixScore, date: c.deliveredAt, until: c.validUntil })}
              </li>
            ))}
            {unsuccessful.map((c) => (
              <li key={c.id} data-testid="unsuccessful-certification">
                {fill(tcert('cert.unsuccessfulLine'), {
                  status: tcert(`cert.unsuccessful.${c.status}`),
                  taken: c.takenOn,
                  centre: c.centreName,
                  date: c.publishedAt,
                })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {areas.map((area) => (
        <section key={area.code} className="area" aria-labelledby={`area-${area.code}`}>
          <h2 id={`area-${area.code}`}>
            {area.code}. {title(area)}
          </h2>
          <ul className="grid" role="list" style={{ padding: 0 }}>
            {profile.competences
              .filter((c) => c.area.code === area.code)
              .map((c) => (
                <li key={c.code} className="card competence-card" style={{ listStyle: 'none' }} data-testid="profile-competence" data-code={c.code}>
                  <h3>
                    <span className="code">{c.code}</span> {title(c)}
                  </h3>
                  <p className="level-line">
                    {fill(t('profile.level'), { level: c.level })} · {fill(t('profile.pix'), { pix: c.pix })}
                  </p>
                  <label htmlFor={`progress-${c.code}`} className="muted small" style={{ fontWeight: 'normal', margin: 0 }}>
                    {c.level >= profile.maxLevel ? t('profile.maxLevel') : fill(t('profile.toNext'), { n: c.pixToNextLevel, level: c.level + 1 })}
                  </label>
                  <progress
                    id={`progress-${c.code}`}
                    className="bar"
                    max={1}
                    value={c.progress}
                    aria-label={fill(t('profile.progressLabel'), { level: Math.min(c.level + 1, profile.maxLevel), code: c.code })}
                  />
                  <div className="competence-actions">
                    {c.state === 'started' ? (
                      <>
                        <Link
                          className="button"
                          to={`/competences/${c.code}/evaluation`}
                          aria-label={`${t('profile.resume')} : ${fill(t('profile.actionsOf'), { code: c.code })}`}
                        >
                          {t('profile.resume')}
                        </Link>
                        {c.answered > 0 ? <span className="delay">{fill(t('profile.resumeAt'), { n: c.answered })}</span> : null}
                      </>
                    ) : null}
                    {c.state === 'new' || c.canImprove ? (
                      <Form method="post" action={`/competences/${c.code}/evaluation`}>
                        <input type="hidden" name="csrf" value={csrfToken ?? ''} />
                        <input type="hidden" name="intent" value="start" />
                        <button
                          type="submit"
                          className={c.state === 'new' ? 'primary' : 'secondary'}
                          aria-label={`${c.state === 'new' ? t('profile.start') : t('profile.improve')} : ${fill(t('profile.actionsOf'), { code: c.code })}`}
                        >
                          {c.state === 'new' ? t('profile.start') : t('profile.improve')}
                        </button>
                      </Form>
                    ) : null}
                    {c.hasResults ? (
                      <Link to={`/competences/${c.code}/resultats`} aria-label={`${t('profile.results')} : ${fill(t('profile.actionsOf'), { code: c.code })}`}>
                        {t('profile.results')}
                      </Link>
                    ) : null}
                    {c.canReset && c.state !== 'new' ? (
                      <Link
                        to={`/competences/${c.code}/remise-a-zero`}
                        className="small"
                        aria-label={`${t('profile.reset')} : ${fill(t('profile.actionsOf'), { code: c.code })}`}
                      >
                        {t('profile.reset')}
                      </Link>
                    ) : null}
                  </div>
                  {c.improveFrom && c.state === 'completed' ? <p className="delay">{fill(t('profile.improveFrom'), { date: c.improveFrom })}</p> : null}
                  {c.resetFrom ? <p className="delay">{fill(t('profile.resetFrom'), { date: c.resetFrom })}</p> : null}
                </li>
              ))}
          </ul>
        </section>
      ))}

      {profile.recommended.length > 0 ? (
        <section className="area" aria-labelledby="recommended">
          <h2 id="recommended">{t('profile.recommended')}</h2>
          <p className="muted">{t('profile.recommendedIntro')}</p>
          <ul className="tutorial-list">
            {profile.recommended.map((tutorial) => (
              <TutorialItem key={tutorial.id} tutorial={tutorial} />
            ))}
          </ul>
        </section>
      ) : null}

      <section className="area" aria-labelledby="saved">
        <h2 id="saved">{t('profile.saved')}</h2>
        {profile.saved.length > 0 ? (
          <ul className="tutorial-list" data-testid="saved-tutorials">
            {profile.saved.map((tutorial) => (
              <TutorialItem key={tutorial.id} tutorial={tutorial} />
            ))}
          </ul>
        ) : (
          <p className="muted">{t('profile.savedEmpty')}</p>
        )}
      </section>
    </>
  );
}
