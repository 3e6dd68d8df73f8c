/**
 * Psychométrie: the bank in service, the parameters in force, the calibration runs with their live
 * progress, and the form to start a run. Runs are computed by the workers (workers/calibration.ts).
 */
import { json, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator, useSearchParams } from '@remix-run/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { databaseUrl, db } from '~/lib/db.server';
import { enqueueCalibration, removeWaitingCalibrationJob } from '~/lib/queues.server';
import {
  cancelCalibration,
  setNewAnswersThreshold,
  startCalibration,
  type CalibrationProgress,
  type RunListItem,
  type StartRefusal,
} from '~/models/calibration.server';
import { psychometricsHome } from '~/models/psychometrics-home.server';
import { formatDateTime, formatDuration, formatInteger, formatNumber } from '~/models/calibration-labels';
import { useRootData } from '~/root';
import { codedText, localeFromRequest, metaLocale, titleIn, useMessages, type Locale } from '~/i18n';
import { calibrationMessages, useCalibrationTexts } from '~/i18n/psychometrie-calibrations';
import { psychometricsMessages, type PsychometricsKey } from '~/i18n/psychometrie';
import { unknownAction } from '~/lib/http-error.server';
import calibrationStyles from '~/styles/calibration.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: calibrationStyles }];

export const meta: MetaFunction = ({ matches }) => [{ title: calibrationMessages[metaLocale(matches)]['meta.home'] }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  return psychometricsHome(db());
}

/** What the action says: a code of the dictionary's `action.` entries and its parameters. */
type Coded = { code: string; params?: Record<string, string> };
type ActionData = { error?: Coded; notice?: Coded; field?: string };

/** Why a run was not started, as a code with its parameters written in the viewer's language. */
function startRefusal(refusal: StartRefusal, locale: Locale): Coded {
  switch (refusal.kind) {
    case 'too-few-answers':
      return {
        code: refusal.answers > 1 ? 'start.too-few-answers' : 'start.too-few-answers-one',
        params: { answers: formatInteger(refusal.answers, locale), minimum: formatInteger(refusal.minimum, locale) },
      };
    case 'nothing-to-calibrate':
      return { code: 'start.nothing-to-calibrate', params: { anchored: String(refusal.anchored) } };
    case 'queue-unavailable':
      return { code: 'start.queue-unavailable', params: { message: refusal.message } };
    default:
      return { code: `start.${refusal.kind}` };
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'psychometrie');
  const form = await requireForm(request, session);
  const intent = form.get('intent');
  if (intent === 'start') {
    const model = form.get('model') === 'rasch' ? 'rasch' : '2pl';
    const priors = form.get('priors') === 'on';
    const anchors = form.get('anchors') === 'keep-live' ? 'keep-live' : 'recalibrate-all';
    const competence = String(form.get('competence') ?? '');
    // "The other model on the same answers" (run page): the snapshot of that run.
    const snapshot = String(form.get('maxAnswerId') ?? '');
    const outcome = await startCalibration(db(), {
      settings: { model, priors, anchors, competenceIds: competence ? [competence] : [], ...(/^\d+$/.test(snapshot) ? { maxAnswerId: snapshot } : {}) },
      trigger: 'MANUAL',
      requestedById: session.viewer.id,
      databaseUrl: databaseUrl(),
      enqueue: enqueueCalibration,
    });
    if (!outcome.ok) return json<ActionData>({ error: startRefusal(outcome.refusal, localeFromRequest(request)) }, { status: 422 });
    return redirect(`/psychometrie?lancee=${outcome.runId}#calibrations`);
  }
  if (intent === 'cancel') {
    const runId = String(form.get('runId') ?? '');
    const result = await cancelCalibration(db(), runId, removeWaitingCalibrationJob);
    return json<ActionData>({ notice: { code: `cancel.${result}` } });
  }
  if (intent === 'threshold') {
    const value = Number(form.get('threshold'));
    if (!Number.isInteger(value) || value < 100 || value > 100_000_000) {
      return json<ActionData>({ error: { code: 'threshold.invalid' }, field: 'threshold' }, { status: 422 });
    }
    await setNewAnswersThreshold(db(), value);
    return json<ActionData>({ notice: { code: 'threshold.saved', params: { value: formatInteger(value, localeFromRequest(request)) } } });
  }
  throw unknownAction();
}

const ACTIVE = new Set(['QUEUED', 'RUNNING']);

interface LiveProgress {
  id: string;
  status: RunListItem['status'];
  progress: CalibrationProgress | null;
  cancelRequested: boolean;
}

