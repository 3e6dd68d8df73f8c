/**
 * Forms that must be refused with a clear 400 (and nothing saved) rather than a 500 or a silent save:
 * the content import posted without a file part, the platform settings posted without their fields.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl, testDb } from '../tests/setup/db';
import { makeUser } from '../tests/setup/authoring-fixtures';

const ORIGIN = 'http://localhost:3000';

async function signedIn(roles: ('AUTHOR' | 'ADMIN')[]) {
  const user = await makeUser(testDb(), roles);
  const { createUserSession } = await import('./lib/session.server');
  const response = await createUserSession(user.id, '/');
  const cookie = (response.headers.get('Set-Cookie') ?? '').split(';')[0]!;
  const row = await testDb().authSession.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: 'desc' } });
  return { cookie, csrf: row.csrfToken };
}

function post(path: string, cookie: string, body: BodyInit, contentType?: string) {
  const headers = new Headers({ Host: new URL(ORIGIN).host, Origin: ORIGIN, Cookie: cookie });
  if (contentType) headers.set('Content-Type', contentType);
  return new Request(`${ORIGIN}${path}`, { method: 'POST', headers, body });
}

async function answer(result: unknown): Promise<{ status: number; body: unknown }> {
  if (result instanceof Response) return { status: result.status, body: await result.text() };
  const r = result as { type?: string; data?: unknown; init?: { status?: number } };
  return { status: r.init?.status ?? 200, body: r.data };
}

describe('form checks of routes', () => {
  beforeAll(() => {
    process.env.DATABASE_URL = testDatabaseUrl();
  });

  it('the content import answers 400 in French to a post that is not multipart', async () => {
    const { cookie, csrf } = await signedIn(['AUTHOR']);
    const { action } = await import('./routes/creation.echanges._index');
    const result = await answer(
      await action({ request: post('/creation/echanges', cookie, `csrf=${csrf}`, 'application/x-www-form-urlencoded'), params: {}, context: {} }).catch(
        (e) => e,
      ),
    );
    expect(result.status).toBe(400);
    expect(result.body).toEqual({ error: expect.stringMatching(/^Envoyez le fichier avec le formulaire d’import/) });
  });

  it('the platform settings refuse a form without their fields and save nothing', async () => {
    const db = testDb();
    const { cookie, csrf } = await signedIn(['ADMIN']);
    const { action } = await import('./routes/admin.reglages');
    const { authorsMayValidateOwn, setAuthorsMayValidateOwn } = await import('./models/platform-settings.server');
    await setAuthorsMayValidateOwn(db, true);
    const form = (fields: Record<string, string[]>) => {
      const body = new URLSearchParams({ csrf });
      for (const [name, values] of Object.entries(fields)) for (const v of values) body.append(name, v);
      return post('/admin/reglages', cookie, body, 'application/x-www-form-urlencoded');
    };
    const empty = await answer(await action({ request: form({}), params: {}, context: {} }).catch((e) => e));
    expect(empty).toEqual({ status: 400, body: { error: 'settings.incomplete' } });
    expect(await authorsMayValidateOwn(db)).toBe(true);
    // The page's own form: the hidden `off`, then `on` when ticked.
    const off = await action({ request: form({ authorsMayValidateOwn: ['off'] }), params: {}, context: {} });
    expect((off as Response).status).toBe(302);
    expect(await authorsMayValidateOwn(db)).toBe(false);
    await action({ request: form({ authorsMayValidateOwn: ['off', 'on'] }), params: {}, context: {} });
    expect(await authorsMayValidateOwn(db)).toBe(true);
    await setAuthorsMayValidateOwn(db, false);
  });
});
