import { describe, expect, it } from 'vitest';
import {
  badgeEarned,
  bandStars,
  checkClassList,
  collectiveMastery,
  competencesToTarget,
  csvLine,
  exportHeader,
  exportRow,
  masteryBand,
  masteryBandOfPercent,
  masteryStars,
  parseCsv,
  parseFrenchDate,
  participantResult,
  reachedStageIndex,
  recommendationDots,
  recommendationScore,
  recommendedTopics,
  successRates,
  targetedSkills,
  tubeShapes,
  BOM,
} from './index';

const skills = [
  ...[1, 2, 3, 4, 5].map((level) => ({ id: `a${level}`, tubeId: 'A', level, status: 'actif' })),
  ...[1, 2, 3].map((level) => ({ id: `b${level}`, tubeId: 'B', level, status: 'actif' })),
  { id: 'b4', tubeId: 'B', level: 4, status: 'en_construction' },
  { id: 'c1', tubeId: 'C', level: 1, status: 'actif' },
];

describe('targeted skills and mastery', () => {
  it('takes the active skills of the chosen tubes up to each cap', () => {
    const t = targetedSkills(
      [
        { tubeId: 'A', maxLevel: 4 },
        { tubeId: 'B', maxLevel: 8 },
      ],
      skills,
    );
    expect(t.map((s) => s.id)).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3']);
  });

  it('mastery is validated targeted skills over targeted skills; skills outside the profile do not count', () => {
    const t = targetedSkills(
      [
        { tubeId: 'A', maxLevel: 4 },
        { tubeId: 'B', maxLevel: 3 },
      ],
      skills,
    );
    const r = participantResult(t, new Set(['a1', 'a2', 'b1', 'a5', 'c1']));
    expect(r.validated).toBe(3);
    expect(r.masteryRate).toBeCloseTo(3 / 7);
    expect(r.tubes).toEqual({ A: { targeted: 4, validated: 2, reached: 2 }, B: { targeted: 3, validated: 1, reached: 1 } });
  });

  it('bands: 0–20 insuffisante, 21–50 fragile, 51–80 satisfaisante, 81–100 très bonne', () => {
    expect([0, 0.2, 0.21, 0.5, 0.51, 0.8, 0.81, 1].map(masteryBand)).toEqual([
      'insufficient',
      'insufficient',
      'fragile',
      'fragile',
      'satisfactory',
      'satisfactory',
      'veryGood',
      'veryGood',
    ]);
    expect(masteryBand(0.204)).toBe('insufficient'); // 20 % once rounded
    expect(masteryBand(0.206)).toBe('fragile'); // 21 %
    expect([0.1, 0.3, 0.6, 0.9].map(masteryStars)).toEqual([1, 2, 3, 4]);
  });

  it('bands and stars of a shown percentage (the Orga and campaign pages) follow the same bounds', () => {
    expect([0, 20, 21, 50, 51, 80, 81, 100].map(masteryBandOfPercent)).toEqual([
      'insufficient',
      'insufficient',
      'fragile',
      'fragile',
      'satisfactory',
      'satisfactory',
      'veryGood',
      'veryGood',
    ]);
    expect((['insufficient', 'fragile', 'satisfactory', 'veryGood'] as const).map(bandStars)).toEqual([1, 2, 3, 4]);
  });

  it('stage: the highest threshold reached', () => {
    const stages = [
      { threshold: 50, title: 'Palier 2' },
      { threshold: 0, title: 'Palier 1' },
      { threshold: 80, title: 'Palier 3' },
    ];
    expect(reachedStageIndex(stages, 0.1)).toBe(0);
    expect(reachedStageIndex(stages, 0.5)).toBe(1);
    expect(reachedStageIndex(stages, 0.95)).toBe(2);
    expect(reachedStageIndex([{ threshold: 30, title: 'x' }], 0.1)).toBe(-1);
  });

  it('badge: every tube criterion must hold', () => {
    const badge = {
      key: 'k',
      title: 'Sécurité',
      criteria: [
        { tubeId: 'A', minPercent: 50 },
        { tubeId: 'B', minPercent: 100 },
      ],
    };
    expect(badgeEarned(badge, { A: { targeted: 4, validated: 2, reached: 2 }, B: { targeted: 3, validated: 3, reached: 3 } })).toBe(true);
    expect(badgeEarned(badge, { A: { targeted: 4, validated: 1, reached: 1 }, B: { targeted: 3, validated: 3, reached: 3 } })).toBe(false);
    expect(badgeEarned(badge, { A: { targeted: 4, validated: 4, reached: 4 } })).toBe(false);
  });

  it('collective mastery per tube and per competence', () => {
    const t = targetedSkills(
      [
        { tubeId: 'A', maxLevel: 4 },
        { tubeId: 'B', maxLevel: 3 },
      ],
      skills,
    );
    const p1 = participantResult(t, new Set(['a1', 'a2', 'b1']));
    const p2 = participantResult(t, new Set(['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3']));
    const byTube = collectiveMastery([p1, p2], t);
    expect(byTube.find((r) => r.key === 'A')!.masteryRate).toBeCloseTo(6 / 8);
    expect(byTube.find((r) => r.key === 'B')!.masteryRate).toBeCloseTo(4 / 6);
    const byCompetence = collectiveMastery([p1, p2], t, () => '1.1');
    expect(byCompetence).toEqual([{ key: '1.1', targeted: 7, masteryRate: 10 / 14 }]);
  });

  it('success rate per question, hardest first', () => {
    const rates = successRates([
      { challengeId: 'q1', ok: true },
      { challengeId: 'q1', ok: false },
      { challengeId: 'q2', ok: false },
      { challengeId: 'q1', ok: true },
    ]);
    expect(rates).toEqual([
      { challengeId: 'q2', answers: 1, successes: 0, rate: 0 },
      { challengeId: 'q1', answers: 3, successes: 2, rate: 2 / 3 },
    ]);
  });
});

