/**
 * Cookie sessions backed by the database: the signed, httpOnly, SameSite=Lax cookie holds a random
 * session id; the row holds the user and the CSRF token that every form posts back.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createCookie, redirect } from '@remix-run/node';
import { Prisma } from '../../prisma/generated/client';
import { db, rawRows } from './db.server';
import { env, secureCookies } from './env.server';
import { REQUEST_ID_HEADER, originMatches, requestHost } from './client-address.server';
import { canEnter, type SpaceId, type Viewer, type GlobalRole } from './roles';
import type { RequestHead } from './request-head';

const SESSION_DAYS = 7;

export function sessionSecret(): string {
  const settings = env();
  if (settings.SESSION_SECRET) return settings.SESSION_SECRET;
  // A secret of this installation, kept with its data so sessions survive restarts.
  const dir = path.resolve(settings.WORKBENCH_DATA_DIR);
  const file = path.join(dir, 'session-secret');
  if (!fs.existsSync(file)) {
    // Written whole under another name, then linked: of several web processes starting at once, the
    // first link wins and every process reads that one secret (a link fails when the file exists).
    fs.mkdirSync(dir, { recursive: true });
    const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(temporary, crypto.randomBytes(32).toString('hex'), { mode: 0o600 });
    try {
      fs.linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(temporary, { force: true });
    }
  }
  return fs.readFileSync(file, 'utf8').trim();
}

let cookie: ReturnType<typeof createCookie> | null = null;
function sessionCookie() {
  cookie ??= createCookie('__session', {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    // Secure by default in production (COOKIE_SECURE=0 for plain HTTP on a local network).
    secure: secureCookies(),
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
  if (id) {
    recentSessions.delete(id);
    lastReadSessions.delete(id);
    await db().authSession.deleteMany({ where: { id } });
  }
  return redirect('/connexion', { headers: { 'Set-Cookie': await sessionCookie().serialize('', { maxAge: 0 }) } });
}

async function sessionId(request: RequestHead): Promise<string | null> {
  const header = request.headers.get('Cookie');
  if (!header) return null;
  // The signature's check (an HMAC) and the decoding depend only on the header and the secret: a header
  // seen before gives the same id (every request of a learner sends the same cookie).
  const known = verifiedCookies.get(header);
  if (known !== undefined) return known;
  const value = await sessionCookie().parse(header);
  const id = typeof value === 'string' && value.length > 0 ? value : null;
  if (verifiedCookies.size >= MAX_VERIFIED_COOKIES) verifiedCookies.clear();
  verifiedCookies.set(header, id);
  return id;
}

const MAX_VERIFIED_COOKIES = 20_000;
/** Cookie headers already checked, with the session id they carry (null: none, or a bad signature). */
const verifiedCookies = new Map<string, string | null>();

export interface CurrentSession {
  viewer: Viewer;
  csrfToken: string;
}

/**
 * The signed-in viewer, or null. The root loader, the route's loaders and its action all ask for it
 * (with copies of the request), so a lookup is shared for a second: one query per page, not one per
 * loader. Signing out forgets it at once; elsewhere (another process) a revoked session lasts at most
 * that second.
 */
export async function getSession(request: Request): Promise<CurrentSession | null> {
  return (await lookUpSession(request)).session;
}

/** Whether the viewer has a certification test under way: its candidate, or null (decision 019). */
export type OngoingCertification = { candidateId: string } | null;

/**
 * The session, and whether its viewer has a certification test under way when that was read by this
 * very call (the session's statement reads both: one statement for the learner pages' guard); 'unknown'
 * when the session came from the shared second (the caller asks the database, so the answer is never
 * older than the request).
 */
export async function lookUpSession(request: RequestHead): Promise<{ session: CurrentSession | null; certification: OngoingCertification | 'unknown' }> {
  const id = await sessionId(request);
  if (!id) return { session: null, certification: 'unknown' };
  const now = Date.now();
  const hit = recentSessions.get(id);
  const requestId = request.headers.get(REQUEST_ID_HEADER);
  // The loaders of one request (root and route) read the session once, and the guard's answer with it:
  // read by this very request, it is not older than the request.
  if (hit && requestId && hit.requestId === requestId) return hit.read;
  if (hit && now - hit.at < SESSION_SHARE_MS) return { session: await hit.session, certification: 'unknown' };
  const read = readSession(id);
  const session = read.then((r) => r.session);
  recentSessions.set(id, { at: now, session, read, requestId });
  session.catch(() => recentSessions.delete(id));
  if (recentSessions.size > 10_000) {
    for (const [key, value] of recentSessions) if (now - value.at >= SESSION_SHARE_MS) recentSessions.delete(key);
  }
  return read;
}

