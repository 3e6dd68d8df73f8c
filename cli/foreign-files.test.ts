/**
 * Issue 18: the CLI on files it did not write. The fixtures of tests/fixtures/foreign-csv/ (how each was
 * made: its README) hold the same answers as R, Excel and spreadsheets write them: each is read to the same
 * estimates and scores as the plain comma file, or refused by one line naming the line, the column and the
 * problem — never misread (a row-name column taken as an item, NA taken as a wrong answer). Then the
 * statistics on data at the edge of what a calibration can say: the document stays valid JSON without
 * NaN or infinities, undefined statistics are null, unidentified models are refused.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRandom, normal, uniform } from '../engine/random';
import { cliHarness, expectRefusals } from './test-harness';

const { cli, file } = cliHarness('cli-foreign-');
const fixture = (name: string) => fileURLToPath(new URL(`../tests/fixtures/foreign-csv/${name}`, import.meta.url));

interface Item {
  item: string;
  a: number;
  d: number;
  n: number;
  pValue: number;
  pointBiserial: number | null;
  infit: number | null;
  outfit: number | null;
  sx2: unknown;
  flags: string[];
}

/** The calibrate document, after checking it is one line of JSON without NaN or infinities. */
function document(stdout: string): { logLik: number; persons: number; answers: number; items: Item[] } & Record<string, unknown> {
  expect(stdout.trim().split('\n')).toHaveLength(1);
  expect(stdout).not.toMatch(/NaN|Infinity/);
  return JSON.parse(stdout);
}

function scores(csv: string): { person: string; theta: number; se: number; answers: number }[] {
  const [header, ...lines] = csv.trim().split('\n');
  expect(header).toBe('person,theta,se,answers');
  return lines.map((line) => {
    const [person, theta, se, answers] = line.split(',');
    return { person: person as string, theta: Number(theta), se: Number(se), answers: Number(answers) };
  });
}

