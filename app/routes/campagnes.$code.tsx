/**
 * A campaign for the learner (the code's page and the direct link): landing text → start → the
 * adaptive campaign test (/campagnes/CODE/evaluation) → results with mastery and stars, stages and
 * badges → sending to the organisation (or automatic sending) → retry 4 days later where allowed.
 * A profile collection: the learner sends their profile.
 */
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, redirect, useActionData, useLoaderData } from '@remix-run/react';
import { requireForm } from '~/lib/session.server';
import { requireViewerOutsideCertification } from '~/lib/certification-lock.server';
import { isLearnerOnly } from '~/lib/roles';
import { db } from '~/lib/db.server';
import { learnerCampaign, shareParticipation, startParticipation } from '~/models/campaign.server';
import { learnerCampaignByAddress } from '~/models/campaign-code-lookup.server';
import { clientAddress } from '~/lib/client-address.server';
import { requestAggregateRefresh } from '~/lib/queues.server';
import { PositioningError } from '~/models/positioning-error.server';
import { normalizeCode } from '../../engine/framework';
import { Csrf } from '~/components/orga/Csrf';
import { Mastery } from '~/components/orga/Stars';
import { localeFromRequest, messagesFor, useLocale, useMessages, useTitle } from '~/i18n';
import { campaignMessages } from '~/i18n/campagne';
import { fill, formatDay } from '~/i18n/apprenant';
import orgaStyles from '~/styles/orga.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: orgaStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.campaign.title ?? data?.campaign.name ?? 'Campagne'} – Pix Workbench` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewerOutsideCertification(request);
  const code = normalizeCode(params.code ?? '');
  const view = await learnerCampaignByAddress(db(), { userId: viewer.id, code, ip: clientAddress(request), now: new Date() });
  if (!view || view === 'rate_limited') {
    const t = messagesFor(campaignMessages, request);
    if (view === 'rate_limited') throw new Response(t('code.error.rate_limited'), { status: 429 });
    throw new Response(fill(t('code.error.unknown'), { code }), { status: 404 });
  }
  // Only a learner account joins (the server refuses the others anyway, in startParticipation).
  return { ...view, canJoin: isLearnerOnly(viewer) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireViewerOutsideCertification(request);
  const form = await requireForm(request, session);
  const code = normalizeCode(params.code ?? '');
  const intent = form.get('intent');
  const t = messagesFor(campaignMessages, request);
  if (intent === 'start') {
    let result;
    try {
      result = await startParticipation(db(), session.viewer.id, code, String(form.get('externalId') ?? '') || null, new Date(), {
        locale: localeFromRequest(request),
        answers: { birthDate: isoDateOrNull(form.get('birthDate')), studentNumber: String(form.get('studentNumber') ?? '').trim() || null },
      });
    } catch (error) {
      if (error instanceof PositioningError && error.code === 'no_release') return { ok: false, error: t('error.no_release') };
      throw error;
    }
    if (!result.ok) {
      const view = await learnerCampaign(db(), session.viewer.id, code);
      // Finding the learner on the class list may need their birth date, then their student number: the form asks, keeping what was typed.
      const asked = [
        form.get('birthDate') !== null || result.code.startsWith('birth_date') ? 'birthDate' : null,
        result.code.startsWith('student_number') ? 'studentNumber' : null,
      ];
      return {
        ok: false,
        error: fill(t(`error.${result.code}`), { label: view?.campaign.externalIdLabel ?? '' }),
        ask: asked.filter((a): a is 'birthDate' | 'studentNumber' => a !== null),
        typed: {
          externalId: String(form.get('externalId') ?? ''),
          birthDate: String(form.get('birthDate') ?? ''),
          studentNumber: String(form.get('studentNumber') ?? ''),
        },
      };
    }
    if (result.testing) return redirect(`/campagnes/${code}/evaluation`);
    return { ok: true, message: t('message.started') };
  }
  if (intent === 'share') {
    const result = await shareParticipation(db(), session.viewer.id, code);
    if (!result.ok) return { ok: false, error: t(`error.${result.code}`) };
    // The worker refreshes the campaign's aggregate; without Redis the dashboards recompute it when read.
    await requestAggregateRefresh(result.campaignId);
    return { ok: true, message: t('message.shared') };
  }
  throw new Response('Action inconnue', { status: 400 });
}

/** A yyyy-mm-dd date from a date field, or null. */
function isoDateOrNull(value: FormDataEntryValue | null): string | null {
  const s = String(value ?? '').trim();
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : null;
}

