/**
 * The end of a competence test: level and pix, then « Réponses et tutoriels ». Only a completed test's
 * answers are shown here; while a test is under way, the page sends the learner back to it.
 */
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, type ClientLoaderFunctionArgs } from '@remix-run/react';
import { requireForm } from '~/lib/session.server';
import { requireLearnerSpace } from '~/lib/certification-lock.server';
import { db } from '~/lib/db.server';
import { resultsPageData, type ResultsPageData } from '~/lib/results-page.server';
import { takeHandedOver } from '~/lib/results-handoff';
import { setUserTutorial, tutorialFormIntent } from '~/models/learner-tutorials.server';
import type { SummaryLine } from '~/models/answer-summary';
import { RichText } from '~/components/challenge/RichText';
import { TutorialItem } from '~/components/learner/TutorialItem';
import { useMessages, useTitle } from '~/i18n';
import { fill, learnerMessages } from '~/i18n/apprenant';
import { useRootData } from '~/root';
import learnerStyles from '~/styles/learner.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: learnerStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Résultats ${data?.results.competence.code ?? ''} – Pix Workbench` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireLearnerSpace(request);
  const code = params.code ?? '';
  const data = await resultsPageData(request, viewer.id, code, new URL(request.url).searchParams);
  if (!data) throw redirect(`/competences/${code}/evaluation`);
  return data;
}

/**
 * Right after a test's last answer (sent with JavaScript), the answer brought this page's data back
 * (routes/competences.$code.evaluation): the page opens with it, without asking the server again.
 * Otherwise the server's loader, as without this function.
 */
export async function clientLoader({ request, serverLoader }: ClientLoaderFunctionArgs) {
  const url = new URL(request.url);
  const handed = url.search ? undefined : (takeHandedOver(url.pathname) as ResultsPageData | undefined);
  return handed ?? (await serverLoader<typeof loader>());
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireLearnerSpace(request);
  const form = await requireForm(request, session);
  const tutorial = tutorialFormIntent(form);
  if (!tutorial) throw new Response('Action inconnue', { status: 400 });
  const found = await setUserTutorial(db(), { userId: session.viewer.id, ...tutorial });
  if (!found) throw new Response('Tutoriel introuvable', { status: 404 });
  return { ok: true };
}

function Lines({ lines, empty, or }: { lines: SummaryLine[]; empty: string; or?: string }) {
  const line = (l: SummaryLine) => (
    <>
      {l.label ? <span className="muted">{l.label} : </span> : null}
      {l.text ?? empty}
      {or && l.alternatives && l.alternatives.length > 0 ? (
        <span className="muted">
          {' '}
          ({or} {l.alternatives.map((a) => `« ${a} »`).join(', ')})
        </span>
      ) : null}
    </>
  );
  if (lines.length === 1 && !lines[0]!.label) return <p style={{ margin: 0 }}>{line(lines[0]!)}</p>;
  return (
    <ul>
      {lines.map((l, i) => (
        <li key={i}>{line(l)}</li>
      ))}
    </ul>
  );
}

export default function Results() {
  const { results, finished, canImprove, improveFrom, inProgress, refusal } = useLoaderData<typeof loader>();
  const t = useMessages(learnerMessages);
  const title = useTitle();
  const { csrfToken } = useRootData();
  const { competence } = results;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/profil">{t('results.backToProfile')}</Link>
      </p>
      <h1>{fill(t('results.title'), { code: competence.code, title: title(competence) })}</h1>
      {refusal ? (
        <p className="error-message" role="alert">
          {fill(t(`error.${refusal}`), { date: improveFrom ?? '' })}
        </p>
      ) : null}
      <section className="panel" aria-labelledby="level">
        <h2 id="level" data-testid="result-level" style={{ marginTop: 0 }}>
          {fill(t('results.levelPix'), { level: results.level, pix: results.pix })}
        </h2>
        <progress
          className="bar"
          max={1}
          value={results.progress}
          aria-label={fill(t('profile.progressLabel'), { level: results.level + 1, code: competence.code })}
        />
        <p className="muted small">
          {results.isMaxLevel ? t('profile.maxLevel') : fill(t('profile.toNext'), { n: results.pixToNextLevel, level: results.level + 1 })}
        </p>
        {finished ? <p className="muted">{fill(t('results.finished'), { date: finished })}</p> : null}
        {inProgress ? (
          <p>
            <Link className="button" to={`/competences/${competence.code}/evaluation`}>
              {t('profile.resume')}
            </Link>
          </p>
        ) : canImprove ? (
          <Form method="post" action={`/competences/${competence.code}/evaluation`}>
            <input type="hidden" name="csrf" value={csrfToken ?? ''} />
            <input type="hidden" name="intent" value="start" />
            <button type="submit" className="secondary">
              {t('results.improve')}
            </button>
          </Form>
        ) : improveFrom ? (
          <p className="delay">{fill(t('results.improveFrom'), { date: improveFrom })}</p>
        ) : null}
      </section>

      <section aria-labelledby="answers">
        <h2 id="answers">{t('results.answers')}</h2>
        <p className="muted">{t('results.answersIntro')}</p>
        {results.items.length === 0 ? <p>{t('results.noQuestion')}</p> : null}
        <ol className="result-list">
          {results.items.map((item) => (
            <li key={item.challengeId} className="panel result-item" data-testid="result-item">
              <h3>
                {fill(t('results.question'), { n: item.position + 1 })}
                <span className={`result-badge ${item.result}`}>{t(`results.result.${item.result}`)}</span>
              </h3>
              <RichText doc={item.instruction} className="rich-text challenge-instruction" />
              <dl className="answer-compare">
                <div>
                  <dt>{t('results.yourAnswer')}</dt>
                  <dd>
                    {item.answer.kind === 'skipped' ? (
                      <p style={{ margin: 0 }}>{t('results.skipped')}</p>
                    ) : (
                      <>
                        <Lines lines={item.answer.lines} empty={t('results.empty')} />
                        {item.answer.timedOut ? <p className="small muted">{t('results.late')}</p> : null}
                      </>
                    )}
                  </dd>
                </div>
                <div>
                  <dt>{t('results.rightAnswer')}</dt>
                  <dd data-testid="right-answer">
                    {item.solution.pick ? <p style={{ margin: 0 }}>{fill(t('results.pick'), { n: item.solution.pick })}</p> : null}
                    <Lines lines={item.solution.lines} empty={t('results.empty')} or={t('results.or')} />
                    {item.solution.anyOrder ? <p className="small muted">{t('results.anyOrder')}</p> : null}
                  </dd>
                </div>
              </dl>
              {item.explanation ? (
                <div className="explanation">
                  <h4 style={{ margin: '.25rem 0' }}>{t('results.explanation')}</h4>
                  <RichText doc={item.explanation} />
                </div>
              ) : null}
              <h4 style={{ margin: '.75rem 0 .35rem' }}>{t('results.tutorials')}</h4>
              {item.tutorials.length > 0 ? (
                <ul className="tutorial-list">
                  {item.tutorials.map((tutorial) => (
                    <TutorialItem key={tutorial.id} tutorial={tutorial} headingLevel={4} />
                  ))}
                </ul>
              ) : (
                <p className="muted">{t('results.noTutorial')}</p>
              )}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
