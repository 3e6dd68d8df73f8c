import { describe, expect, it } from 'vitest';
import { UNSAFE_ErrorResponseImpl as ErrorResponseImpl } from '@remix-run/router';
import { decode } from 'turbo-stream';
import { encodeResult, encodeResultAtOnce } from './direct-actions';

async function streamed(result: unknown): Promise<Buffer> {
  return Buffer.from(await new Response(encodeResult(result)).arrayBuffer());
}

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

const shared = { label: 'partagé', n: 1 };
const results: [string, unknown][] = [
  [
    'a next question',
    {
      data: {
        step: {
          kind: 'challenge',
          assessmentId: 'a1',
          challengeId: 'c1',
          position: 3,
          view: { type: 'QCM', instruction: 'Quelle est la bonne réponse ? « é » 🙂', proposals: ['a', 'b', 'a'] },
          timer: null,
          secondsLeft: undefined,
          progress: 0.25,
        },
      },
    },
  ],
  ['repeated objects, dates, special numbers', { data: { a: shared, b: shared, at: new Date(0), nan: Number.NaN, inf: -Infinity, z: -0, big: 12n } }],
  ['a class instance', { data: { p: new Point(1, 2), set: new Set([1, 2]), map: new Map([['k', 1]]) } }],
  ['a redirect', { redirect: '/competences/1.1/resultats', status: 302, revalidate: false, reload: false, replace: false }],
  ['a thrown response', { error: new ErrorResponseImpl(403, 'Forbidden', { message: 'Refusé' }) }],
  ['an error', { error: new Error('secret detail') }],
  ['null', null],
  ['undefined', undefined],
  ['a lone surrogate', { data: 'x\ud800y' }],
];

describe('the single-fetch payload written at once (direct path)', () => {
  it.each(results)('is the same bytes as turbo-stream’s stream: %s', async (_name, result) => {
    const atOnce = encodeResultAtOnce(result);
    expect(atOnce).not.toBeNull();
    expect(atOnce!.equals(await streamed(result))).toBe(true);
  });

  it('decodes to the same value', async () => {
    const value = results[0]![1];
    const decoded = await decode(new Response(new Uint8Array(encodeResultAtOnce(value)!)).body!);
    expect(decoded.value).toEqual(value);
  });

  it('leaves deferred data to the stream', () => {
    expect(encodeResultAtOnce({ data: { later: Promise.resolve(1) } })).toBeNull();
  });
});