export default function CampaignForLearner() {
  const { campaign, participation, results, canRetry, retryFrom, canJoin } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useMessages(campaignMessages);
  const title = useTitle();
  const locale = useLocale();
  const assessment = campaign.type === 'ASSESSMENT';
  const testing = participation?.status === 'STARTED';
  const ask = data && 'ask' in data ? data.ask : [];
  const typed = data && 'typed' in data ? data.typed : null;
  return (
    <>
      <p>
        <Link to="/campagnes">{t('campaign.other')}</Link>
      </p>
      <h1>{campaign.title ?? campaign.name}</h1>
      <p>
        {fill(t('campaign.by'), { organisation: campaign.organisation })} <span className="code">{campaign.code}</span>
      </p>
      {data && 'message' in data ? (
        <p role="status" className="notice success">
          {data.message}
        </p>
      ) : null}
      {data && 'error' in data ? (
        <p role="alert" className="notice error">
          {data.error}
        </p>
      ) : null}
      {!participation ? (
        <section className="panel" aria-labelledby="landing-title">
          <h2 id="landing-title">{t('campaign.landing')}</h2>
          {campaign.landingText ? campaign.landingText.split(/\n+/).map((p, i) => <p key={i}>{p}</p>) : <p>{t('campaign.defaultLanding')}</p>}
          <p>{assessment ? t('campaign.assessmentHint') : t('campaign.collectionHint')}</p>
          {campaign.archived ? (
            <p className="notice">{t('campaign.archived')}</p>
          ) : !canJoin ? (
            <p role="alert" className="notice error" data-testid="not-learner">
              {t('error.not_learner')}
            </p>
          ) : (
            <Form method="post">
              <Csrf />
              {campaign.externalIdLabel ? (
                <p>
                  <label htmlFor="externalId">{campaign.externalIdLabel}</label>
                  <br />
                  <input id="externalId" name="externalId" required maxLength={255} defaultValue={typed?.externalId} />
                </p>
              ) : null}
              {ask.includes('birthDate') ? (
                <p>
                  <label htmlFor="birthDate">{t('campaign.birthDate')}</label>
                  <br />
                  <input id="birthDate" name="birthDate" type="date" required defaultValue={typed?.birthDate} />
                </p>
              ) : null}
              {ask.includes('studentNumber') ? (
                <p>
                  <label htmlFor="studentNumber">{t('campaign.studentNumber')}</label>
                  <br />
                  <input id="studentNumber" name="studentNumber" required maxLength={64} autoComplete="off" defaultValue={typed?.studentNumber} />
                </p>
              ) : null}
              <button type="submit" name="intent" value="start">
                {t('campaign.start')}
              </button>
            </Form>
          )}
        </section>
      ) : null}
      {testing ? (
        <section className="panel" aria-labelledby="resume-title">
          <h2 id="resume-title">{t('campaign.resumeTitle')}</h2>
          <p>{t('campaign.resumeText')}</p>
          <p>
            <Link className="button" to={`/campagnes/${campaign.code}/evaluation`}>
              {t('campaign.resume')}
            </Link>
          </p>
        </section>
      ) : null}
      {participation && !testing && results ? (
        <section className="panel" aria-labelledby="results-title">
          <h2 id="results-title">{assessment ? t('campaign.results') : t('campaign.profileTitle')}</h2>
          {assessment ? (
            <>
              <p data-testid="campaign-mastery">
                {t('campaign.mastery')} <Mastery percent={results.masteryPercent} /> {fill(t('campaign.validated'), { n: results.validated })}
              </p>
              {results.stage ? (
                <p>
                  {fill(t('campaign.stage'), { title: results.stage.title, index: results.stage.index, count: results.stage.count })}
                  {results.stage.message ? ` — ${results.stage.message}` : ''}
                </p>
              ) : null}
              {results.badges.length ? <p>{fill(t('campaign.badges'), { list: results.badges.join(', ') })}</p> : null}
            </>
          ) : (
            <p>{t('campaign.profileText')}</p>
          )}
          <table className="orga-table">
            <caption>{t('campaign.byCompetence')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('campaign.competence')}</th>
                <th scope="col">{t('campaign.validatedSkills')}</th>
                <th scope="col">{t('campaign.masteryColumn')}</th>
              </tr>
            </thead>
            <tbody>
              {results.competences.map((c) => (
                <tr key={c.code}>
                  <td>
                    {c.code} {title(c.title)}
                  </td>
                  <td>
                    {c.validated} / {c.targeted}
                  </td>
                  <td>{c.percent} %</td>
                </tr>
              ))}
            </tbody>
          </table>
          {participation.status === 'SHARED' ? (
            <p className="notice success">
              {campaign.autoShare ? `${t('campaign.autoSent')} ` : ''}
              {fill(t('campaign.sentOn'), { date: formatDay(participation.sharedAt!, locale) })}
            </p>
          ) : (
            <Form method="post">
              <Csrf />
              <button type="submit" name="intent" value="share">
                {assessment ? t('campaign.send') : t('campaign.sendProfile')}
              </button>
            </Form>
          )}
          {canRetry && canJoin ? (
            <Form method="post">
              <Csrf />
              <button type="submit" name="intent" value="start">
                {t('campaign.retry')}
              </button>
            </Form>
          ) : retryFrom ? (
            <p>{fill(t('campaign.retryFrom'), { date: formatDay(retryFrom, locale) })}</p>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
