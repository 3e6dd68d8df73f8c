import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { unknownAction } from '~/lib/http-error.server';
import { ErrorSummary } from '~/components/ErrorSummary';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import styles from '../styles/referentiel-edition.css?url';
import { db } from '~/lib/db.server';
import { requireFrameworkEditor, requireFrameworkEditorForm } from '~/lib/framework-editing.server';
import { requestTutorialLinkCheck } from '~/lib/queues.server';
import { LINK_STATUSES, type LinkStatus } from '~/lib/framework-editing';
import { linkStatusCounts, listTutorials } from '~/models/tutorial.server';
import { TUTORIAL_FORMATS } from '../../engine/framework/authoring';
import type { ReferentielKey } from '~/i18n/referentiel-edition';
import { Breadcrumb, CsrfField, LinkCheck, SavedNotice, useR } from '~/components/framework/ui';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: styles }];
export const meta: MetaFunction = () => [{ title: 'Tutoriels – Création – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireFrameworkEditor(request);
  const params = new URL(request.url).searchParams;
  const status = params.get('statut');
  const format = params.get('format');
  const filter = {
    q: (params.get('q') ?? '').slice(0, 200),
    status: (LINK_STATUSES as readonly string[]).includes(status ?? '') ? (status as LinkStatus) : '',
    format: (TUTORIAL_FORMATS as readonly string[]).includes(format ?? '') ? format! : '',
  } as const;
  const [tutorials, counts] = await Promise.all([listTutorials(db(), filter), linkStatusCounts(db())]);
  return { tutorials, counts, filter, saved: params.has('ok') };
}

export async function action({ request }: ActionFunctionArgs) {
  const { form } = await requireFrameworkEditorForm(request);
  if (form.get('intent') !== 'check-links') throw unknownAction();
  try {
    await requestTutorialLinkCheck();
    return { check: 'queued' as const };
  } catch (error) {
    console.error(`[tutoriels] vérification des liens non demandée : ${error instanceof Error ? error.message : String(error)}`);
    return data({ check: 'unavailable' as const }, { status: 503 });
  }
}

export default function Tutorials() {
  const { tutorials, counts, filter, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { check: 'queued' | 'unavailable' } | undefined;
  const navigation = useNavigation();
  const checking = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'check-links';
  const { t, f } = useR();
  const total = counts.OK + counts.DEAD + counts.UNCHECKED;
  const filtered = Boolean(filter.q || filter.status || filter.format);
  return (
    <>
      <Breadcrumb
        items={[{ to: '/creation', label: t('nav.creation') }, { to: '/creation/referentiel', label: t('nav.workspace') }, { label: t('nav.tutorials') }]}
      />
      <h1>{t('library.title')}</h1>
      <p>{t('library.intro')}</p>
      <SavedNotice show={saved} />
      <p data-testid="link-summary">{f('library.summary', { total, ok: counts.OK, dead: counts.DEAD, unchecked: counts.UNCHECKED })}</p>
      <div className="page-actions">
        <Link className="button" to="/creation/tutoriels/nouveau">
          {t('library.new')}
        </Link>
        <Form method="post">
          <CsrfField />
          <button type="submit" className="secondary" name="intent" value="check-links" disabled={checking}>
            {t('library.checkNow')}
          </button>
        </Form>
      </div>
      {actionData?.check === 'queued' ? (
        <p className="notice" role="status">
          {t('library.checkQueued')}
        </p>
      ) : null}
      {actionData?.check === 'unavailable' ? <ErrorSummary title={t('library.checkUnavailable')} focusOn={actionData} /> : null}

      <Form method="get" className="panel filters" role="search" aria-label={t('library.filters')}>
        <div className="field">
          <label htmlFor="filter-q">{t('library.search')}</label>
          <input id="filter-q" type="search" name="q" defaultValue={filter.q} aria-describedby="filter-q-help" />
          <span id="filter-q-help" className="field-help">
            {t('library.searchHelp')}
          </span>
        </div>
        <div className="field">
          <label htmlFor="filter-status">{t('library.linkStatus')}</label>
          <select id="filter-status" name="statut" defaultValue={filter.status}>
            <option value="">{t('library.any')}</option>
            {LINK_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`link.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-format">{t('library.format')}</label>
          <select id="filter-format" name="format" defaultValue={filter.format}>
            <option value="">{t('library.any')}</option>
            {TUTORIAL_FORMATS.map((format) => (
              <option key={format} value={format}>
                {t(`format.${format}` as ReferentielKey)}
              </option>
            ))}
          </select>
        </div>
        <div className="form-buttons">
          <button type="submit" className="primary">
            {t('library.filter')}
          </button>
          {filtered ? <Link to="/creation/tutoriels">{t('library.reset')}</Link> : null}
        </div>
      </Form>

      <p role="status" className="muted">
        {f('library.results', { n: tutorials.length })}
      </p>
      {tutorials.length === 0 ? (
        <p>{t('library.noResult')}</p>
      ) : (
        <div className="grid-scroll" role="region" aria-label={t('library.caption')} tabIndex={0}>
          <table className="library">
            <caption className="visually-hidden">{t('library.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('library.col.title')}</th>
                <th scope="col">{t('library.col.source')}</th>
                <th scope="col">{t('library.col.format')}</th>
                <th scope="col">{t('library.col.duration')}</th>
                <th scope="col">{t('library.col.link')}</th>
                <th scope="col">{t('library.col.skills')}</th>
              </tr>
            </thead>
            <tbody>
              {tutorials.map((tu) => (
                <tr key={tu.id} className={tu.linkStatus === 'DEAD' ? 'dead-row' : undefined} data-testid="tutorial-row">
                  <th scope="row" className="title-cell">
                    <Link to={`/creation/tutoriels/${tu.id}`}>{tu.title}</Link>
                  </th>
                  <td>{tu.source}</td>
                  <td>{t(`format.${tu.format}` as ReferentielKey) ?? tu.format}</td>
                  <td>{tu.duration}</td>
                  <td className="link-cell">
                    <LinkCheck status={tu.linkStatus} lastCheckedAt={tu.lastCheckedAt} note={tu.lastCheckNote} />
                  </td>
                  <td className="skills-cell">{tu.skills.length > 0 ? tu.skills.join(', ') : <span className="muted">{t('library.noSkill')}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