const SESSION_SHARE_MS = 1000;
const recentSessions = new Map<
  string,
  {
    at: number;
    session: Promise<CurrentSession | null>;
    read: Promise<{ session: CurrentSession | null; certification: OngoingCertification }>;
    requestId: string | null;
  }
>();

/**
 * Forgets the shared lookups, so the next request reads its session from the database again: called
 * when an account's sessions end (disabled account, new password), so its cookie stops working at once.
 */
export function forgetRecentSessions(): void {
  recentSessions.clear();
  lastReadSessions.clear();
}

interface SessionRow {
  csrfToken: string;
  expiresAt: Date;
  disabledAt: Date | null;
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  locale: string;
  roles: string[];
  organisations: Viewer['organisations'];
  centres: Viewer['centres'];
  activeOrganisationId: string | null;
  ongoingCandidateId: string | null;
}

/**
 * One query per request (every page and action asks): the session, its user and their memberships, and
 * the candidate of their certification test under way if any. Sent without Prisma's runtime (rawRows).
 */
async function readSession(id: string): Promise<{ session: CurrentSession | null; certification: OngoingCertification }> {
  const rows = await rawRows<SessionRow>(
    db(),
    Prisma.sql`
    SELECT s."csrfToken", s."expiresAt", s."organisationId" AS "activeOrganisationId", u."disabledAt", u.id, u.email, u."firstName", u."lastName", u.locale, u.roles::text[] AS roles,
      COALESCE((SELECT json_agg(json_build_object('id', o.id, 'name', o.name, 'role', m.role) ORDER BY o.name)
         FROM "Membership" m JOIN "Organisation" o ON o.id = m."organisationId" WHERE m."userId" = u.id), '[]'::json) AS organisations,
      COALESCE((SELECT json_agg(json_build_object('id', c.id, 'name', c.name, 'role', cm.role) ORDER BY c.name)
         FROM "CentreMembership" cm JOIN "CertificationCentre" c ON c.id = cm."centreId" WHERE cm."userId" = u.id), '[]'::json) AS centres,
      (SELECT cc."candidateId" FROM "CertificationCourse" cc WHERE cc."userId" = u.id AND cc.status = 'STARTED' LIMIT 1) AS "ongoingCandidateId"
    FROM "AuthSession" s JOIN "User" u ON u.id = s."userId"
    WHERE s.id = ${id}`,
  );
  const row = rows[0];
  if (!row || row.expiresAt < new Date() || row.disabledAt) {
    lastReadSessions.delete(id);
    return { session: null, certification: null };
  }
  const certification = row.ongoingCandidateId ? { candidateId: row.ongoingCandidateId } : null;
  const session: CurrentSession = {
    csrfToken: row.csrfToken,
    viewer: {
      id: row.id,
      email: row.email,
      firstName: row.firstName,
      lastName: row.lastName,
      locale: row.locale,
      roles: row.roles as GlobalRole[],
      organisations: row.organisations,
      centres: row.centres,
      activeOrganisationId: row.activeOrganisationId,
    },
  };
  if (lastReadSessions.size >= MAX_VERIFIED_COOKIES) lastReadSessions.clear();
  lastReadSessions.set(id, session);
  return { session, certification };
}

/**
 * The session this process last read for the request's cookie (any age), without asking the database:
 * for a statement that checks it again itself (admittedSessionSql). Null when there is none.
 */
export async function lastReadSession(request: RequestHead): Promise<{ id: string; session: CurrentSession } | null> {
  const id = await sessionId(request);
  const session = id ? lastReadSessions.get(id) : undefined;
  return id && session ? { id, session } : null;
}

/** The sessions this process read last, by id: what lastReadSession gives (20,000 at most, then forgotten). */
const lastReadSessions = new Map<string, CurrentSession>();

