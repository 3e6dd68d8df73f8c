import { describe, expect, it } from 'vitest';
import { randomText } from './random-block.server';

describe('randomText (bytes cut from a block of the system generator)', () => {
  it('gives texts of the asked size and encoding, never the same twice across blocks', () => {
    const seen = new Set<string>();
    for (let k = 0; k < 2000; k++) {
      const hex = randomText(16, 'hex');
      expect(hex).toMatch(/^[0-9a-f]{32}$/);
      const b64 = randomText(16, 'base64');
      expect(Buffer.from(b64, 'base64')).toHaveLength(16);
      expect(seen.has(hex) || seen.has(b64)).toBe(false);
      seen.add(hex);
      seen.add(b64);
    }
    expect(randomText(4096, 'hex')).toHaveLength(8192);
  });

  it('refuses a size it cannot give', () => {
    for (const bad of [0, -1, 1.5, 4097]) expect(() => randomText(bad, 'hex')).toThrow(RangeError);
  });
});
