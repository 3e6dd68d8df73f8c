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
import { APPROVAL_REFUSALS, REJECTION_REFUSALS, approvalView, approveRun, rejectRun } from '~/models/parameter-set.server';
import { FLAG_LABELS, MODEL_LABELS, REVIEW_LABELS, STATUS_LABELS, formatDateTime, formatInteger, formatNumber } from '~/models/calibration-labels';
import { levelCutScores } from '../../engine/calibration';
import { useRootData } from '~/root';
import calibrationStyles from '~/styles/calibration.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: calibrationStyles }];

export const meta: MetaFunction = () => [{ title: 'Approbation d’une calibration – Psychométrie' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const view = await approvalView(db(), params.id ?? '');
  if (!view) throw new Response('Calibration introuvable', { status: 404 });
  return view;
}

type ActionData = { error?: string; form?: 'approve' | 'reject' };

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
    if (!result.ok) return json<ActionData>({ error: APPROVAL_REFUSALS[result.refusal], form: 'approve' }, { status: 409 });
    return redirect(`/psychometrie/parametres/${result.version}?approuvee=${result.approvedItems}`);
  }
  if (intent === 'reject') {
    const result = await rejectRun(db(), { runId, userId: session.viewer.id, reason: String(form.get('reason') ?? '') });
    if (!result.ok)
      return json<ActionData>({ error: REJECTION_REFUSALS[result.refusal], form: 'reject' }, { status: result.refusal === 'no-reason' ? 422 : 409 });
    return redirect(`/psychometrie?rejetee=${runId}#calibrations`);
  }
  return json<ActionData>({ error: 'Action inconnue.' }, { status: 400 });
}

