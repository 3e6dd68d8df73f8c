import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, type ShouldRevalidateFunction, Link, useLoaderData } from '@remix-run/react';
import { requireForm, requireSpace } from '~/lib/session.server';
import { createDeclination } from '~/models/challenge.server';
import { StatusBadge } from '~/components/challenge/ChallengeHeader';
import { db } from '~/lib/db.server';
import { handleEditorAction } from '~/lib/challenge-editor.server';
import { newChallengePage, skillForNewChallenge } from '~/models/challenge-pages.server';
import { ChallengeEditor } from '~/components/challenge/ChallengeEditor';
import { formatDateTime } from '~/components/challenge/ChallengeHeader';
import { creationMessages } from '~/i18n/creation';
import { useLocale, useMessages } from '~/i18n';
import { useRootData } from '~/root';
import authoringStyles from '~/styles/authoring.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: authoringStyles }];

export const meta: MetaFunction = () => [{ title: 'Nouvelle épreuve – Création' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'creation');
  const ref = new URL(request.url).searchParams.get('skill') ?? '';
  return newChallengePage(db(), viewer, ref);
}

export async function action({ request }: ActionFunctionArgs) {
  // The space first: whether a skill exists is not for everyone to probe (handleEditorAction checks again).
  const session = await requireSpace(request, 'creation');
  const ref = new URL(request.url).searchParams.get('skill') ?? '';
  const skill = await skillForNewChallenge(db(), ref);
  if (!skill) throw new Response('Acquis introuvable', { status: 404 });
  if (new URL(request.url).searchParams.get('declinaison') === '1') {
    // « Nouvelle épreuve » as a declination of one of the skill's prototypes.
    const form = await requireForm(request, session);
    const prototypeId = String(form.get('prototype') ?? '');
    const prototypes = (await newChallengePage(db(), session.viewer, ref)).prototypes;
    if (!prototypes.some((p) => p.id === prototypeId)) throw new Response('Prototype introuvable pour cet acquis', { status: 404 });
    const d = await createDeclination(db(), { prototypeId, userId: session.viewer.id });
    return redirect(`/creation/epreuves/${d.challengeId}?enregistre=1`);
  }
  return handleEditorAction(request, { skillId: skill.id });
}

export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, actionResult, defaultShouldRevalidate }) => {
  const intent = formData?.get('intent');
  if (intent === 'autosave' || intent === 'try' || intent === 'upload') return false;
  if (actionResult && typeof actionResult === 'object' && 'errors' in actionResult) return false;
  return defaultShouldRevalidate;
};

export default function NewChallenge() {
  const data = useLoaderData<typeof loader>();
  const t = useMessages(creationMessages);
  const locale = useLocale();
  const { csrfToken } = useRootData();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/creation">{t('nav.creation')}</Link> › <Link to="/creation/epreuves">{t('list.title')}</Link>
      </p>
      <h1>{t('new.title')}</h1>
      {!data.skill ? (
        <section className="panel">
          {data.unknown ? (
            <p className="error-message" role="alert">
              {t('new.unknownSkill')}
            </p>
          ) : null}
          <Form method="get" className="stack">
            <div>
              <label htmlFor="skill">{t('new.chooseSkill')}</label>
              <select id="skill" name="skill" required>
                <option value="">—</option>
                {data.choices!.map((c) => (
                  <optgroup key={c.code} label={`${c.code} ${c.titleFr}`}>
                    {c.tubes.flatMap((tube) =>
                      tube.skills.map((s) => (
                        <option key={s.id} value={s.name}>
                          {s.name} — {tube.title}
                        </option>
                      )),
                    )}
                  </optgroup>
                ))}
              </select>
            </div>
            <div>
              <button type="submit" className="primary">
                {t('new.continue')}
              </button>
            </div>
          </Form>
        </section>
      ) : (
        <>
          <p className="challenge-meta">
            {t('list.skill')} <code>{data.skill.name}</code> — {data.skill.tube.title} ({data.skill.tube.competence.code} {data.skill.tube.competence.titleFr})
            · {t('new.prototypeNote')}
          </p>
          {data.prototypes.length > 0 ? (
            <Form
              method="post"
              action={`/creation/epreuves/nouvelle?skill=${encodeURIComponent(data.skill.name)}&declinaison=1`}
              className="panel stack wide"
              aria-labelledby="decline-title"
            >
              <h2 id="decline-title">{t('new.declineTitle')}</h2>
              <p className="muted small">{t('new.declineHelp')}</p>
              <input type="hidden" name="csrf" value={csrfToken ?? ''} />
              <fieldset>
                <legend>{t('new.declineLegend')}</legend>
                {data.prototypes.map((p, i) => (
                  <div key={p.id} className="checkbox-row">
                    <input type="radio" id={`proto-${p.id}`} name="prototype" value={p.id} defaultChecked={i === 0} />
                    <label htmlFor={`proto-${p.id}`}>
                      {p.key} <StatusBadge status={p.status} />
                    </label>
                  </div>
                ))}
              </fieldset>
              <div>
                <button type="submit" className="secondary">
                  {t('new.declineButton')}
                </button>
              </div>
            </Form>
          ) : null}
          {data.draft ? (
            <div className="notice" role="status">
              <p>
                {t('editor.draftRestored')} {formatDateTime(data.draft.updatedAt, locale)}.
              </p>
              <Form method="post" className="inline-form">
                <input type="hidden" name="csrf" value={csrfToken ?? ''} />
                <input type="hidden" name="intent" value="discardDraft" />
                <button type="submit" className="secondary small">
                  {t('editor.discardDraft')}
                </button>
              </Form>
            </div>
          ) : null}
          <ChallengeEditor key={data.draft ? 'draft' : 'new'} initialBody={data.body!} baseVersion={null} saveLabel={t('new.save')} />
        </>
      )}
    </>
  );
}
