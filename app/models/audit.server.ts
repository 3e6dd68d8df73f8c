/**
 * The audit log: who did what to whom, when and from which address. Written in the same transaction as
 * the change it records (pass the transaction client), so a change is never left without its entry.
 * Read by administrators on /admin/journal.
 */
import type { PrismaClient } from '../../prisma/client';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
type Client = PrismaClient | Tx;

export interface AuditEntryInput {
  actorId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

/** Keys that must never be written in an entry, whatever a caller passes. */
const SECRET_KEYS = /pass(word)?|token|secret|hash/i;

function withoutSecrets(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([key]) => !SECRET_KEYS.test(key)));
}

export async function recordAudit(client: Client, entry: AuditEntryInput): Promise<void> {
  await client.auditLog.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      details: JSON.parse(JSON.stringify(withoutSecrets(entry.details ?? {}))) as object,
      ip: entry.ip ?? null,
    },
  });
}

export interface AuditFilter {
  /** Part of the actor's or the target account's e-mail. */
  person?: string;
  /** Exact action, or a prefix ending with '.' (e.g. `account.`). */
  action?: string;
  from?: Date;
  to?: Date;
  /** Entries before this id (pagination, newest first). */
  before?: bigint;
  /** How many entries at most (AUDIT_PAGE_SIZE when not given). */
  take?: number;
}

export const AUDIT_PAGE_SIZE = 100;

export interface AuditEntryView {
  id: string;
  at: Date;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  actor: { id: string; email: string; name: string } | null;
  /** The account the entry is about, when it is one. */
  targetUser: { id: string; email: string; name: string } | null;
}

/** Entries newest first, filtered; the actor and the target account are resolved to names. */
export async function listAudit(client: PrismaClient, filter: AuditFilter = {}): Promise<AuditEntryView[]> {
  let personIds: string[] | undefined;
  if (filter.person?.trim()) {
    const people = await client.user.findMany({
      where: { email: { contains: filter.person.trim(), mode: 'insensitive' } },
      select: { id: true },
      take: 1000,
    });
    personIds = people.map((p) => p.id);
  }
  const action = filter.action?.trim();
  const rows = await client.auditLog.findMany({
    where: {
      ...(action ? (action.endsWith('.') ? { action: { startsWith: action } } : { action }) : {}),
      ...(filter.from || filter.to ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lte: filter.to } : {}) } } : {}),
      ...(filter.before !== undefined ? { id: { lt: filter.before } } : {}),
      ...(personIds ? { OR: [{ actorId: { in: personIds } }, { targetType: 'user', targetId: { in: personIds } }] } : {}),
    },
    orderBy: { id: 'desc' },
    take: filter.take ?? AUDIT_PAGE_SIZE,
  });
  const ids = new Set<string>();
  for (const row of rows) {
    if (row.actorId) ids.add(row.actorId);
    if (row.targetType === 'user' && row.targetId) ids.add(row.targetId);
  }
  const users = await client.user.findMany({ where: { id: { in: [...ids] } }, select: { id: true, email: true, firstName: true, lastName: true } });
  const byId = new Map(users.map((u) => [u.id, { id: u.id, email: u.email, name: `${u.firstName} ${u.lastName}` }]));
  return rows.map((row) => ({
    id: row.id.toString(),
    at: row.at,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    details: (row.details ?? {}) as Record<string, unknown>,
    ip: row.ip,
    actor: row.actorId ? (byId.get(row.actorId) ?? null) : null,
    targetUser: row.targetType === 'user' && row.targetId ? (byId.get(row.targetId) ?? null) : null,
  }));
}

/** The actions the log holds, for the journal's filter. */
export async function auditActions(client: PrismaClient): Promise<string[]> {
  const rows = await client.auditLog.findMany({ distinct: ['action'], select: { action: true }, orderBy: { action: 'asc' } });
  return rows.map((r) => r.action);
}
