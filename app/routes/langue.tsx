import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { assertSameOrigin } from '~/lib/session.server';
import { parseLocale } from '~/i18n';
import { safeRedirect } from '~/lib/safe-redirect';

/** Switches the interface language (a cookie; French unless English is chosen). */
export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const form = await request.formData();
  const lang = parseLocale(String(form.get('lang') ?? 'fr'));
  const safe = safeRedirect(form.get('redirectTo'), '/');
  throw redirect(safe, { headers: { 'Set-Cookie': `lang=${lang}; Path=/; Max-Age=31536000; SameSite=Lax` } });
}

export async function loader() {
  throw redirect('/');
}
