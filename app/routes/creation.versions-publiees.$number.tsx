import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { releaseDetail } from '~/models/release-history.server';
import { StatusBadge, formatDateTime } from '~/components/challenge/ChallengeHeader';
import { creationMessages, workbenchMessages } from '~/i18n/creation';
import { useLocale, useMessages } from '~/i18n';
import authoringStyles from '~/styles/authoring.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: authoringStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Version publiée n° ${data?.release.number ?? ''} – Création` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'creation');
  const number = Number(params.number);
  const release = Number.isInteger(number) ? await releaseDetail(db(), number) : null;
  if (!release) throw new Response('Version publiée introuvable', { status: 404 });
  return { release };
}

type Item = { id: string; key: string; skill: string; status: string | null; from: number | null; to: number | null };

export default function ReleaseDetail() {
  const { release } = useLoaderData<typeof loader>();
  const t = useMessages(creationMessages);
  const w = useMessages(workbenchMessages);
  const locale = useLocale();
  const [params] = useSearchParams();
  const section = (id: string, title: string, items: Item[], versions: (i: Item) => string) => (
    <section className="panel" aria-labelledby={id}>
      <h2 id={id}>
        {title} ({items.length})
      </h2>
      {items.length > 0 ? (
        <ul className="release-items">
          {items.map((i) => (
            <li key={i.id}>
              <Link to={`/creation/epreuves/${i.id}`}>{i.key}</Link> <code>{i.skill}</code> · {versions(i)}{' '}
              {i.status ? <StatusBadge status={i.status} /> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">—</p>
      )}
    </section>
  );
  return (
    <>
      <p className="breadcrumb">
        <Link to="/creation">{t('nav.creation')}</Link> › <Link to="/creation/versions-publiees">{t('releases.title')}</Link>
      </p>
      <h1>
        {t('releases.one')} n° {release.number}
      </h1>
      {params.get('publiee') ? (
        <p className="notice success" role="status">
          {t('releases.published')}
        </p>
      ) : null}
      <p>
        « {release.message} » — {formatDateTime(release.createdAt, locale)}
        {release.createdBy ? `, ${release.createdBy}` : ''} · {release.challenges} {t('releases.challenges').toLowerCase()}
      </p>
      {release.kind !== 'MANUAL' ? (
        <p data-testid="release-kind">
          {w(`release.kind.${release.kind}`)}
          {release.restoredFromNumber !== null ? ` · ${w('rollback.of').replace('{n}', String(release.restoredFromNumber))}` : ''}
        </p>
      ) : null}
      <p className="muted">{release.previousNumber === null ? t('releases.first') : `${t('releases.since')} n° ${release.previousNumber}`}</p>
      {section('added', t('releases.addedTitle'), release.added, (i) => `${t('list.version')} ${i.to}`)}
      {section('changed', t('releases.changedTitle'), release.changed, (i) => `${t('list.version')} ${i.from} → ${i.to}`)}
      {section('removed', t('releases.removedTitle'), release.removed, (i) => `${t('releases.wasVersion')} ${i.from}`)}
      {release.kind === 'ROLLBACK' ? (
        <section className="panel" aria-labelledby="authoring" data-testid="authoring-changes">
          <h2 id="authoring">{w('rollback.authoring')}</h2>
          {release.confirmedAt === null ? <p className="notice">{w('rollback.unconfirmed').replace('{n}', String(release.number))}</p> : null}
          {release.authoringChanges.length > 0 ? (
            <ul className="release-items">
              {release.authoringChanges.map((c) => (
                <li key={c.challengeId}>
                  <Link to={`/creation/epreuves/${c.challengeId}`}>{c.key}</Link> · <StatusBadge status={c.from.status as 'valide'} /> →{' '}
                  <StatusBadge status={c.to.status as 'valide'} />
                  {c.to.liveVersion !== null ? ` · ${t('list.version')} ${c.to.liveVersion}` : ''}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{w('rollback.authoringNone')}</p>
          )}
          {release.skillChanges.length > 0 ? (
            <>
              <h3>{w('rollback.skills')}</h3>
              <ul className="release-items" data-testid="skill-changes">
                {release.skillChanges.map((c) => (
                  <li key={c.skillId}>
                    {c.name} · {w(`rollback.skillStatus.${c.from.status}` as 'rollback.skillStatus.actif')} →{' '}
                    {w(`rollback.skillStatus.${c.to.status}` as 'rollback.skillStatus.actif')}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
