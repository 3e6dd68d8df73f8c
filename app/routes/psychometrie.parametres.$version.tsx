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
import { RESTORE_REFUSALS, restoreEvents, restoreParameterSet, restorePreview } from '~/models/parameter-set-restore.server';
import { useRootData } from '~/root';
import { formatDateTime, formatInteger, formatNumber } from '~/models/calibration-labels';
import calibrationStyles from '~/styles/calibration.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: calibrationStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Paramètres version ${data?.version ?? ''} – Psychométrie` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireSpace(request, 'psychometrie');
  const version = Number(params.version);
  const set = Number.isInteger(version) ? await parameterSetByVersion(db(), version) : null;
  if (!set) throw new Response('Version introuvable', { status: 404 });
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
  if (form.get('intent') !== 'restore') return json({ error: 'Action inconnue.' }, { status: 400 });
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
    return json({ error: RESTORE_REFUSALS[result.refusal] }, { status });
  }
  return redirect(`/psychometrie/parametres/${result.version}?remise=${result.restoredFromVersion}`);
}

type Preview = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>['preview']>;

function signedB(x: number | null) {
  return x === null ? 'non calibrée' : formatNumber(x);
}

function ItemList({ title, items, testId, explain }: { title: string; items: Preview['changed']; testId: string; explain: string }) {
  if (items.length === 0) return null;
  return (
    <section aria-label={title} data-testid={testId}>
      <h3>
        {title} ({formatInteger(items.length)})
      </h3>
      <p className="muted">{explain}</p>
      <ul>
        {items.map((i) => (
          <li key={i.challengeId}>
            <Link to={`/psychometrie/items/${i.challengeId}`}>{i.key}</Link> : b {signedB(i.bNow)} → {signedB(i.bRestored)}
          </li>
        ))}
      </ul>
    </section>
  );
}

