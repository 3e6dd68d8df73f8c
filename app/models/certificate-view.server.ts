/**
 * Published certificates: what a certificate shows (and nothing else about the candidate), the
 * learner's own list, and the public lookup by verification code, rate-limited per address.
 * Scoring, finalisation, the jury and publication are certificate.server.ts.
 */
import type { PrismaClient } from '../../prisma/client';
import type { Viewer } from '../lib/roles';
import { COMPETENCE_CODES, isValidVerificationCode, normalizeCode } from '../../engine/framework';
import { CERTIFICATE_VALIDITY_YEARS, storedCompetences } from './certificate.server';
import { ANY_SUBJECT, attemptSucceeded, reserveAttempt, THROTTLE_LIMITS } from '../lib/throttle.server';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
type Client = PrismaClient | Tx;

// ─────────────────────────────── Certificates ───────────────────────────────

export function validUntil(deliveredAt: Date): Date {
  const d = new Date(deliveredAt);
  d.setUTCFullYear(d.getUTCFullYear() + CERTIFICATE_VALIDITY_YEARS);
  return d;
}

/** What a certificate shows, and nothing else about the candidate. */
export interface CertificateView {
  id: string;
  verificationCode: string;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  birthPlace: string;
  centreName: string;
  takenOn: string | null;
  deliveredAt: string;
  validUntil: string;
  pixScore: number;
  /** The 16 competences of the framework, in order, with their certified level and pix (0 when not certified). */
  competences: { code: string; titleFr: string; titleEn: string; level: number; pix: number }[];
  /**
   * The measure the levels come from (decision 019): θ estimated from the certification answers, its
   * standard error, and the answers counted. Only on the holder's own page (absent from the public check,
   * which carries the certificate fields alone); null on a certificate scored before they were recorded.
   */
  measure?: { theta: number; thetaSe: number; answersCounted: number } | null;
}

const certificateFields = {
  id: true,
  verificationCode: true,
  firstName: true,
  lastName: true,
  birthDate: true,
  birthPlace: true,
  centreName: true,
  takenOn: true,
  deliveredAt: true,
  pixScore: true,
  competenceLevels: true,
  theta: true,
  thetaSe: true,
  answersCounted: true,
} as const;

type CertificateRow = {
  id: string;
  verificationCode: string;
  firstName: string;
  lastName: string;
  birthDate: Date | null;
  birthPlace: string;
  centreName: string;
  takenOn: Date | null;
  deliveredAt: Date | null;
  pixScore: number;
  competenceLevels: unknown;
  theta: number | null;
  thetaSe: number | null;
  answersCounted: number | null;
};

const isoDay = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

/** `withMeasure`: the holder's own page shows θ, SE and answers counted; the public lookup does not. */
async function toView(client: Client, row: CertificateRow, withMeasure = false): Promise<CertificateView> {
  const titles = await client.competence.findMany({ where: { code: { in: [...COMPETENCE_CODES] } }, select: { code: true, titleFr: true, titleEn: true } });
  const levels = new Map(storedCompetences(row).map((c) => [c.competenceCode, c]));
  const delivered = row.deliveredAt ?? new Date(0);
  return {
    id: row.id,
    verificationCode: row.verificationCode,
    firstName: row.firstName,
    lastName: row.lastName,
    birthDate: isoDay(row.birthDate),
    birthPlace: row.birthPlace,
    centreName: row.centreName,
    takenOn: isoDay(row.takenOn),
    deliveredAt: delivered.toISOString(),
    validUntil: validUntil(delivered).toISOString(),
    pixScore: row.pixScore,
    competences: COMPETENCE_CODES.map((code) => {
      const t = titles.find((x) => x.code === code);
      const certified = levels.get(code);
      return { code, titleFr: t?.titleFr ?? code, titleEn: t?.titleEn ?? code, level: certified?.level ?? 0, pix: certified?.pix ?? 0 };
    }),
    ...(withMeasure
      ? {
          measure:
            row.theta !== null && row.thetaSe !== null && row.answersCounted !== null
              ? { theta: row.theta, thetaSe: row.thetaSe, answersCounted: row.answersCounted }
              : null,
        }
      : {}),
  };
}

const published = { status: 'validated', publishedAt: { not: null }, deliveredAt: { not: null } } as const;

