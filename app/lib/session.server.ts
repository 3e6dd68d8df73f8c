/**
 * Cookie sessions backed by the database: the signed, httpOnly, SameSite=Lax cookie holds a random
 * session id; the row holds the user and the CSRF token that every form posts back.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createCookie, redirect } from '@remix-run/node';
import { db } from './db.server';
import { canEnter, type SpaceId, type Viewer, type GlobalRole } from './roles';

const SESSION_DAYS = 7;

function sessionSecret(): string {
  if (process.env.SESSION_SECRET) return process.env.SESSION_SECRET;
  // A secret of this installation, kept with its data so sessions survive restarts.
  const dir = path.resolve(process.env.WORKBENCH_DATA_DIR ?? '.data');
  const file = path.join(dir, 'session-secret');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

let cookie: ReturnType<typeof createCookie> | null = null;
function sessionCookie() {
  cookie ??= createCookie('__session', {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: process.env.COOKIE_SECURE === '1',
    secrets: [sessionSecret()],
    maxAge: SESSION_DAYS * 24 * 3600,
  });
  return cookie;
}

export class Forbidden extends Response {}

export async function createUserSession(userId: string, redirectTo: string): Promise<Response> {
  const id = crypto.randomBytes(32).toString('base64url');
  await db().authSession.create({
    data: { id, userId, csrfToken: crypto.randomBytes(24).toString('base64url'), expiresAt: new Date(Date.now() + SESSION_DAYS * 864e5) },
  });
  return redirect(redirectTo, { headers: { 'Set-Cookie': await sessionCookie().serialize(id) } });
}

export async function destroyUserSession(request: Request): Promise<Response> {
  const id = await sessionId(request);
  if (id) await db().authSession.deleteMany({ where: { id } });
  return redirect('/connexion', { headers: { 'Set-Cookie': await sessionCookie().serialize('', { maxAge: 0 }) } });
}

async function sessionId(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get('Cookie'));
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export interface CurrentSession {
  viewer: Viewer;
  csrfToken: string;
}

/** The signed-in viewer, or null. */
export async function getSession(request: Request): Promise<CurrentSession | null> {
  const id = await sessionId(request);
  if (!id) return null;
  const row = await db().authSession.findUnique({
    where: { id },
    include: {
      user: {
        include: {
          memberships: { include: { organisation: { select: { id: true, name: true } } } },
          centreMemberships: { include: { centre: { select: { id: true, name: true } } } },
        },
      },
    },
  });
  if (!row || row.expiresAt < new Date() || row.user.disabledAt) return null;
  const u = row.user;
  return {
    csrfToken: row.csrfToken,
    viewer: {
      id: u.id,
      email: u.email,
      firstName: u.firstName,
      lastName: u.lastName,
      locale: u.locale,
      roles: u.roles as GlobalRole[],
      organisations: u.memberships.map((m) => ({ id: m.organisation.id, name: m.organisation.name, role: m.role })),
      centres: u.centreMemberships.map((m) => ({ id: m.centre.id, name: m.centre.name, role: m.role })),
    },
  };
}

/** For loaders: the signed-in viewer, or a redirect to the sign-in page. */
export async function requireViewer(request: Request): Promise<CurrentSession> {
  const session = await getSession(request);
  if (!session) {
    const url = new URL(request.url);
    throw redirect(`/connexion?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return session;
}

/** For loaders and actions of a space: the viewer if they may enter it, else a 403 page. */
export async function requireSpace(request: Request, space: SpaceId): Promise<CurrentSession> {
  const session = await requireViewer(request);
  if (!canEnter(session.viewer, space)) {
    throw new Response('Accès refusé', { status: 403, statusText: 'Forbidden' });
  }
  return session;
}

/**
 * For actions: the form's CSRF token must be the session's. Together with SameSite=Lax cookies and the
 * origin check, a page on another site cannot post on the viewer's behalf.
 */
export function assertCsrf(session: CurrentSession, form: FormData): void {
  const token = form.get('csrf');
  const expected = Buffer.from(session.csrfToken);
  const given = Buffer.from(typeof token === 'string' ? token : '');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    throw new Response('Jeton de sécurité invalide : rechargez la page et recommencez.', { status: 403 });
  }
}

/** Refuses a cross-site POST (Origin header of another host). */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get('Origin');
  if (!origin) return;
  const host = request.headers.get('X-Forwarded-Host') ?? request.headers.get('Host');
  if (!host || new URL(origin).host !== host) {
    throw new Response('Requête d’une autre origine refusée.', { status: 403 });
  }
}

/** Reads the form of a mutating request after the origin and CSRF checks. */
export async function requireForm(request: Request, session: CurrentSession): Promise<FormData> {
  assertSameOrigin(request);
  const form = await request.formData();
  assertCsrf(session, form);
  return form;
}
