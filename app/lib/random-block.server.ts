import crypto from 'node:crypto';

/**
 * Random bytes from the system's generator, cut from a block drawn 4 kB at a time: one call to the
 * generator per request was a visible share of a small request's CPU (a page's CSP nonce, a test's seed;
 * decision 021). Each byte is handed out once.
 */
const BLOCK_BYTES = 4096;
let block = Buffer.alloc(0);
let at = 0;

/** `bytes` random bytes (at most 4 kB) as text: hex or base64, as `crypto.randomBytes(bytes).toString(encoding)`. */
export function randomText(bytes: number, encoding: 'hex' | 'base64'): string {
  if (!(Number.isInteger(bytes) && bytes > 0 && bytes <= BLOCK_BYTES)) throw new RangeError(`randomText: bad size (${bytes})`);
  if (at + bytes > block.length) {
    block = crypto.randomBytes(BLOCK_BYTES);
    at = 0;
  }
  at += bytes;
  return block.toString(encoding, at - bytes, at);
}
