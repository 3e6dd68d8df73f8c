import { describe, expect, it } from 'vitest';
import { sameJson } from './pack';

describe('comparing two JSON documents', () => {
  it('says equal for the same values whatever the key order, and unequal for any difference', () => {
    expect(
      sameJson({ type: 'doc', content: [{ type: 'text', text: 'a', marks: [] }] }, { content: [{ marks: [], text: 'a', type: 'text' }], type: 'doc' }),
    ).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson({ a: undefined }, {})).toBe(false);
    expect(sameJson({ a: null }, { a: undefined })).toBe(false);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson('1', 1)).toBe(false);
    expect(sameJson(NaN, NaN)).toBe(true);
  });
});
