import { describe, expect, it } from 'vitest';
import { filterRows, parseTableQuery, PAGE_SIZE, sortRows, tablePage, tableSearch, type ItemRow } from './psychometrics';

function row(over: Partial<ItemRow> & { key: string }): ItemRow {
  return {
    challengeId: over.key,
    type: 'QCU',
    status: 'valide',
    competenceCode: '1.1',
    competenceTitle: 'Mener une recherche',
    tubeName: '@recherche',
    tubeTitle: 'Recherche',
    skillName: '@recherche1',
    level: 1,
    a: 1,
    d: 0,
    b: 0,
    seA: 0.1,
    seD: 0.1,
    seB: 0.1,
    n: 200,
    pValue: 0.5,
    pointBiserial: 0.4,
    infit: 1,
    outfit: 1,
    expectedInfit: null,
    expectedOutfit: null,
    anchored: false,
    flags: [],
    driftDeltaB: null,
    dif: [],
    ...over,
  };
}

describe('the parameter table through the address', () => {
  const rows = [
    row({ key: 'c', b: 1.2, level: 3, n: 80, flags: ['too_few_answers'] }),
    row({ key: 'a', b: -0.5, level: 1, competenceCode: '1.2', tubeName: '@autre', driftDeltaB: -0.6 }),
    row({ key: 'b', b: 0.1, level: 2, infit: null }),
  ];

  it('reads the query with defaults and refuses what it does not know', () => {
    expect(parseTableQuery(new URLSearchParams(''))).toEqual({ competence: '', tube: '', level: null, flag: '', sort: 'key', order: 'asc', page: 1 });
    expect(parseTableQuery(new URLSearchParams('tri=b&ordre=desc&niveau=3&indicateur=misfit&page=2&competence=1.1&sujet=%40x'))).toEqual({
      competence: '1.1',
      tube: '@x',
      level: 3,
      flag: 'misfit',
      sort: 'b',
      order: 'desc',
      page: 2,
    });
    expect(parseTableQuery(new URLSearchParams('tri=drop&ordre=sideways&niveau=12&indicateur=bogus&page=-1'))).toMatchObject({
      sort: 'key',
      order: 'asc',
      level: null,
      flag: '',
      page: 1,
    });
  });

  it('writes the query back, leaving defaults out', () => {
    const q = parseTableQuery(new URLSearchParams('tri=b&indicateur=any'));
    expect(tableSearch(q)).toBe('?indicateur=any&tri=b');
    expect(tableSearch(q, { sort: 'key', flag: '' })).toBe('');
    expect(tableSearch(q, { order: 'desc', page: 3 })).toBe('?indicateur=any&tri=b&ordre=desc&page=3');
  });

  it('sorts by difficulty both ways, missing values last', () => {
    expect(sortRows(rows, 'b', 'asc').map((r) => r.key)).toEqual(['a', 'b', 'c']);
    expect(sortRows(rows, 'b', 'desc').map((r) => r.key)).toEqual(['c', 'b', 'a']);
    expect(sortRows(rows, 'infit', 'desc').map((r) => r.key)).toEqual(['a', 'c', 'b']);
    expect(sortRows(rows, 'drift', 'desc').map((r) => r.key)).toEqual(['a', 'b', 'c']);
  });

  it('filters by competence, tube, level and flag', () => {
    const q = parseTableQuery(new URLSearchParams(''));
    expect(filterRows(rows, { ...q, competence: '1.2' }).map((r) => r.key)).toEqual(['a']);
    expect(filterRows(rows, { ...q, tube: '@recherche', level: 2 }).map((r) => r.key)).toEqual(['b']);
    expect(filterRows(rows, { ...q, flag: 'any' }).map((r) => r.key)).toEqual(['c', 'a']);
    expect(filterRows(rows, { ...q, flag: 'none' }).map((r) => r.key)).toEqual(['b']);
    expect(filterRows(rows, { ...q, flag: 'drift_review' }).map((r) => r.key)).toEqual(['a']);
  });

  it('pages by 100 rows and keeps the page inside the range', () => {
    const many = Array.from({ length: 250 }, (_, i) => row({ key: `k${String(i).padStart(3, '0')}` }));
    const q = parseTableQuery(new URLSearchParams('page=9'));
    const page = tablePage(many, q);
    expect(page).toMatchObject({ total: 250, pages: 3, page: 3 });
    expect(page.rows).toHaveLength(250 - 2 * PAGE_SIZE);
    expect(page.rows[0]?.key).toBe('k200');
  });
});