function RestoreConfirmation({ preview, error }: { preview: Preview; error?: string }) {
  const { csrfToken } = useRootData();
  const nothing = preview.changed.length + preview.dropped.length + preview.versionChanged.length + preview.added.length === 0;
  return (
    <section className="panel" aria-labelledby="remettre-titre" data-testid="restore-confirmation">
      <h2 id="remettre-titre">Remettre la version {preview.target.version} en vigueur</h2>
      <p>
        {preview.active
          ? `La version ${preview.active.version}, en vigueur, sera remplacée par une nouvelle version qui reprend exactement les paramètres de la version ${preview.target.version}. `
          : `Une nouvelle version reprendra exactement les paramètres de la version ${preview.target.version}. `}
        Les nouveaux positionnements et les sessions de certification créées ensuite l’utiliseront ; ceux déjà commencés gardent leur version.
      </p>
      <h3>Ce qui change pour les épreuves en service</h3>
      {nothing ? <p>Aucun paramètre d’épreuve en service ne change.</p> : null}
      <ItemList
        title="Paramètres modifiés"
        items={preview.changed}
        testId="restore-changed"
        explain="Épreuves calibrées dans les deux versions dont les paramètres changent."
      />
      <ItemList
        title="Épreuves qui ne seront plus calibrées"
        items={preview.dropped}
        testId="restore-dropped"
        explain={`Calibrées aujourd’hui mais absentes de la version ${preview.target.version} : elles repassent en prétest.`}
      />
      <ItemList
        title="Épreuves laissées non calibrées (contenu modifié depuis)"
        items={preview.versionChanged}
        testId="restore-version-changed"
        explain={`La version ${preview.target.version} les a calibrées sur un contenu qui a changé depuis (clé, propositions, consigne, type ou minuteur) : ses paramètres ne s’appliquent pas au contenu servi, elles restent non calibrées.`}
      />
      <ItemList
        title="Épreuves qui redeviennent calibrées"
        items={preview.added}
        testId="restore-added"
        explain="Non calibrées aujourd’hui, calibrées dans la version remise en vigueur."
      />
      <h3>Seuils de niveau sur θ</h3>
      {preview.cutScores.length === 0 ? (
        <p>Aucun seuil.</p>
      ) : (
        <table className="calib-cuts calib-table" data-testid="restore-cuts">
          <thead>
            <tr>
              <th scope="col">Niveau</th>
              <th scope="col">En vigueur</th>
              <th scope="col">Après remise en vigueur</th>
            </tr>
          </thead>
          <tbody>
            {preview.cutScores.map((c) => (
              <tr key={c.level}>
                <th scope="row">{c.level}</th>
                <td>{formatNumber(c.now)}</td>
                <td>{formatNumber(c.restored)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Form method="post" className="calib-restore-form">
        <input type="hidden" name="csrf" value={csrfToken ?? ''} />
        <input type="hidden" name="intent" value="restore" />
        <input type="hidden" name="expectedActiveId" value={preview.active?.id ?? ''} />
        <label htmlFor="restore-reason">Raison de la remise en vigueur (obligatoire)</label>
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
            {error}
          </p>
        ) : null}
        <p className="calib-actions">
          <button type="submit" className="primary">
            Confirmer la remise en vigueur
          </button>
          <Link to=".">Annuler</Link>
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
  const levels = Object.keys(set.cutScores)
    .map(Number)
    .sort((x, y) => x - y);
  return (
    <>
      <p>
        <Link to="/psychometrie/parametres">Tous les jeux de paramètres</Link> · <Link to="/psychometrie">Calibrations</Link>
      </p>
      <h1>
        Paramètres, version {set.version} {set.active ? <span className="calib-active">En vigueur</span> : null}
      </h1>
      {approved ? (
        <p className="calib-success" role="status">
          Calibration approuvée : {approved} épreuve(s). La version {set.version} est {set.active ? 'en vigueur' : 'enregistrée'}.
        </p>
      ) : null}
      {restored ? (
        <p className="calib-success" role="status">
          La version {restored} est remise en vigueur : la version {set.version} reprend ses paramètres.
        </p>
      ) : null}
      {actionData && 'error' in actionData && !set.preview ? (
        <p className="calib-alert" role="alert">
          {actionData.error}
        </p>
      ) : null}
      {set.events.length > 0 ? (
        <section className="panel" aria-labelledby="remises" data-testid="restore-events">
          <h2 id="remises">Remises en vigueur</h2>
          <ul>
            {set.events.map((e) => (
              <li key={e.version}>
                {e.version === set.version ? (
                  <>Cette version remet en vigueur la </>
                ) : (
                  <>
                    <Link to={`/psychometrie/parametres/${e.version}`}>Version {e.version}</Link> : remise en vigueur de la{' '}
                  </>
                )}
                <Link to={`/psychometrie/parametres/${e.restoredFromVersion}`}>version {e.restoredFromVersion}</Link>, le {formatDateTime(e.at)}
                {e.by ? ` par ${e.by}` : ''} ; raison : « {e.reason} »
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {set.preview ? <RestoreConfirmation preview={set.preview} error={actionData && 'error' in actionData ? actionData.error : undefined} /> : null}
      {!set.active && !set.preview ? (
        <p>
          <Link className="button" to="?remettre=1#remettre-titre">
            Remettre cette version en vigueur…
          </Link>
        </p>
      ) : null}
      <section className="panel">
        <dl className="calib-dl">
          <dt>Approuvée le</dt>
          <dd>{formatDateTime(set.approvedAt)}</dd>
          <dt>Par</dt>
          <dd>{set.approvedBy ?? '—'}</dd>
          <dt>Calibration d’origine</dt>
          <dd>{set.sourceRunId ? <Link to={`/psychometrie/calibrations/${set.sourceRunId}`}>voir l’analyse</Link> : '—'}</dd>
          <dt>Épreuves calibrées</dt>
          <dd>{formatInteger(set.items.length)}</dd>
          {set.note ? (
            <>
              <dt>Note</dt>
              <dd>{set.note}</dd>
            </>
          ) : null}
        </dl>
        <p>
          <a href={`/psychometrie/parametres/${set.version}/export.csv`} download>
            Exporter les paramètres (CSV brut, pour R et la CLI)
          </a>{' '}
          ·{' '}
          <a href={`/psychometrie/parametres/${set.version}/export.csv?format=tableur`} download>
            CSV pour tableur
          </a>
        </p>
      </section>
      <section className="panel" aria-labelledby="seuils">
        <h2 id="seuils">Seuils de niveau sur θ</h2>
        {levels.length === 0 ? (
          <p>Aucun seuil.</p>
        ) : (
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
                <th scope="row">θ</th>
                {levels.map((l) => (
                  <td key={l}>{formatNumber(set.cutScores[String(l)] ?? null)}</td>
                ))}
              </tr>
            </tbody>
          </table>
        )}
        <p className="muted">Le seuil d’un niveau est le θ auquel la réussite attendue aux épreuves en service de ce niveau atteint 50 %.</p>
      </section>
      <h2 id="epreuves">Paramètres des épreuves</h2>
      <div className="calib-scroll" role="region" aria-labelledby="epreuves" tabIndex={0}>
        <table className="calib-table">
          <thead>
            <tr>
              <th scope="col">Épreuve</th>
              <th scope="col">Compétence</th>
              <th scope="col">Acquis</th>
              <th scope="col" className="num">
                Niveau
              </th>
              <th scope="col" className="num">
                a (ET)
              </th>
              <th scope="col" className="num">
                d
              </th>
              <th scope="col" className="num">
                b (ET)
              </th>
              <th scope="col">Calibration</th>
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
                  {formatNumber(p.a)} ({formatNumber(p.seA)})
                </td>
                <td className="num">{formatNumber(p.d)}</td>
                <td className="num">
                  {formatNumber(p.b)} ({formatNumber(p.seB)})
                </td>
                <td>
                  {p.sourceRunId === set.sourceRunId ? (
                    'cette approbation'
                  ) : p.sourceRunId ? (
                    <Link to={`/psychometrie/calibrations/${p.sourceRunId}`}>antérieure</Link>
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