describe('recommended topics (Pix formula)', () => {
  // Tube A targeted at levels 1–4, campaign top level 5 (tube B goes up to 5).
  const shapeA = { tubeId: 'A', levels: [1, 2, 3, 4] };

  it('computes the four terms as by hand', () => {
    // reached 2, validated 2: 40/4·2 = 20; 30/5·4 = 24; 20/4·2 = 10; next level 3: 10/3·2 = 6.667 → 60.667
    expect(recommendationScore(shapeA, 5, 2, 2)).toBeCloseTo(60.6667, 3);
    // nothing validated: only the difficulty term, 24; the next-level term is 0
    expect(recommendationScore(shapeA, 5, 0, 0)).toBeCloseTo(24);
    // everything validated: 40 + 24 + 20 + 10/4·4 = 94
    expect(recommendationScore(shapeA, 5, 4, 4)).toBeCloseTo(94);
  });

  it('dots: ≤ 25 → 4, ≤ 50 → 3, ≤ 75 → 2, else 1', () => {
    expect([0, 25, 25.01, 50, 50.5, 75, 75.1, 100].map(recommendationDots)).toEqual([4, 4, 3, 3, 2, 2, 1, 1]);
  });

  it('averages over participants and sorts the most needed first', () => {
    const t = targetedSkills(
      [
        { tubeId: 'A', maxLevel: 4 },
        { tubeId: 'B', maxLevel: 5 },
      ],
      [...skills, { id: 'b5', tubeId: 'B', level: 5, status: 'actif' }, { id: 'b4', tubeId: 'B', level: 4, status: 'actif' }].filter(
        (s, i, all) => all.findIndex((o) => o.id === s.id && o.status === 'actif') === i || s.status === 'actif',
      ),
    );
    expect(tubeShapes(t).find((s) => s.tubeId === 'B')!.levels).toEqual([1, 2, 3, 4, 5]);
    const p1 = participantResult(t, new Set(['a1', 'a2', 'b1', 'b2', 'b3', 'b4', 'b5']));
    const p2 = participantResult(t, new Set(['b1', 'b2', 'b3', 'b4', 'b5']));
    const topics = recommendedTopics(t, [p1, p2]);
    // A: (60.667 + 24) / 2 = 42.333 → 3 dots. B (levels 1–5, all validated): 40 + 30 + 20 + 10 = 100 → 1 dot.
    expect(topics.map((r) => r.tubeId)).toEqual(['A', 'B']);
    expect(topics[0]!.score).toBeCloseTo(42.3333, 3);
    expect(topics[0]!.dots).toBe(3);
    expect(topics[1]).toEqual({ tubeId: 'B', score: 100, dots: 1 });
    expect(competencesToTarget(topics, (tube) => (tube === 'A' ? '1.1' : '4.1')).map((c) => c.competence)).toEqual(['1.1', '4.1']);
  });
});