/**
 * An SQL condition that holds while the session `id` is still the one `session` was read from, and valid
 * at `now` as readSession judges it: the row is there with the same user, CSRF token and language, not
 * expired, the user not disabled. Evaluated inside the statement that needs it, so it is never older
 * than it.
 */
export function admittedSessionSql(id: string, session: CurrentSession, now: Date): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM "AuthSession" s JOIN "User" u ON u.id = s."userId"
    WHERE s.id = ${id} AND s."userId" = ${session.viewer.id} AND s."csrfToken" = ${session.csrfToken}
      AND s."expiresAt" >= ${now.toISOString()}::timestamp AND u."disabledAt" IS NULL AND u.locale = ${session.viewer.locale})`;
}

/**
 * The organisation switcher: keeps the organisation a member works on in their session. The caller
 * checks the membership first; every loader and action checks it again (activeOrganisation).
 */
export async function setSessionOrganisation(request: Request, organisationId: string): Promise<void> {
  const id = await sessionId(request);
  if (!id) return;
  await db().authSession.update({ where: { id }, data: { organisationId } });
  recentSessions.delete(id);
  lastReadSessions.delete(id);
}

/** For loaders: the signed-in viewer, or a redirect to the sign-in page. */
export async function requireViewer(request: Request): Promise<CurrentSession> {
  return (await requireViewerLookup(request)).session;
}

/** requireViewer, with what the lookup knew of a certification test under way (lookUpSession). */
export async function requireViewerLookup(request: RequestHead): Promise<{ session: CurrentSession; certification: OngoingCertification | 'unknown' }> {
  const { session, certification } = await lookUpSession(request);
  if (!session) {
    const url = new URL(request.url);
    throw redirect(`/connexion?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return { session, certification };
}

/** For loaders and actions of a space: the viewer if they may enter it, else a 403 page. */
export async function requireSpace(request: Request, space: SpaceId): Promise<CurrentSession> {
  return (await requireSpaceLookup(request, space)).session;
}

/** requireSpace, with what the lookup knew of a certification test under way (lookUpSession). */
export async function requireSpaceLookup(
  request: RequestHead,
  space: SpaceId,
): Promise<{ session: CurrentSession; certification: OngoingCertification | 'unknown' }> {
  const lookup = await requireViewerLookup(request);
  if (!canEnter(lookup.session.viewer, space)) {
    throw new Response('Accès refusé', { status: 403, statusText: 'Forbidden' });
  }
  return lookup;
}

/**
 * For actions: the form's CSRF token must be the session's. Together with SameSite=Lax cookies and the
 * origin check, a page on another site cannot post on the viewer's behalf.
 */
export function assertCsrf(session: CurrentSession, form: { get(name: string): FormDataEntryValue | null }): void {
  const token = form.get('csrf');
  const expected = Buffer.from(session.csrfToken);
  const given = Buffer.from(typeof token === 'string' ? token : '');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    throw new Response('Jeton de sécurité invalide : rechargez la page et recommencez.', { status: 403 });
  }
}

/**
 * Refuses a cross-site POST (Origin header of another host, or `null`) with a 403. The host is the
 * request's `Host`; `X-Forwarded-Host` (the right-most entry, written by the proxy nearest the server)
 * only when TRUST_PROXY says proxies of the installation stand in front, since a client could send it.
 */
export function assertSameOrigin(request: RequestHead): void {
  const origin = request.headers.get('Origin');
  if (!origin) return;
  const host = requestHost(request.headers.get('Host'), request.headers.get('X-Forwarded-Host'), env().TRUST_PROXY);
  if (!originMatches(origin, host)) {
    throw new Response('Requête d’une autre origine refusée.', { status: 403 });
  }
}

/**
 * The checks of requireForm for a form the web server already read (the direct path of
 * scripts/direct-actions.ts reads an urlencoded body itself): the origin, then the CSRF token.
 */
export function assertPostedForm(request: RequestHead, session: CurrentSession, form: URLSearchParams): void {
  assertSameOrigin(request);
  assertCsrf(session, form);
}

/** Reads the form of a mutating request after the origin and CSRF checks. */
export async function requireForm(request: Request, session: CurrentSession): Promise<FormData> {
  assertSameOrigin(request);
  const form = await request.formData();
  assertCsrf(session, form);
  return form;
}
