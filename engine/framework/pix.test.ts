import { describe, expect, it } from 'vitest';
import { certifiability, competenceScore, COMPETENCE_CODES, profile, skillPixValue } from './index';
import type { KnowledgeElement, Skill } from './index';

function skill(id: string, level: number, extra: Partial<Skill> = {}): Skill {
  return { id, tubeId: `@${id.replace(/\d+$/, '')}`, competenceCode: '1.1', level, status: 'actif', ...extra };
}
const validated = (skillId: string, createdAt = 1): KnowledgeElement => ({ skillId, status: 'validated', source: 'direct', createdAt });
const invalidated = (skillId: string, createdAt = 1): KnowledgeElement => ({ skillId, status: 'invalidated', source: 'direct', createdAt });

describe('skillPixValue', () => {
  it('is 4 pix when 2 active skills share the competence and level, 8/3 when 3, never more than 4', () => {
    const two = [skill('a1', 1), skill('b1', 1)];
    expect(skillPixValue(two[0]!, two)).toBe(4);
    const three = [skill('a1', 1), skill('b1', 1), skill('c1', 1)];
    expect(skillPixValue(three[0]!, three)).toBeCloseTo(8 / 3, 12);
    expect(skillPixValue(skill('a1', 1), [skill('a1', 1)])).toBe(4);
  });

  it('counts only active skills of the same competence and level', () => {
    const skills = [
      skill('a2', 2),
      skill('b2', 2),
      skill('c2', 2, { status: 'archive' }),
      skill('d2', 2, { status: 'en_construction' }),
      skill('e2', 2, { competenceCode: '1.2' }),
      skill('a3', 3),
    ];
    expect(skillPixValue(skills[0]!, skills)).toBe(4);
    // an archived skill is worth what it would be among the active ones
    expect(skillPixValue(skills[2]!, skills)).toBeCloseTo(8 / 3, 12);
  });
});

describe('competenceScore', () => {
  // Level 1: 2 skills (4 pix each); level 2: 3 skills (8/3 each); level 3: 4 skills (2 each).
  const skills = [
    skill('a1', 1),
    skill('b1', 1),
    skill('a2', 2),
    skill('b2', 2),
    skill('c2', 2),
    skill('a3', 3),
    skill('b3', 3),
    skill('c3', 3),
    skill('d3', 3),
  ];

  it('a full level gives 8 pix and the level, even with thirds of pix', () => {
    const s = competenceScore(
      ['a1', 'b1', 'a2', 'b2', 'c2'].map((id) => validated(id)),
      skills,
      6,
    );
    expect(s.pix).toBe(16);
    expect(s.level).toBe(2);
    expect(s.pixToNextLevel).toBe(8);
    expect(s.progress).toBe(0);
  });

  it('rounds pix down and shows progress toward the next level', () => {
    const s = competenceScore(
      ['a1', 'b1', 'a2'].map((id) => validated(id)),
      skills,
      6,
    );
    expect(s.exactPix).toBeCloseTo(8 + 8 / 3, 12);
    expect(s.pix).toBe(10);
    expect(s.level).toBe(1);
    expect(s.pixToNextLevel).toBe(6);
    expect(s.progress).toBeCloseTo(2 / 8, 12);
  });

  it('counts only the latest knowledge element of each skill', () => {
    const kes = [validated('a1', 1), validated('b1', 1), invalidated('a1', 5)];
    expect(competenceScore(kes, skills, 6).pix).toBe(4);
    const back = [...kes, validated('a1', 9)];
    expect(competenceScore(back, skills, 6).pix).toBe(8);
  });

  it('ignores invalidated skills, skills of other competences and obsolete skills', () => {
    const withObsolete = [...skills, skill('z1', 1, { status: 'perime' })];
    const kes = [invalidated('a1'), validated('b1'), validated('elsewhere'), validated('z1')];
    expect(competenceScore(kes, withObsolete, 6).pix).toBe(4);
  });

  it('caps pix and level at the max reachable level', () => {
    const all = [...skills, skill('a4', 4), skill('b4', 4)];
    const kes = all.map((s) => validated(s.id));
    const capped = competenceScore(kes, all, 2);
    expect(capped.pix).toBe(16);
    expect(capped.level).toBe(2);
    expect(capped.isMaxLevel).toBe(true);
    expect(capped.pixToNextLevel).toBe(0);
    expect(capped.progress).toBe(1);
    const open = competenceScore(kes, all, 6);
    expect(open.pix).toBe(32);
    expect(open.level).toBe(4);
  });

  it('a learner with nothing validated is at level 0', () => {
    expect(competenceScore([], skills, 6)).toMatchObject({ pix: 0, level: 0, pixToNextLevel: 8, progress: 0 });
  });

  it('refuses a max reachable level outside 1..8', () => {
    expect(() => competenceScore([], skills, 0)).toThrow(RangeError);
    expect(() => competenceScore([], skills, 9)).toThrow(RangeError);
  });
});

describe('profile', () => {
  it('shows all 16 competences, with level and pix, and the total', () => {
    const skills = [skill('a1', 1), skill('b1', 1), skill('m1', 1, { competenceCode: '4.1', tubeId: '@mdp' })];
    const p = profile([validated('a1'), validated('b1'), validated('m1')], skills, 6);
    expect(p.competences.map((c) => c.competenceCode)).toEqual([...COMPETENCE_CODES]);
    expect(p.competences.find((c) => c.competenceCode === '1.1')).toMatchObject({ level: 1, pix: 8 });
    expect(p.competences.find((c) => c.competenceCode === '4.1')).toMatchObject({ level: 0, pix: 4 });
    expect(p.competences.find((c) => c.competenceCode === '5.2')).toMatchObject({ level: 0, pix: 0 });
    expect(p.totalPix).toBe(12);
    expect(p.maxPix).toBe(16 * 8 * 6);
  });
});

describe('certifiability', () => {
  it('needs level 1 or more in at least 5 competences and says what is missing', () => {
    const four = { '1.1': 2, '1.2': 1, '2.1': 3, '3.1': 1, '4.1': 0 };
    const c = certifiability(four);
    expect(c.certifiable).toBe(false);
    expect(c.missingCount).toBe(1);
    expect(c.competencesWithLevel).toEqual(['1.1', '1.2', '2.1', '3.1']);
    expect(c.competencesWithoutLevel).toHaveLength(12);
    expect(c.competencesWithoutLevel).toContain('4.1');

    const five = certifiability({ ...four, '5.2': 1 });
    expect(five).toMatchObject({ certifiable: true, missingCount: 0 });
  });

  it('reads a profile directly', () => {
    const p = profile([], [], 6);
    expect(certifiability(p.competences)).toMatchObject({ certifiable: false, missingCount: 5 });
  });
});
