import { describe, expect, it } from 'vitest';
import {
  generateCampaignCode,
  generateSessionAccessCode,
  generateVerificationCode,
  isValidCampaignCode,
  isValidSessionAccessCode,
  isValidVerificationCode,
  normalizeCode,
} from './index';

/** A small seeded generator for the tests (the project's own lives in engine/random). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('campaign codes', () => {
  it('are 6 capital letters without I, L, O, then 3 digits from 2 to 9', () => {
    const rng = seeded(1);
    for (let i = 0; i < 500; i++) {
      const code = generateCampaignCode(rng);
      expect(code).toMatch(/^[A-Z]{6}[2-9]{3}$/);
      expect(code).not.toMatch(/[ILO]/);
      expect(isValidCampaignCode(code)).toBe(true);
    }
  });

  it('are the same for the same seed, and differ between draws', () => {
    expect(generateCampaignCode(seeded(7))).toBe(generateCampaignCode(seeded(7)));
    const rng = seeded(7);
    expect(new Set(Array.from({ length: 50 }, () => generateCampaignCode(rng))).size).toBe(50);
  });

  it('rejects codes with confusable or wrong characters', () => {
    for (const bad of ['ABCDEI234', 'ABCDEF231', 'ABCDEF23', 'abcdef234', 'ABCDEO234', 'ABCDEL234']) {
      expect(isValidCampaignCode(bad)).toBe(false);
    }
    expect(isValidCampaignCode(normalizeCode(' abcdef 234 '))).toBe(true);
  });

  it('use the edges of the alphabet when the generator returns 0 or almost 1', () => {
    expect(generateCampaignCode(() => 0)).toBe('AAAAAA222');
    expect(generateCampaignCode(() => 0.999999999)).toBe('ZZZZZZ999');
    expect(() => generateCampaignCode(() => 1)).toThrow(RangeError);
  });
});

describe('certificate verification codes', () => {
  it('are P- and 8 distinct characters of the unambiguous alphabet', () => {
    const rng = seeded(3);
    for (let i = 0; i < 500; i++) {
      const code = generateVerificationCode(rng);
      expect(code).toMatch(/^P-[2346789BCDFGHJKMPQRTVWXY]{8}$/);
      expect(new Set(code.slice(2)).size).toBe(8);
      expect(isValidVerificationCode(code)).toBe(true);
    }
    expect(generateVerificationCode(() => 0)).toBe('P-2346789B');
    expect(isValidVerificationCode('P-22346789')).toBe(false);
    expect(isValidVerificationCode('P-2346789A')).toBe(false);
    expect(isValidVerificationCode('2346789BC')).toBe(false);
  });
});

describe('session access codes', () => {
  it('are 4 letters then 2 digits, from alphabets without vowels or confusable digits', () => {
    const rng = seeded(5);
    for (let i = 0; i < 500; i++) {
      const code = generateSessionAccessCode(rng);
      expect(code).toMatch(/^[BCDFGHJKMPQRTVWXY]{4}[2346789]{2}$/);
      expect(isValidSessionAccessCode(code)).toBe(true);
    }
    expect(isValidSessionAccessCode('BCDA23')).toBe(false);
    expect(isValidSessionAccessCode('BCDF25')).toBe(false);
  });
});
