/** Who may edit the framework and the tutorials: authors, reviewers and administrators. Checked in every loader and action. */
import type { CurrentSession } from './session.server';
import { requireForm, requireSpace } from './session.server';
import type { Viewer } from './roles';

export function canEditFramework(viewer: Viewer): boolean {
  return viewer.roles.some((role) => role === 'AUTHOR' || role === 'REVIEWER' || role === 'ADMIN');
}

/** For loaders: the signed-in editor, else a redirect to sign in or a 403. */
export async function requireFrameworkEditor(request: Request): Promise<CurrentSession> {
  const session = await requireSpace(request, 'creation');
  if (!canEditFramework(session.viewer)) throw new Response('Accès refusé', { status: 403, statusText: 'Forbidden' });
  return session;
}

/** For actions: the same check, then the origin and CSRF checks; returns the posted form. */
export async function requireFrameworkEditorForm(request: Request): Promise<{ session: CurrentSession; form: FormData }> {
  const session = await requireFrameworkEditor(request);
  const form = await requireForm(request, session);
  return { session, form };
}
