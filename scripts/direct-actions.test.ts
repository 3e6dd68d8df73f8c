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
  ['zero before minus zero, holes, a null-prototype object', { data: { a: 0, b: -0, c: withHole(), d: Object.assign(Object.create(null), { k: 'v' }) } }],
  ['repeated strings and numbers as keys and values', { data: { a: 'a', b: ['a', 'b', 1, '1', true, 'true'], 1: 1 } }],
  ['the root referenced from inside it', selfReferencing()],
  ['a results page', resultsLike()],
];

/** [1, <hole>, 3] */
function withHole(): number[] {
  const array = [1, 2, 3];
  delete array[1];
  return array;
}

function selfReferencing(): unknown {
  const root: Record<string, unknown> = { data: { n: 1 } };
  root.again = root;
  (root.data as Record<string, unknown>).up = root;
  return root;
}

/** A value shaped like a test's results (the largest payload of the direct path). */
function resultsLike(): unknown {
  const skills = Array.from({ length: 24 }, (_, k) => ({
    id: `skill-${k}`,
    name: `@compétence${k % 6}`,
    level: (k % 8) + 1,
    status: k % 3 === 0 ? 'validated' : k % 3 === 1 ? 'invalidated' : null,
    earnedPix: k % 3 === 0 ? 1.5 : 0,
    tube: { id: `tube-${k % 5}`, title: `Tube ${k % 5}` },
  }));
  return {
    results: {
      data: {
        refusal: null,
        results: {
          competence: { code: '1.1', title: { fr: 'Mener une recherche', en: 'Search' } },
          level: 3,
          pix: 17.5,
          skills,
          completedAt: new Date(1_765_000_000_000),
        },
        finished: '7 décembre 2026',
        inProgress: false,
        canImprove: false,
        improveFrom: '11 décembre 2026',
      },
    },
  };
}

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

  it('is the same bytes as turbo-stream’s for random values made of what actions return', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const pool: unknown[] = [];
    const value = (depth: number): unknown => {
      const r = random();
      if (pool.length > 0 && r < 0.1) return pool[Math.floor(random() * pool.length)];
      if (depth > 3 || r < 0.5) {
        const leaves = ['x', 'y', '', 'é"\\', 0, -0, 1, 2.5, -1e21, Number.NaN, Infinity, true, false, null, undefined, new Date(5)];
        return leaves[Math.floor(random() * leaves.length)];
      }
      const made: unknown =
        r < 0.75
          ? Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1))
          : Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, (_, i) => [['x', 'k', String(i)][i % 3]!, value(depth + 1)]));
      pool.push(made);
      return made;
    };
    for (let k = 0; k < 200; k++) {
      const result = { data: value(0) };
      expect(encodeResultAtOnce(result)!.toString('utf8')).toBe((await streamed(result)).toString('utf8'));
    }
  });

  it('leaves deferred data to the stream', () => {
    expect(encodeResultAtOnce({ data: { later: Promise.resolve(1) } })).toBeNull();
  });
});
