/**
 * Seeded pseudo-random generator: xoshiro128** (Blackman & Vigna), seeded through splitmix32.
 *
 * The engine never calls Math.random: every random decision takes a RandomGenerator, so a
 * simulation, a shuffle or an adaptive test can be replayed exactly from its seed (or from a
 * saved state, for a session that is resumed later).
 */

/** The full state of a generator: four unsigned 32-bit words. Safe to store as JSON. */
export type RandomState = readonly [number, number, number, number];

export interface RandomGenerator {
  /** Uniform double in [0, 1) with 32 bits of resolution. */
  next(): number;
  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number;
  /** A copy of the current state; `restoreRandom(state)` continues the same stream. */
  state(): RandomState;
}

const TWO_POW_32 = 4294967296;

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** 32-bit FNV-1a hash of a string, used to turn text seeds into numbers. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

class Xoshiro128 implements RandomGenerator {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(state: RandomState) {
    this.s0 = state[0] >>> 0;
    this.s1 = state[1] >>> 0;
    this.s2 = state[2] >>> 0;
    this.s3 = state[3] >>> 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  state(): RandomState {
    return [this.s0, this.s1, this.s2, this.s3];
  }
}

/** A generator seeded from a number (any integer, used modulo 2^32) or a string. */
export function createRandom(seed: number | string): RandomGenerator {
  const numeric = typeof seed === 'string' ? hashString(seed) : Math.floor(Math.abs(seed)) % TWO_POW_32;
  const mix = splitmix32(numeric);
  return new Xoshiro128([mix(), mix(), mix(), mix()]);
}

/** A generator that continues exactly where the one whose `state()` was saved stood. */
export function restoreRandom(state: RandomState): RandomGenerator {
  if (state.length !== 4 || state.some((v) => !Number.isInteger(v) || v < 0 || v >= TWO_POW_32)) {
    throw new RangeError('a random state is four unsigned 32-bit integers');
  }
  return new Xoshiro128(state);
}

/**
 * An independent generator derived from `rng` (consumes four draws of it). Use it to give each
 * part of a simulation its own stream, so that changing one part does not shift the others.
 */
export function forkRandom(rng: RandomGenerator, label = ''): RandomGenerator {
  const salt = hashString(label);
  const mix = splitmix32((rng.nextUint32() ^ salt) >>> 0);
  return new Xoshiro128([(rng.nextUint32() ^ mix()) >>> 0, (rng.nextUint32() ^ mix()) >>> 0, (rng.nextUint32() ^ mix()) >>> 0, mix()]);
}