describe('CSV', () => {
  it('reads semicolons or commas, a BOM, CRLF, quotes with doubled quotes and line breaks', () => {
    expect(parseCsv(`${BOM}Nom;Prénom\r\nDurand;"Inès ""la"" grande"\r\n\r\n"Le;Gall";"A\nB"\r\n`)).toEqual([
      ['Nom', 'Prénom'],
      ['Durand', 'Inès "la" grande'],
      ['Le;Gall', 'A\nB'],
    ]);
    expect(parseCsv('a,b\n1,"2,5"')).toEqual([
      ['a', 'b'],
      ['1', '2,5'],
    ]);
    expect(parseCsv('a;b\n;\n')).toEqual([
      ['a', 'b'],
      ['', ''],
    ]);
    expect(() => parseCsv('a;"b\n1;2')).toThrow(/Guillemet non fermé \(ligne 1\)/);
  });

  it('writes fields quoted only when needed', () => {
    expect(csvLine(['a', 'b;c', 'd"e', 3, null])).toBe('a;"b;c";"d""e";3;\r\n');
  });

  it('builds an export header with a BOM and rows with NA before sharing', () => {
    const ctx = {
      organisation: 'Lycée',
      campaign: 'Rentrée',
      code: 'ABCDEF234',
      competences: [{ key: '1.1', label: '1.1 Mener une recherche' }],
      areas: [{ key: '1', label: '1 Informations' }],
      badges: ['Sécurité'],
      hasStages: true,
    };
    const header = exportHeader(ctx);
    expect(header.startsWith(BOM)).toBe(true);
    expect(parseCsv(header)[0]).toContain('Palier obtenu');
    const base = {
      lastName: 'Durand',
      firstName: 'Inès',
      division: '2nde A',
      progress: 1,
      startedAt: new Date('2026-01-05T10:00:00Z'),
      stage: 'Palier 2',
      badges: ['Sécurité'],
      masteryRate: 0.5,
      groups: { '1.1': [2, 4] as [number, number], '1': [2, 4] as [number, number] },
    };
    const shared = parseCsv(exportRow(ctx, { ...base, sharedAt: new Date('2026-01-06T10:00:00Z') }))[0];
    expect(shared).toEqual([
      'Lycée',
      'Rentrée',
      'ABCDEF234',
      'Durand',
      'Inès',
      '2nde A',
      '100 %',
      '05/01/2026',
      'O',
      '06/01/2026',
      'Palier 2',
      'O',
      '50 %',
      '50 %',
      '4',
      '2',
      '50 %',
      '4',
      '2',
    ]);
    const notShared = parseCsv(exportRow(ctx, { ...base, sharedAt: null }))[0];
    expect(notShared!.slice(8)).toEqual(['N', 'NA', 'NA', 'NA', 'NA', 'NA', '4', 'NA', 'NA', '4', 'NA']);
    // English, with one column per skill (its state when shared, NA before).
    const en = { ...ctx, language: 'en' as const, skills: ['@mdp1', '@mdp2', '@mdp3'] };
    const enHeader = parseCsv(exportHeader(en))[0]!;
    expect(enHeader.slice(0, 4)).toEqual(['Organisation', 'Campaign', 'Code', 'Participant last name']);
    expect(enHeader.slice(-3)).toEqual(['Skill @mdp1', 'Skill @mdp2', 'Skill @mdp3']);
    const enRow = parseCsv(
      exportRow(en, { ...base, sharedAt: new Date('2026-01-06T10:00:00Z'), skills: { '@mdp1': 'validated', '@mdp2': 'invalidated' } }),
    )[0]!;
    expect(enRow.slice(7, 10)).toEqual(['2026-01-05', 'Y', '2026-01-06']);
    expect(enRow.slice(-3)).toEqual(['OK', 'KO', 'Not tested']);
    expect(parseCsv(exportRow(en, { ...base, sharedAt: null }))[0]!.slice(-3)).toEqual(['NA', 'NA', 'NA']);
    expect(parseCsv(exportRow({ ...en, language: 'fr' }, { ...base, sharedAt: new Date('2026-01-06T10:00:00Z') }))[0]!.slice(-3)).toEqual([
      'Non testé',
      'Non testé',
      'Non testé',
    ]);
  });
});