describe('cli on response files written by other tools', () => {
  const responseFiles: [string, RegExp[]][] = [
    ['r-write-csv.csv', [/column 1 has no name \(R's write\.csv row names\): read as the person ids/, /112 cell\(s\) NA read as not answered/]],
    ['r-write-csv2.csv', [/read as semicolon-separated/, /column 1 has no name/, /112 cell\(s\) NA read as not answered/]],
    ['r-write-table.tsv', [/read as tab-separated/, /one cell more than the header \(as R's write\.table writes them\)/, /112 cell\(s\) NA/]],
    ['excel-csv-utf8.csv', [/read as semicolon-separated/]],
    ['trailing-empty.csv', [/2 column\(s\) without a name at the right end/, /2 line\(s\) of separators only at the end skipped/]],
    ['r-long-write-csv.csv', [/column 1 has no name \(R's write\.csv row names\): not used/, /112 score\(s\) NA read as not answered/]],
  ];

  it('calibrates each to the estimates of the plain comma file, and says what it understood', async () => {
    const [plain, ...others] = await Promise.all([cli('calibrate', fixture('plain.csv')), ...responseFiles.map(([name]) => cli('calibrate', fixture(name)))]);
    expect(plain!.stderr).toBe('');
    const reference = document(plain!.stdout);
    // 1,000 examinees, 112 answers missing: an NA read as a wrong answer, or the row names read as an item, would change these.
    expect(reference).toMatchObject({ persons: 1000, answers: 4888 });
    expect(reference.items.map((i) => i.item)).toEqual(['item1', 'item2', 'item3', 'item4', 'item5']);
    responseFiles.forEach(([name, notes], k) => {
      const r = others[k]!;
      expect(r.code, name).toBe(0);
      const out = document(r.stdout);
      expect(out.persons, name).toBe(1000);
      expect(out.answers, name).toBe(4888);
      expect(out.logLik, name).toBeCloseTo(reference.logLik, 6);
      // The long file lists items in the order of their first answer.
      expect(out.items.map((i) => i.item).sort(), name).toEqual(reference.items.map((i) => i.item));
      for (const item of out.items) {
        const same = reference.items.find((i) => i.item === item.item)!;
        expect(item.a, name).toBeCloseTo(same.a, 6);
        expect(item.d, name).toBeCloseTo(same.d, 6);
        expect(item.n, name).toBe(same.n);
      }
      for (const note of notes) expect(r.stderr, name).toMatch(note);
    });
  });

  it('scores each with the same person ids and θ as the plain file', async () => {
    const params = fixture('params-item-a-d.csv');
    const [plain, ...others] = await Promise.all([
      cli('score', fixture('plain.csv'), '--parameters', params),
      ...responseFiles.map(([name]) => cli('score', fixture(name), '--parameters', params)),
    ]);
    const reference = scores(plain!.stdout);
    expect(reference).toHaveLength(1000);
    expect(reference[0]).toMatchObject({ person: '1', answers: 4 });
    responseFiles.forEach(([name], k) => {
      expect(others[k]!.code, name).toBe(0);
      const rows = scores(others[k]!.stdout);
      expect(
        rows.map((r) => [r.person, r.answers]),
        name,
      ).toEqual(reference.map((r) => [r.person, r.answers]));
      rows.forEach((row, r) => expect(Math.abs(row.theta - reference[r]!.theta), name).toBeLessThan(1e-12));
    });
  });

  it('refuses what it cannot read with the line, the column and the reason', async () => {
    const latin1 = file('latin1.csv', '');
    // "réseau" in Windows-1252 (é = E9), as Excel's "CSV (séparateur : point-virgule)" saves it.
    writeFileSync(latin1, Buffer.from('person;q1;r\xe9seau\r\n1;0;1\r\n2;1;0\r\n', 'latin1'));
    const cases: [string, string, RegExp][] = [
      ['dup.csv', 'person,q1,q2\na,1,0\nb,0,1\na,1,1\n', /line 4, column 1 \("person"\): person "a" is on line 2 too: a wide file has one row per person/],
      [
        'ids-unnamed.csv',
        'Identifiant,q1,q2\nE001,1,0\nE002,0,1\n',
        /line 2, column 1 \("Identifiant"\): cell "E001" is not 0, 1, NA or empty \(if column 1 holds person ids, name it "person"/,
      ],
      ['unnamed-column-data.csv', 'person,q1,q2,\na,1,0,\nb,0,1,x\n', /line 3, column 4: cell "x" in a column without a name in the header/],
      [
        'long-extra.csv',
        'person,item,score,date\na,q1,1,2024-01-02\n',
        /line 1: the header has "item" and "score" columns but is not a long file: a long file has exactly the columns person,item,score/,
      ],
      ['long-short-row.csv', 'person;item;score\na;q1;1\nb;q1\n', /line 3: expected 3 cells \(person,item,score\), found 2/],
      ['logical.csv', '"","q1","q2"\n"1",TRUE,FALSE\n', /line 2, column 2 \("q1"\): cell "TRUE" is not 0, 1, NA or empty/],
    ];
    const results = await Promise.all([...cases.map(([name, text]) => cli('calibrate', file(name, text))), cli('calibrate', latin1)]);
    expectRefusals(
      results,
      cases,
      cases.map(([, , pattern]) => pattern),
    );
    const encoding = results[cases.length]!;
    expect(encoding.code).toBe(2);
    expect(encoding.stderr).toMatch(/latin1\.csv: line 1: the header is not UTF-8 text .*save it as "CSV UTF-8"/);
  });

  it('reads pandas’ to_csv (unnamed index column, 1.0/0.0 in a column with missing values) and decimal commas in a semicolon file', async () => {
    const pandas = file('pandas.csv', ',q1,q2,q3\n0,1.0,0.0,\n1,0.0,,1.0\n2,1.0,1.0,0.0\n3,0.0,1.0,1.0\n');
    const plain = file('pandas-plain.csv', 'person,q1,q2,q3\n0,1,0,\n1,0,,1\n2,1,1,0\n3,0,1,1\n');
    const french = file('decimal-comma.csv', 'person;q1;q2;q3\n0;1,0;0;\n1;0;;1,00\n2;1;1;0\n3;0;1;1\n');
    const params = file('pandas-params.csv', 'item,a,d\nq1,1.2,0.1\nq2,0.8,-0.3\nq3,1,0.5\n');
    const [a, b, c] = await Promise.all([pandas, plain, french].map((f) => cli('score', f, '--parameters', params)));
    expect(a!.code).toBe(0);
    expect(a!.stdout).toBe(b!.stdout);
    expect(c!.stdout).toBe(b!.stdout);
    expect(scores(a!.stdout).map((r) => r.answers)).toEqual([2, 2, 3, 3]);
    // A comma file keeps the comma as the separator: "1,0" there is two cells, not a decimal one.
    const comma = await cli('score', file('comma-decimal.csv', 'person,q1\na,"1,0"\n'), '--parameters', params);
    expect(comma.code).toBe(2);
    expect(comma.stderr).toMatch(/line 2, column 2 \("q1"\): cell "\\"1" has an unbalanced double quote: a quoted text holding the separator \(comma\)/);
  });
});

describe('cli score --parameters written by R/mirt', () => {
  const data = fixture('plain.csv');

  it('reads coef(fit, IRTpars = TRUE) (a, b, g, u; d = −a·b) and coef(fit) (a1, d, g, u), with write.csv or write.csv2', async () => {
    const [reference, ...others] = await Promise.all(
      ['params-item-a-d.csv', 'mirt-irtpars.csv', 'mirt-irtpars-csv2.csv', 'mirt-slope-intercept.csv'].map((p) =>
        cli('score', data, '--parameters', fixture(p)),
      ),
    );
    const ref = scores(reference!.stdout);
    for (const r of others) {
      expect(r.code).toBe(0);
      const rows = scores(r.stdout);
      expect(rows).toHaveLength(1000);
      rows.forEach((row, k) => {
        expect(Math.abs(row.theta - ref[k]!.theta)).toBeLessThan(1e-9);
        expect(Math.abs(row.se - ref[k]!.se)).toBeLessThan(1e-9);
      });
    }
  });

  it('refuses a 3PL (g ≠ 0), an upper asymptote, a second dimension, and says what it expects when columns are missing', async () => {
    const cases: [string, RegExp][] = [
      [fixture('mirt-irtpars-3pl.csv'), /line 4, column 4 \("g"\): item "item3" has a lower asymptote 0\.2 \(a 3PL item\): these parameters are read as a 2PL/],
      [file('u.csv', '"","a","b","g","u"\n"item1",1,0,0,0.9\n'), /line 2, column 5 \("u"\): item "item1" has an upper asymptote 0\.9/],
      [file('mirt-2d.csv', '"","a1","a2","d","g","u"\n"item1",1,0.5,0,0,1\n'), /column 3 \("a2"\): a second slope a2 \(a multidimensional model\)/],
      [
        file('no-d.csv', 'item,a,difficulty\nitem1,1,0\n'),
        /the header has no "d" column \(expected item,a,d \(slope–intercept, as the parameter export\), or item,a,b as mirt's coef/,
      ],
      [file('na.csv', '"","a","b","g","u"\n"item1",NA,0,0,1\n'), /line 2, column 2 \("a"\): "NA" is not a number/],
    ];
    const results = await Promise.all(cases.map(([p]) => cli('score', data, '--parameters', p)));
    cases.forEach(([p, pattern], k) => {
      expect(results[k]!.code, p).toBe(2);
      expect(results[k]!.stdout, p).toBe('');
      expect(results[k]!.stderr, p).toMatch(pattern);
    });
  });

  it('reads write.table’s parameter file (items as row names under no header cell)', async () => {
    const table = file(
      'mirt-table.tsv',
      '"a"\t"b"\t"g"\t"u"\n' + readFileSync(fixture('mirt-irtpars.csv'), 'utf8').split('\n').slice(1).join('\n').replace(/,/g, '\t'),
    );
    const [reference, r] = await Promise.all([cli('score', data, '--parameters', fixture('params-item-a-d.csv')), cli('score', data, '--parameters', table)]);
    expect(r.code).toBe(0);
    scores(r.stdout).forEach((row, k) => expect(Math.abs(row.theta - scores(reference.stdout)[k]!.theta)).toBeLessThan(1e-9));
  });
});

/** A 6-item 2PL data set (300 persons, seeded) as CSV lines, with extra columns from `extra(person, row)`. */
function simulated(extra: (person: number, row: number[]) => (number | string)[] = () => []): string[] {
  const rng = createRandom('foreign-edge');
  const b = [-1, -0.5, 0, 0.5, 1, 1.5];
  const lines: string[] = [];
  for (let p = 0; p < 300; p++) {
    const theta = normal(rng);
    const row = b.map((bi) => (uniform(rng) < 1 / (1 + Math.exp(-(theta - bi))) ? 1 : 0));
    lines.push([`p${p}`, ...row, ...extra(p, row)].join(','));
  }
  return lines;
}
const items6 = 'person,q1,q2,q3,q4,q5,q6';

describe('cli calibrate on edge cases: null where undefined, clear refusals, never NaN', () => {
  it('an item everyone got right or wrong: prior-only estimate, null fit statistics, no misfit flag, and a warning', async () => {
    const right = file('all-right.csv', [`${items6},qall`, ...simulated(() => [1])].join('\n'));
    const wrong = file('all-wrong.csv', [`${items6},qnone`, ...simulated(() => [0])].join('\n'));
    const [r, w, off] = await Promise.all([cli('calibrate', right), cli('calibrate', wrong, '--model', '3pl'), cli('calibrate', right, '--priors', 'off')]);
    for (const [outcome, id] of [
      [r, 'qall'],
      [w, 'qnone'],
    ] as const) {
      expect(outcome!.code).toBe(0);
      const item = document(outcome!.stdout).items.find((i) => i.item === id)!;
      expect(item).toMatchObject({ pointBiserial: null, infit: null, outfit: null, sx2: null, flags: [] });
      expect(Number.isFinite(item.a) && Number.isFinite(item.d)).toBe(true);
      expect(outcome!.stderr).toMatch(
        new RegExp(`warning: every answer to 1 item\\(s\\) is the same: "${id}" \\(p = ${id === 'qall' ? 1 : 0}\\); their a and d come from the priors alone`),
      );
    }
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(/not identified without priors: every answer to item qall is the same/);
  });

  it('a constant rest score, a person with one answer, two items, a 3PL item with two proposals', async () => {
    const constantRest = file(
      'constant-rest.csv',
      ['person,q1,q2,q3', ...simulated().map((line) => `${line.split(',').slice(0, 2).join(',')},1,0`)].join('\n'),
    );
    const oneAnswer = file('one-answer.csv', [items6, ...simulated(), 'lonely,1,,,,,'].join('\n'));
    const twoItems = file('two-items.csv', ['person,q1,q2', ...simulated().map((line) => line.split(',').slice(0, 3).join(','))].join('\n'));
    const base = file('six.csv', [items6, ...simulated()].join('\n'));
    const guessing = file('guessing.csv', 'item,proposals\nq1,2\nq2,2\nq3,4\n');
    const [rest, one, two, twoOff, twoRasch, threePl] = await Promise.all([
      cli('calibrate', constantRest, '--model', 'both'),
      cli('calibrate', oneAnswer),
      cli('calibrate', twoItems),
      cli('calibrate', twoItems, '--priors', 'off'),
      cli('calibrate', twoItems, '--priors', 'off', '--model', 'rasch'),
      cli('calibrate', base, '--model', '3pl', '--guessing', guessing),
    ]);
    expect(rest.code).toBe(0);
    expect(rest.stdout).not.toMatch(/NaN|Infinity/);
    const both = JSON.parse(rest.stdout);
    for (const model of ['rasch', '2pl']) expect(both.models[model].items[0].pointBiserial).toBeNull();
    expect(Number.isFinite(both.comparison.likelihoodRatio.statistic)).toBe(true);

    expect(one.code).toBe(0);
    expect(document(one.stdout)).toMatchObject({ persons: 301, answers: 1801 });

    expect(two.code).toBe(0);
    for (const item of document(two.stdout).items) expect(item.sx2).toBeNull(); // no degrees of freedom left
    expect(twoOff.code).toBe(2);
    expect(twoOff.stderr).toMatch(/not identified: a 2PL on 2 items without a slope prior/);
    expect(twoRasch.code).toBe(0);

    expect(threePl.code).toBe(0);
    const items = document(threePl.stdout).items as (Item & { c: number })[];
    // Two proposals: the prior on c is centred on 1/2; items not listed keep the default 0.2.
    expect(items[0]!.c).toBeGreaterThan(0.3);
    expect(items[5]!.c).toBeLessThan(0.3);
    expect(threePl.stderr).toMatch(/note: 3 item\(s\) not in .*guessing\.csv/);
  });

  it('one item is refused as unidentified', async () => {
    const r = await cli('calibrate', file('one-item.csv', ['person,q1', ...simulated().map((line) => line.split(',').slice(0, 2).join(','))].join('\n')));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not identified: one item \(q1\)/);
  });
});