type CalibrationTexts = ReturnType<typeof useCalibrationTexts>;

function ProgressCell({
  run,
  live,
  texts,
  status: statusLabel,
}: {
  run: RunListItem;
  live: LiveProgress | undefined;
  texts: CalibrationTexts;
  status: (code: string) => string;
}) {
  const { t, f, locale } = texts;
  const status = live?.status ?? run.status;
  const progress = live?.progress ?? run.progress;
  const cancelRequested = live?.cancelRequested ?? run.cancelRequested;
  const label = f('home.progressLabel', { date: formatDateTime(run.createdAt, locale) });
  if (!ACTIVE.has(status)) {
    return (
      <div>
        <span className={`calib-status ${status}`}>{statusLabel(status)}</span>
        {status === 'FAILED' && run.error ? <div className="detail muted">{run.error}</div> : null}
      </div>
    );
  }
  const percent = f('common.percent', { percent: progress?.percent ?? 0 });
  const details: string[] = [t(`phase.${progress?.phase ?? 'queued'}`)];
  if (progress?.phase === 'reading' && progress.answersRead !== undefined)
    details.push(f('home.progress.read', { n: formatInteger(progress.answersRead, locale) }));
  if (progress?.cycle !== undefined) details.push(f('home.progress.cycle', { n: progress.cycle }));
  if (progress?.logLik !== undefined) details.push(f('home.progress.logLik', { value: formatNumber(progress.logLik, 1, locale) }));
  if (progress?.shards && progress.shards > 1) details.push(f('home.progress.shards', { n: progress.shards }));
  return (
    <div className="calib-progress">
      <span className={`calib-status ${status}`}>
        {cancelRequested ? t('home.cancelRequested') : statusLabel(status)} — {percent}
      </span>
      <progress max={100} value={progress?.percent ?? 0} aria-label={label}>
        {percent}
      </progress>
      <span className="detail">{details.join(' · ')}</span>
    </div>
  );
}

function settingsText(run: RunListItem, competences: { id: string; code: string }[], { t, f }: CalibrationTexts): string {
  const s = run.settings;
  const scope = s.competenceIds.length ? s.competenceIds.map((id) => competences.find((c) => c.id === id)?.code ?? '?').join(', ') : t('home.settings.allBank');
  return f('home.settings', {
    model: run.model === 'rasch' || run.model === '2pl' ? t(`model.${run.model}`) : run.model,
    priors: t(s.priors ? 'home.settings.yes' : 'home.settings.no'),
    anchors: t(s.anchors === 'keep-live' ? 'home.settings.keep-live' : 'home.settings.recalibrate-all'),
    scope,
  });
}

