import { describe, expect, it } from 'vitest';
import {
  inferKnowledgeElements,
  improvementAllowed,
  latestKnowledgeElements,
  resetAllowed,
  daysToWait,
  parseSkillName,
  skillName,
  knowledgeAfterResets,
  latestResets,
} from './index';
import type { KnowledgeElement, Skill } from './index';

const tube = (tubeId: string, levels: number[], extra: Partial<Skill> = {}): Skill[] =>
  levels.map((level) => ({ id: `${tubeId}${level}`, tubeId, competenceCode: '4.1', level, status: 'actif', ...extra }));

describe('inferKnowledgeElements', () => {
  const skills = tube('@mdp', [1, 2, 3, 4, 5]);
  const asked = skills[2]!; // @mdp3

  it('a correct answer validates the asked skill directly and the easier untested skills by inference', () => {
    const kes = inferKnowledgeElements(skills, asked, true, { existing: [], createdAt: 10 });
    expect(kes).toEqual([
      { skillId: '@mdp3', status: 'validated', source: 'direct', createdAt: 10 },
      { skillId: '@mdp1', status: 'validated', source: 'inferred', createdAt: 10 },
      { skillId: '@mdp2', status: 'validated', source: 'inferred', createdAt: 10 },
    ]);
  });

  it('a wrong answer invalidates the asked skill and the harder untested skills', () => {
    const kes = inferKnowledgeElements(skills, asked, false, { existing: [], createdAt: 10 });
    expect(kes.map((k) => [k.skillId, k.status, k.source])).toEqual([
      ['@mdp3', 'invalidated', 'direct'],
      ['@mdp4', 'invalidated', 'inferred'],
      ['@mdp5', 'invalidated', 'inferred'],
    ]);
  });

  it('leaves alone skills that already have a knowledge element, other tubes and inactive skills', () => {
    const existing: KnowledgeElement[] = [{ skillId: '@mdp1', status: 'invalidated', source: 'direct', createdAt: 1 }];
    const all = [...skills, ...tube('@virus', [1, 2]), { id: '@mdp2-old', tubeId: '@mdp', competenceCode: '4.1', level: 2, status: 'archive' as const }];
    const kes = inferKnowledgeElements(all, asked, true, { existing, createdAt: 10 });
    expect(kes.map((k) => k.skillId)).toEqual(['@mdp3', '@mdp2']);
  });

  it('the latest knowledge element of a skill counts', () => {
    const first = inferKnowledgeElements(skills, skills[3]!, false, { existing: [], createdAt: 1 }); // invalidates 4 and 5
    const second = inferKnowledgeElements(skills, skills[3]!, true, { existing: first, createdAt: 2 });
    const latest = latestKnowledgeElements([...first, ...second]);
    expect(latest.get('@mdp4')?.status).toBe('validated');
    expect(latest.get('@mdp5')?.status).toBe('invalidated');
    expect(latest.get('@mdp1')).toMatchObject({ status: 'validated', source: 'inferred' });
  });
});

describe('improvement and reset delays', () => {
  const day = 24 * 3600 * 1000;
  const last = new Date('2024-03-01T10:00:00Z');

  it('a learner may improve after 4 days, not before', () => {
    expect(improvementAllowed(last, new Date(last.getTime() + 4 * day - 1))).toBe(false);
    expect(improvementAllowed(last, new Date(last.getTime() + 4 * day))).toBe(true);
    expect(improvementAllowed(null, last)).toBe(true);
    expect(daysToWait(last, last.getTime() + day, 4)).toBe(3);
  });

  it('a learner may reset after 7 days, not before', () => {
    expect(resetAllowed(last.getTime(), last.getTime() + 6 * day)).toBe(false);
    expect(resetAllowed(last.getTime(), last.getTime() + 7 * day)).toBe(true);
  });
});

describe('skill names', () => {
  it('are the tube name followed by the level', () => {
    expect(skillName('@mdp', 3)).toBe('@mdp3');
    expect(parseSkillName('@mdp3')).toEqual({ tubeName: '@mdp', level: 3 });
    expect(parseSkillName('@web23')).toEqual({ tubeName: '@web2', level: 3 });
    expect(parseSkillName('mdp3')).toBeNull();
    expect(parseSkillName('@mdp9')).toBeNull();
  });
});

describe('knowledge that counts after a reset', () => {
  const ke = (competenceId: string, skillId: string, at: string) => ({ competenceId, skillId, createdAt: new Date(at) });

  it('keeps, per competence, only the elements created after its latest reset', () => {
    const kes = [ke('c1', 's1', '2026-01-01'), ke('c1', 's2', '2026-01-10'), ke('c1', 's3', '2026-02-01'), ke('c2', 's4', '2026-01-01')];
    const resets = [
      { competenceId: 'c1', at: new Date('2026-01-05') },
      { competenceId: 'c1', at: new Date('2026-01-20') },
    ];
    expect(knowledgeAfterResets(kes, resets).map((k) => k.skillId)).toEqual(['s3', 's4']);
  });

  it('drops an element created at the very instant of the reset, keeps everything without a reset', () => {
    const kes = [ke('c1', 's1', '2026-01-05T10:00:00Z'), ke('c1', 's2', '2026-01-05T10:00:00.001Z')];
    expect(knowledgeAfterResets(kes, [{ competenceId: 'c1', at: new Date('2026-01-05T10:00:00Z') }]).map((k) => k.skillId)).toEqual(['s2']);
    expect(knowledgeAfterResets(kes, [])).toHaveLength(2);
    expect(
      latestResets([
        { competenceId: 'c1', at: 5 },
        { competenceId: 'c1', at: 3 },
      ]).get('c1'),
    ).toBe(5);
  });
});
