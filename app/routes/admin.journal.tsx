import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { auditActions, listAudit } from '~/models/audit.server';
import { actionLabel, adminDateTime, adminMessages } from '~/i18n/admin';
import { useLocale, useMessages } from '~/i18n';
import adminStyles from '~/styles/admin.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: adminStyles }];

export const meta: MetaFunction = () => [{ title: 'Journal des actions – Administration' }];

const PAGE_SIZE = 50;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => !Number.isNaN(new Date(`${d}T00:00:00Z`).getTime()));

/** Midnight, Paris time, at the start of a yyyy-mm-dd day. */
function parisMidnight(value: string): Date {
  const utc = new Date(`${value}T00:00:00Z`);
  const asParis = new Date(utc.toLocaleString('en-US', { timeZone: 'Europe/Paris' }));
  const asUtc = new Date(utc.toLocaleString('en-US', { timeZone: 'UTC' }));
  return new Date(utc.getTime() - (asParis.getTime() - asUtc.getTime()));
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'admin');
  const url = new URL(request.url);
  const person = (url.searchParams.get('personne') ?? '').trim().slice(0, 254);
  const action = (url.searchParams.get('action') ?? '').trim().slice(0, 100);
  const fromText = (url.searchParams.get('du') ?? '').trim();
  const toText = (url.searchParams.get('au') ?? '').trim();
  const beforeText = url.searchParams.get('avant') ?? '';
  const errors = {
    from: fromText && !day.safeParse(fromText).success,
    to: toText && !day.safeParse(toText).success,
  };
  const from = fromText && !errors.from ? parisMidnight(fromText) : undefined;
  const to = toText && !errors.to ? new Date(parisMidnight(toText).getTime() + 86_400_000 - 1) : undefined;
  const before = /^\d{1,19}$/.test(beforeText) ? BigInt(beforeText) : undefined;
  const [rows, actions] = await Promise.all([
    listAudit(db(), { person: person || undefined, action: action || undefined, from, to, before, take: PAGE_SIZE + 1 }),
    auditActions(db()),
  ]);
  const entries = rows.slice(0, PAGE_SIZE);
  return {
    filters: { person, action, from: fromText, to: toText },
    errors: { from: Boolean(errors.from), to: Boolean(errors.to) },
    paged: before !== undefined,
    entries: entries.map((e) => ({ ...e, at: e.at.toISOString() })),
    older: rows.length > PAGE_SIZE ? entries[entries.length - 1]!.id : null,
    actions,
  };
}

function detailValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(detailValue).join(', ') || '—';
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${detailValue(v)}`)
      .join(' ; ');
  }
  return String(value);
}

export default function Journal() {
  const { filters, errors, entries, older, paged, actions } = useLoaderData<typeof loader>();
  const t = useMessages(adminMessages);
  const locale = useLocale();
  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams();
    if (filters.person) params.set('personne', filters.person);
    if (filters.action) params.set('action', filters.action);
    if (filters.from) params.set('du', filters.from);
    if (filters.to) params.set('au', filters.to);
    for (const [k, v] of Object.entries(extra)) params.set(k, v);
    return `?${params.toString()}`;
  };
  return (
    <>
      <p>
        <Link to="/admin">{t('back.admin')}</Link>
      </p>
      <h1>{t('journal.title')}</h1>
      <p className="muted">{t('journal.intro')}</p>
      <Form method="get" className="panel" role="search" aria-labelledby="filters-title" key={JSON.stringify(filters)}>
        <h2 id="filters-title">{t('journal.filters')}</h2>
        <div className="journal-filters">
          <div>
            <label htmlFor="personne">{t('journal.person')}</label>
            <input id="personne" name="personne" type="text" defaultValue={filters.person} />
          </div>
          <div>
            <label htmlFor="action">{t('journal.action')}</label>
            <select id="action" name="action" defaultValue={filters.action}>
              <option value="">{t('journal.allActions')}</option>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {actionLabel(t, a)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="du">{t('journal.from')}</label>
            {errors.from ? (
              <p id="du-error" className="field-error">
                {t('journal.badDate')}
              </p>
            ) : null}
            <input
              id="du"
              name="du"
              type="date"
              defaultValue={filters.from}
              aria-invalid={errors.from ? true : undefined}
              aria-describedby={errors.from ? 'du-error' : undefined}
            />
          </div>
          <div>
            <label htmlFor="au">{t('journal.to')}</label>
            {errors.to ? (
              <p id="au-error" className="field-error">
                {t('journal.badDate')}
              </p>
            ) : null}
            <input
              id="au"
              name="au"
              type="date"
              defaultValue={filters.to}
              aria-invalid={errors.to ? true : undefined}
              aria-describedby={errors.to ? 'au-error' : undefined}
            />
          </div>
          <div>
            <button type="submit" className="primary">
              {t('journal.filter')}
            </button>{' '}
            <Link to="/admin/journal">{t('journal.reset')}</Link>
          </div>
        </div>
      </Form>
      {entries.length === 0 ? (
        <p role="status">{t('journal.empty')}</p>
      ) : (
        <table>
          <caption className="muted">{t('journal.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('journal.at')}</th>
              <th scope="col">{t('journal.action')}</th>
              <th scope="col">{t('journal.actor')}</th>
              <th scope="col">{t('journal.target')}</th>
              <th scope="col">{t('journal.details')}</th>
              <th scope="col">{t('journal.ip')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>
                  <time dateTime={e.at}>{adminDateTime(e.at, locale)}</time>
                </td>
                <td>{actionLabel(t, e.action)}</td>
                <td>{e.actor ? `${e.actor.name} (${e.actor.email})` : t('journal.system')}</td>
                <td>
                  {e.targetUser ? (
                    <Link to={`/admin/comptes/${e.targetUser.id}`}>
                      {e.targetUser.name} ({e.targetUser.email})
                    </Link>
                  ) : (
                    `${e.targetType}${e.targetId ? ` ${e.targetId}` : ''}`
                  )}
                </td>
                <td>
                  <ul className="details-list">
                    {Object.entries(e.details).map(([k, v]) => (
                      <li key={k}>
                        {k} : {detailValue(v)}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>{e.ip ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={t('journal.pages')}>
        {paged ? <Link to={query({})}>{t('journal.newest')}</Link> : null}
        {older ? <Link to={query({ avant: older })}>{t('journal.older')}</Link> : null}
      </nav>
    </>
  );
}
