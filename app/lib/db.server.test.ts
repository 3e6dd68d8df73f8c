/** The names of rawRows' prepared statements (decision 021, h44): one per text, bounded per process. */
import { describe, expect, it } from 'vitest';
import { statementName } from './db.server';

describe('statementName', () => {
  it('gives one stable name per text, different texts different names', () => {
    const a = statementName('SELECT $1::int AS n');
    expect(a).toMatch(/^wb_[A-Za-z0-9_-]{32}$/);
    expect(statementName('SELECT $1::int AS n')).toBe(a);
    expect(statementName('SELECT $1::int AS m')).not.toBe(a);
  });

  it('names at most 200 texts in a process; the others go unnamed, the named keep their name', () => {
    const first = statementName('SELECT 1');
    let named = 0;
    for (let i = 0; i < 300; i++) if (statementName(`SELECT ${i} AS generated`) !== undefined) named++;
    expect(named).toBeLessThanOrEqual(200);
    expect(statementName('SELECT $1::text AS never_seen')).toBeUndefined();
    expect(statementName('SELECT 1')).toBe(first);
  });
});
