import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useState } from 'react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { challengeListPage } from '~/models/challenge-pages.server';
import { STATUSES } from '~/models/challenge-status';
import { CHALLENGE_TYPES } from '../../engine/challenges';
import { StatusBadge, formatDateTime } from '~/components/challenge/ChallengeHeader';
import { creationMessages, workbenchMessages } from '~/i18n/creation';
import { useLocale, useMessages } from '~/i18n';
import authoringStyles from '~/styles/authoring.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: authoringStyles }];

export const meta: MetaFunction = () => [{ title: 'Épreuves – Création' }];

const FILTERS = ['competence', 'tube', 'skill', 'status', 'type', 'q', 'author', 'flag'] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'creation');
  const params = new URL(request.url).searchParams;
  const given = Object.fromEntries(FILTERS.map((f) => [f, params.get(f)?.trim() || undefined]));
  const { filters, choices, ...page } = await challengeListPage(db(), given);
  return {
    ...page,
    selected: filters,
    choices: choices.map((c) => ({
      code: c.code,
      title: c.titleFr,
      tubes: c.tubes.map((t) => ({ name: t.name, title: t.title, skills: t.skills.map((s) => s.name) })),
    })),
  };
}

export default function ChallengeList() {
  const { rows, total, choices, selected, authors, flags } = useLoaderData<typeof loader>();
  const t = useMessages(creationMessages);
  const w = useMessages(workbenchMessages);
  const locale = useLocale();
  const [params] = useSearchParams();
  const [competence, setCompetence] = useState(selected.competence ?? '');
  const [tube, setTube] = useState(selected.tube ?? '');
  const tubes = choices.filter((c) => !competence || c.code === competence).flatMap((c) => c.tubes);
  const skills = tubes.filter((x) => !tube || x.name === tube).flatMap((x) => x.skills);
  const newHref =
    selected.skill && selected.skill !== '@?' ? `/creation/epreuves/nouvelle?skill=${encodeURIComponent(selected.skill)}` : '/creation/epreuves/nouvelle';
  return (
    <>
      <p className="breadcrumb">
        <Link to="/creation">{t('nav.creation')}</Link>
      </p>
      <div className="title-row">
        <h1>{t('list.title')}</h1>
        <Link to={newHref} className="button">
          {t('list.new')}
        </Link>
      </div>
      <Form method="get" className="panel filters" role="search" aria-label={t('list.filters')}>
        <div className="field">
          <label htmlFor="f-competence">{t('list.competence')}</label>
          <select
            id="f-competence"
            name="competence"
            value={competence}
            onChange={(e) => {
              setCompetence(e.target.value);
              setTube('');
            }}
          >
            <option value="">{t('list.all')}</option>
            {choices.map((c) => (
              <option key={c.code} value={c.code}>
                {c.code} {c.title}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-tube">{t('list.tube')}</label>
          <select id="f-tube" name="tube" value={tube} onChange={(e) => setTube(e.target.value)}>
            <option value="">{t('list.all')}</option>
            {tubes.map((x) => (
              <option key={x.name} value={x.name}>
                {x.name} — {x.title}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-skill">{t('list.skill')}</label>
          <select id="f-skill" name="skill" defaultValue={selected.skill ?? ''} key={`${competence}/${tube}`}>
            <option value="">{t('list.all')}</option>
            {skills.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-status">{t('list.status')}</label>
          <select id="f-status" name="status" defaultValue={params.get('status') ?? ''}>
            <option value="">{t('list.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-type">{t('list.type')}</label>
          <select id="f-type" name="type" defaultValue={params.get('type') ?? ''}>
            <option value="">{t('list.all')}</option>
            {CHALLENGE_TYPES.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-author">{w('search.author')}</label>
          <select id="f-author" name="author" defaultValue={params.get('author') ?? ''}>
            <option value="">{t('list.all')}</option>
            {authors.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-flag">{w('search.flags')}</label>
          <select id="f-flag" name="flag" defaultValue={params.get('flag') ?? ''}>
            <option value="">{t('list.all')}</option>
            <option value="*">{w('search.anyFlag')}</option>
            {flags.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </div>
        <div className="field grow">
          <label htmlFor="f-q">{t('list.search')}</label>
          <input id="f-q" name="q" type="search" defaultValue={params.get('q') ?? ''} aria-describedby="f-q-hint" />
          <p className="muted small" id="f-q-hint">
            {w('search.hint')}
          </p>
        </div>
        <div className="filter-buttons">
          <button type="submit" className="primary">
            {t('list.filter')}
          </button>
          <Link to="/creation/epreuves">{t('list.reset')}</Link>
        </div>
      </Form>
      <p role="status">
        {total} {total > 1 ? t('list.results') : t('list.result')}
        {total > rows.length ? ` (${rows.length} ${t('list.shown')})` : ''}
      </p>
      {rows.length > 0 ? (
        <div className="table-scroll">
          <table className="challenge-table">
            <caption className="visually-hidden">{t('list.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('list.challenge')}</th>
                <th scope="col">{t('list.skill')}</th>
                <th scope="col">{t('list.type')}</th>
                <th scope="col">{t('list.status')}</th>
                <th scope="col">{t('list.version')}</th>
                <th scope="col">{t('list.lastChange')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-testid="challenge-row">
                  <th scope="row">
                    <Link to={`/creation/epreuves/${r.id}`}>{r.key}</Link>
                    {!r.isPrototype ? <span className="muted small"> ({t('challenge.declination')})</span> : null}
                    <br />
                    <span className="muted small">{r.excerpt}</span>
                  </th>
                  <td>
                    <code>{r.skill}</code>
                  </td>
                  <td>{r.type}</td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>{r.version}</td>
                  <td>
                    {formatDateTime(r.last.at, locale)}
                    {r.last.by ? <span className="muted small"> · {r.last.by}</span> : null}
                    <br />
                    <span className="muted small">
                      {r.last.what === 'status' ? `${t('list.statusChange')} ${t(`status.${r.last.status!}`)}` : t('list.newVersion')}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t('list.empty')}</p>
      )}
    </>
  );
}
