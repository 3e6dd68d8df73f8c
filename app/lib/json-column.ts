/**
 * Reading a JSON column: the stored value is checked against a zod schema where it is read, and a
 * value of the wrong shape is an error that names the table, the column and the row (corrupt data is
 * not papered over). Pure: the server layer passes the value it read.
 */
import type { z } from 'zod';

export interface JsonColumnRef {
  /** The Prisma model, e.g. 'TargetProfileBadge'. */
  table: string;
  column: string;
  /** The row's id (or whatever identifies it). */
  row: string;
}

export class MalformedJsonColumnError extends Error {
  constructor(
    public readonly ref: JsonColumnRef,
    public readonly issues: readonly z.ZodIssue[],
  ) {
    const detail = issues
      .slice(0, 3)
      .map((i) => `${i.path.length ? i.path.join('.') : '(value)'}: ${i.message}`)
      .join('; ');
    super(`Malformed JSON in ${ref.table}.${ref.column} of row ${ref.row}: ${detail}${issues.length > 3 ? ` (+${issues.length - 3} more)` : ''}`);
    this.name = 'MalformedJsonColumnError';
  }
}

/** The value parsed by the schema, or a MalformedJsonColumnError naming the row and column. */
export function parseJsonColumn<S extends z.ZodTypeAny>(schema: S, value: unknown, ref: JsonColumnRef): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new MalformedJsonColumnError(ref, parsed.error.issues);
  return parsed.data;
}
