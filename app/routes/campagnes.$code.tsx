import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { requireForm, requireViewer } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { learnerCampaign, shareParticipation, startParticipation } from '~/models/campaign.server';
import { requestAggregateRefresh } from '~/models/campaign-jobs.server';
import { normalizeCode } from '../../engine/framework';
import { Csrf } from '~/components/orga/Csrf';
import { Mastery } from '~/components/orga/Stars';
import { frDate } from '~/i18n/orga';
import orgaStyles from '~/styles/orga.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: orgaStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.campaign.title ?? data?.campaign.name ?? 'Campagne'} – Pix Workbench` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const view = await learnerCampaign(db(), viewer.id, normalizeCode(params.code ?? ''));
  if (!view) throw new Response(`Aucune campagne n’a le code ${params.code}. Vérifiez-le auprès de votre enseignant.`, { status: 404 });
  return view;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireViewer(request);
  const form = await requireForm(request, session);
  const code = normalizeCode(params.code ?? '');
  const intent = form.get('intent');
  if (intent === 'start') {
    const result = await startParticipation(db(), session.viewer.id, code, String(form.get('externalId') ?? '') || null);
    return result.ok ? { ok: true, message: 'Votre participation est enregistrée : voici vos résultats.' } : { ok: false, error: result.error };
  }
  if (intent === 'share') {
    const result = await shareParticipation(db(), session.viewer.id, code);
    if (!result.ok) return { ok: false, error: result.error };
    // The worker refreshes the campaign's aggregate; without Redis the dashboards recompute it when read.
    await requestAggregateRefresh(result.campaignId);
    return { ok: true, message: 'Vos résultats ont été envoyés à votre organisation. Merci !' };
  }
  throw new Response('Action inconnue', { status: 400 });
}

export default function CampaignForLearner() {
  const { campaign, participation, results, canRetry, retryFrom } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <>
      <p><Link to="/campagnes">← J’ai un autre code</Link></p>
      <h1>{campaign.title ?? campaign.name}</h1>
      <p>Campagne proposée par {campaign.organisation} · code <span className="code">{campaign.code}</span></p>
      {data && 'message' in data ? <p role="status" className="notice success">{data.message}</p> : null}
      {data && 'error' in data ? <p role="alert" className="notice error">{data.error}</p> : null}
      {!participation ? (
        <section className="panel" aria-labelledby="landing-title">
          <h2 id="landing-title">Présentation</h2>
          {campaign.landingText ? campaign.landingText.split(/\n+/).map((p, i) => <p key={i}>{p}</p>) : <p>Votre organisation vous invite à participer à cette campagne.</p>}
          <p>
            {campaign.type === 'PROFILES_COLLECTION'
              ? 'En participant, vous enverrez votre profil de compétences actuel à votre organisation.'
              : 'Vos acquis déjà validés dans votre profil comptent : ils ne vous seront pas redemandés.'}
          </p>
          {campaign.archived ? <p className="notice">Cette campagne est archivée : elle n’accepte plus de participants.</p> : (
            <Form method="post">
              <Csrf />
              {campaign.externalIdLabel ? <p><label htmlFor="externalId">{campaign.externalIdLabel}</label><br /><input id="externalId" name="externalId" required maxLength={255} /></p> : null}
              <button type="submit" name="intent" value="start">Je commence</button>
            </Form>
          )}
        </section>
      ) : null}
      {participation && results ? (
        <section className="panel" aria-labelledby="results-title">
          <h2 id="results-title">Vos résultats</h2>
          <p>Maîtrise des acquis de la campagne : <Mastery percent={results.masteryPercent} /> ({results.validated} acquis validés)</p>
          {results.stage ? <p>Palier atteint : <strong>{results.stage.title}</strong> ({results.stage.index} sur {results.stage.count}){results.stage.message ? ` — ${results.stage.message}` : ''}</p> : null}
          {results.badges.length ? <p>Badges obtenus : {results.badges.join(', ')}</p> : null}
          <table className="orga-table">
            <caption>Maîtrise par compétence</caption>
            <thead><tr><th scope="col">Compétence</th><th scope="col">Acquis validés</th><th scope="col">Maîtrise</th></tr></thead>
            <tbody>{results.competences.map((c) => <tr key={c.title}><td>{c.title}</td><td>{c.validated} / {c.targeted}</td><td>{c.percent} %</td></tr>)}</tbody>
          </table>
          {participation.status === 'SHARED' ? (
            <p className="notice success">Résultats envoyés le {frDate(participation.sharedAt!)}.</p>
          ) : (
            <Form method="post">
              <Csrf />
              <button type="submit" name="intent" value="share">Envoyer mes résultats</button>
            </Form>
          )}
          {canRetry ? (
            <Form method="post"><Csrf /><button type="submit" name="intent" value="start">Repasser la campagne</button></Form>
          ) : retryFrom ? <p>Vous pourrez repasser cette campagne à partir du {frDate(retryFrom)}.</p> : null}
        </section>
      ) : null}
    </>
  );
}
