import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { notFound, unknownAction } from '~/lib/http-error.server';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { ChallengeError, EDITABLE_STATUSES, diffVersions, getChallenge, listVersions, restoreVersion } from '~/models/challenge.server';
import { ChallengeHeader, formatDateTime } from '~/components/challenge/ChallengeHeader';
import { DiffView } from '~/components/challenge/DiffView';
import { creationMessages } from '~/i18n/creation';
import { useLocale, useMessages } from '~/i18n';
import { useRootData } from '~/root';
import authoringStyles from '~/styles/authoring.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: authoringStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Historique de ${data?.challenge.key ?? ''} – Création` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'creation');
  const challenge = await getChallenge(db(), params.id ?? '');
  if (!challenge || !challenge.version) throw notFound('challenge');
  const versions = await listVersions(db(), challenge.id);
  const search = new URL(request.url).searchParams;
  const current = challenge.version.number;
  const from = Number(search.get('de') ?? Math.max(1, current - 1));
  const to = Number(search.get('a') ?? current);
  const compare = versions.length >= 2 || search.has('de') ? { from, to, changes: await diffVersions(db(), challenge.id, from, to) } : null;
  const { body: _body, ...summary } = challenge;
  return { challenge: summary, versions, compare, editable: (EDITABLE_STATUSES as string[]).includes(challenge.status) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'creation');
  const form = await requireForm(request, session);
  if (form.get('intent') !== 'restore') throw unknownAction();
  const number = Number(form.get('number'));
  try {
    const restored = await restoreVersion(db(), {
      challengeId: params.id ?? '',
      number,
      userId: session.viewer.id,
      message: String(form.get('message') ?? ''),
    });
    return redirect(`/creation/epreuves/${params.id}?enregistre=${restored.number}`);
  } catch (error) {
    if (error instanceof ChallengeError) return data({ error: error.message }, { status: 409 });
    throw error;
  }
}

export default function History() {
  const { challenge, versions, compare, editable } = useLoaderData<typeof loader>();
  const actionData = useActionData() as { error?: string } | undefined;
  const t = useMessages(creationMessages);
  const locale = useLocale();
  const { csrfToken } = useRootData();
  const current = challenge.version!.number;
  return (
    <>
      <ChallengeHeader challenge={challenge} />
      {actionData?.error ? (
        <p className="error-message" role="alert">
          {actionData.error}
        </p>
      ) : null}
      <section className="panel" aria-labelledby="versions-title">
        <h2 id="versions-title">
          {t('history.title')} ({versions.length})
        </h2>
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('history.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('list.version')}</th>
                <th scope="col">{t('history.date')}</th>
                <th scope="col">{t('history.author')}</th>
                <th scope="col">{t('history.message')}</th>
                <th scope="col">{t('history.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.id} data-testid="version-row">
                  <th scope="row">
                    {v.number}
                    {v.number === current ? <span className="muted small"> ({t('history.current')})</span> : null}
                  </th>
                  <td>{formatDateTime(v.createdAt, locale)}</td>
                  <td>{v.author ?? '—'}</td>
                  <td>{v.message || '—'}</td>
                  <td>
                    {v.number !== current ? (
                      <div className="actions-cell">
                        <Link to={`?de=${v.number}&a=${current}`}>
                          {t('history.compareWithCurrent')}
                          <span className="visually-hidden">
                            {' '}
                            ({t('list.version')} {v.number})
                          </span>
                        </Link>
                        {editable ? (
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="csrf" value={csrfToken ?? ''} />
                            <input type="hidden" name="intent" value="restore" />
                            <input type="hidden" name="number" value={v.number} />
                            <button type="submit" className="secondary small">
                              {t('history.restore')} {v.number}
                            </button>
                          </Form>
                        ) : null}
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="panel" aria-labelledby="compare-title">
        <h2 id="compare-title">{t('history.compare')}</h2>
        {/* Keyed by the pair shown: after a link or a submit, the selectors show the versions the diff below compares. */}
        <Form method="get" className="compare-form" key={compare ? `${compare.from}-${compare.to}` : 'none'}>
          <div className="field">
            <label htmlFor="de">{t('history.from')}</label>
            <select id="de" name="de" defaultValue={compare?.from ?? Math.max(1, current - 1)}>
              {versions.map((v) => (
                <option key={v.number} value={v.number}>
                  {v.number}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="a">{t('history.to')}</label>
            <select id="a" name="a" defaultValue={compare?.to ?? current}>
              {versions.map((v) => (
                <option key={v.number} value={v.number}>
                  {v.number}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="secondary">
            {t('history.compareButton')}
          </button>
        </Form>
        {compare ? (
          compare.changes ? (
            <>
              <h3 className="diff-title">
                {t('history.changesFrom')} {compare.from} → {compare.to}
              </h3>
              <DiffView changes={compare.changes} headingLevel={4} />
            </>
          ) : (
            <p className="error-message">{t('history.noSuchVersion')}</p>
          )
        ) : (
          <p className="muted">{t('history.single')}</p>
        )}
      </section>
    </>
  );
}
