import { describe, expect, it } from 'vitest';
import { isLearnerOnly, type Viewer } from './roles';

const base: Pick<Viewer, 'roles' | 'organisations' | 'centres'> = { roles: ['LEARNER'], organisations: [], centres: [] };

describe('isLearnerOnly: who may join a campaign and have a password reset from Orga', () => {
  it('is a learner account, or an account with no role at all, and nothing else', () => {
    expect(isLearnerOnly(base)).toBe(true);
    expect(isLearnerOnly({ ...base, roles: [] })).toBe(true);
  });
  it('is not an account with another global role, an organisation or a certification centre', () => {
    for (const role of ['ADMIN', 'AUTHOR', 'REVIEWER', 'PSYCHOMETRICIAN'] as const)
      expect(isLearnerOnly({ ...base, roles: ['LEARNER', role] }), role).toBe(false);
    expect(isLearnerOnly({ ...base, organisations: [{ id: 'o', name: 'O', role: 'TEACHER' }] })).toBe(false);
    expect(isLearnerOnly({ ...base, centres: [{ id: 'c', name: 'C', role: 'STAFF' }] })).toBe(false);
  });
});
