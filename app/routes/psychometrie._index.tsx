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
  describeRefusal,
  setNewAnswersThreshold,
  startCalibration,
  type CalibrationProgress,
  type RunListItem,
} from '~/models/calibration.server';
import { psychometricsHome } from '~/models/psychometrics-home.server';
import {
  ANCHOR_LABELS,
  MODEL_LABELS,
  PHASE_LABELS,
  REVIEW_LABELS,
  STATUS_LABELS,
  TRIGGER_LABELS,
  formatDateTime,
  formatDuration,
  formatInteger,
  formatNumber,
} from '~/models/calibration-labels';
import { useRootData } from '~/root';
import calibrationStyles from '~/styles/calibration.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: calibrationStyles }];

export const meta: MetaFunction = () => [{ title: 'Psychométrie – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  return psychometricsHome(db());
}

type ActionData = { error?: string; notice?: string; field?: string };

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
    if (!outcome.ok) return json<ActionData>({ error: describeRefusal(outcome.refusal) }, { status: 422 });
    return redirect(`/psychometrie?lancee=${outcome.runId}#calibrations`);
  }
  if (intent === 'cancel') {
    const runId = String(form.get('runId') ?? '');
    const result = await cancelCalibration(db(), runId, removeWaitingCalibrationJob);
    const notice =
      result === 'cancelled'
        ? 'Calibration annulée.'
        : result === 'requested'
          ? 'Annulation demandée : la calibration s’arrête avant son prochain cycle.'
          : result === 'finished'
            ? 'Cette calibration est déjà terminée.'
            : 'Calibration introuvable.';
    return json<ActionData>({ notice });
  }
  if (intent === 'threshold') {
    const value = Number(form.get('threshold'));
    if (!Number.isInteger(value) || value < 100 || value > 100_000_000) {
      return json<ActionData>({ error: 'Le seuil doit être un nombre entier entre 100 et 100 000 000.', field: 'threshold' }, { status: 422 });
    }
    await setNewAnswersThreshold(db(), value);
    return json<ActionData>({ notice: `Seuil enregistré : une calibration démarre dès ${value.toLocaleString('fr-FR')} nouvelles réponses.` });
  }
  return json<ActionData>({ error: 'Action inconnue.' }, { status: 400 });
}

const ACTIVE = new Set(['QUEUED', 'RUNNING']);

interface LiveProgress {
  id: string;
  status: RunListItem['status'];
  progress: CalibrationProgress | null;
  cancelRequested: boolean;
}

function ProgressCell({ run, live }: { run: RunListItem; live: LiveProgress | undefined }) {
  const status = live?.status ?? run.status;
  const progress = live?.progress ?? run.progress;
  const cancelRequested = live?.cancelRequested ?? run.cancelRequested;
  const label = `Progression de la calibration du ${formatDateTime(run.createdAt)}`;
  if (!ACTIVE.has(status)) {
    return (
      <div>
        <span className={`calib-status ${status}`}>{STATUS_LABELS[status]}</span>
        {status === 'FAILED' && run.error ? <div className="detail muted">{run.error}</div> : null}
      </div>
    );
  }
  const percent = progress?.percent ?? 0;
  const phase = progress ? PHASE_LABELS[progress.phase] : PHASE_LABELS.queued;
  const details: string[] = [phase];
  if (progress?.phase === 'reading' && progress.answersRead !== undefined) details.push(`${formatInteger(progress.answersRead)} réponses lues`);
  if (progress?.cycle !== undefined) details.push(`cycle ${progress.cycle}`);
  if (progress?.logLik !== undefined) details.push(`log-vraisemblance ${formatNumber(progress.logLik, 1)}`);
  if (progress?.shards && progress.shards > 1) details.push(`${progress.shards} parties en parallèle`);
  return (
    <div className="calib-progress">
      <span className={`calib-status ${status}`}>
        {cancelRequested ? 'Annulation demandée' : STATUS_LABELS[status]} — {percent} %
      </span>
      <progress max={100} value={percent} aria-label={label}>
        {percent} %
      </progress>
      <span className="detail">{details.join(' · ')}</span>
    </div>
  );
}

function settingsText(run: RunListItem, competences: { id: string; code: string }[]): string {
  const s = run.settings;
  const scope = s.competenceIds.length ? s.competenceIds.map((id) => competences.find((c) => c.id === id)?.code ?? '?').join(', ') : 'toute la banque';
  return `${MODEL_LABELS[run.model] ?? run.model}, a priori ${s.priors ? 'oui' : 'non'}, ${s.anchors === 'keep-live' ? 'calibrées fixes' : 'tout recalibrer'}, ${scope}`;
}

