/** « Remettre à zéro » a competence, 7 days after its last knowledge element, with a confirmation. */
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { requireForm } from '~/lib/session.server';
import { requireLearnerSpace } from '~/lib/certification-lock.server';
import { db } from '~/lib/db.server';
import { asResponse } from '~/lib/learner.server';
import { competenceByCode } from '~/models/positioning-bank.server';
import { competenceScoreOf, resetCompetence } from '~/models/knowledge.server';
import { useMessages, useTitle } from '~/i18n';
import { fill, learnerMessages } from '~/i18n/apprenant';
import { useRootData } from '~/root';
import learnerStyles from '~/styles/learner.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: learnerStyles }];

export const meta: MetaFunction = () => [{ title: 'Remettre à zéro – Pix Workbench' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireLearnerSpace(request);
  const competence = await competenceByCode(db(), params.code ?? '');
  if (!competence) throw new Response('Compétence introuvable', { status: 404 });
  const score = await competenceScoreOf(db(), viewer.id, competence);
  return { competence, level: score.level, pix: score.pix };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireLearnerSpace(request);
  await requireForm(request, session);
  const code = params.code ?? '';
  try {
    await resetCompetence(db(), { userId: session.viewer.id, competenceCode: code, now: new Date() });
  } catch (error) {
    asResponse(error, request);
  }
  return redirect(`/profil?remise-a-zero=${encodeURIComponent(code)}`);
}

export default function ResetCompetence() {
  const { competence, level, pix } = useLoaderData<typeof loader>();
  const t = useMessages(learnerMessages);
  const title = useTitle();
  const { csrfToken } = useRootData();
  return (
    <section className="panel">
      <h1>{fill(t('reset.title'), { code: competence.code })}</h1>
      <p>{fill(t('reset.text'), { pix, level, title: title(competence) })}</p>
      <div className="competence-actions">
        <Form method="post">
          <input type="hidden" name="csrf" value={csrfToken ?? ''} />
          <button type="submit" className="danger">
            {t('reset.confirm')}
          </button>
        </Form>
        <Link to="/profil">{t('reset.cancel')}</Link>
      </div>
    </section>
  );
}
