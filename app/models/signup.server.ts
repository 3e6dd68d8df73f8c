/**
 * Sign-up of a learner: first and last name, email, a password that follows clear rules, and consent
 * to the terms of use. Each refusal is a message key per field (app/i18n/apprenant.ts).
 */
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/client';
import { hashPassword } from '../lib/password.server';

export const SIGNUP_FIELDS = ['firstName', 'lastName', 'email', 'password', 'consent'] as const;
export type SignupField = (typeof SIGNUP_FIELDS)[number];

export const PASSWORD_MIN_LENGTH = 8;

export type SignupErrorKey =
  | 'signup.error.firstName'
  | 'signup.error.lastName'
  | 'signup.error.email'
  | 'signup.error.emailTaken'
  | 'signup.error.password.length'
  | 'signup.error.password.lower'
  | 'signup.error.password.upper'
  | 'signup.error.password.digit'
  | 'signup.error.password.long'
  | 'signup.error.consent';

const name = (key: SignupErrorKey) => z.string().trim().min(1, key).max(100, key);

/** The password rules of every account (sign-up, new password from a reset link); messages are signup keys. */
export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, 'signup.error.password.length')
  .max(200, 'signup.error.password.long')
  .regex(/\p{Ll}/u, 'signup.error.password.lower')
  .regex(/\p{Lu}/u, 'signup.error.password.upper')
  .regex(/\d/, 'signup.error.password.digit');

const schema = z.object({
  firstName: name('signup.error.firstName'),
  lastName: name('signup.error.lastName'),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, 'signup.error.email')
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'signup.error.email'),
  password: passwordSchema,
  consent: z.literal('on', { errorMap: () => ({ message: 'signup.error.consent' }) }),
});

export type SignupErrors = Partial<Record<SignupField, SignupErrorKey>>;

export type SignupResult = { ok: true; userId: string } | { ok: false; errors: SignupErrors };

/** Creates a learner account (global role LEARNER), or says what to fix, field by field. */
export async function signUpLearner(
  client: Pick<PrismaClient, 'user'>,
  values: Record<SignupField, string>,
  locale: 'fr' | 'en' = 'fr',
): Promise<SignupResult> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const errors: SignupErrors = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as SignupField;
      errors[field] ??= issue.message as SignupErrorKey;
    }
    return { ok: false, errors };
  }
  const { firstName, lastName, email, password } = parsed.data;
  if (await client.user.findUnique({ where: { email }, select: { id: true } })) {
    return { ok: false, errors: { email: 'signup.error.emailTaken' } };
  }
  const passwordHash = await hashPassword(password);
  try {
    const user = await client.user.create({
      data: { email, passwordHash, firstName, lastName, roles: ['LEARNER'], locale },
      select: { id: true },
    });
    return { ok: true, userId: user.id };
  } catch (error) {
    if ((error as { code?: unknown }).code === 'P2002') return { ok: false, errors: { email: 'signup.error.emailTaken' } };
    throw error;
  }
}
