import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import styles from '../styles/referentiel-edition.css?url';
import { db } from '~/lib/db.server';
import { requireFrameworkEditor } from '~/lib/framework-editing.server';
import { workspaceOverview } from '~/models/workspace.server';
import { useTitle } from '~/i18n';
import { Breadcrumb, useR } from '~/components/framework/ui';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: styles }];
export const meta: MetaFunction = () => [{ title: 'Référentiel : édition – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireFrameworkEditor(request);
  return { areas: await workspaceOverview(db()) };
}

export default function Workspace() {
  const { areas } = useLoaderData<typeof loader>();
  const { t, f } = useR();
  const title = useTitle();
  return (
    <>
      <Breadcrumb items={[{ to: '/creation', label: t('nav.creation') }, { label: t('nav.workspace') }]} />
      <h1>{t('workspace.title')}</h1>
      <p>{t('workspace.intro')}</p>
      <p className="page-actions">
        <Link to="/creation/tutoriels">{t('workspace.tutorialsLink')}</Link>
      </p>
      {areas.map((area) => (
        <section key={area.code} className="area" aria-labelledby={`area-${area.code}`}>
          <h2 id={`area-${area.code}`}>
            {area.code}. {title(area)}
          </h2>
          <ul className="grid" role="list">
            {area.competences.map((c) => (
              <li key={c.code} style={{ listStyle: 'none' }}>
                <Link className="card competence-card" to={`/creation/referentiel/${c.code}`} data-testid="workspace-competence">
                  <span>
                    <strong>{c.code}</strong> {title(c)}
                  </span>
                  <span className="muted">{f('workspace.counts', { thematics: c.thematicCount, tubes: c.tubeCount, skills: c.skillCount })}</span>
                  <span className="signals">
                    {c.toComplete > 0 ? <span className="badge to-complete">{f('workspace.toComplete', { n: c.toComplete })}</span> : null}
                    {c.deadLinks > 0 ? <span className="badge link-dead">{f('workspace.deadLinks', { n: c.deadLinks })}</span> : null}
                    {c.skillCount > 0 && c.toComplete === 0 ? <span className="badge complete">{t('workspace.allComplete')}</span> : null}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
