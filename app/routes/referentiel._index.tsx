import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireViewerOutsideCertification } from '~/lib/certification-lock.server';
import { frameworkOverview } from '~/models/framework.server';
import { useT, useTitle } from '~/i18n';

export const meta: MetaFunction = () => [{ title: 'Référentiel – Pix Workbench' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireViewerOutsideCertification(request);
  return { areas: await frameworkOverview() };
}

export default function Framework() {
  const { areas } = useLoaderData<typeof loader>();
  const t = useT();
  const title = useTitle();
  return (
    <>
      <h1>{t('framework.title')}</h1>
      <p>{t('framework.intro')}</p>
      {areas.map((area) => (
        <section key={area.code} className="area" aria-labelledby={`area-${area.code}`}>
          <h2 id={`area-${area.code}`}>
            {area.code}. {title(area)}
          </h2>
          <ul className="grid" role="list">
            {area.competences.map((c) => (
              <li key={c.code} style={{ listStyle: 'none' }}>
                <Link className="card" to={`/referentiel/${c.code}`} data-testid="competence-card">
                  <strong>{c.code}</strong> {title(c)}
                  <br />
                  <span className="muted">
                    {c.tubeCount} {t('framework.tubes')} · {c.skillCount} {t('framework.skills')}
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
