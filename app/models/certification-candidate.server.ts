/**
 * Certification on the candidate's side, before the test: the sessions a signed-in learner is
 * enrolled in that have not been finalised yet. Entering a session and the test itself are
 * certification-test.server.ts.
 */
import type { PrismaClient } from '../../prisma/client';
import { isoDay } from './certification-session.server';

/** The user's enrolments in sessions still open (CREATED), newest first, with their test's status if started. */
export async function openEnrolmentsOf(client: PrismaClient, userId: string) {
  const mine = await client.certificationCandidate.findMany({
    where: { userId, session: { status: 'CREATED' } },
    orderBy: { createdAt: 'desc' },
    select: { id: true, session: { select: { date: true, time: true, room: true, centre: { select: { name: true } } } }, course: { select: { status: true } } },
  });
  return mine.map((c) => ({
    id: c.id,
    date: isoDay(c.session.date),
    time: c.session.time,
    room: c.session.room,
    centre: c.session.centre.name,
    status: c.course?.status ?? null,
  }));
}
