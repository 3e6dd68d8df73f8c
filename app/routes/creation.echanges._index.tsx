import {
  MaxPartSizeExceededError,
  data,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { assertCsrf, assertSameOrigin, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { frameworkChoices } from '~/models/challenge.server';
import { liveChallengeKeys, importUpload, MAX_PACKAGE_BYTES, type ImportOutcome } from '~/models/interchange.server';
import { creationMessages, workbenchMessages } from '~/i18n/creation';
import { useMessages } from '~/i18n';
import { useRootData } from '~/root';
import authoringStyles from '~/styles/authoring.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: authoringStyles }];
export const meta: MetaFunction = () => [{ title: 'Échanges de contenu – Création' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'creation');
  const [choices, qti] = await Promise.all([frameworkChoices(db()), liveChallengeKeys(db())]);
  return {
    competences: choices.map((c) => ({ code: c.code, title: c.titleFr, skills: c.tubes.flatMap((t) => t.skills.map((s) => ({ id: s.id, name: s.name }))) })),
    qti,
  };
}

type ActionResult = { outcome: ImportOutcome } | { error: string };

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'creation');
  assertSameOrigin(request);
  const tooBig = () => data<ActionResult>({ error: `Le fichier dépasse ${MAX_PACKAGE_BYTES / 1048576} Mo : rien n’a été importé.` }, { status: 413 });
  // Refused by its size before anything is read or inflated.
  if (Number(request.headers.get('Content-Length') ?? 0) > MAX_PACKAGE_BYTES + 65536) return tooBig();
  if (!/^multipart\/form-data\b/i.test(request.headers.get('Content-Type') ?? ''))
    return data<ActionResult>({ error: 'Envoyez le fichier avec le formulaire d’import (multipart/form-data) : rien n’a été importé.' }, { status: 400 });
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_PACKAGE_BYTES }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return tooBig();
    throw error;
  }
  assertCsrf(session, form);
  const files = form.getAll('file').filter((f): f is File => f instanceof File && f.size > 0);
  if (files.length === 0) return data<ActionResult>({ error: 'Choisissez un fichier à importer.' }, { status: 400 });
  const uploads = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  const result = await importUpload(db(), {
    files: uploads,
    skillId: String(form.get('skill') ?? ''),
    userId: session.viewer.id,
    authorName: `${session.viewer.firstName} ${session.viewer.lastName}`,
  });
  if ('error' in result) return data<ActionResult>(result, { status: 400 });
  return data<ActionResult>({ outcome: result }, { status: result.ok ? 200 : 400 });
}

export default function Exchanges() {
  const { competences, qti } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const t = useMessages(creationMessages);
  const w = useMessages(workbenchMessages);
  const { csrfToken } = useRootData();
  const outcome = result && 'outcome' in result ? result.outcome : null;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/creation">{t('nav.creation')}</Link>
      </p>
      <h1>{w('exchange.title')}</h1>
      <p>{w('exchange.intro')}</p>

      <section className="panel" aria-labelledby="pack-title">
        <h2 id="pack-title">{w('exchange.packTitle')}</h2>
        <p>
          <a className="button" href="/creation/echanges/paquet.zip" download>
            {w('exchange.packZip')}
          </a>{' '}
          <a href="/creation/echanges/paquet.json" download>
            {w('exchange.packAll')}
          </a>
        </p>
        <ul className="inline-list">
          {competences.map((c) => (
            <li key={c.code}>
              <a href={`/creation/echanges/paquet/${c.code}`} download={`${c.code}.json`}>
                {w('exchange.packOne').replace('{code}', c.code)}
              </a>
            </li>
          ))}
        </ul>
      </section>

      <section className="panel" aria-labelledby="qti-title">
        <h2 id="qti-title">{w('exchange.qtiTitle')}</h2>
        <p>
          <a className="button" href="/creation/echanges/qti.zip" download>
            {w('exchange.qtiPackage')}
          </a>
        </p>
        <details>
          <summary>
            {w('exchange.qtiAll')} ({qti.length})
          </summary>
          <ul className="inline-list">
            {qti.map((key) => (
              <li key={key}>
                <a href={`/creation/echanges/qti/${key}`} download={`${key}.qti.xml`}>
                  {key}
                </a>
              </li>
            ))}
          </ul>
        </details>
      </section>

      <section className="panel" aria-labelledby="import-title">
        <h2 id="import-title">{w('exchange.importTitle')}</h2>
        <Form method="post" encType="multipart/form-data" className="stack wide">
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <div>
            <label htmlFor="import-file">{w('exchange.file')}</label>
            <input id="import-file" name="file" type="file" multiple accept=".json,.xml,.zip,application/json,application/xml,text/xml,application/zip" />
          </div>
          <div>
            <label htmlFor="import-skill">{w('exchange.skill')}</label>
            <select id="import-skill" name="skill" defaultValue="" aria-describedby="import-skill-hint">
              <option value="">—</option>
              {competences.map((c) => (
                <optgroup key={c.code} label={`${c.code} ${c.title}`}>
                  {c.skills.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
            <p className="muted small" id="import-skill-hint">
              {w('exchange.skillHint')}
            </p>
          </div>
          <div>
            <button type="submit" className="primary" disabled={navigation.state !== 'idle'}>
              {w('exchange.importButton')}
            </button>
          </div>
        </Form>
        {result && 'error' in result ? (
          <p className="error-message" role="alert">
            {result.error}
          </p>
        ) : null}
        {outcome && !outcome.ok ? (
          <div className="notice" role="alert" data-testid="import-rejected">
            <p>{w('exchange.rejected')}</p>
            <ul>
              {outcome.rejected.map((r, i) => (
                <li key={i}>
                  <strong>{r.item}</strong> : {r.reason}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {outcome && outcome.ok ? (
          <div className="notice success" role="status" data-testid="import-done">
            {outcome.kind === 'pack' ? (
              <>
                <p>{w('exchange.done')}</p>
                <p>
                  {outcome.report.challengesCreated} {w('exchange.created')}, {outcome.report.challengesUpdated} {w('exchange.updated')},{' '}
                  {outcome.report.challengesKeptAsEdited} {w('exchange.kept')}
                </p>
              </>
            ) : (
              <>
                <p>{outcome.created.length > 0 ? w('exchange.done') : w('exchange.noneImported')}</p>
                <h3>{w('exchange.imported').replace('{count}', String(outcome.created.length))}</h3>
                <ul data-testid="import-created">
                  {outcome.created.map((c) => (
                    <li key={c.id}>
                      <Link to={`/creation/epreuves/${c.id}`}>{c.key}</Link> — {c.type} — {c.title} ({c.identifier})
                    </li>
                  ))}
                </ul>
                {outcome.refused.length > 0 ? (
                  <>
                    <h3>{w('exchange.refused').replace('{count}', String(outcome.refused.length))}</h3>
                    <ul data-testid="import-refused">
                      {outcome.refused.map((r) => (
                        <li key={r.identifier}>
                          <strong>{r.identifier}</strong> : {r.reason}
                        </li>
                      ))}
                    </ul>
                  </>
                ) : null}
              </>
            )}
          </div>
        ) : null}
      </section>
    </>
  );
}
