/**
 * One parameter set version: who approved it and when, its cut scores and every item's parameters; for an
 * earlier set, putting it back in force (with a reason, after a confirmation listing what changes), and
 * the record of every restore of or by this set.
 */
import { json, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { parameterSetByVersion } from '~/models/parameter-set.server';
import { restoreEvents, restoreParameterSet, restorePreview } from '~/models/parameter-set-restore.server';
import { useRootData } from '~/root';
import { formatDateTime, formatInteger, formatNumber } from '~/models/calibration-labels';
import { notFound, unknownAction } from '~/lib/http-error.server';
import { codedText, fill, metaLocale } from '~/i18n';
import { calibrationMessages, useCalibrationTexts } from '~/i18n/psychometrie-calibrations';
import calibrationStyles from '~/styles/calibration.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: calibrationStyles }];

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: fill(calibrationMessages[metaLocale(matches)]['meta.set'], { version: data?.version ?? '' }) },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const version = Number(params.version);
  const set = Number.isInteger(version) ? await parameterSetByVersion(db(), version) : null;
  if (!set) throw notFound('parameterVersion');
  const wantsRestore = new URL(request.url).searchParams.get('remettre') === '1';
  const [events, preview] = await Promise.all([
    restoreEvents(db(), set),
    wantsRestore && !set.active ? restorePreview(db(), set.version) : Promise.resolve(null),
  ]);
  return { ...set, events, preview };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'psychometrie');
  const form = await requireForm(request, session);
  if (form.get('intent') !== 'restore') throw unknownAction();
  const expected = String(form.get('expectedActiveId') ?? '');
  const result = await restoreParameterSet(db(), {
    version: Number(params.version),
    reason: String(form.get('reason') ?? ''),
    userId: session.viewer.id,
    roles: session.viewer.roles,
    expectedActiveId: expected === '' ? null : expected,
    ip: request.headers.get('x-client-address'),
  });
  if (!result.ok) {
    const status = result.refusal === 'no-reason' ? 422 : result.refusal === 'not-found' ? 404 : result.refusal === 'forbidden' ? 403 : 409;
    // The refusal as a code (`restore.<refusal>`), said on the page.
    return json({ error: { code: `restore.${result.refusal}` } }, { status });
  }
  return redirect(`/psychometrie/parametres/${result.version}?remise=${result.restoredFromVersion}`);
}

type Preview = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>['preview']>;

type Texts = ReturnType<typeof useCalibrationTexts>;

function ItemList({ title, items, testId, explain, texts }: { title: string; items: Preview['changed']; testId: string; explain: string; texts: Texts }) {
  const { t, f, locale } = texts;
  if (items.length === 0) return null;
  const b = (x: number | null) => (x === null ? t('restore.uncalibrated') : formatNumber(x, 2, locale));
  return (
    <section aria-label={title} data-testid={testId}>
      <h3>{f('restore.count', { title, n: formatInteger(items.length, locale) })}</h3>
      <p className="muted">{explain}</p>
      <ul>
        {items.map((i) => (
          <li key={i.challengeId}>
            <Link to={`/psychometrie/items/${i.challengeId}`}>{i.key}</Link>
            {f('restore.itemChange', { now: b(i.bNow), restored: b(i.bRestored) })}
          </li>
        ))}
      </ul>
    </section>
  );
}

