import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { confirmRollback, listReleases, publishRelease, releasePreview, rollbackRelease, type PreviewItem } from '~/models/release-history.server';
import { WorkflowError, isReviewer } from '~/models/workflow.server';
import { formatDateTime } from '~/components/challenge/ChallengeHeader';
import { creationMessages, workbenchMessages } from '~/i18n/creation';
import { useLocale, useMessages } from '~/i18n';
import { useRootData } from '~/root';
import authoringStyles from '~/styles/authoring.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: authoringStyles }];

export const meta: MetaFunction = () => [{ title: 'Versions publiées – Création' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'creation');
  const mayPublish = isReviewer(viewer.roles);
  const [releases, preview] = await Promise.all([listReleases(db()), mayPublish ? releasePreview(db()) : Promise.resolve(null)]);
  return { releases, preview, mayPublish, mayRollback: viewer.roles.includes('ADMIN') };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'creation');
  const form = await requireForm(request, session);
  const intent = String(form.get('intent') ?? 'publish');
  try {
    if (intent === 'rollback') {
      const release = await rollbackRelease(db(), {
        toNumber: Number(form.get('target') ?? ''),
        reason: String(form.get('reason') ?? ''),
        userId: session.viewer.id,
        roles: session.viewer.roles,
      });
      return redirect(`/creation/versions-publiees/${release.number}?publiee=1`);
    }
    if (intent === 'confirm') {
      await confirmRollback(db(), { number: Number(form.get('number') ?? ''), userId: session.viewer.id, roles: session.viewer.roles });
      return redirect('/creation/versions-publiees?confirme=1');
    }
    const release = await publishRelease(db(), {
      message: String(form.get('message') ?? ''),
      userId: session.viewer.id,
      roles: session.viewer.roles,
      previewToken: String(form.get('previewToken') ?? ''),
    });
    return redirect(`/creation/versions-publiees/${release.number}?publiee=1`);
  } catch (error) {
    if (error instanceof WorkflowError) return data({ intent, error: error.message }, { status: error.code === 'reviewerOnly' ? 403 : 400 });
    throw error;
  }
}

function PreviewList({ title, items, testId }: { title: string; items: PreviewItem[]; testId: string }) {
  const w = useMessages(workbenchMessages);
  if (items.length === 0) return null;
  return (
    <>
      <h3>
        {title} ({items.length})
      </h3>
      <ul data-testid={testId}>
        {items.map((i) => (
          <li key={i.id}>
            <Link to={`/creation/epreuves/${i.id}`}>{i.key}</Link> <span className="muted small">{i.skill}</span>
            {i.from !== null && i.to !== null ? ` · v${i.from} → v${i.to}` : i.to !== null ? ` · v${i.to}` : ''}
            {i.calibratedLeaving ? <strong> · {w('preview.calibratedLeaving')}</strong> : null}
          </li>
        ))}
      </ul>
    </>
  );
}

export default function Releases() {
  const { releases, preview, mayPublish, mayRollback } = useLoaderData<typeof loader>();
  const loaded = useActionData() as { intent?: string; error?: string } | undefined;
  const actionData = loaded?.intent === 'rollback' ? undefined : loaded;
  const rollbackError = loaded?.intent === 'rollback' ? loaded.error : undefined;
  const w = useMessages(workbenchMessages);
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
      <p className="muted small">{w('release.nightly')}</p>
      {mayPublish ? (
        <Form method="post" className="panel stack wide" aria-labelledby="publish-title">
          <h2 id="publish-title">{t('releases.publish')}</h2>
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <input type="hidden" name="intent" value="publish" />
          {preview ? (
            <section aria-labelledby="preview-title" data-testid="release-preview">
              <h3 id="preview-title">{preview.inForce ? w('preview.title').replace('{n}', String(preview.inForce.number)) : w('preview.firstTitle')}</h3>
              {preview.inForce && preview.inForce.kind === 'ROLLBACK' && !preview.inForce.confirmed ? (
                <p className="notice">{w('preview.rollbackInForce').replace('{n}', String(preview.inForce.restoredFromNumber ?? ''))}</p>
              ) : null}
              {preview.added.length + preview.changed.length + preview.removed.length === 0 ? <p className="muted">{w('preview.nothing')}</p> : null}
              {preview.calibratedLeaving.length > 0 ? (
                <p className="notice" role="status">
                  {w('preview.calibratedWarning').replace('{count}', String(preview.calibratedLeaving.length))}
                </p>
              ) : null}
              <PreviewList title={t('releases.addedTitle')} items={preview.added} testId="preview-added" />
              <PreviewList title={t('releases.changedTitle')} items={preview.changed} testId="preview-changed" />
              <PreviewList title={t('releases.removedTitle')} items={preview.removed} testId="preview-removed" />
              <input type="hidden" name="previewToken" value={preview.token} />
            </section>
          ) : null}
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
      {mayRollback && releases.length > 1 ? (
        <Form method="post" className="panel stack wide" aria-labelledby="rollback-title">
          <h2 id="rollback-title">{w('rollback.title')}</h2>
          <p className="muted small">{w('rollback.intro')}</p>
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <input type="hidden" name="intent" value="rollback" />
          <div>
            <label htmlFor="rollback-target">{w('rollback.target')}</label>
            <select id="rollback-target" name="target">
              {releases.slice(1).map((r) => (
                <option key={r.number} value={r.number}>
                  n° {r.number} — {r.message.slice(0, 60)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="rollback-reason">{w('rollback.reason')}</label>
            <input
              id="rollback-reason"
              name="reason"
              type="text"
              maxLength={500}
              aria-invalid={rollbackError ? true : undefined}
              aria-describedby={rollbackError ? 'rollback-error' : undefined}
            />
            {rollbackError ? (
              <p className="error-message" id="rollback-error" role="alert">
                {rollbackError}
              </p>
            ) : null}
          </div>
          <div>
            <button type="submit" className="danger" disabled={navigation.state !== 'idle'}>
              {w('rollback.button')}
            </button>
          </div>
        </Form>
      ) : !mayRollback && releases.length > 1 ? (
        <p className="muted small">{w('rollback.adminsOnly')}</p>
      ) : null}
      {mayPublish && releases[0]?.kind === 'ROLLBACK' && !releases[0].confirmedAt ? (
        <Form method="post" className="panel stack wide" aria-labelledby="confirm-title">
          <h2 id="confirm-title">{w('rollback.confirmTitle')}</h2>
          <p>{w('rollback.unconfirmed').replace('{n}', String(releases[0].number))}</p>
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <input type="hidden" name="intent" value="confirm" />
          <input type="hidden" name="number" value={releases[0].number} />
          <div>
            <button type="submit" className="secondary" disabled={navigation.state !== 'idle'}>
              {w('rollback.confirmButton')}
            </button>
          </div>
        </Form>
      ) : null}
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
                  <td>
                    {r.message}
                    {r.kind !== 'MANUAL' ? (
                      <>
                        <br />
                        <span className="muted small">
                          {w(`release.kind.${r.kind}`)}
                          {r.restoredFromNumber !== null ? ` · ${w('rollback.of').replace('{n}', String(r.restoredFromNumber))}` : ''}
                        </span>
                      </>
                    ) : null}
                  </td>
                  <td>{r.challenges}</td>
                  <td>
                    {r.previousNumber === null ? (
                      t('releases.first')
                    ) : (
                      <>
                        <span className="change added">
                          +{r.added} {t('releases.added')}
                        </span>
                        ,{' '}
                        <span className="change changed">
                          {r.changed} {t('releases.changed')}
                        </span>
                        ,{' '}
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
