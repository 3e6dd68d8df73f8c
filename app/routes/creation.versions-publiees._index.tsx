import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { listReleases, publishRelease } from '~/models/release-history.server';
import { WorkflowError, isReviewer } from '~/models/workflow.server';
import { formatDateTime } from '~/components/challenge/ChallengeHeader';
import { creationMessages } from '~/i18n/creation';
import { useLocale, useMessages } from '~/i18n';
import { useRootData } from '~/root';
import authoringStyles from '~/styles/authoring.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: authoringStyles }];

export const meta: MetaFunction = () => [{ title: 'Versions publiées – Création' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'creation');
  return { releases: await listReleases(db()), mayPublish: isReviewer(viewer.roles) };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'creation');
  const form = await requireForm(request, session);
  try {
    const release = await publishRelease(db(), { message: String(form.get('message') ?? ''), userId: session.viewer.id, roles: session.viewer.roles });
    return redirect(`/creation/versions-publiees/${release.number}?publiee=1`);
  } catch (error) {
    if (error instanceof WorkflowError) return data({ error: error.message }, { status: error.code === 'reviewerOnly' ? 403 : 400 });
    throw error;
  }
}

export default function Releases() {
  const { releases, mayPublish } = useLoaderData<typeof loader>();
  const actionData = useActionData() as { error?: string } | undefined;
  const navigation = useNavigation();
  const t = useMessages(creationMessages);
  const locale = useLocale();
  const { csrfToken } = useRootData();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/creation">{t('nav.creation')}</Link>
      </p>
      <h1>{t('releases.title')}</h1>
      <p>{t('releases.intro')}</p>
      {mayPublish ? (
        <Form method="post" className="panel stack wide" aria-labelledby="publish-title">
          <h2 id="publish-title">{t('releases.publish')}</h2>
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <div>
            <label htmlFor="release-message">{t('releases.message')}</label>
            <input
              id="release-message"
              name="message"
              type="text"
              maxLength={500}
              aria-invalid={actionData?.error ? true : undefined}
              aria-describedby={actionData?.error ? 'release-error' : undefined}
            />
            {actionData?.error ? (
              <p className="error-message" id="release-error" role="alert">
                {actionData.error}
              </p>
            ) : null}
          </div>
          <div>
            <button type="submit" className="primary" disabled={navigation.state !== 'idle'}>
              {t('releases.publishButton')}
            </button>
          </div>
        </Form>
      ) : (
        <p className="muted">{t('releases.reviewersOnly')}</p>
      )}
      {releases.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('releases.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('releases.number')}</th>
                <th scope="col">{t('history.date')}</th>
                <th scope="col">{t('history.author')}</th>
                <th scope="col">{t('history.message')}</th>
                <th scope="col">{t('releases.challenges')}</th>
                <th scope="col">{t('releases.changes')}</th>
              </tr>
            </thead>
            <tbody>
              {releases.map((r) => (
                <tr key={r.number} data-testid="release-row">
                  <th scope="row">
                    <Link to={`/creation/versions-publiees/${r.number}`}>n° {r.number}</Link>
                  </th>
                  <td>{formatDateTime(r.createdAt, locale)}</td>
                  <td>{r.createdBy ?? t('releases.system')}</td>
                  <td>{r.message}</td>
                  <td>{r.challenges}</td>
                  <td>
                    {r.previousNumber === null ? (
                      t('releases.first')
                    ) : (
                      <>
                        <span className="change added">
                          +{r.added} {t('releases.added')}
                        </span>
                        , <span className="change changed">{r.changed} {t('releases.changed')}</span>,{' '}
                        <span className="change removed">
                          −{r.removed} {t('releases.removed')}
                        </span>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t('releases.none')}</p>
      )}
    </>
  );
}
