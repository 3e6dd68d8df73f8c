import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { isReviewer, reviewQueue } from '~/models/workflow.server';
import { fromDbType } from '~/models/challenge.server';
import { formatDateTime } from '~/components/challenge/ChallengeHeader';
import { creationMessages } from '~/i18n/creation';
import { useLocale, useMessages } from '~/i18n';
import authoringStyles from '~/styles/authoring.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: authoringStyles }];

export const meta: MetaFunction = () => [{ title: 'Relecture – Création' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'creation');
  const queue = await reviewQueue(db(), viewer.id);
  return { queue: queue.map((q) => ({ ...q, type: fromDbType(q.type) })), reviewer: isReviewer(viewer.roles) };
}

export default function ReviewQueue() {
  const { queue, reviewer } = useLoaderData<typeof loader>();
  const t = useMessages(creationMessages);
  const locale = useLocale();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/creation">{t('nav.creation')}</Link>
      </p>
      <h1>{t('review.title')}</h1>
      <p>{reviewer ? t('review.introReviewer') : t('review.introAuthor')}</p>
      <p role="status">
        {queue.length} {queue.length > 1 ? t('review.waitingMany') : t('review.waitingOne')}
      </p>
      {queue.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('review.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('list.challenge')}</th>
                <th scope="col">{t('list.skill')}</th>
                <th scope="col">{t('list.type')}</th>
                <th scope="col">{t('list.version')}</th>
                <th scope="col">{t('review.submitted')}</th>
                <th scope="col">{t('comments.title')}</th>
                <th scope="col">{t('history.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {queue.map((q) => (
                <tr key={q.id} data-testid="review-row">
                  <th scope="row">
                    <code>{q.key}</code>
                    {!q.isPrototype ? <span className="muted small"> ({t('challenge.declination')})</span> : null}
                  </th>
                  <td>
                    <code>{q.skill}</code>
                  </td>
                  <td>{q.type}</td>
                  <td>{q.version}</td>
                  <td>
                    {formatDateTime(q.submittedAt, locale)}
                    {q.submittedBy ? <span className="muted small"> · {q.submittedBy}</span> : null}
                  </td>
                  <td>{q.comments}</td>
                  <td>
                    <Link to={`/creation/epreuves/${q.id}/statut`}>
                      {t('review.open')}
                      <span className="visually-hidden"> {q.key}</span>
                    </Link>
                    {q.ownWork ? <p className="muted small">{t('review.ownWork')}</p> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t('review.empty')}</p>
      )}
    </>
  );
}
