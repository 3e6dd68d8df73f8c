import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { notFound, unknownAction } from '~/lib/http-error.server';
import { ErrorSummary } from '~/components/ErrorSummary';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import styles from '../styles/referentiel-edition.css?url';
import { db } from '~/lib/db.server';
import { requireFrameworkEditor, requireFrameworkEditorForm } from '~/lib/framework-editing.server';
import { requestTutorialLinkCheck } from '~/lib/queues.server';
import { TUTORIAL_KINDS, type TutorialKind } from '~/lib/framework-editing';
import { attachTutorial, detachTutorial, getTutorial, skillChoices, updateTutorial, TUTORIAL_FIELDS } from '~/models/tutorial.server';
import { formValues } from '~/models/validation.server';
import type { EditErrorKey, ReferentielKey } from '~/i18n/referentiel-edition';
import { Breadcrumb, CsrfField, ExternalLink, LinkCheck, SavedNotice, SkillStatusBadge, VisuallyHidden, useR, type Errors } from '~/components/framework/ui';
import { TutorialForm, type TutorialValues } from '~/components/framework/TutorialForm';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: styles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.tutorial.title ?? 'Tutoriel'} – Tutoriels – Pix Workbench` }];

async function load(id: string | undefined) {
  const tutorial = await getTutorial(db(), id ?? '');
  if (!tutorial) throw notFound('tutorial');
  return tutorial;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireFrameworkEditor(request);
  const [tutorial, skills] = await Promise.all([load(params.id), skillChoices(db())]);
  return { tutorial, skills };
}

type ActionData =
  { intent: 'save'; errors: Errors; values: TutorialValues } | { intent: 'attach'; errors: Errors } | { intent: 'check'; check: 'queued' | 'unavailable' };

const isKind = (value: unknown): value is TutorialKind => value === 'UNDERSTAND' || value === 'LEARN_MORE';

export async function action({ request, params }: ActionFunctionArgs) {
  const { form } = await requireFrameworkEditorForm(request);
  const tutorial = await load(params.id);
  const self = `/creation/tutoriels/${tutorial.id}`;
  switch (form.get('intent')) {
    case 'save': {
      const values = formValues(form, TUTORIAL_FIELDS);
      const result = await updateTutorial(db(), tutorial.id, values);
      if (!result.ok) return data<ActionData>({ intent: 'save', errors: result.errors, values }, { status: 400 });
      return redirect(`${self}?ok=enregistre`);
    }
    case 'attach': {
      const skillId = String(form.get('skillId') ?? '');
      const kind = String(form.get('kind') ?? '');
      const result = await attachTutorial(db(), skillId, tutorial.id, kind);
      if (!result.ok) {
        const field = result.error === 'error.attach.kind' ? 'kind' : 'skillId';
        return data<ActionData>({ intent: 'attach', errors: { [field]: result.error } }, { status: 400 });
      }
      return redirect(`${self}?ok=rattache#acquis`);
    }
    case 'detach': {
      const kind = form.get('kind');
      if (isKind(kind)) await detachTutorial(db(), String(form.get('skillId') ?? ''), tutorial.id, kind);
      return redirect(`${self}#acquis`);
    }
    case 'check':
      try {
        await requestTutorialLinkCheck([tutorial.id]);
        return { intent: 'check', check: 'queued' } satisfies ActionData;
      } catch (error) {
        console.error(`[tutoriels] vérification du lien non demandée : ${error instanceof Error ? error.message : String(error)}`);
        return data<ActionData>({ intent: 'check', check: 'unavailable' }, { status: 503 });
      }
    default:
      throw unknownAction();
  }
}

