import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { verifyPassword } from '../lib/password.server';
import { signUpLearner } from './signup.server';

const email = () => `Nouvel.Apprenant.${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}@Exemple.fr`;
const valid = (address: string) => ({ firstName: ' Inès ', lastName: 'Durand', email: address, password: 'Apprenant-2026', consent: 'on' });

describe('sign-up', () => {
  it('creates a learner with a hashed password and a normalised address', async () => {
    const address = email();
    const result = await signUpLearner(testDb(), valid(address));
    expect(result.ok).toBe(true);
    const user = await testDb().user.findUniqueOrThrow({ where: { email: address.toLowerCase() } });
    expect(user).toMatchObject({ firstName: 'Inès', lastName: 'Durand', roles: ['LEARNER'] });
    expect(user.passwordHash).not.toContain('Apprenant-2026');
    expect(await verifyPassword(user.passwordHash, 'Apprenant-2026')).toBe(true);
  });

  it('says what to fix, field by field', async () => {
    const result = await signUpLearner(testDb(), { firstName: '', lastName: '  ', email: 'pas-une-adresse', password: 'court', consent: '' });
    expect(result).toEqual({
      ok: false,
      errors: {
        firstName: 'signup.error.firstName',
        lastName: 'signup.error.lastName',
        email: 'signup.error.email',
        password: 'signup.error.password.length',
        consent: 'signup.error.consent',
      },
    });
    for (const [password, key] of [
      ['TOUTENMAJUSCULE1', 'signup.error.password.lower'],
      ['toutenminuscule1', 'signup.error.password.upper'],
      ['SansAucunChiffre', 'signup.error.password.digit'],
    ] as const) {
      expect(await signUpLearner(testDb(), { ...valid(email()), password })).toEqual({ ok: false, errors: { password: key } });
    }
  });

  it('refuses an address that already has an account, whatever its case', async () => {
    const address = email();
    expect((await signUpLearner(testDb(), valid(address))).ok).toBe(true);
    expect(await signUpLearner(testDb(), valid(address.toUpperCase()))).toEqual({ ok: false, errors: { email: 'signup.error.emailTaken' } });
  });
});