function Flags({ flags }: { flags: string[] }) {
  if (flags.length === 0) return <span className="muted">aucun</span>;
  return (
    <>
      {flags.map((f) => (
        <span key={f} className="calib-flag">
          {FLAG_LABELS[f] ?? f}
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
        <Link to="/psychometrie">Retour aux calibrations</Link> · <Link to={`/psychometrie/calibrations/${run.id}`}>Analyse de cette calibration</Link>
      </p>
      <h1>Approbation de la calibration du {formatDateTime(run.createdAt)}</h1>
      <section className="panel" aria-labelledby="resume-titre">
        <h2 id="resume-titre">Résumé</h2>
        <dl className="calib-dl">
          <dt>Statut</dt>
          <dd>{STATUS_LABELS[run.status]}</dd>
          <dt>Modèle</dt>
          <dd>{MODEL_LABELS[run.model] ?? run.model}</dd>
          <dt>Convergence</dt>
          <dd>{run.converged === null ? '—' : run.converged ? `oui, en ${run.iterations} cycles` : `non (arrêt après ${run.iterations} cycles)`}</dd>
          <dt>Données</dt>
          <dd>
            {formatInteger(run.answers)} réponses de {formatInteger(run.persons)} positionnements
          </dd>
          <dt>Lancée par</dt>
          <dd>{run.requestedBy ?? 'déclenchement automatique'}</dd>
          <dt>Examen</dt>
          <dd>
            {REVIEW_LABELS[run.reviewStatus]}
            {run.reviewedBy ? ` par ${run.reviewedBy}, le ${formatDateTime(run.reviewedAt)}` : ''}
            {run.versions.length ? ` — version${run.versions.length > 1 ? 's' : ''} ${run.versions.join(', ')}` : ''}
            {run.rejectionReason ? ` — raison : ${run.rejectionReason}` : ''}
          </dd>
        </dl>
      </section>

      {actionData?.error ? (
        <p className="calib-alert" role="alert">
          {actionData.error}
        </p>
      ) : null}
      {!finished ? (
        <p className="calib-alert" role="alert">
          Cette calibration n’est pas terminée avec succès ({STATUS_LABELS[run.status].toLowerCase()}) : elle ne peut pas être approuvée.
        </p>
      ) : null}
      {finished && !pending ? <p className="notice">Cette calibration a déjà été examinée.</p> : null}
      {finished && pending && run.converged === false ? (
        <p className="calib-alert" role="alert">
          Cette calibration n’a pas convergé : elle ne peut pas être approuvée en entier. Vous pouvez approuver une sélection d’épreuves dont les paramètres
          sont fiables.
        </p>
      ) : null}

      <section className="panel" aria-labelledby="seuils-titre">
        <h2 id="seuils-titre">Seuils de niveau (θ)</h2>
        <p className="muted">
          Pour chaque niveau, le θ auquel la réussite attendue aux épreuves en service des acquis de ce niveau atteint 50 %, avec les paramètres du jeu qui
          résulterait de l’approbation (recalculé à chaque changement de la sélection).
        </p>
        <div className="calib-scroll" role="region" aria-labelledby="seuils-titre" tabIndex={0}>
          <table className="calib-cuts calib-table">
            <thead>
              <tr>
                <th scope="col">Niveau</th>
                {levels.map((l) => (
                  <th key={l} scope="col">
                    {l}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">En vigueur{active ? ` (v${active.version})` : ''}</th>
                {levels.map((l) => (
                  <td key={l}>{formatNumber(active?.cutScores[String(l)] ?? null)}</td>
                ))}
              </tr>
              <tr>
                <th scope="row">Avec la sélection</th>
                {levels.map((l) => (
                  <td key={l}>{formatNumber(cuts.cutScores[String(l)] ?? null)}</td>
                ))}
              </tr>
              <tr>
                <th scope="row">Avec toutes les épreuves</th>
                {levels.map((l) => (
                  <td key={l}>{formatNumber(allCuts.cutScores[String(l)] ?? null)}</td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
        {cuts.levels.some((l) => l.adjusted) ? (
          <p className="muted">
            Niveau{cuts.levels.filter((l) => l.adjusted).length > 1 ? 'x' : ''}{' '}
            {cuts.levels
              .filter((l) => l.adjusted)
              .map((l) => l.level)
              .join(', ')}{' '}
            : plus facile que le niveau inférieur d’après les données, seuil aligné sur celui-ci.
          </p>
        ) : null}
      </section>

      <Form method="post">
        <input type="hidden" name="csrf" value={csrfToken ?? ''} />
        <section className="panel" aria-labelledby="epreuves-titre">
          <h2 id="epreuves-titre">Épreuves estimées ({estimated.length})</h2>
          <p className="muted">
            Les épreuves signalées sont décochées par défaut.{' '}
            {items.length - estimated.length > 0 ? `${items.length - estimated.length} épreuves ancrées gardent leurs paramètres.` : ''}
          </p>
          <div className="calib-actions">
            <button type="button" className="calib-secondary" onClick={() => setSelected(new Set(estimated.map((i) => i.challengeId)))} disabled={!canReview}>
              Tout cocher
            </button>
            <button type="button" className="calib-secondary" onClick={() => setSelected(new Set())} disabled={!canReview}>
              Tout décocher
            </button>
            <span role="status">{selected.size} épreuve(s) sélectionnée(s)</span>
          </div>
          <div className="calib-scroll" role="region" aria-labelledby="epreuves-titre" tabIndex={0}>
            <table className="calib-table">
              <thead>
                <tr>
                  <th scope="col">Approuver</th>
                  <th scope="col">Épreuve</th>
                  <th scope="col">Acquis</th>
                  <th scope="col" className="num">
                    Niveau
                  </th>
                  <th scope="col" className="num">
                    b estimé (ET)
                  </th>
                  <th scope="col" className="num">
                    b en vigueur
                  </th>
                  <th scope="col" className="num">
                    Δb
                  </th>
                  <th scope="col" className="num">
                    a
                  </th>
                  <th scope="col" className="num">
                    Réponses
                  </th>
                  <th scope="col">Signalements</th>
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
                        aria-label={`Approuver ${i.key}`}
                      />
                    </td>
                    <td>
                      <Link to={`/psychometrie/items/${i.challengeId}`}>{i.key}</Link>
                      {!i.live ? <span className="muted"> (plus en service)</span> : null}
                    </td>
                    <td>
                      {i.competence} {i.skill}
                    </td>
                    <td className="num">{i.level}</td>
                    <td className="num">
                      {formatNumber(i.b)} ({formatNumber(i.seB)})
                    </td>
                    <td className="num">{formatNumber(i.current?.b ?? null)}</td>
                    <td className="num">{formatNumber(i.driftDeltaB)}</td>
                    <td className="num">{formatNumber(i.a)}</td>
                    <td className="num">{formatInteger(i.n)}</td>
                    <td>
                      <Flags flags={i.signals} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div>
            <label htmlFor="note">Note d’approbation (facultative)</label>
            <textarea id="note" name="note" rows={2} disabled={!canReview} />
          </div>
          <div className="calib-actions">
            <button type="submit" name="intent" value="approve-selected" className="primary" disabled={!canReview || busy || selected.size === 0}>
              Approuver la sélection ({selected.size})
            </button>
            <button
              type="submit"
              name="intent"
              value="approve-all"
              className="calib-secondary"
              disabled={!canReview || busy || run.converged !== true}
              aria-describedby={run.converged === false ? 'all-refused' : undefined}
            >
              Approuver toutes les épreuves estimées ({estimated.length})
            </button>
            {run.converged === false ? (
              <span id="all-refused" className="muted">
                Impossible : la calibration n’a pas convergé.
              </span>
            ) : null}
          </div>
        </section>
      </Form>

      <section className="panel" aria-labelledby="rejet-titre">
        <h2 id="rejet-titre">Rejeter la calibration</h2>
        <Form method="post" className="calib-form">
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <input type="hidden" name="intent" value="reject" />
          <label htmlFor="reason">Raison du rejet</label>
          <textarea id="reason" name="reason" rows={3} required disabled={!canReview} aria-invalid={actionData?.form === 'reject' ? true : undefined} />
          <p>
            <button type="submit" className="calib-danger" disabled={!canReview || busy}>
              Rejeter
            </button>
          </p>
        </Form>
      </section>
    </>
  );
}