/** The learner's published certificates, newest first. */
export async function certificatesOfUser(client: Client, userId: string) {
  const rows = await client.certificate.findMany({
    where: { ...published, course: { userId } },
    orderBy: { deliveredAt: 'desc' },
    select: { id: true, verificationCode: true, pixScore: true, deliveredAt: true, centreName: true, takenOn: true },
  });
  return rows.map((r) => ({
    ...r,
    deliveredAt: r.deliveredAt!.toISOString(),
    validUntil: validUntil(r.deliveredAt!).toISOString(),
    takenOn: isoDay(r.takenOn),
  }));
}

/** Published results that gave no certificate: not obtained ('rejected') or cancelled by the jury. */
export type UnsuccessfulStatus = 'rejected' | 'cancelled';

/**
 * The learner's published certifications that gave no certificate (failed or cancelled), newest first:
 * listed beside the certificates so that a published result never goes missing from the account.
 */
export async function unsuccessfulCertificationsOf(client: Client, userId: string) {
  const rows = await client.certificate.findMany({
    where: { status: { in: ['rejected', 'cancelled'] }, publishedAt: { not: null }, course: { userId } },
    orderBy: { publishedAt: 'desc' },
    select: { id: true, status: true, publishedAt: true, takenOn: true, centreName: true },
  });
  return rows.map((r) => ({
    id: r.id,
    status: r.status as UnsuccessfulStatus,
    publishedAt: r.publishedAt!.toISOString(),
    takenOn: isoDay(r.takenOn),
    centreName: r.centreName,
  }));
}

/**
 * The published result of one of the learner's enrolments, or null while the jury has not published:
 * the certificate to open when obtained, the status otherwise. Nothing for anybody else's enrolment.
 */
export async function publishedResultOf(client: Client, userId: string, candidateId: string) {
  const row = await client.certificate.findFirst({
    where: { publishedAt: { not: null }, course: { candidateId, userId } },
    select: { id: true, status: true, pixScore: true, deliveredAt: true, publishedAt: true },
  });
  if (!row) return null;
  const obtained = row.status === 'validated' && row.deliveredAt !== null;
  return {
    status: (obtained ? 'validated' : row.status === 'cancelled' ? 'cancelled' : 'rejected') as 'validated' | UnsuccessfulStatus,
    certificateId: obtained ? row.id : null,
    pixScore: obtained ? row.pixScore : null,
    publishedAt: row.publishedAt!.toISOString(),
  };
}

/** A learner's own published certificate; 404 for anybody else's (existence is not revealed). */
export async function certificateOfLearner(client: Client, viewer: Pick<Viewer, 'id'> | null, certificateId: string): Promise<CertificateView> {
  const row = viewer
    ? await client.certificate.findFirst({ where: { id: certificateId, ...published, course: { userId: viewer.id } }, select: certificateFields })
    : null;
  if (!row) throw new Response('Certificat introuvable', { status: 404 });
  return toView(client, row, true);
}

/** The public lookup: a published, validated certificate by its code, or null. Only certificate fields. */
export async function certificateByCode(client: Client, typed: string): Promise<CertificateView | null> {
  const code = normalizeCode(typed);
  if (!isValidVerificationCode(code)) return null;
  const row = await client.certificate.findFirst({ where: { verificationCode: code, ...published }, select: certificateFields });
  return row ? toView(client, row) : null;
}

// ─────────────────────────────── Public lookups, rate-limited ───────────────────────────────

export const MAX_VERIFICATION_FAILURES = THROTTLE_LIMITS.verification.perAddress;

export type VerificationResult = { ok: true; certificate: CertificateView } | { ok: false; reason: 'invalid_format' | 'not_found' | 'rate_limited' };

/**
 * A lookup on the public page: throttled per address (app/lib/throttle.server.ts): after
 * MAX_VERIFICATION_FAILURES wrong codes the address waits, longer at each further wrong code (guessing
 * codes is not a way to list certificates). The attempt is reserved before the code is looked up.
 */
export async function verifyCertificate(client: Client, typed: string, ip: string, now: Date = new Date()): Promise<VerificationResult> {
  if (!(await reserveAttempt(client, 'verification', ANY_SUBJECT, ip, now)).ok) return { ok: false, reason: 'rate_limited' };
  const code = normalizeCode(typed);
  const certificate = isValidVerificationCode(code) ? await certificateByCode(client, code) : null;
  await client.certificationAccessAttempt.create({ data: { kind: 'verification', key: code.slice(0, 20), ip, success: Boolean(certificate), createdAt: now } });
  if (certificate) await attemptSucceeded(client, 'verification', ANY_SUBJECT, ip);
  if (certificate) return { ok: true, certificate };
  return { ok: false, reason: isValidVerificationCode(code) ? 'not_found' : 'invalid_format' };
}
