/**
 * Approving or rejecting a calibration run. Approving all its estimated items, or a selection, makes a
 * new active parameter set version (items not approved keep their previous parameters); the level cut
 * scores of that set are shown, for the current selection, before approving. Refused for a run that
 * did not finish, and "all" is refused for a run that did not converge.
 */
import { json, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useMemo, useState } from 'react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { approvalView, approveRun, rejectRun } from '~/models/parameter-set.server';
import { formatDateTime, formatInteger, formatNumber } from '~/models/calibration-labels';
import { notFound, unknownAction } from '~/lib/http-error.server';
import { codedText, metaLocale, useMessages } from '~/i18n';
import { calibrationMessages, useCalibrationTexts } from '~/i18n/psychometrie-calibrations';
import { psychometricsMessages, type PsychometricsKey } from '~/i18n/psychometrie';
import { levelCutScores } from '../../engine/calibration';
import { useRootData } from '~/root';
import calibrationStyles from '~/styles/calibration.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: calibrationStyles }];

export const meta: MetaFunction = ({ matches }) => [{ title: calibrationMessages[metaLocale(matches)]['meta.approval'] }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const view = await approvalView(db(), params.id ?? '');
  if (!view) throw notFound('calibration');
  return view;
}

/** A refusal as a code (`approve.<refusal>` or `reject.<refusal>`), said on the page. */
type ActionData = { error?: { code: string }; form?: 'approve' | 'reject' };

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'psychometrie');
  const form = await requireForm(request, session);
  const runId = params.id ?? '';
  const intent = form.get('intent');
  if (intent === 'approve-all' || intent === 'approve-selected') {
    const result = await approveRun(db(), {
      runId,
      userId: session.viewer.id,
      items: intent === 'approve-all' ? 'all' : form.getAll('items').map(String),
      note: String(form.get('note') ?? ''),
    });
    if (!result.ok) return json<ActionData>({ error: { code: `approve.${result.refusal}` }, form: 'approve' }, { status: 409 });
    return redirect(`/psychometrie/parametres/${result.version}?approuvee=${result.approvedItems}`);
  }
  if (intent === 'reject') {
    const result = await rejectRun(db(), { runId, userId: session.viewer.id, reason: String(form.get('reason') ?? '') });
    if (!result.ok)
      return json<ActionData>({ error: { code: `reject.${result.refusal}` }, form: 'reject' }, { status: result.refusal === 'no-reason' ? 422 : 409 });
    return redirect(`/psychometrie?rejetee=${runId}#calibrations`);
  }
  throw unknownAction();
}

/** A challenge's flags, named as on the run's page. */
function Flags({ flags }: { flags: string[] }) {
  const t = useMessages(calibrationMessages);
  const psy = useMessages(psychometricsMessages);
  if (flags.length === 0) return <span className="muted">{t('approval.noFlag')}</span>;
  return (
    <>
      {flags.map((f) => (
        <span key={f} className="calib-flag">
          {psy(`flag.${f}` as PsychometricsKey) ?? f}
        </span>
      ))}
    </>
  );
}

