import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, type ShouldRevalidateFunction, useLoaderData, useSearchParams } from '@remix-run/react';
import { requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { handleEditorAction } from '~/lib/challenge-editor.server';
import { EDITABLE_STATUSES, getChallenge, pendingDraft } from '~/models/challenge.server';
import { ChallengeEditor } from '~/components/challenge/ChallengeEditor';
import { ChallengeHeader, formatDateTime } from '~/components/challenge/ChallengeHeader';
import { CalibrationStrip } from '~/components/challenge/CalibrationStrip';
import { challengeCalibration, parameterVersionStatus } from '~/models/challenge-calibration.server';
import { creationMessages } from '~/i18n/creation';
import { useLocale, useMessages } from '~/i18n';
import { useRootData } from '~/root';
import authoringStyles from '~/styles/authoring.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: authoringStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Épreuve ${data?.challenge.key ?? ''} – Création` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireSpace(request, 'creation');
  const challenge = await getChallenge(db(), params.id ?? '');
  if (!challenge || !challenge.body || !challenge.version) throw new Response('Épreuve introuvable', { status: 404 });
  const [draft, found, versionStatus] = await Promise.all([
    pendingDraft(db(), { challengeId: challenge.id, userId: viewer.id }, challenge.body),
    challengeCalibration(db(), challenge.id),
    parameterVersionStatus(db(), challenge.id),
  ]);
  // Which content version the parameters in force are for, and whether they apply to the live one.
  const calibration = found
    ? {
        ...found,
        calibratedVersion: versionStatus?.calibratedVersion ?? null,
        liveVersion: versionStatus?.liveVersion ?? null,
        applies: versionStatus?.applies ?? false,
      }
    : null;
  const { body, ...summary } = challenge;
  return {
    challenge: summary,
    body: draft ? draft.body : body,
    baseVersion: draft ? (draft.baseVersionNumber ?? challenge.version.number) : challenge.version.number,
    draft: draft ? { updatedAt: draft.updatedAt, baseVersionNumber: draft.baseVersionNumber } : null,
    editable: (EDITABLE_STATUSES as string[]).includes(challenge.status),
    calibration,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  return handleEditorAction(request, { challengeId: params.id ?? '' });
}

/** Autosave, try and upload change nothing the page loaded; a refused save must not reset the editor. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, actionResult, defaultShouldRevalidate }) => {
  const intent = formData?.get('intent');
  if (intent === 'autosave' || intent === 'try' || intent === 'upload') return false;
  if (actionResult && typeof actionResult === 'object' && ('errors' in actionResult || 'conflict' in actionResult)) return false;
  return defaultShouldRevalidate;
};

export default function EditChallenge() {
  const { challenge, body, baseVersion, draft, editable, calibration } = useLoaderData<typeof loader>();
  const t = useMessages(creationMessages);
  const locale = useLocale();
  const { csrfToken } = useRootData();
  const [params] = useSearchParams();
  const saved = params.get('enregistre');
  const version = challenge.version!;
  return (
    <>
      <ChallengeHeader challenge={challenge} />
      {calibration ? <CalibrationStrip challengeId={challenge.id} calibration={calibration} /> : null}
      {saved && !draft ? (
        <p className="notice success" role="status">
          {saved === '1' && version.number === 1 ? t('editor.created') : `${t('editor.savedVersion')} ${saved}.`}
        </p>
      ) : null}
      {!editable ? <p className="notice">{t('editor.readOnly')}</p> : null}
      {challenge.proposalStatus && challenge.liveVersion ? (
        <p className="notice" data-testid="proposal-notice">
          {t('workflow.proposal').replace('{current}', String(version.number)).replace('{live}', String(challenge.liveVersion.number))}
        </p>
      ) : challenge.status === 'valide' && editable ? (
        <p className="muted small" data-testid="live-edit-note">
          {t('editor.liveEditNote')}
        </p>
      ) : null}
      {draft ? (
        <div className="notice" role="status">
          <p>
            {t('editor.draftRestored')} {formatDateTime(draft.updatedAt, locale)}.{' '}
            {draft.baseVersionNumber !== null && draft.baseVersionNumber < version.number
              ? `${t('editor.draftOutdated')} (${draft.baseVersionNumber} → ${version.number}).`
              : null}
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
      <ChallengeEditor
        key={`${version.number}:${draft ? new Date(draft.updatedAt).getTime() : 'none'}`}
        initialBody={body}
        baseVersion={baseVersion}
        readOnly={!editable}
        saveLabel={t('editor.save')}
        messageRequired={challenge.status === 'valide'}
      />
    </>
  );
}
