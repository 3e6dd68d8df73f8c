import { describe, expect, it } from 'vitest';
import { parametersCsv, type ParameterRow } from './parameter-set.server';

const row: ParameterRow = {
  challengeId: 'c1',
  key: '=ch1',
  skill: '@motdepasse3',
  level: 3,
  competence: '4.1',
  a: 1.25,
  d: -1.5,
  b: -1.2,
  seA: 0.1,
  seD: null,
  seB: 0.2,
  sourceRunId: null,
};

describe('parameter export CSV', () => {
  it('is raw by default: text and negative numbers as they are (what R and the CLI read)', () => {
    expect(parametersCsv([row]).split('\n')[1]).toBe('=ch1,1.25,-1.5,-1.2,0.1,,0.2,4.1,@motdepasse3,3,c1,');
  });

  it('neutralises text a spreadsheet would take as a formula, numbers untouched', () => {
    expect(parametersCsv([row], 'spreadsheet').split('\n')[1]).toBe("'=ch1,1.25,-1.5,-1.2,0.1,,0.2,4.1,'@motdepasse3,3,c1,");
  });
});
