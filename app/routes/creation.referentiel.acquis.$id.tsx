import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import styles from '../styles/referentiel-edition.css?url';
import { db } from '~/lib/db.server';
import { requireFrameworkEditor, requireFrameworkEditorForm } from '~/lib/framework-editing.server';
import { getSkillPage, updateSkill, SKILL_FIELDS } from '~/models/skill.server';
import { attachTutorial, detachTutorial, moveTutorial, tutorialChoices } from '~/models/tutorial.server';
import { CHALLENGE_STATUS_ORDER, TUTORIAL_KINDS, type TutorialKind } from '~/lib/framework-editing';
import { formValues } from '~/models/validation.server';
import { allowedSkillStatuses } from '../../engine/framework/authoring';
import type { EditErrorKey } from '~/i18n/referentiel-edition';
import { useTitle } from '~/i18n';
import { Breadcrumb, CsrfField, ExternalLink, LinkCheck, SavedNotice, SkillStatusBadge, VisuallyHidden, useR } from '~/components/framework/ui';
import { SkillForm } from '~/components/framework/SkillForm';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: styles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Acquis ${data?.skill.name ?? ''} – Référentiel : édition` }];

async function load(id: string | undefined) {
  const skill = await getSkillPage(db(), id ?? '');
  if (!skill) throw new Response('Acquis introuvable', { status: 404 });
  return skill;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireFrameworkEditor(request);
  const [skill, library] = await Promise.all([load(params.id), tutorialChoices(db())]);
  return { skill, library, allowedStatuses: allowedSkillStatuses(skill.status) };
}

const isKind = (value: unknown): value is TutorialKind => value === 'UNDERSTAND' || value === 'LEARN_MORE';

type ActionData =
  | { intent: 'save'; errors: Partial<Record<string, EditErrorKey>>; values: Record<string, string> }
  | { intent: 'attach'; kind: TutorialKind; error: EditErrorKey };

export async function action({ request, params }: ActionFunctionArgs) {
  const { form } = await requireFrameworkEditorForm(request);
  const skill = await load(params.id);
  const intent = form.get('intent');
  const kind = form.get('kind');
  const tutorialId = String(form.get('tutorialId') ?? '');
  switch (intent) {
    case 'save': {
      const values = formValues(form, SKILL_FIELDS);
      const result = await updateSkill(db(), skill.id, values);
      if (!result.ok) return data<ActionData>({ intent: 'save', errors: result.errors, values }, { status: 400 });
      return redirect(`/creation/referentiel/acquis/${skill.id}?ok=enregistre`);
    }
    case 'attach': {
      const result = await attachTutorial(db(), skill.id, tutorialId, String(kind ?? ''));
      if (!result.ok) return data<ActionData>({ intent: 'attach', kind: isKind(kind) ? kind : 'UNDERSTAND', error: result.error }, { status: 400 });
      return redirect(`/creation/referentiel/acquis/${skill.id}#tutoriels-${kind}`);
    }
    case 'detach':
      if (isKind(kind)) await detachTutorial(db(), skill.id, tutorialId, kind);
      return redirect(`/creation/referentiel/acquis/${skill.id}#tutoriels-${kind}`);
    case 'up':
    case 'down':
      if (isKind(kind)) await moveTutorial(db(), skill.id, tutorialId, kind, intent);
      return redirect(`/creation/referentiel/acquis/${skill.id}#tutoriels-${kind}`);
    default:
      throw new Response('Action inconnue', { status: 400 });
  }
}

type SkillData = ReturnType<typeof useLoaderData<typeof loader>>['skill'];
type Library = ReturnType<typeof useLoaderData<typeof loader>>['library'];

