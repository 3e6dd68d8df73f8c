/**
 * The actions of the challenge editor pages (new and existing challenge): save a version, autosave the
 * draft, discard it, try an answer against the checker, upload an attachment. Permission, origin and
 * CSRF are checked here; the rules live in the models and the engine.
 */
import { MaxPartSizeExceededError, data, redirect, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from '@remix-run/node';
import {
  checkAnswer,
  isMergeField,
  redactForLearner,
  responseToOriginal,
  ResponseShapeError,
  type FieldErrors,
  type MergeChoice,
  type MergeField,
} from '../../engine/challenges';
import { PREVIEW_SEED, type ConflictInfo, type EditorActionData } from '~/lib/challenge-editor-types';
import { parseResponseJson } from '~/lib/learner-response';
import { db } from './db.server';
import { assertCsrf, assertSameOrigin, requireForm, requireSpace } from './session.server';
import { ChallengeError, createChallenge, discardDraft, getChallenge, saveChallenge, saveDraft } from '~/models/challenge.server';
import { TOO_LARGE_MESSAGE, checkPostedBody, parseBodyJson, readBodyJson } from '~/models/challenge-body.server';
import { conflictDetails, mergeAndSave, type ConflictDetails } from '~/models/challenge-merge.server';
import { MAX_ATTACHMENT_BYTES, storeAttachment } from '~/models/attachment.server';
import { creationMessages } from '~/i18n/creation';
import { codedText, messagesFor } from '~/i18n';

export type EditorTarget = { challengeId: string; skillId?: undefined } | { challengeId?: undefined; skillId: string };

const UPLOAD_LIMIT = MAX_ATTACHMENT_BYTES + 64 * 1024;

async function handleUpload(request: Request) {
  const session = await requireSpace(request, 'creation');
  assertSameOrigin(request);
  // Said in the request's language: the editor shows the upload's error as it comes.
  const t = messagesFor(creationMessages, request);
  const tooBig = () => data<EditorActionData>({ intent: 'upload', error: t('attachment.error.tooBigUpload') }, { status: 413 });
  // Refused before reading the body when the size is announced.
  if (Number(request.headers.get('Content-Length') ?? 0) > UPLOAD_LIMIT) return tooBig();
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_ATTACHMENT_BYTES + 1 }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return tooBig();
    throw error;
  }
  assertCsrf(session, form);
  const file = form.get('file');
  if (!(file instanceof File) || file.size === 0 || !file.name) {
    return data<EditorActionData>({ intent: 'upload', error: t('attachment.error.noFile') }, { status: 400 });
  }
  const result = await storeAttachment(db(), { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()), userId: session.viewer.id });
  if (!result.ok) return data<EditorActionData>({ intent: 'upload', error: codedText(t, 'attachment.error', result.error) }, { status: 400 });
  return { intent: 'upload', attachment: result.attachment };
}

function tryAnswer(form: FormData): EditorActionData {
  const body = parseBodyJson(form.get('body'));
  const response = parseResponseJson(form.get('response'));
  if (!body || !response) return { intent: 'try', error: 'Réponse ou épreuve illisible : rechargez la page.' };
  try {
    const { permutation } = redactForLearner(body, PREVIEW_SEED);
    return { intent: 'try', verdict: checkAnswer(body.answer, responseToOriginal(response, permutation)) };
  } catch (error) {
    if (error instanceof ResponseShapeError) return { intent: 'try', error: 'Cette réponse ne correspond pas au type de l’épreuve.' };
    return { intent: 'try', error: 'L’épreuve est incomplète : complétez la partie « Réponse attendue » pour l’essayer.' };
  }
}

function errors(fieldErrors: FieldErrors, status = 400) {
  return data<EditorActionData>({ intent: 'save', errors: fieldErrors }, { status });
}

function conflictData(details: ConflictDetails, ownMessage: string, missingChoices: MergeField[] = []) {
  const conflict: ConflictInfo = {
    ...details,
    current: { ...details.current, createdAt: details.current.createdAt.toISOString() },
    missingChoices,
    ownMessage,
  };
  return data<EditorActionData>({ intent: 'save', conflict }, { status: 409 });
}

/** The choices of a merge form: `choice.<field>` = mine | theirs. */
function mergeChoices(form: FormData): Partial<Record<MergeField, MergeChoice>> {
  const out: Partial<Record<MergeField, MergeChoice>> = {};
  for (const [key, value] of form.entries()) {
    const field = key.startsWith('choice.') ? key.slice('choice.'.length) : '';
    if (isMergeField(field) && (value === 'mine' || value === 'theirs')) out[field] = value;
  }
  return out;
}

