/**
 * `cli score`: θ and SE of each person under fixed parameters, checked against references computed here
 * independently of the engine — EAP/posterior SD by Simpson integration on a fine grid over [−10, 10],
 * MAP and ML by bisection on the score function (derivative written out here), SE from the curvature —
 * on LSAT7 patterns with the published mirt parameters (tests/fixtures/lsat7/README.md).
 */
import { describe, expect, it } from 'vitest';
import { cliHarness } from './test-harness';
import { lsat7Patterns, lsat7WideCsv } from '../tests/fixtures/lsat7';

const { cli, file } = cliHarness('cli-score-');

// mirt's published LSAT7 2PL estimates (a, d).
const A = [0.988, 1.081, 1.706, 0.7651, 0.7358];
const D = [1.8561, 0.808, 1.8043, 0.486, 1.8545];
const PARAMS = `item,a,d,b\n${A.map((a, i) => `item${i + 1},${a},${D[i]},${-(D[i] as number) / a}`).join('\n')}\n`;

/** log-likelihood of a pattern and its first two derivatives, written out for the reference. */
function logLik(pattern: number[], theta: number): { l: number; g: number; h: number } {
  let l = 0;
  let g = 0;
  let h = 0;
  pattern.forEach((y, i) => {
    if (y < 0) return; // not answered
    const a = A[i] as number;
    const p = 1 / (1 + Math.exp(-(a * theta + (D[i] as number))));
    l += y === 1 ? Math.log(p) : Math.log(1 - p);
    g += a * (y - p);
    h -= a * a * p * (1 - p);
  });
  return { l, g, h };
}

/** Posterior mean and SD under N(mu, s²) by composite Simpson on 20,001 points over [−10, 10]. */
function referenceEap(pattern: number[], mu = 0, s = 1): { theta: number; se: number } {
  const n = 20_000;
  const lo = -10;
  const step = 20 / n;
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let k = 0; k <= n; k++) {
    const t = lo + k * step;
    const w = k === 0 || k === n ? 1 : k % 2 === 1 ? 4 : 2;
    const f = w * Math.exp(logLik(pattern, t).l - ((t - mu) * (t - mu)) / (2 * s * s));
    m0 += f;
    m1 += f * t;
    m2 += f * t * t;
  }
  const mean = m1 / m0;
  return { theta: mean, se: Math.sqrt(m2 / m0 - mean * mean) };
}