export default function Psychometrics() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionData>();
  const navigation = useNavigation();
  const { csrfToken } = useRootData();
  const [params] = useSearchParams();
  const texts = useCalibrationTexts();
  const { t, f, locale } = texts;
  const psy = useMessages(psychometricsMessages);
  const statusLabel = (code: string) => psy(`status.${code}` as PsychometricsKey);
  // What the live region says when a run ends (read by the polling effect, in the current language).
  const endedRef = useRef((status: string) => status);
  endedRef.current = (status: string) => f('home.ended', { status: statusLabel(status).toLowerCase() });
  const started = params.get('lancee');
  const revalidator = useRevalidator();
  const activeIds = useMemo(() => data.runs.filter((r) => ACTIVE.has(r.status)).map((r) => r.id), [data.runs]);
  const [liveRuns, setLiveRuns] = useState<LiveProgress[]>([]);
  const liveById = useMemo(() => new Map(liveRuns.map((r) => [r.id, r] as const)), [liveRuns]);
  const [announcement, setAnnouncement] = useState('');
  const revalidateRef = useRef(revalidator.revalidate);
  revalidateRef.current = revalidator.revalidate;

  // Poll the progress of the runs shown as active every second (plain fetch of a JSON route); reload
  // the list once when one of them has ended.
  const activeKey = activeIds.join(',');
  useEffect(() => {
    if (!activeKey) return;
    let stopped = false;
    let busy = false;
    const statuses = new Map<string, string>();
    const tick = async () => {
      if (busy || stopped) return;
      busy = true;
      try {
        const response = await fetch(`/psychometrie/progression?ids=${activeKey}`, { headers: { Accept: 'application/json' } });
        if (!response.ok || stopped) return;
        const body = (await response.json()) as { runs: LiveProgress[] };
        setLiveRuns(body.runs);
        let ended = false;
        for (const r of body.runs) {
          const before = statuses.get(r.id);
          if (before && before !== r.status) setAnnouncement(endedRef.current(r.status));
          statuses.set(r.id, r.status);
          if (!ACTIVE.has(r.status)) ended = true;
        }
        if (ended) {
          stopped = true;
          revalidateRef.current();
        }
      } catch {
        // The next tick tries again.
      } finally {
        busy = false;
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [activeKey]);

  const submitting = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'start';
  return (
    <>
      <h1>{t('home.title')}</h1>
      <p>
        <Link to="/psychometrie/parametres">{t('home.setsLink')}</Link>
      </p>
      <div className="grid">
        <section className="panel" aria-labelledby="banque-titre">
          <h2 id="banque-titre">{t('home.bank')}</h2>
          <p>{f('home.bankLive', { live: formatInteger(data.live, locale), calibrated: formatInteger(data.calibratedLive, locale) })}</p>
          <p>{f(data.answers.estimated ? 'home.bankAnswersEstimated' : 'home.bankAnswers', { count: formatInteger(data.answers.count, locale) })}</p>
        </section>
        <section className="panel" aria-labelledby="actifs-titre">
          <h2 id="actifs-titre">{t('home.active')}</h2>
          {data.active ? (
            <>
              <p>
                <strong>{f('home.activeVersion', { version: data.active.version })}</strong>
                {f('home.activeDetail', {
                  items: formatInteger(data.active.items, locale),
                  date: formatDateTime(data.active.approvedAt, locale),
                  by: data.active.approvedBy ? f('home.activeBy', { name: data.active.approvedBy }) : '',
                })}
              </p>
              <p>
                <Link to={`/psychometrie/parametres/${data.active.version}`}>{f('home.activeLink', { version: data.active.version })}</Link>
              </p>
            </>
          ) : (
            <p>{t('home.noActive')}</p>
          )}
        </section>
      </div>

      <div className="calib-columns">
        <section className="panel" aria-labelledby="lancer-titre">
          <h2 id="lancer-titre">{t('home.start')}</h2>
          {actionData?.error && actionData.field !== 'threshold' ? (
            <p className="calib-alert" role="alert">
              {codedText(t, 'action', actionData.error)}
            </p>
          ) : null}
          <Form method="post" className="calib-form">
            <input type="hidden" name="csrf" value={csrfToken ?? ''} />
            <input type="hidden" name="intent" value="start" />
            <fieldset>
              <legend>{t('home.model')}</legend>
              <div className="choice">
                <input type="radio" id="model-2pl" name="model" value="2pl" defaultChecked />
                <label htmlFor="model-2pl">{t('home.model.2pl')}</label>
              </div>
              <div className="choice">
                <input type="radio" id="model-rasch" name="model" value="rasch" />
                <label htmlFor="model-rasch">{t('home.model.rasch')}</label>
              </div>
            </fieldset>
            <fieldset>
              <legend>{t('home.anchors')}</legend>
              <div className="choice">
                <input
                  type="radio"
                  id="anchors-keep"
                  name="anchors"
                  value="keep-live"
                  defaultChecked={Boolean(data.active)}
                  disabled={!data.active}
                  aria-describedby="anchors-keep-hint"
                />
                <label htmlFor="anchors-keep">{t('anchors.keep-live')}</label>
              </div>
              <p className="hint" id="anchors-keep-hint">
                {data.active ? f('home.anchors.keepHint', { version: data.active.version }) : t('home.anchors.keepUnavailable')}
              </p>
              <div className="choice">
                <input type="radio" id="anchors-all" name="anchors" value="recalibrate-all" defaultChecked={!data.active} aria-describedby="anchors-all-hint" />
                <label htmlFor="anchors-all">{t('anchors.recalibrate-all')}</label>
              </div>
              <p className="hint" id="anchors-all-hint">
                {t('home.anchors.allHint')}
              </p>
            </fieldset>
            <div className="choice">
              <input type="checkbox" id="priors" name="priors" defaultChecked aria-describedby="priors-hint" />
              <label htmlFor="priors">{t('home.priors')}</label>
            </div>
            <p className="hint" id="priors-hint">
              {t('home.priorsHint')}
            </p>
            <div>
              <label htmlFor="competence">{t('home.scope')}</label>
              <select id="competence" name="competence" defaultValue="">
                <option value="">{t('home.scopeAll')}</option>
                {data.competences.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.code} {titleIn(locale, c)}
                  </option>
                ))}
              </select>
            </div>
            <p>
              <button type="submit" className="primary" disabled={submitting}>
                {submitting ? t('home.starting') : t('home.startButton')}
              </button>
            </p>
          </Form>
        </section>
        <section className="panel" aria-labelledby="auto-titre">
          <h2 id="auto-titre">{t('home.auto')}</h2>
          <p>{t('home.autoText')}</p>
          {actionData?.field === 'threshold' && actionData.error ? (
            <p className="calib-alert" role="alert">
              {codedText(t, 'action', actionData.error)}
            </p>
          ) : null}
          <Form method="post" className="calib-form">
            <input type="hidden" name="csrf" value={csrfToken ?? ''} />
            <input type="hidden" name="intent" value="threshold" />
            <label htmlFor="threshold">{t('home.threshold')}</label>
            <input type="number" id="threshold" name="threshold" min={100} step={100} defaultValue={data.threshold} style={{ maxWidth: '12rem' }} />{' '}
            <button type="submit" className="calib-secondary">
              {t('home.save')}
            </button>
          </Form>
        </section>
      </div>

      <h2 id="calibrations" tabIndex={-1}>
        {t('common.runs')}
      </h2>
      {started ? (
        <p className="calib-success" role="status">
          {t('home.started')}
        </p>
      ) : null}
      {actionData?.notice ? (
        <p className="calib-success" role="status">
          {codedText(t, 'action', actionData.notice)}
        </p>
      ) : null}
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {data.runs.length === 0 ? (
        <p>{t('home.noRuns')}</p>
      ) : (
        <div className="calib-scroll" role="region" aria-labelledby="calibrations" tabIndex={0}>
          <table className="calib-table">
            <thead>
              <tr>
                <th scope="col">{t('home.col.created')}</th>
                <th scope="col">{t('home.col.by')}</th>
                <th scope="col">{t('home.col.status')}</th>
                <th scope="col">{t('home.col.settings')}</th>
                <th scope="col">{t('home.col.data')}</th>
                <th scope="col" className="num">
                  {t('home.col.duration')}
                </th>
                <th scope="col" className="num">
                  {t('home.col.logLik')}
                </th>
                <th scope="col">{t('home.col.converged')}</th>
                <th scope="col">{t('home.col.review')}</th>
                <th scope="col">{t('home.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {data.runs.map((run) => {
                const live = liveById.get(run.id);
                const status = live?.status ?? run.status;
                return (
                  <tr key={run.id} data-run={run.id}>
                    <td>{formatDateTime(run.createdAt, locale)}</td>
                    <td>{run.requestedBy ?? psy(`trigger.${run.trigger}`)}</td>
                    <td>
                      <ProgressCell run={run} live={live} texts={texts} status={statusLabel} />
                    </td>
                    <td>{settingsText(run, data.competences, texts)}</td>
                    <td>
                      {run.answers !== null
                        ? f('home.data', { answers: formatInteger(run.answers, locale), persons: formatInteger(run.persons, locale) }) +
                          (run.items ? f('home.dataItems', { items: formatInteger(run.items, locale) }) : '')
                        : '—'}
                    </td>
                    <td className="num">{formatDuration(run.seconds, locale)}</td>
                    <td className="num">{formatNumber(run.logLik, 1, locale)}</td>
                    <td>{run.converged === null ? '—' : f(run.converged ? 'home.convergedYes' : 'home.convergedNo', { n: run.iterations ?? '—' })}</td>
                    <td>
                      {run.status === 'SUCCEEDED' ? (
                        <span className={`calib-review ${run.reviewStatus}`}>
                          {psy(`review.${run.reviewStatus}`)}
                          {run.parameterSetVersions.length ? ` (v${run.parameterSetVersions.join(', v')})` : ''}
                        </span>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className="actions">
                      {run.status === 'SUCCEEDED' ? (
                        <>
                          <Link to={`/psychometrie/calibrations/${run.id}`}>{t('home.analyse')}</Link>
                          {run.reviewStatus === 'PENDING' ? (
                            <>
                              <span className="sep" aria-hidden="true">
                                {' · '}
                              </span>
                              <Link to={`/psychometrie/calibrations/${run.id}/approbation`}>{t('home.review')}</Link>
                            </>
                          ) : null}
                        </>
                      ) : null}
                      {ACTIVE.has(status) && !(live?.cancelRequested ?? run.cancelRequested) ? (
                        <Form method="post">
                          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
                          <input type="hidden" name="intent" value="cancel" />
                          <input type="hidden" name="runId" value={run.id} />
                          <button type="submit" className="calib-danger" aria-label={f('home.cancelRun', { date: formatDateTime(run.createdAt, locale) })}>
                            {t('common.cancel')}
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