function TutorialList({ kind, items, library, error }: { kind: TutorialKind; items: SkillData['understand']; library: Library; error?: EditErrorKey }) {
  const { t, f } = useR();
  const busy = useNavigation().state === 'submitting';
  const headingId = `tutoriels-${kind}`;
  const selectId = `field-tutorial-${kind}`;
  const available = library.filter((tu) => !items.some((item) => item.id === tu.id));
  return (
    <section className="panel" aria-labelledby={headingId} data-testid={`tutorials-${kind}`}>
      <h2 id={headingId} tabIndex={-1}>
        {t(`tutorials.${kind}`)}
      </h2>
      {items.length === 0 ? <p className="muted">{t('tutorials.none')}</p> : null}
      <ol className="tutorial-list">
        {items.map((item, index) => {
          const label = f('tutorials.actionHidden', { title: item.title });
          return (
            <li key={item.id} data-testid="skill-tutorial">
              <ExternalLink href={item.url}>{item.title}</ExternalLink>{' '}
              <span className="muted">
                · {item.source} · {t(`format.${item.format}` as Parameters<typeof t>[0]) ?? item.format} · {item.duration}
              </span>
              <br />
              <LinkCheck status={item.linkStatus} lastCheckedAt={item.lastCheckedAt} note={item.lastCheckNote} />
              <Form method="post" className="row-actions">
                <CsrfField />
                <input type="hidden" name="kind" value={kind} />
                <input type="hidden" name="tutorialId" value={item.id} />
                <button type="submit" className="secondary small" name="intent" value="up" disabled={busy || index === 0}>
                  {t('tutorials.up')}
                  <VisuallyHidden> {label}</VisuallyHidden>
                </button>
                <button type="submit" className="secondary small" name="intent" value="down" disabled={busy || index === items.length - 1}>
                  {t('tutorials.down')}
                  <VisuallyHidden> {label}</VisuallyHidden>
                </button>
                <button type="submit" className="secondary small danger" name="intent" value="detach" disabled={busy}>
                  {t('tutorials.remove')}
                  <VisuallyHidden> {label}</VisuallyHidden>
                </button>
              </Form>
            </li>
          );
        })}
      </ol>
      <Form method="post" className="inline-form" noValidate>
        <CsrfField />
        <input type="hidden" name="kind" value={kind} />
        <div className={`field${error ? ' field-error' : ''}`}>
          <label htmlFor={selectId}>{t(`tutorials.add.${kind}`)}</label>
          {error ? (
            <p id={`${selectId}-error`} className="error-message" role="alert">
              {t(error)}
            </p>
          ) : null}
          <select
            id={selectId}
            name="tutorialId"
            defaultValue=""
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${selectId}-error` : undefined}
          >
            <option value="">{t('tutorials.choose')}</option>
            {available.map((tu) => (
              <option key={tu.id} value={tu.id}>
                {tu.title} — {tu.source}
                {tu.linkStatus === 'DEAD' ? ` (${t('link.DEAD')})` : ''}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary" name="intent" value="attach" disabled={busy}>
          {t('tutorials.add')}
          <VisuallyHidden> ({t(`tutorials.${kind}.short`)})</VisuallyHidden>
        </button>
      </Form>
    </section>
  );
}

export default function SkillPage() {
  const { skill, library, allowedStatuses } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [params] = useSearchParams();
  const { t, f } = useR();
  const title = useTitle();
  const competence = skill.tube.competence;
  const toComplete = skill.issues;
  return (
    <>
      <Breadcrumb
        items={[
          { to: '/creation', label: t('nav.creation') },
          { to: '/creation/referentiel', label: t('nav.workspace') },
          { to: `/creation/referentiel/${competence.code}`, label: competence.code },
          { to: `/creation/referentiel/sujets/${skill.tube.id}`, label: skill.tube.name },
          { label: skill.name },
        ]}
      />
      <h1>{f('skill.title', { name: skill.name })}</h1>
      <p>
        <SkillStatusBadge status={skill.status} />{' '}
        <span className="muted">
          {f('skill.place', {
            tube: skill.tube.name,
            title: skill.tube.title,
            thematic: skill.tube.thematic.name,
            competence: `${competence.code} ${title(competence)}`,
          })}
        </span>
      </p>
      <SavedNotice show={params.has('ok')} />
      <div className="two-columns">
        <section className="panel" aria-labelledby="skill-challenges">
          <h2 id="skill-challenges">{t('skill.challengesTitle')}</h2>
          <dl className="facts">
            {CHALLENGE_STATUS_ORDER.map((s) => (
              <div key={s} style={{ display: 'contents' }}>
                <dt>{t(`challengeStatus.${s}`)}</dt>
                <dd>{skill.challenges[s]}</dd>
              </div>
            ))}
          </dl>
          <p>
            <Link to={`/creation/epreuves?skill=${encodeURIComponent(skill.id)}`}>{t('skill.challengesLink')}</Link>
          </p>
        </section>
        <section className="panel" aria-labelledby="skill-quality">
          <h2 id="skill-quality">{t('skill.qualityTitle')}</h2>
          {toComplete.length === 0 ? (
            <p>
              <span className="badge complete">{t('quality.complete')}</span> {t('skill.qualityNothing')}
            </p>
          ) : (
            <ul data-testid="skill-issues">
              {toComplete.map((issue) => (
                <li key={issue} className={issue === 'dead_tutorial' ? 'error-message' : undefined}>
                  {t(`quality.${issue}`)}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section className="panel" aria-labelledby="skill-edit">
        <h2 id="skill-edit">{t('skill.editTitle')}</h2>
        <SkillForm
          values={
            actionData?.intent === 'save'
              ? (actionData.values as { level: string; status: string; hint: string })
              : { level: String(skill.level), status: skill.status, hint: skill.hint }
          }
          errors={actionData?.intent === 'save' ? actionData.errors : undefined}
          submitLabel={t('form.save')}
          levelLocked={skill.hasChallenges}
          allowedStatuses={allowedStatuses}
        />
      </section>
      {TUTORIAL_KINDS.map((kind) => (
        <TutorialList
          key={kind}
          kind={kind}
          items={kind === 'UNDERSTAND' ? skill.understand : skill.learnMore}
          library={library}
          error={actionData?.intent === 'attach' && actionData.kind === kind ? actionData.error : undefined}
        />
      ))}
    </>
  );
}
