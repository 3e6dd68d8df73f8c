import { createHash } from 'node:crypto';
import pg from 'pg';
import { createPrisma, poolOf, type PrismaClient } from '../../prisma/client';
import type { Prisma } from '../../prisma/generated/client';
import { env } from './env.server';

/** The database client type of the server layer; code outside it names this, never the Prisma client. */
export type Db = PrismaClient;

/** A client of its own on `url` (the workers, scripts); the web process uses db(). */
export function createDb(url: string): Db {
  return createPrisma(url);
}

/** DATABASE_URL (set by the start script to the embedded or given server). */
export function databaseUrl(): string {
  const url = env().DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL manquant : démarrez le workbench avec npm start.');
  return url;
}

let client: Db | null = null;

/** The process's Prisma client on DATABASE_URL. */
export function db(): Db {
  client ??= createDb(databaseUrl());
  return client;
}

// ---------------------------------------------------------------------------------------------
// The hot statements without Prisma's runtime

/** Timestamps as Prisma reads them: a `timestamp` column holds UTC (Prisma writes it so). */
const UTC_TIMESTAMP = 1114;
const DATE = 1082;
const INT8 = 20;
const NUMERIC = 1700;
const rawTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === UTC_TIMESTAMP) return (value: string) => new Date(`${value.replace(' ', 'T')}Z`);
    if (oid === DATE) return (value: string) => new Date(`${value}T00:00:00Z`);
    // As Prisma's $queryRaw gives them: bigint for int8; a numeric is refused (cast it in the SQL).
    if (oid === INT8) return (value: string) => BigInt(value);
    if (oid === NUMERIC)
      return () => {
        throw new Error('rawRows: numeric column, cast it (::float8 or ::text) in the statement');
      };
    return pg.types.getTypeParser(oid, format);
  },
};

/** Parameters as Prisma sends them: a date as its ISO string (UTC). */
function rawValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * The name each statement text is prepared under on a connection (a digest of the text): PostgreSQL then
 * parses it once per connection and, after five executions, may keep one generic plan instead of planning
 * every call (decision 021, h44: 0.5–0.8 ms of PostgreSQL's CPU saved per answer statement). The texts of
 * rawRows are a few shapes fixed in the code (values are always parameters); past MAX_NAMED_STATEMENTS
 * distinct texts in a process the others go unnamed, so that a text built from data could never make a
 * connection keep statements without bound.
 */
const statementNames = new Map<string, string>();
const MAX_NAMED_STATEMENTS = 200;

/** The prepared statement's name for this text, or undefined (unnamed: parsed and planned at each call). */
export function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `wb_${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * `client.$queryRaw(sql)` for the statements of the busiest requests (a learner's session, an answer, a
 * test's step): sent straight through the client's pg pool, which spares Prisma's runtime around each
 * statement (~0.15 ms of CPU a statement, measured in decision 021's learner addendum). Same rows as
 * $queryRaw for the types these statements use: text, numbers, booleans, json, arrays, timestamps as UTC
 * dates, int8 as bigint (a numeric column is refused). A client without a pool of its own (a
 * transaction's) goes through $queryRaw. Each text is a named prepared statement on the connection that
 * runs it (statementName): parsed once per connection, its plan kept by PostgreSQL. The values and rows
 * are those of an unnamed statement; a prepared statement lives as long as its connection, which a
 * PgBouncer in transaction mode supports from 1.21 on (`max_prepared_statements`, decision 021); for an
 * older pooler DATABASE_PREPARED_STATEMENTS=0 sends them unnamed.
 */
export async function rawRows<T>(client: object, sql: Prisma.Sql): Promise<T[]> {
  const pool = poolOf(client);
  if (!pool) return (client as Db).$queryRaw<T[]>(sql);
  const text = sql.text;
  const name = env().DATABASE_PREPARED_STATEMENTS === 1 ? statementName(text) : undefined;
  const result = await pool.query({ name, text, values: sql.values.map(rawValue), types: rawTypes });
  return result.rows as T[];
}