function RestoreConfirmation({ preview, error }: { preview: Preview; error?: { code: string } }) {
  const { csrfToken } = useRootData();
  const texts = useCalibrationTexts();
  const { t, f, locale } = texts;
  const version = preview.target.version;
  const nothing = preview.changed.length + preview.dropped.length + preview.versionChanged.length + preview.added.length === 0;
  return (
    <section className="panel" aria-labelledby="remettre-titre" data-testid="restore-confirmation">
      <h2 id="remettre-titre">{f('restore.title', { version })}</h2>
      <p>
        {preview.active ? f('restore.replaces', { active: preview.active.version, version }) : f('restore.new', { version })}
        {t('restore.who')}
      </p>
      <h3>{t('restore.changes')}</h3>
      {nothing ? <p>{t('restore.nothing')}</p> : null}
      <ItemList title={t('restore.changed')} items={preview.changed} testId="restore-changed" explain={t('restore.changedText')} texts={texts} />
      <ItemList title={t('restore.dropped')} items={preview.dropped} testId="restore-dropped" explain={f('restore.droppedText', { version })} texts={texts} />
      <ItemList
        title={t('restore.versionChanged')}
        items={preview.versionChanged}
        testId="restore-version-changed"
        explain={f('restore.versionChangedText', { version })}
        texts={texts}
      />
      <ItemList title={t('restore.added')} items={preview.added} testId="restore-added" explain={t('restore.addedText')} texts={texts} />
      <h3>{t('set.cuts')}</h3>
      {preview.cutScores.length === 0 ? (
        <p>{t('common.noCuts')}</p>
      ) : (
        <table className="calib-cuts calib-table" data-testid="restore-cuts">
          <thead>
            <tr>
              <th scope="col">{t('common.level')}</th>
              <th scope="col">{t('common.inForce')}</th>
              <th scope="col">{t('restore.cutsAfter')}</th>
            </tr>
          </thead>
          <tbody>
            {preview.cutScores.map((c) => (
              <tr key={c.level}>
                <th scope="row">{c.level}</th>
                <td>{formatNumber(c.now, 2, locale)}</td>
                <td>{formatNumber(c.restored, 2, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Form method="post" className="calib-restore-form">
        <input type="hidden" name="csrf" value={csrfToken ?? ''} />
        <input type="hidden" name="intent" value="restore" />
        <input type="hidden" name="expectedActiveId" value={preview.active?.id ?? ''} />
        <label htmlFor="restore-reason">{t('restore.reason')}</label>
        <textarea
          id="restore-reason"
          name="reason"
          required
          minLength={3}
          rows={3}
          aria-describedby={error ? 'restore-error' : undefined}
          aria-invalid={error ? true : undefined}
        />
        {error ? (
          <p id="restore-error" className="calib-alert" role="alert">
            {codedText(t, 'refusal', error)}
          </p>
        ) : null}
        <p className="calib-actions">
          <button type="submit" className="primary">
            {t('restore.confirm')}
          </button>
          <Link to=".">{t('common.cancel')}</Link>
        </p>
      </Form>
    </section>
  );
}

export default function ParameterSetPage() {
  const set = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const approved = params.get('approuvee');
  const restored = params.get('remise');
  const { t, f, locale } = useCalibrationTexts();
  const number = (x: number | null | undefined) => formatNumber(x, 2, locale);
  const error = actionData && 'error' in actionData ? actionData.error : undefined;
  const levels = Object.keys(set.cutScores)
    .map(Number)
    .sort((x, y) => x - y);
  return (
    <>
      <p>
        <Link to="/psychometrie/parametres">{t('set.allSets')}</Link> · <Link to="/psychometrie">{t('common.runs')}</Link>
      </p>
      <h1>
        {f('set.title', { version: set.version })} {set.active ? <span className="calib-active">{t('common.inForce')}</span> : null}
      </h1>
      {approved ? (
        <p className="calib-success" role="status">
          {f(set.active ? 'set.approved' : 'set.approvedStored', { n: approved, version: set.version })}
        </p>
      ) : null}
      {restored ? (
        <p className="calib-success" role="status">
          {f('set.restored', { restored, version: set.version })}
        </p>
      ) : null}
      {error && !set.preview ? (
        <p className="calib-alert" role="alert">
          {codedText(t, 'refusal', error)}
        </p>
      ) : null}
      {set.events.length > 0 ? (
        <section className="panel" aria-labelledby="remises" data-testid="restore-events">
          <h2 id="remises">{t('set.events')}</h2>
          <ul>
            {set.events.map((e) => (
              <li key={e.version}>
                {e.version === set.version ? (
                  t('set.eventThis')
                ) : (
                  <>
                    <Link to={`/psychometrie/parametres/${e.version}`}>{f('common.versionTitle', { version: e.version })}</Link>
                    {t('set.eventOther')}
                  </>
                )}
                <Link to={`/psychometrie/parametres/${e.restoredFromVersion}`}>{f('common.versionLink', { version: e.restoredFromVersion })}</Link>
                {f('set.eventDetail', { date: formatDateTime(e.at, locale), by: e.by ? f('set.eventBy', { name: e.by }) : '', reason: e.reason })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {set.preview ? <RestoreConfirmation preview={set.preview} error={error} /> : null}
      {!set.active && !set.preview ? (
        <p>
          <Link className="button" to="?remettre=1#remettre-titre">
            {t('set.restoreLink')}
          </Link>
        </p>
      ) : null}
      <section className="panel">
        <dl className="calib-dl">
          <dt>{t('common.approvedAt')}</dt>
          <dd>{formatDateTime(set.approvedAt, locale)}</dd>
          <dt>{t('common.by')}</dt>
          <dd>{set.approvedBy ?? '—'}</dd>
          <dt>{t('common.sourceRun')}</dt>
          <dd>{set.sourceRunId ? <Link to={`/psychometrie/calibrations/${set.sourceRunId}`}>{t('set.sourceLink')}</Link> : '—'}</dd>
          <dt>{t('set.items')}</dt>
          <dd>{formatInteger(set.items.length, locale)}</dd>
          {set.note ? (
            <>
              <dt>{t('common.note')}</dt>
              <dd>{set.note}</dd>
            </>
          ) : null}
        </dl>
        <p>
          <a href={`/psychometrie/parametres/${set.version}/export.csv`} download>
            {t('set.export')}
          </a>{' '}
          ·{' '}
          <a href={`/psychometrie/parametres/${set.version}/export.csv?format=tableur`} download>
            {t('set.exportSpreadsheet')}
          </a>
        </p>
      </section>
      <section className="panel" aria-labelledby="seuils">
        <h2 id="seuils">{t('set.cuts')}</h2>
        {levels.length === 0 ? (
          <p>{t('common.noCuts')}</p>
        ) : (
          <table className="calib-cuts calib-table">
            <thead>
              <tr>
                <th scope="col">{t('common.level')}</th>
                {levels.map((l) => (
                  <th key={l} scope="col">
                    {l}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">θ</th>
                {levels.map((l) => (
                  <td key={l}>{number(set.cutScores[String(l)] ?? null)}</td>
                ))}
              </tr>
            </tbody>
          </table>
        )}
        <p className="muted">{t('set.cutsNote')}</p>
      </section>
      <h2 id="epreuves">{t('set.params')}</h2>
      <div className="calib-scroll" role="region" aria-labelledby="epreuves" tabIndex={0}>
        <table className="calib-table">
          <thead>
            <tr>
              <th scope="col">{t('common.item')}</th>
              <th scope="col">{t('common.competence')}</th>
              <th scope="col">{t('common.skill')}</th>
              <th scope="col" className="num">
                {t('common.level')}
              </th>
              <th scope="col" className="num">
                {t('set.col.a')}
              </th>
              <th scope="col" className="num">
                d
              </th>
              <th scope="col" className="num">
                {t('set.col.b')}
              </th>
              <th scope="col">{t('set.col.run')}</th>
            </tr>
          </thead>
          <tbody>
            {set.items.map((p) => (
              <tr key={p.challengeId}>
                <td>
                  <Link to={`/psychometrie/items/${p.challengeId}`}>{p.key}</Link>
                </td>
                <td>{p.competence}</td>
                <td>{p.skill}</td>
                <td className="num">{p.level}</td>
                <td className="num">
                  {number(p.a)} ({number(p.seA)})
                </td>
                <td className="num">{number(p.d)}</td>
                <td className="num">
                  {number(p.b)} ({number(p.seB)})
                </td>
                <td>
                  {p.sourceRunId === set.sourceRunId ? (
                    t('set.thisApproval')
                  ) : p.sourceRunId ? (
                    <Link to={`/psychometrie/calibrations/${p.sourceRunId}`}>{t('set.earlier')}</Link>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