export default function Psychometrics() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionData>();
  const navigation = useNavigation();
  const { csrfToken } = useRootData();
  const [params] = useSearchParams();
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
          if (before && before !== r.status) setAnnouncement(`Calibration ${STATUS_LABELS[r.status].toLowerCase()}.`);
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
      <h1>Psychométrie</h1>
      <p>
        <Link to="/psychometrie/parametres">Jeux de paramètres et exports</Link>
      </p>
      <div className="grid">
        <section className="panel" aria-labelledby="banque-titre">
          <h2 id="banque-titre">Banque en service</h2>
          <p>
            {formatInteger(data.live)} épreuves en service, dont {formatInteger(data.calibratedLive)} calibrées
          </p>
          <p>
            {data.answers.estimated ? 'environ ' : ''}
            {formatInteger(data.answers.count)} réponses enregistrées
          </p>
        </section>
        <section className="panel" aria-labelledby="actifs-titre">
          <h2 id="actifs-titre">Paramètres en vigueur</h2>
          {data.active ? (
            <>
              <p>
                <strong>Version {data.active.version}</strong> : {formatInteger(data.active.items)} épreuves calibrées, approuvée le{' '}
                {formatDateTime(data.active.approvedAt)}
                {data.active.approvedBy ? ` par ${data.active.approvedBy}` : ''}.
              </p>
              <p>
                <Link to={`/psychometrie/parametres/${data.active.version}`}>Voir la version {data.active.version} et ses seuils de niveau</Link>
              </p>
            </>
          ) : (
            <p>Aucun jeu de paramètres approuvé : toutes les épreuves sont non calibrées.</p>
          )}
        </section>
      </div>

      <div className="calib-columns">
        <section className="panel" aria-labelledby="lancer-titre">
          <h2 id="lancer-titre">Lancer une calibration</h2>
          {actionData?.error && actionData.field !== 'threshold' ? (
            <p className="calib-alert" role="alert">
              {actionData.error}
            </p>
          ) : null}
          <Form method="post" className="calib-form">
            <input type="hidden" name="csrf" value={csrfToken ?? ''} />
            <input type="hidden" name="intent" value="start" />
            <fieldset>
              <legend>Modèle</legend>
              <div className="choice">
                <input type="radio" id="model-2pl" name="model" value="2pl" defaultChecked />
                <label htmlFor="model-2pl">2PL (pente et difficulté par épreuve)</label>
              </div>
              <div className="choice">
                <input type="radio" id="model-rasch" name="model" value="rasch" />
                <label htmlFor="model-rasch">Rasch (pente commune)</label>
              </div>
            </fieldset>
            <fieldset>
              <legend>Paramètres déjà approuvés</legend>
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
                <label htmlFor="anchors-keep">{ANCHOR_LABELS['keep-live']}</label>
              </div>
              <p className="hint" id="anchors-keep-hint">
                {data.active
                  ? `Les épreuves de la version ${data.active.version} servent d’ancres : l’échelle ne bouge pas.`
                  : 'Indisponible : aucun jeu de paramètres n’est encore approuvé.'}
              </p>
              <div className="choice">
                <input type="radio" id="anchors-all" name="anchors" value="recalibrate-all" defaultChecked={!data.active} aria-describedby="anchors-all-hint" />
                <label htmlFor="anchors-all">{ANCHOR_LABELS['recalibrate-all']}</label>
              </div>
              <p className="hint" id="anchors-all-hint">
                Montre la dérive de chaque épreuve par rapport aux paramètres en vigueur.
              </p>
            </fieldset>
            <div className="choice">
              <input type="checkbox" id="priors" name="priors" defaultChecked aria-describedby="priors-hint" />
              <label htmlFor="priors">Lois a priori sur les paramètres (recommandé)</label>
            </div>
            <p className="hint" id="priors-hint">
              a ~ logN(0 ; 0,5), d ~ N(0 ; 2) : stabilise les épreuves peu répondues. Décochez pour le maximum de vraisemblance.
            </p>
            <div>
              <label htmlFor="competence">Périmètre</label>
              <select id="competence" name="competence" defaultValue="">
                <option value="">Toute la banque en service</option>
                {data.competences.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.code} {c.titleFr}
                  </option>
                ))}
              </select>
            </div>
            <p>
              <button type="submit" className="primary" disabled={submitting}>
                {submitting ? 'Lancement…' : 'Lancer la calibration'}
              </button>
            </p>
          </Form>
        </section>
        <section className="panel" aria-labelledby="auto-titre">
          <h2 id="auto-titre">Calibrations automatiques</h2>
          <p>
            Une calibration complète est lancée chaque lundi à 3 h s’il y a de nouvelles réponses, et une calibration des nouvelles épreuves dès que le seuil de
            nouvelles réponses est atteint.
          </p>
          {actionData?.field === 'threshold' && actionData.error ? (
            <p className="calib-alert" role="alert">
              {actionData.error}
            </p>
          ) : null}
          <Form method="post" className="calib-form">
            <input type="hidden" name="csrf" value={csrfToken ?? ''} />
            <input type="hidden" name="intent" value="threshold" />
            <label htmlFor="threshold">Seuil de nouvelles réponses</label>
            <input type="number" id="threshold" name="threshold" min={100} step={100} defaultValue={data.threshold} style={{ maxWidth: '12rem' }} />{' '}
            <button type="submit" className="calib-secondary">
              Enregistrer
            </button>
          </Form>
        </section>
      </div>

      <h2 id="calibrations" tabIndex={-1}>
        Calibrations
      </h2>
      {started ? (
        <p className="calib-success" role="status">
          Calibration lancée : elle apparaît ci-dessous avec sa progression.
        </p>
      ) : null}
      {actionData?.notice ? (
        <p className="calib-success" role="status">
          {actionData.notice}
        </p>
      ) : null}
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {data.runs.length === 0 ? (
        <p>Aucune calibration lancée pour l’instant.</p>
      ) : (
        <div className="calib-scroll" role="region" aria-labelledby="calibrations" tabIndex={0}>
          <table className="calib-table">
            <thead>
              <tr>
                <th scope="col">Lancée le</th>
                <th scope="col">Par</th>
                <th scope="col">Statut et progression</th>
                <th scope="col">Réglages</th>
                <th scope="col">Données</th>
                <th scope="col" className="num">
                  Durée
                </th>
                <th scope="col" className="num">
                  Log-vraisemblance
                </th>
                <th scope="col">Convergence</th>
                <th scope="col">Examen</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.runs.map((run) => {
                const live = liveById.get(run.id);
                const status = live?.status ?? run.status;
                return (
                  <tr key={run.id} data-run={run.id}>
                    <td>{formatDateTime(run.createdAt)}</td>
                    <td>{run.requestedBy ?? TRIGGER_LABELS[run.trigger]}</td>
                    <td>
                      <ProgressCell run={run} live={live} />
                    </td>
                    <td>{settingsText(run, data.competences)}</td>
                    <td>
                      {run.answers !== null ? (
                        <>
                          {formatInteger(run.answers)} réponses, {formatInteger(run.persons)} positionnements
                          {run.items ? `, ${formatInteger(run.items)} épreuves` : ''}
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className="num">{formatDuration(run.seconds)}</td>
                    <td className="num">{formatNumber(run.logLik, 1)}</td>
                    <td>{run.converged === null ? '—' : run.converged ? `oui (${run.iterations} cycles)` : `non (${run.iterations} cycles)`}</td>
                    <td>
                      {run.status === 'SUCCEEDED' ? (
                        <span className={`calib-review ${run.reviewStatus}`}>
                          {REVIEW_LABELS[run.reviewStatus]}
                          {run.parameterSetVersions.length ? ` (v${run.parameterSetVersions.join(', v')})` : ''}
                        </span>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className="actions">
                      {run.status === 'SUCCEEDED' ? (
                        <>
                          <Link to={`/psychometrie/calibrations/${run.id}`}>Analyser</Link>
                          {run.reviewStatus === 'PENDING' ? (
                            <>
                              <span className="sep" aria-hidden="true">
                                {' · '}
                              </span>
                              <Link to={`/psychometrie/calibrations/${run.id}/approbation`}>Approuver ou rejeter</Link>
                            </>
                          ) : null}
                        </>
                      ) : null}
                      {ACTIVE.has(status) && !(live?.cancelRequested ?? run.cancelRequested) ? (
                        <Form method="post">
                          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
                          <input type="hidden" name="intent" value="cancel" />
                          <input type="hidden" name="runId" value={run.id} />
                          <button type="submit" className="calib-danger" aria-label={`Annuler la calibration du ${formatDateTime(run.createdAt)}`}>
                            Annuler
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
