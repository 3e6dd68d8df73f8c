import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MalformedJsonColumnError, parseJsonColumn } from './json-column';

describe('parseJsonColumn', () => {
  const schema = z.array(z.object({ tubeId: z.string(), minPercent: z.number() }));
  const ref = { table: 'TargetProfileBadge', column: 'criteria', row: 'b-1' };

  it('returns the parsed value', () => {
    expect(parseJsonColumn(schema, [{ tubeId: 't', minPercent: 50, extra: 1 }], ref)).toEqual([{ tubeId: 't', minPercent: 50 }]);
  });

  it('names the table, the column, the row and where the value is wrong', () => {
    const error = (() => {
      try {
        parseJsonColumn(schema, [{ tubeId: 't', minPercent: '50' }], ref);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MalformedJsonColumnError);
    expect((error as MalformedJsonColumnError).ref).toEqual(ref);
    expect((error as Error).message).toMatch(/^Malformed JSON in TargetProfileBadge\.criteria of row b-1: 0\.minPercent: Expected number, received string$/);
  });

  it('says "(value)" when the whole value is of the wrong kind, and counts issues past three', () => {
    expect(() => parseJsonColumn(schema, null, ref)).toThrow('of row b-1: (value): Expected array, received null');
    const many = [{}, {}].map(() => ({ tubeId: 1, minPercent: 'x' }));
    expect(() => parseJsonColumn(schema, many, ref)).toThrow('(+1 more)');
  });
});
