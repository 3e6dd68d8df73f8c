/** The command line as a user drives it: `node --import tsx cli/main.ts …` (what `npm run cli` runs). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness, expectRefusals } from './test-harness';
import { lsat7Patterns, lsat7WideCsv } from '../tests/fixtures/lsat7';

const { dir, cli, file } = cliHarness('cli-test-');

const RUN_KEYS = [
  'model',
  'logLik',
  'iterations',
  'converged',
  'seconds',
  'persons',
  'answers',
  'standardErrors',
  'standardErrorsNote',
  'latent',
  'parameters',
  'aic',
  'bic',
  'marginalReliability',
  'empiricalReliability',
  'personFit',
  'items',
];
const ITEM_KEYS = ['item', 'a', 'd', 'b', 'se', 'n', 'pValue', 'pointBiserial', 'infit', 'outfit', 'sx2', 'flags'];

describe('cli calibrate', () => {
  it('reproduces LSAT7 from its pattern,count file converted to a wide CSV with weights', async () => {
    const wide = file('lsat7-wide.csv', lsat7WideCsv());
    const { code, stdout, stderr } = await cli('calibrate', wide, '--priors', 'off');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual(RUN_KEYS);
    expect(out).toMatchObject({ model: '2pl', converged: true, persons: 1000, answers: 5000 });
    expect(typeof out.seconds).toBe('number');
    expect(Math.abs(out.logLik - -2658.805)).toBeLessThan(0.01);
    // The method and metric are named; AIC and BIC as mirt prints them (reference manual, `wald` example).
    expect(out.standardErrors).toBe('observed');
    expect(out.latent).toEqual({ mean: 0, sd: 1 });
    expect(out.parameters).toBe(10);
    expect(Math.abs(out.aic - 5337.61)).toBeLessThan(0.01);
    expect(Math.abs(out.bic - 5386.688)).toBeLessThan(0.01);
    expect(out.marginalReliability).toBeGreaterThan(0.3);
    expect(out.marginalReliability).toBeLessThan(0.6);
    expect(out.empiricalReliability).toBeGreaterThan(0.3);
    expect(out.personFit.threshold).toBe(-1.645);
    expect(out.personFit.misfitting).toBeGreaterThan(0);
    expect(out.personFit.misfitting).toBeLessThan(0.2);
    const published = [
      [0.988, 1.8561],
      [1.081, 0.808],
      [1.706, 1.8043],
      [0.7651, 0.486],
      [0.7358, 1.8545],
    ];
    out.items.forEach((item: Record<string, unknown>, i: number) => {
      expect(Object.keys(item)).toEqual(ITEM_KEYS);
      expect(Object.keys(item.se as object)).toEqual(['a', 'd', 'b']);
      expect(item.item).toBe(`item${i + 1}`);
      expect(Math.abs((item.a as number) - published[i]![0]!)).toBeLessThan(0.01);
      expect(Math.abs((item.d as number) - published[i]![1]!)).toBeLessThan(0.01);
      expect(item.b).toBeCloseTo(-(item.d as number) / (item.a as number), 12);
      expect(item.n).toBe(1000);
      expect(item.flags).toEqual([]);
    });
    console.log(`cli LSAT7: logLik ${out.logLik}, items ${out.items.map((i: { a: number; d: number }) => `${i.a.toFixed(3)}/${i.d.toFixed(3)}`).join(' ')}`);
  });

  it('reads the long format person,item,score the same way, and runs Rasch', async () => {
    const lines = ['person,item,score'];
    let person = 0;
    for (const { pattern, count } of lsat7Patterns()) {
      for (let c = 0; c < count; c++, person++) {
        for (let i = 0; i < 5; i++) lines.push(`p${person},item${i + 1},${pattern[i]}`);
      }
    }
    const long = file('lsat7-long.csv', `${lines.join('\n')}\n`);
    const rasch = await cli('calibrate', long, '--priors', 'off', '--model', 'rasch');
    expect(rasch.code).toBe(0);
    const out = JSON.parse(rasch.stdout);
    expect(out.model).toBe('rasch');
    expect(out.persons).toBe(1000);
    // b is on the N(0, σ²) metric: σ is in the document.
    expect(out.latent.mean).toBe(0);
    expect(out.latent.sd).toBeGreaterThan(0.9);
    expect(out.latent.sd).toBeLessThan(1.1);
    expect(out.parameters).toBe(6);
    const expected = [1.868, 0.791, 1.461, 0.521, 1.993];
    out.items.forEach((item: { a: number; d: number; se: { a: unknown } }, i: number) => {
      expect(item.a).toBe(1);
      expect(item.se.a).toBeNull();
      expect(Math.abs(item.d - expected[i]!)).toBeLessThan(0.01);
    });
  });

  it('simulates data with its truth, then calibrates it on worker threads (with anchors and settings)', async () => {
    const data = join(dir, 'sim.csv');
    const truthPath = join(dir, 'truth.json');
    // 120,000 answers: enough for the CLI to spread the E-step over two worker threads.
    const sim = await cli('simulate', '--items', '30', '--persons', '6000', '--per-person', '20', '--seed', '17', '--data', data, '--truth', truthPath);
    expect(sim.code).toBe(0);
    expect(sim.stdout).toBe('');
    const truth = JSON.parse(readFileSync(truthPath, 'utf8'));
    expect(truth.items).toHaveLength(30);
    expect(truth.persons).toHaveLength(6000);
    expect(readFileSync(data, 'utf8').split('\n')[0]).toBe(`person,${truth.items.map((i: { item: string }) => i.item).join(',')}`);

    const anchors = file(
      'anchors.csv',
      `item,a,d\n${truth.items
        .slice(0, 10)
        .map((i: { item: string; a: number; d: number }) => `${i.item},${i.a},${i.d}`)
        .join('\n')}\n`,
    );
    const { code, stdout, stderr } = await cli('calibrate', data, '--anchors', anchors, '--quadpts', '41', '--tol', '0.0005', '--threads', '2');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.answers).toBe(120_000);
    for (let i = 0; i < 10; i++) {
      expect(out.items[i].a).toBe(truth.items[i].a);
      expect(out.items[i].se.a).toBeNull();
    }
    let squared = 0;
    for (let i = 10; i < 30; i++) squared += (out.items[i].b - truth.items[i].b) ** 2;
    expect(Math.sqrt(squared / 20)).toBeLessThan(0.1);
  });

  it('--model both compares Rasch and 2PL with the likelihood-ratio test', async () => {
    const { code, stdout, stderr } = await cli('calibrate', file('lsat7-both.csv', lsat7WideCsv()), '--priors', 'off', '--model', 'both');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.model).toBe('both');
    expect(Object.keys(out.models)).toEqual(['rasch', '2pl']);
    expect(out.models['2pl'].standardErrors).toBe('observed');
    const { rasch, likelihoodRatio } = out.comparison;
    expect(out.comparison['2pl'].parameters).toBe(10);
    expect(Math.abs(out.comparison['2pl'].aic - 5337.61)).toBeLessThan(0.01);
    expect(rasch.parameters).toBe(6);
    expect(rasch.aic).toBeCloseTo(-2 * rasch.logLik + 12, 8);
    expect(likelihoodRatio.df).toBe(4);
    expect(likelihoodRatio.statistic).toBeCloseTo(2 * (out.comparison['2pl'].logLik - rasch.logLik), 8);
    expect(likelihoodRatio.p).toBeGreaterThan(0.005);
    expect(likelihoodRatio.p).toBeLessThan(0.05);
    expect(out.comparison.priors).toBe(false);
  });

  it('says when it did not converge, in the document and on stderr', async () => {
    const wide = file('lsat7-short.csv', lsat7WideCsv());
    const { code, stdout, stderr } = await cli('calibrate', wide, '--priors', 'off', '--max-cycles', '2');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.converged).toBe(false);
    for (const item of out.items) expect(item.flags).toContain('not_converged');
    expect(stderr).toMatch(/not converged/);
  });

  it('reads semicolon- and tab-separated files (French spreadsheets), says so, and names an ambiguous separator', async () => {
    const semicolon = lsat7WideCsv()
      .replace(/,/g, ';')
      .replace(/;(\d+)\n/g, (_, w: string) => `;${w},0\n`); // weights with a decimal comma: 64,0
    const tabLines = ['person\titem\tscore'];
    let person = 0;
    for (const { pattern, count } of lsat7Patterns()) {
      for (let c = 0; c < count; c++, person++) for (let i = 0; i < 5; i++) tabLines.push(`p${person}\titem${i + 1}\t${pattern[i]}`);
    }
    const [comma, semi, tab, ambiguous, mixed] = await Promise.all([
      cli('calibrate', file('sep-comma.csv', lsat7WideCsv()), '--priors', 'off'),
      cli('calibrate', file('sep-semicolon.csv', semicolon), '--priors', 'off'),
      cli('calibrate', file('sep-tab.tsv', `${tabLines.join('\n')}\n`), '--priors', 'off'),
      cli('calibrate', file('sep-ambiguous.csv', 'q1;q2,q3\n1;0,1\n')),
      cli('calibrate', file('sep-mixed.csv', 'q1,q2,q3\n0;0;1\n')),
    ]);
    expect(comma.code).toBe(0);
    expect(comma.stderr).toBe('');
    for (const r of [semi, tab]) {
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).logLik).toBeCloseTo(JSON.parse(comma.stdout).logLik, 6);
      expect(JSON.parse(r.stdout).persons).toBe(1000);
    }
    expect(semi.stderr).toMatch(/note: .*sep-semicolon\.csv read as semicolon-separated/);
    expect(tab.stderr).toMatch(/note: .*sep-tab\.tsv read as tab-separated/);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/line 1: ambiguous separator: the header holds 1 comma \(","\) and 1 semicolon \(";"\)/);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(
      /line 2, column 1 \("q1"\): cell "0;0;1" is not 0, 1, NA or empty \(it holds semicolons, but the header line is comma-separated/,
    );
  });

  it('refuses bad input with one line naming the row and column, and status 2', async () => {
    const cases: [string, string[], RegExp][] = [
      ['bad-cell.csv', ['person,q1,q2', 'p1,1,0', 'p2,1,2'], /line 3, column 3 \("q2"\): cell "2" is not 0, 1, NA or empty/],
      ['negative-weight.csv', ['q1,q2,weight', '1,0,4', '0,1,-1'], /line 3, column 3 \("weight"\): negative weight -1/],
      ['unanswered.csv', ['q1,q2,q3', '1,0,', '0,1,'], /column 3 \("q3"\): nobody answered this item/],
      ['no-variance.csv', ['q1,q2', '1,1', '1,1', '1,'], /no variance at all/],
      ['short-row.csv', ['q1,q2,q3', '1,0,1', '0,1'], /line 3, column 3 \("q3"\): the row has 2 cells, the header 3 columns/],
      ['long-bad.csv', ['person,item,score', 'a,q1,1', 'a,q2,yes'], /line 3, column 3 \("score"\): cell "yes" is not 0, 1, NA or empty/],
    ];
    const results = await Promise.all([
      ...cases.map(([name, lines]) => cli('calibrate', file(name, `${lines.join('\n')}\n`))),
      cli('calibrate', join(dir, 'missing.csv')),
      cli('calibrate', file('ok.csv', 'q1,q2\n1,0\n0,1\n'), '--model', '4pl'),
    ]);
    expectRefusals(
      results,
      cases,
      cases.map(([, , pattern]) => pattern),
    );
    const [missing, badOption] = results.slice(cases.length);
    expect(missing!.code).toBe(2);
    expect(missing!.stderr).toMatch(/missing\.csv: cannot read the file: no such file/);
    expect(badOption!.code).toBe(2);
    expect(badOption!.stderr).toMatch(/--model must be one of 2pl, rasch, 3pl, both/);
  });
});