export default function TutorialPage() {
  const { tutorial, skills } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [params] = useSearchParams();
  const busy = useNavigation().state === 'submitting';
  const { t, f } = useR();
  const attachErrors = actionData?.intent === 'attach' ? actionData.errors : undefined;
  const attachError = (field: string) => attachErrors?.[field] as EditErrorKey | undefined;
  const kindLabel = (kind: TutorialKind) => t(`tutorials.${kind}.short`);
  return (
    <>
      <Breadcrumb
        items={[{ to: '/creation', label: t('nav.creation') }, { to: '/creation/tutoriels', label: t('nav.tutorials') }, { label: tutorial.title }]}
      />
      <h1>{f('tutorial.editTitle', { title: tutorial.title })}</h1>
      <p className="muted">
        {t('tutorial.key')} <code>{tutorial.key}</code> · <ExternalLink href={tutorial.url}>{t('tutorial.open')}</ExternalLink>
      </p>
      <SavedNotice show={params.has('ok')} />

      <section className="panel" aria-labelledby="link-status">
        <h2 id="link-status">{t('tutorial.linkTitle')}</h2>
        <p data-testid="tutorial-link-status">
          <LinkCheck status={tutorial.linkStatus} lastCheckedAt={tutorial.lastCheckedAt} note={tutorial.lastCheckNote} />
        </p>
        <Form method="post">
          <CsrfField />
          <button type="submit" className="secondary" name="intent" value="check" disabled={busy}>
            {t('tutorial.checkThis')}
          </button>
        </Form>
        {actionData?.intent === 'check' && actionData.check === 'queued' ? (
          <p className="notice" role="status">
            {t('library.checkQueued')}
          </p>
        ) : null}
        {actionData?.intent === 'check' && actionData.check === 'unavailable' ? (
          <ErrorSummary title={t('library.checkUnavailable')} focusOn={actionData} />
        ) : null}
      </section>

      <section className="panel" aria-labelledby="tutorial-form-title">
        <h2 id="tutorial-form-title">{t('tutorial.editForm')}</h2>
        <TutorialForm
          values={
            actionData?.intent === 'save'
              ? actionData.values
              : {
                  title: tutorial.title,
                  url: tutorial.url,
                  source: tutorial.source,
                  format: tutorial.format,
                  duration: tutorial.duration,
                  locale: tutorial.locale,
                  licence: tutorial.licence,
                }
          }
          errors={actionData?.intent === 'save' ? actionData.errors : undefined}
          submitLabel={t('form.save')}
          cancelTo="/creation/tutoriels"
        />
      </section>

      <section className="panel" aria-labelledby="acquis">
        <h2 id="acquis" tabIndex={-1}>
          {t('tutorial.skillsTitle')}
        </h2>
        {tutorial.skills.length === 0 ? (
          <p className="muted">{t('tutorial.noSkill')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('tutorial.col.skill')}</th>
                <th scope="col">{t('tutorial.col.tube')}</th>
                <th scope="col">{t('tutorial.col.kind')}</th>
                <th scope="col">{t('tutorial.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {tutorial.skills.map((link) => (
                <tr key={`${link.skillId}-${link.kind}`} data-testid="tutorial-skill">
                  <th scope="row">
                    <Link to={`/creation/referentiel/acquis/${link.skillId}`}>{link.name}</Link> <SkillStatusBadge status={link.status} />
                  </th>
                  <td>
                    {link.competenceCode} · {link.tubeTitle}
                  </td>
                  <td>{kindLabel(link.kind)}</td>
                  <td>
                    <Form method="post">
                      <CsrfField />
                      <input type="hidden" name="skillId" value={link.skillId} />
                      <input type="hidden" name="kind" value={link.kind} />
                      <button type="submit" className="secondary small danger" name="intent" value="detach" disabled={busy}>
                        {t('tutorial.detach')}
                        <VisuallyHidden> {f('tutorial.detachHidden', { name: link.name, kind: kindLabel(link.kind) })}</VisuallyHidden>
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h3>{t('tutorial.attachTitle')}</h3>
        <Form method="post" className="inline-form" noValidate>
          <CsrfField />
          <div className={`field${attachError('skillId') ? ' field-error' : ''}`}>
            <label htmlFor="field-skillId">{t('tutorial.attachSkill')}</label>
            {attachError('skillId') ? (
              <p id="field-skillId-error" className="error-message" role="alert">
                {t(attachError('skillId')!)}
              </p>
            ) : null}
            <select
              id="field-skillId"
              name="skillId"
              defaultValue=""
              aria-invalid={attachError('skillId') ? true : undefined}
              aria-describedby={attachError('skillId') ? 'field-skillId-error' : undefined}
            >
              <option value="">{t('tutorial.chooseSkill')}</option>
              {skills.map((group) => (
                <optgroup key={group.code} label={`${group.code} ${group.title}`}>
                  {group.skills.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name} — {s.tubeTitle} ({t(`skillStatus.${s.status}` as ReferentielKey)})
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>
          <div className={`field${attachError('kind') ? ' field-error' : ''}`}>
            <label htmlFor="field-kind">{t('tutorial.attachKind')}</label>
            {attachError('kind') ? (
              <p id="field-kind-error" className="error-message" role="alert">
                {t(attachError('kind')!)}
              </p>
            ) : null}
            <select id="field-kind" name="kind" defaultValue="UNDERSTAND" aria-describedby={attachError('kind') ? 'field-kind-error' : undefined}>
              {TUTORIAL_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {kindLabel(kind)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="primary" name="intent" value="attach" disabled={busy}>
            {t('tutorial.attach')}
          </button>
        </Form>
      </section>
    </>
  );
}
