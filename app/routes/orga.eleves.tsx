import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { activeOrganisation, detachLearner, importClassList, listLearners, previewClassList, resetLearnerPassword } from '~/models/organisation.server';
import { CLASS_LIST_HEADER } from '../../engine/campaigns';
import { OrgaNav } from '~/components/orga/OrgaNav';
import { Csrf } from '~/components/orga/Csrf';
import { frDate } from '~/i18n/orga';
import orgaStyles from '~/styles/orga.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: orgaStyles }];
export const meta: MetaFunction = () => [{ title: 'Élèves – Orga – Pix Workbench' }];

const MAX_FILE = 2 * 1024 * 1024;

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(viewer, request);
  return { organisation, learners: await listLearners(db(), organisation.id) };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'orga');
  const organisation = activeOrganisation(session.viewer, request);
  const form = await requireForm(request, session);
  const intent = form.get('intent');
  if (intent === 'preview') {
    const file = form.get('file');
    const text = file instanceof File ? (file.size > MAX_FILE ? null : await file.text()) : null;
    if (text === null || text.trim() === '') return { intent: 'preview' as const, error: file instanceof File && file.size > MAX_FILE ? 'Le fichier dépasse 2 Mo.' : 'Choisissez un fichier CSV.' };
    return { intent: 'preview' as const, text, check: await previewClassList(db(), organisation.id, text) };
  }
  if (intent === 'confirm') {
    const text = String(form.get('text') ?? '');
    const { imported, check } = await importClassList(db(), organisation.id, text);
    return { intent: 'confirm' as const, imported, rejected: check.rejected.length, fileError: check.fileError };
  }
  const learnerId = String(form.get('learnerId') ?? '');
  if (intent === 'reset') {
    const result = await resetLearnerPassword(db(), organisation.id, learnerId);
    return { intent: 'reset' as const, ...result };
  }
  if (intent === 'detach') {
    return { intent: 'detach' as const, ...(await detachLearner(db(), organisation.id, learnerId)) };
  }
  throw new Response('Action inconnue', { status: 400 });
}

export default function Learners() {
  const { organisation, learners } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === 'submitting';
  return (
    <>
      <OrgaNav organisation={organisation.name} organisationId={organisation.id} />
      <h1>Élèves</h1>
      <section aria-labelledby="import-title" className="panel">
        <h2 id="import-title">Importer une liste d’élèves</h2>
        <p>
          Fichier CSV (séparateur « ; » ou « , », encodage UTF-8), une ligne d’en-tête : <code>{CLASS_LIST_HEADER.join(';')}</code>. Dates au format jj/mm/aaaa.
          Rien n’est importé avant que vous ne confirmiez.
        </p>
        <Form method="post" encType="multipart/form-data">
          <Csrf />
          <label htmlFor="file">Fichier CSV de la classe</label> <input id="file" name="file" type="file" accept=".csv,text/csv" required />{' '}
          <button type="submit" name="intent" value="preview" disabled={busy}>Vérifier le fichier</button>
        </Form>
        {data?.intent === 'preview' && 'error' in data && data.error ? <p role="alert" className="notice error">{data.error}</p> : null}
        {data?.intent === 'preview' && 'check' in data && data.check ? (
          <div>
            {data.check.fileError ? (
              <p role="alert" className="notice error">{data.check.fileError}</p>
            ) : (
              <>
                <h3>Aperçu</h3>
                <p role="status">{data.check.valid.length} ligne(s) valide(s), {data.check.rejected.length} ligne(s) refusée(s).</p>
                {data.check.rejected.length > 0 ? (
                  <table className="orga-table">
                    <caption>Lignes refusées</caption>
                    <thead><tr><th scope="col">Ligne</th><th scope="col">Élève</th><th scope="col">Problème</th></tr></thead>
                    <tbody>
                      {data.check.rejected.map((r) => (
                        <tr key={r.line} className="rejected"><td>{r.line}</td><td>{r.label}</td><td>{r.errors.join(' ')}</td></tr>
                      ))}
                    </tbody>
                  </table>
                ) : null}
                {data.check.valid.length > 0 ? (
                  <>
                    <table className="orga-table">
                      <caption>Lignes valides, prêtes à importer</caption>
                      <thead><tr><th scope="col">Ligne</th><th scope="col">Nom</th><th scope="col">Prénom</th><th scope="col">Classe</th><th scope="col">Numéro étudiant</th><th scope="col">Date de naissance</th></tr></thead>
                      <tbody>
                        {data.check.valid.map((l) => (
                          <tr key={l.line}><td>{l.line}</td><td>{l.lastName}</td><td>{l.firstName}</td><td>{l.division}</td><td>{l.studentNumber}</td><td>{frDate(`${l.birthDate}T12:00:00Z`)}</td></tr>
                        ))}
                      </tbody>
                    </table>
                    <Form method="post">
                      <Csrf />
                      <input type="hidden" name="text" value={data.text} />
                      <button type="submit" name="intent" value="confirm" disabled={busy}>Importer les {data.check.valid.length} élève(s) valides</button>
                    </Form>
                  </>
                ) : null}
              </>
            )}
          </div>
        ) : null}
        {data?.intent === 'confirm' ? (
          data.fileError ? <p role="alert" className="notice error">{data.fileError}</p> : <p role="status" className="notice success">{data.imported} élève(s) importé(s).{data.rejected ? ` ${data.rejected} ligne(s) non importée(s).` : ''}</p>
        ) : null}
      </section>
      {data?.intent === 'reset' ? (
        data.ok ? (
          <div role="status" className="notice success">
            Mot de passe temporaire de {data.name} ({data.email}) : <span className="temp-password">{data.password}</span>. Notez-le maintenant : il ne sera plus affiché.
          </div>
        ) : <p role="alert" className="notice error">{data.error}</p>
      ) : null}
      {data?.intent === 'detach' ? (data.ok ? <p role="status" className="notice success">{data.message}</p> : <p role="alert" className="notice error">{data.error}</p>) : null}
      <h2>Élèves de l’organisation ({learners.length})</h2>
      {learners.length === 0 ? <p>Aucun élève pour l’instant.</p> : (
        <table className="orga-table">
          <caption className="visually-hidden">Élèves de l’organisation</caption>
          <thead><tr><th scope="col">Nom</th><th scope="col">Prénom</th><th scope="col">Classe</th><th scope="col">Numéro étudiant</th><th scope="col">Date de naissance</th><th scope="col">Compte</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {learners.map((l) => (
              <tr key={l.id}>
                <td>{l.lastName}</td><td>{l.firstName}</td><td>{l.division ?? '—'}</td><td>{l.studentNumber ?? '—'}</td>
                <td>{l.birthDate ? frDate(`${l.birthDate}T12:00:00Z`) : '—'}</td>
                <td>{l.account ?? 'Pas de compte'}</td>
                <td>
                  <Form method="post" className="inline-form">
                    <Csrf />
                    <input type="hidden" name="learnerId" value={l.id} />
                    {l.account ? <button type="submit" name="intent" value="reset" aria-label={`Réinitialiser le mot de passe de ${l.firstName} ${l.lastName}`}>Réinitialiser le mot de passe</button> : null}{' '}
                    <button type="submit" name="intent" value="detach" aria-label={`Détacher ${l.firstName} ${l.lastName}`}>Détacher</button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