describe('class list', () => {
  it('parses dd/mm/yyyy and refuses impossible dates', () => {
    expect(parseFrenchDate('05/03/2009')).toBe('2009-03-05');
    expect(parseFrenchDate('5/3/2009')).toBe('2009-03-05');
    expect(parseFrenchDate('29/02/2009')).toBeNull();
    expect(parseFrenchDate('2009-03-05')).toBeNull();
    expect(parseFrenchDate('31/13/2009')).toBeNull();
  });

  it('reports each bad row with its line and reasons, and keeps the good ones', () => {
    const csv = [
      'Nom;Prénom;Classe;Numéro étudiant;Date de naissance',
      'Durand;Inès;2nde A;123A;05/03/2009',
      'Martin;Léo;2nde A;124B;31/02/2009',
      ';Zoé;2nde B;125C;01/01/2009',
      'Petit;Paul;2nde B;123A;02/02/2009',
      'Bernard;Lou;2nde B;999Z;03/03/2009',
    ].join('\r\n');
    const check = checkClassList(csv, new Map([['999Z', { lastName: 'Bernard', firstName: 'Louise', division: '2nde B', birthDate: '2009-03-03' }]]));
    expect(check.fileError).toBeNull();
    expect(check.valid).toEqual([
      { line: 2, lastName: 'Durand', firstName: 'Inès', division: '2nde A', studentNumber: '123A', birthDate: '2009-03-05', status: 'new' },
    ]);
    expect(check.rejected).toEqual([
      { line: 3, label: 'Martin Léo', errors: [{ code: 'badBirthDate', params: { value: '31/02/2009' } }] },
      { line: 4, label: 'Zoé', errors: [{ code: 'missingLastName', params: {} }] },
      { line: 5, label: 'Petit Paul', errors: [{ code: 'duplicateNumber', params: { number: '123A', line: '2' } }] },
      { line: 6, label: 'Bernard Lou', errors: [{ code: 'numberTaken', params: { number: '999Z', name: 'Louise Bernard' } }] },
    ]);
  });

  it('accepts commas and headers without accents, and names missing columns', () => {
    expect(checkClassList('nom,prenom,classe,numero etudiant,date de naissance\nA,B,C,1,01/01/2010').valid).toHaveLength(1);
    expect(checkClassList('Nom;Prénom\nA;B').fileError).toEqual({
      code: 'missingColumns',
      params: {
        columns: 'Classe, Numéro étudiant, Date de naissance',
        count: '3',
        header: 'Nom ; Prénom ; Classe ; Numéro étudiant ; Date de naissance',
        found: '« Nom », « Prénom »',
      },
    });
    expect(checkClassList('Nom;Prénom\n"A;B').fileError).toEqual({ code: 'unclosedQuote', params: { line: '2' } });
    expect(checkClassList('').fileError).toEqual({ code: 'empty', params: {} });
  });

  it('tells a list imported again (present) from changes for the same person (update) and from another person (refused)', () => {
    const known = new Map([
      ['1', { lastName: 'Durand', firstName: 'Inès', division: '2nde A', birthDate: '2009-03-05' }],
      ['2', { lastName: 'Martin', firstName: 'Leo', division: '2nde A', birthDate: '2009-01-31' }],
      ['3', { lastName: 'Petit', firstName: 'Paul', division: '2nde B', birthDate: '2009-02-02' }],
    ]);
    const csv = [
      'Nom;Prénom;Classe;Numéro étudiant;Date de naissance',
      'Durand;Inès;2nde A;1;05/03/2009',
      'MARTIN;Léo;1re A;2;31/01/2009',
      'Petit;Paula;2nde B;3;02/02/2009',
      'Roux;Lou;2nde B;4;03/03/2009',
    ].join('\n');
    const check = checkClassList(csv, known);
    expect(check.valid.map((l) => [l.studentNumber, l.status])).toEqual([
      ['1', 'present'],
      ['2', 'update'],
      ['4', 'new'],
    ]);
    expect(check.rejected).toEqual([{ line: 4, label: 'Petit Paula', errors: [{ code: 'numberTaken', params: { number: '3', name: 'Paul Petit' } }] }]);
  });
});