/** Root of a decreasing function by bisection on [−20, 20]. */
function root(g: (t: number) => number): number {
  let lo = -20;
  let hi = 20;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (g(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function referenceMap(pattern: number[], mu = 0, s = 1): { theta: number; se: number } {
  const theta = root((t) => logLik(pattern, t).g - (t - mu) / (s * s));
  return { theta, se: 1 / Math.sqrt(-logLik(pattern, theta).h + 1 / (s * s)) };
}

function referenceMl(pattern: number[]): { theta: number; se: number } {
  const theta = root((t) => logLik(pattern, t).g);
  return { theta, se: 1 / Math.sqrt(-logLik(pattern, theta).h) };
}

function parse(csv: string): { person: string; theta: number; se: number; answers: number }[] {
  const [header, ...lines] = csv.trim().split('\n');
  expect(header).toBe('person,theta,se,answers');
  const value = (x: string) => (x === 'Inf' ? Infinity : x === '-Inf' ? -Infinity : x === 'NA' ? NaN : Number(x));
  return lines.map((line) => {
    const [person, theta, se, answers] = line.split(',');
    return { person: person as string, theta: value(theta as string), se: value(se as string), answers: Number(answers) };
  });
}

describe('cli score', () => {
  const patterns = lsat7Patterns().map((p) => p.pattern);
  const wide = file('lsat7.csv', lsat7WideCsv());
  const params = file('params.csv', PARAMS);

  it('gives EAP θ and posterior SD equal to numerical integration, one line per person', async () => {
    const out = await cli('score', wide, '--parameters', params);
    expect(out.code).toBe(0);
    const rows = parse(out.stdout);
    expect(rows).toHaveLength(patterns.length);
    rows.forEach((row, r) => {
      const pattern = [...(patterns[r] as string)].map(Number);
      const ref = referenceEap(pattern);
      expect(row.answers).toBe(5);
      expect(Math.abs(row.theta - ref.theta)).toBeLessThan(1e-6);
      expect(Math.abs(row.se - ref.se)).toBeLessThan(1e-6);
    });
    // All wrong is below all right, with a finite score for both.
    expect(rows[0]?.theta).toBeLessThan(rows[rows.length - 1]?.theta as number);
  });

  it('gives MAP and ML equal to the roots of the score function, with the latent distribution given', async () => {
    const map = parse((await cli('score', wide, '--parameters', params, '--method', 'map', '--latent-mean', '0.5', '--latent-sd', '1.5')).stdout);
    const ml = parse((await cli('score', wide, '--parameters', params, '--method', 'ml')).stdout);
    patterns.forEach((text, r) => {
      const pattern = [...text].map(Number);
      const refMap = referenceMap(pattern, 0.5, 1.5);
      expect(Math.abs((map[r]?.theta as number) - refMap.theta)).toBeLessThan(1e-8);
      expect(Math.abs((map[r]?.se as number) - refMap.se)).toBeLessThan(1e-8);
      const sum = pattern.reduce((x, y) => x + y, 0);
      if (sum === 0 || sum === 5) return;
      const refMl = referenceMl(pattern);
      expect(Math.abs((ml[r]?.theta as number) - refMl.theta)).toBeLessThan(1e-8);
      expect(Math.abs((ml[r]?.se as number) - refMl.se)).toBeLessThan(1e-8);
    });
  });

  it('marks all-wrong and all-right ML patterns as infinite, and says so', async () => {
    const out = await cli('score', wide, '--parameters', params, '--method', 'ml');
    const rows = parse(out.stdout);
    expect(patterns[0]).toBe('00000');
    expect(rows[0]).toMatchObject({ theta: -Infinity, se: Infinity });
    expect(patterns[31]).toBe('11111');
    expect(rows[31]).toMatchObject({ theta: Infinity, se: Infinity });
    expect(out.stdout.split('\n')[1]).toBe('p1,-Inf,Inf,5');
    expect(out.stderr).toContain('2 person(s) have no finite ML estimate');
  });

  it('reads the long format with person ids, and the parameter export with its extra columns', async () => {
    const long = file('long.csv', 'person,item,score\nann,item1,1\nann,item3,0\nbob,item2,1\nbob,item4,1\nbob,item5,0\n');
    const rows = parse((await cli('score', long, '--parameters', params, '--method', 'eap')).stdout);
    expect(rows.map((r) => [r.person, r.answers])).toEqual([
      ['ann', 2],
      ['bob', 3],
    ]);
    const ann = referenceEap([1, -1, 0, -1, -1]);
    const bob = referenceEap([-1, 1, -1, 1, 0]);
    expect(Math.abs((rows[0]?.theta as number) - ann.theta)).toBeLessThan(1e-6);
    expect(Math.abs((rows[1]?.se as number) - bob.se)).toBeLessThan(1e-6);
  });

  it('refuses items without parameters and an unknown method, naming them', async () => {
    const data = file('extra.csv', 'person,item1,mystery\np1,1,0\n');
    const unknown = await cli('score', data, '--parameters', params);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('1 item(s) without parameters');
    expect(unknown.stderr).toContain('"mystery"');
    const method = await cli('score', wide, '--parameters', params, '--method', 'wle');
    expect(method.code).toBe(2);
    expect(method.stderr).toContain('--method must be eap, map or ml, got "wle"');
    const missing = await cli('score', wide);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--parameters is required');
  });
});
