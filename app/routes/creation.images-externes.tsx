/**
 * Copies an image from another site into the attachments (POST `url`), for the challenge editor: the
 * answer is the attachment to put in the image's place, or an error code the editor says in its language.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { requireForm, requireSpace } from '~/lib/session.server';
import { db } from '~/lib/db.server';
import { copyImageToAttachments, type CopyImageOutcome } from '~/models/external-image.server';

/** Nothing to show on its own: the editor's list of challenges. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireSpace(request, 'creation');
  return redirect('/creation/epreuves');
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireSpace(request, 'creation');
  const form = await requireForm(request, session);
  const outcome: CopyImageOutcome = await copyImageToAttachments(db(), { url: String(form.get('url') ?? ''), userId: session.viewer.id });
  if (outcome.ok) return data(outcome);
  return data(outcome, { status: outcome.error === 'invalidUrl' ? 400 : 422 });
}
