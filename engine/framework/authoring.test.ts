import { describe, expect, it } from 'vitest';
import { canChangeSkillStatus, durationSeconds, isHttpUrl, skillName, skillQualityIssues, tubeNameProblem, type SkillQualityInput } from './index';

describe('tube names', () => {
  it('accepts @ then lowercase letters and digits that start and end with a letter', () => {
    for (const name of ['@mdp', '@recherche', '@web2pro', '@ab']) expect(tubeNameProblem(name), name).toBeNull();
  });

  it('says what is wrong with a refused name', () => {
    expect(tubeNameProblem('')).toBe('missing');
    expect(tubeNameProblem('mdp')).toBe('at');
    expect(tubeNameProblem('@Mdp')).toBe('characters');
    expect(tubeNameProblem('@mot-de-passe')).toBe('characters');
    expect(tubeNameProblem('@accès')).toBe('characters');
    expect(tubeNameProblem('@mdp2')).toBe('edges');
    expect(tubeNameProblem('@2fa')).toBe('edges');
    expect(tubeNameProblem('@a')).toBe('edges');
    expect(tubeNameProblem(`@${'a'.repeat(45)}`)).toBe('length');
  });

  it('a valid tube name always makes skill names that read back unambiguously', () => {
    expect(skillName('@web2pro', 3)).toBe('@web2pro3');
  });
});

describe('skill status changes', () => {
  it('lets a skill move between en construction, actif and archivé, and retire it', () => {
    expect(canChangeSkillStatus('en_construction', 'actif')).toBe(true);
    expect(canChangeSkillStatus('actif', 'archive')).toBe(true);
    expect(canChangeSkillStatus('archive', 'actif')).toBe(true);
    expect(canChangeSkillStatus('actif', 'perime')).toBe(true);
  });

  it('keeps a périmé skill périmé', () => {
    expect(canChangeSkillStatus('perime', 'actif')).toBe(false);
    expect(canChangeSkillStatus('perime', 'perime')).toBe(true);
  });
});

describe('tutorial fields', () => {
  it('reads hh:mm:ss durations and refuses others', () => {
    expect(durationSeconds('00:05:30')).toBe(330);
    expect(durationSeconds('01:00:00')).toBe(3600);
    expect(durationSeconds('5:30')).toBeNull();
    expect(durationSeconds('00:75:00')).toBeNull();
  });

  it('accepts only absolute http and https addresses', () => {
    expect(isHttpUrl('https://pix.fr/aide')).toBe(true);
    expect(isHttpUrl('http://127.0.0.1:8080/x')).toBe(true);
    expect(isHttpUrl('javascript:alert(1)')).toBe(false);
    expect(isHttpUrl('ftp://exemple.fr/a')).toBe(false);
    expect(isHttpUrl('exemple.fr')).toBe(false);
  });
});

describe('skill quality signal', () => {
  const complete: SkillQualityInput = {
    status: 'actif',
    challenges: { propose: 0, submitted: 0, valide: 2, archive: 0, perime: 0 },
    liveDeclinations: 1,
    tutorials: 2,
    deadTutorials: 0,
    hint: 'Pensez au cadenas.',
  };

  it('finds nothing to do on a complete active skill', () => {
    expect(skillQualityIssues(complete)).toEqual([]);
  });

  it('asks for a live challenge, a declination, a tutorial and a hint on an active skill', () => {
    expect(skillQualityIssues({ ...complete, challenges: { ...complete.challenges, valide: 0, propose: 3 }, liveDeclinations: 0 })).toEqual([
      'no_live_challenge',
    ]);
    expect(skillQualityIssues({ ...complete, liveDeclinations: 0 })).toEqual(['no_declination']);
    expect(skillQualityIssues({ ...complete, tutorials: 0, hint: ' ' })).toEqual(['no_tutorial', 'no_hint']);
  });

  it('flags dead tutorial links on skills in use, and nothing on retired ones', () => {
    expect(skillQualityIssues({ ...complete, deadTutorials: 1 })).toEqual(['dead_tutorial']);
    expect(skillQualityIssues({ ...complete, status: 'en_construction', tutorials: 0, deadTutorials: 1 })).toEqual(['dead_tutorial']);
    expect(skillQualityIssues({ ...complete, status: 'archive', deadTutorials: 1, tutorials: 0 })).toEqual([]);
  });
});