export default function Approval() {
  const { run, items, active, live } = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionData>();
  const navigation = useNavigation();
  const { csrfToken } = useRootData();
  const { t, f, locale } = useCalibrationTexts();
  const psy = useMessages(psychometricsMessages);
  const statusLabel = psy(`status.${run.status}` as PsychometricsKey);
  const number = (x: number | null | undefined) => formatNumber(x, 2, locale);
  const estimated = items.filter((i) => !i.anchored);
  const [selected, setSelected] = useState<Set<string>>(() => new Set(estimated.filter((i) => i.preselected).map((i) => i.challengeId)));
  const finished = run.status === 'SUCCEEDED';
  const pending = run.reviewStatus === 'PENDING';
  const canReview = finished && pending;

  // Cut scores of the set the current selection would make (the server computes the same on approval).
  const cuts = useMemo(() => {
    const params = new Map<string, { a: number; d: number }>(Object.entries(active?.params ?? {}));
    for (const i of estimated) if (selected.has(i.challengeId)) params.set(i.challengeId, { a: i.a, d: i.d });
    const levelled = live.flatMap((c) => {
      const p = params.get(c.id);
      return p ? [{ level: c.level, a: p.a, d: p.d }] : [];
    });
    return levelCutScores(levelled);
  }, [selected, active, live, estimated]);
  const allCuts = useMemo(() => {
    const params = new Map<string, { a: number; d: number }>(Object.entries(active?.params ?? {}));
    for (const i of estimated) params.set(i.challengeId, { a: i.a, d: i.d });
    return levelCutScores(live.flatMap((c) => (params.get(c.id) ? [{ level: c.level, ...params.get(c.id)! }] : [])));
  }, [active, live, estimated]);
  const levels = [...new Set([...cuts.levels.map((l) => l.level), ...Object.keys(active?.cutScores ?? {}).map(Number)])].sort((x, y) => x - y);
  const adjusted = cuts.levels.filter((l) => l.adjusted);
  const busy = navigation.state !== 'idle';

  const toggle = (id: string, on: boolean) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <>
      <p>
        <Link to="/psychometrie">{t('common.backToRuns')}</Link> · <Link to={`/psychometrie/calibrations/${run.id}`}>{t('approval.runLink')}</Link>
      </p>
      <h1>{f('approval.title', { date: formatDateTime(run.createdAt, locale) })}</h1>
      <section className="panel" aria-labelledby="resume-titre">
        <h2 id="resume-titre">{t('approval.summary')}</h2>
        <dl className="calib-dl">
          <dt>{t('approval.status')}</dt>
          <dd>{statusLabel}</dd>
          <dt>{t('approval.model')}</dt>
          <dd>{run.model === '2pl' || run.model === 'rasch' ? t(`model.${run.model}`) : run.model}</dd>
          <dt>{t('approval.converged')}</dt>
          <dd>{run.converged === null ? '—' : f(run.converged ? 'approval.convergedYes' : 'approval.convergedNo', { n: run.iterations ?? '—' })}</dd>
          <dt>{t('approval.data')}</dt>
          <dd>{f('approval.dataValue', { answers: formatInteger(run.answers, locale), persons: formatInteger(run.persons, locale) })}</dd>
          <dt>{t('approval.requestedBy')}</dt>
          <dd>{run.requestedBy ?? t('approval.automatic')}</dd>
          <dt>{t('approval.review')}</dt>
          <dd>
            {psy(`review.${run.reviewStatus}` as PsychometricsKey)}
            {run.reviewedBy ? f('approval.reviewedBy', { name: run.reviewedBy, date: formatDateTime(run.reviewedAt, locale) }) : ''}
            {run.versions.length ? f(run.versions.length > 1 ? 'approval.reviewVersions' : 'approval.reviewVersion', { list: run.versions.join(', ') }) : ''}
            {run.rejectionReason ? f('approval.reviewReason', { reason: run.rejectionReason }) : ''}
          </dd>
        </dl>
      </section>

      {actionData?.error ? (
        <p className="calib-alert" role="alert">
          {codedText(t, 'refusal', actionData.error)}
        </p>
      ) : null}
      {!finished ? (
        <p className="calib-alert" role="alert">
          {f('approval.notFinished', { status: statusLabel.toLowerCase() })}
        </p>
      ) : null}
      {finished && !pending ? <p className="notice">{t('approval.alreadyReviewed')}</p> : null}
      {finished && pending && run.converged === false ? (
        <p className="calib-alert" role="alert">
          {t('approval.notConverged')}
        </p>
      ) : null}

      <section className="panel" aria-labelledby="seuils-titre">
        <h2 id="seuils-titre">{t('approval.cuts')}</h2>
        <p className="muted">{t('approval.cutsIntro')}</p>
        <div className="calib-scroll" role="region" aria-labelledby="seuils-titre" tabIndex={0}>
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
                <th scope="row">{active ? f('approval.cutsActiveVersion', { version: active.version }) : t('approval.cutsActive')}</th>
                {levels.map((l) => (
                  <td key={l}>{number(active?.cutScores[String(l)] ?? null)}</td>
                ))}
              </tr>
              <tr>
                <th scope="row">{t('approval.cutsSelection')}</th>
                {levels.map((l) => (
                  <td key={l}>{number(cuts.cutScores[String(l)] ?? null)}</td>
                ))}
              </tr>
              <tr>
                <th scope="row">{t('approval.cutsAll')}</th>
                {levels.map((l) => (
                  <td key={l}>{number(allCuts.cutScores[String(l)] ?? null)}</td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
        {adjusted.length > 0 ? (
          <p className="muted">
            {f(adjusted.length > 1 ? 'approval.adjustedMany' : 'approval.adjustedOne', { levels: adjusted.map((l) => l.level).join(', ') })}
          </p>
        ) : null}
      </section>

      <Form method="post">
        <input type="hidden" name="csrf" value={csrfToken ?? ''} />
        <section className="panel" aria-labelledby="epreuves-titre">
          <h2 id="epreuves-titre">{f('approval.items', { n: estimated.length })}</h2>
          <p className="muted">
            {t('approval.itemsIntro')} {items.length - estimated.length > 0 ? f('approval.anchored', { n: items.length - estimated.length }) : ''}
          </p>
          <div className="calib-actions">
            <button type="button" className="calib-secondary" onClick={() => setSelected(new Set(estimated.map((i) => i.challengeId)))} disabled={!canReview}>
              {t('approval.checkAll')}
            </button>
            <button type="button" className="calib-secondary" onClick={() => setSelected(new Set())} disabled={!canReview}>
              {t('approval.uncheckAll')}
            </button>
            <span role="status">{f('approval.selected', { n: selected.size })}</span>
          </div>
          <div className="calib-scroll" role="region" aria-labelledby="epreuves-titre" tabIndex={0}>
            <table className="calib-table">
              <thead>
                <tr>
                  <th scope="col">{t('approval.col.approve')}</th>
                  <th scope="col">{t('common.item')}</th>
                  <th scope="col">{t('common.skill')}</th>
                  <th scope="col" className="num">
                    {t('common.level')}
                  </th>
                  <th scope="col" className="num">
                    {t('approval.col.b')}
                  </th>
                  <th scope="col" className="num">
                    {t('approval.col.bActive')}
                  </th>
                  <th scope="col" className="num">
                    Δb
                  </th>
                  <th scope="col" className="num">
                    a
                  </th>
                  <th scope="col" className="num">
                    {t('common.answers')}
                  </th>
                  <th scope="col">{t('approval.col.signals')}</th>
                </tr>
              </thead>
              <tbody>
                {estimated.map((i) => (
                  <tr key={i.challengeId}>
                    <td>
                      <input
                        type="checkbox"
                        name="items"
                        value={i.challengeId}
                        id={`item-${i.challengeId}`}
                        checked={selected.has(i.challengeId)}
                        onChange={(e) => toggle(i.challengeId, e.currentTarget.checked)}
                        disabled={!canReview}
                        aria-label={f('approval.approveItem', { key: i.key })}
                      />
                    </td>
                    <td>
                      <Link to={`/psychometrie/items/${i.challengeId}`}>{i.key}</Link>
                      {!i.live ? <span className="muted">{t('approval.notLive')}</span> : null}
                    </td>
                    <td>
                      {i.competence} {i.skill}
                    </td>
                    <td className="num">{i.level}</td>
                    <td className="num">
                      {number(i.b)} ({number(i.seB)})
                    </td>
                    <td className="num">{number(i.current?.b ?? null)}</td>
                    <td className="num">{number(i.driftDeltaB)}</td>
                    <td className="num">{number(i.a)}</td>
                    <td className="num">{formatInteger(i.n, locale)}</td>
                    <td>
                      <Flags flags={i.signals} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div>
            <label htmlFor="note">{t('approval.note')}</label>
            <textarea id="note" name="note" rows={2} disabled={!canReview} />
          </div>
          <div className="calib-actions">
            <button type="submit" name="intent" value="approve-selected" className="primary" disabled={!canReview || busy || selected.size === 0}>
              {f('approval.approveSelected', { n: selected.size })}
            </button>
            <button
              type="submit"
              name="intent"
              value="approve-all"
              className="calib-secondary"
              disabled={!canReview || busy || run.converged !== true}
              aria-describedby={run.converged === false ? 'all-refused' : undefined}
            >
              {f('approval.approveAll', { n: estimated.length })}
            </button>
            {run.converged === false ? (
              <span id="all-refused" className="muted">
                {t('approval.allRefused')}
              </span>
            ) : null}
          </div>
        </section>
      </Form>

      <section className="panel" aria-labelledby="rejet-titre">
        <h2 id="rejet-titre">{t('approval.reject')}</h2>
        <Form method="post" className="calib-form">
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <input type="hidden" name="intent" value="reject" />
          <label htmlFor="reason">{t('approval.reason')}</label>
          <textarea id="reason" name="reason" rows={3} required disabled={!canReview} aria-invalid={actionData?.form === 'reject' ? true : undefined} />
          <p>
            <button type="submit" className="calib-danger" disabled={!canReview || busy}>
              {t('approval.rejectButton')}
            </button>
          </p>
        </Form>
      </section>
    </>
  );
}
