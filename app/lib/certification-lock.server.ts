/**
 * The learner's pages are closed during their certification test (issue 15, decision 019): while the
 * account has a test under way, a learner page's loader sends the candidate back to the test and an action
 * is refused (403) with a French message. One guard for every learner route (profile, competence tests and
 * « Réponses et tutoriels », campaigns, certificates, the framework browser, the certification entry); the
 * root hides the navigation with the same check (`ongoingCertificationOf`).
 */
import { redirect } from '@remix-run/node';
import { localeFromRequest } from '../i18n';
import { db } from './db.server';
import { Prisma } from '../../prisma/generated/client';
import {
  admittedSessionSql,
  assertPostedForm,
  lastReadSession,
  requireSpaceLookup,
  requireViewerLookup,
  type CurrentSession,
  type OngoingCertification,
} from './session.server';
import { noCertificationUnderWaySql, ongoingCertificationOf } from '../models/certification-test.server';
import { canEnter } from './roles';
import type { RequestHead } from './request-head';

export const CLOSED_DURING_CERTIFICATION = {
  fr: 'Votre test de certification est en cours : les autres pages de votre espace sont fermées jusqu’à la fin du test.',
  en: 'Your certification test is under way: the other pages of your space are closed until the test ends.',
} as const;

/** Throws (redirect to the test for a page, 403 for anything else) when the viewer has a certification test under way. */
export async function assertOutsideCertification(
  request: RequestHead,
  session: CurrentSession,
  known: OngoingCertification | 'unknown' = 'unknown',
): Promise<void> {
  const ongoing = known === 'unknown' ? await ongoingCertificationOf(db(), session.viewer.id) : known;
  if (!ongoing) return;
  if (request.method === 'GET' || request.method === 'HEAD') throw redirect(`/certification/${ongoing.candidateId}`);
  const message = CLOSED_DURING_CERTIFICATION[localeFromRequest(request)];
  throw new Response(message, { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

/**
 * `requireSpace(request, 'profil')`, closed during the viewer's certification test. The session's
 * statement tells whether a test is under way when it was read for this call; otherwise it is asked.
 */
export async function requireLearnerSpace(request: RequestHead): Promise<CurrentSession> {
  const { session, certification } = await requireSpaceLookup(request, 'profil');
  await assertOutsideCertification(request, session, certification);
  return session;
}

/** `requireViewer(request)` for a learner page, closed during the viewer's certification test. */
export async function requireViewerOutsideCertification(request: Request): Promise<CurrentSession> {
  const { session, certification } = await requireViewerLookup(request);
  await assertOutsideCertification(request, session, certification);
  return session;
}

/**
 * The guards of a learner's form post (requireLearnerSpace, then assertPostedForm) for an action that
 * checks them in its own statement (the answer, decision 021's fourth part): the session this process
 * read last for the request's cookie, checked here against the form (origin, CSRF token) and the space,
 * and the SQL condition under which they all still hold when the statement runs — the same session,
 * valid, its user a learner, no certification test under way. Null when that cannot be said without
 * reading (no session read here, or a guard that refuses): the caller then takes the usual way, whose
 * guards answer as before.
 */
export async function learnerFormAdmission(
  request: RequestHead,
  form: URLSearchParams,
  now: Date,
): Promise<{ session: CurrentSession; admit: Prisma.Sql } | null> {
  const known = await lastReadSession(request);
  if (!known || !canEnter(known.session.viewer, 'profil')) return null;
  try {
    assertPostedForm(request, known.session, form);
  } catch {
    return null;
  }
  const userId = known.session.viewer.id;
  return {
    session: known.session,
    admit: Prisma.sql`${admittedSessionSql(known.id, known.session, now)}
      AND EXISTS (SELECT 1 FROM "User" WHERE id = ${userId} AND 'LEARNER' = ANY(roles::text[]))
      AND ${noCertificationUnderWaySql(userId)}`,
  };
}