export async function handleEditorAction(request: Request, target: EditorTarget) {
  if ((request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data')) return handleUpload(request);
  const session = await requireSpace(request, 'creation');
  const form = await requireForm(request, session);
  const userId = session.viewer.id;
  const intent = String(form.get('intent') ?? '');
  const challenge = target.challengeId ? await getChallenge(db(), target.challengeId) : null;
  if (target.challengeId && !challenge) throw new Response('Épreuve introuvable', { status: 404 });
  const skillId = challenge?.skill.id ?? target.skillId ?? null;

  switch (intent) {
    case 'autosave': {
      const base = String(form.get('baseVersion') ?? '');
      const saved = await saveDraft(db(), {
        challengeId: challenge?.id ?? null,
        skillId,
        userId,
        bodyJson: form.get('body'),
        baseVersionNumber: base === '' ? null : Number(base),
      });
      if (saved) return { intent: 'autosave', savedAt: saved.updatedAt.toISOString() } satisfies EditorActionData;
      const read = readBodyJson(form.get('body'));
      const error = !read.ok && read.reason === 'tooLarge' ? TOO_LARGE_MESSAGE : 'Le brouillon n’a pas pu être enregistré : rechargez la page.';
      return { intent: 'autosave', savedAt: null, error } satisfies EditorActionData;
    }
    case 'discardDraft': {
      await discardDraft(db(), { challengeId: challenge?.id ?? null, skillId, userId });
      const url = new URL(request.url);
      return redirect(challenge ? `/creation/epreuves/${challenge.id}` : `${url.pathname}${url.search}`);
    }
    case 'try':
      return tryAnswer(form);
    case 'save': {
      const checked = checkPostedBody(form.get('body'));
      const message = String(form.get('message') ?? '')
        .trim()
        .slice(0, 500);
      const fieldErrors: FieldErrors = checked.ok ? {} : { ...checked.errors };
      if (challenge?.status === 'valide' && !message) {
        fieldErrors['message'] = ['Cette épreuve est en service : décrivez votre modification dans le message de version.'];
      }
      if (!checked.ok || Object.keys(fieldErrors).length > 0) {
        // A refused save keeps what was posted in the author's draft (over-long text included): a reload loses nothing.
        if (checked.body) {
          const base = String(form.get('baseVersion') ?? '');
          await saveDraft(db(), {
            challengeId: challenge?.id ?? null,
            skillId,
            userId,
            bodyJson: form.get('body'),
            baseVersionNumber: base === '' || !Number.isInteger(Number(base)) ? null : Number(base),
          });
        }
        return errors(fieldErrors);
      }
      try {
        if (!challenge) {
          if (!skillId) return errors({ form: ['Choisissez d’abord l’acquis de la nouvelle épreuve.'] });
          const created = await createChallenge(db(), { skillId, userId, body: checked.body, message });
          return redirect(`/creation/epreuves/${created.challengeId}?enregistre=1`);
        }
        const base = Number(form.get('baseVersion'));
        const outcome = await saveChallenge(db(), {
          challengeId: challenge.id,
          userId,
          body: checked.body,
          message,
          baseVersionNumber: Number.isInteger(base) ? base : -1,
        });
        if (outcome.kind === 'saved') return redirect(`/creation/epreuves/${challenge.id}?enregistre=${outcome.number}`);
        const details = await conflictDetails(db(), { challengeId: challenge.id, baseNumber: outcome.baseNumber, mine: checked.body });
        if (!details) throw new Response('Épreuve introuvable', { status: 404 });
        return conflictData(details, message);
      } catch (error) {
        if (error instanceof ChallengeError) return errors({ form: [error.message] }, 409);
        throw error;
      }
    }
    case 'merge': {
      if (!challenge) throw new Response('Épreuve introuvable', { status: 404 });
      const checked = checkPostedBody(form.get('body'));
      if (!checked.ok) return errors(checked.errors);
      const base = Number(form.get('baseVersion'));
      const current = Number(form.get('currentVersion'));
      if (!Number.isInteger(base) || !Number.isInteger(current)) throw new Response('Fusion illisible', { status: 400 });
      const message = String(form.get('message') ?? '')
        .trim()
        .slice(0, 500);
      try {
        const outcome = await mergeAndSave(db(), {
          challengeId: challenge.id,
          userId,
          mine: checked.body,
          baseNumber: base,
          currentNumber: current,
          choices: mergeChoices(form),
          message,
        });
        if (outcome.kind === 'saved') return redirect(`/creation/epreuves/${challenge.id}?enregistre=${outcome.number}`);
        if (outcome.kind === 'invalid') return errors(outcome.errors);
        return conflictData(outcome.details, message, outcome.missingChoices);
      } catch (error) {
        if (error instanceof ChallengeError) return errors({ form: [error.message] }, 409);
        throw error;
      }
    }
    default:
      throw new Response('Action inconnue', { status: 400 });
  }
}
