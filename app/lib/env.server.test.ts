import { afterEach, describe, expect, it } from 'vitest';
import { EnvError, env, secureCookies } from './env.server';
import { maxReachableLevel } from './settings.server';

const saved = { ...process.env };
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

describe('secureCookies()', () => {
  it('is on by default in production, off elsewhere, and COOKIE_SECURE decides when set', () => {
    delete process.env.COOKIE_SECURE;
    process.env.NODE_ENV = 'production';
    expect(secureCookies()).toBe(true);
    process.env.NODE_ENV = 'development';
    expect(secureCookies()).toBe(false);
    process.env.COOKIE_SECURE = '1';
    expect(secureCookies()).toBe(true);
    process.env.NODE_ENV = 'production';
    process.env.COOKIE_SECURE = '0';
    expect(secureCookies()).toBe(false);
  });
});

describe('env()', () => {
  it('gives the defaults for what is unset or empty', () => {
    delete process.env.MAX_REACHABLE_LEVEL;
    process.env.QUEUE_PREFIX = '';
    delete process.env.COOKIE_SECURE;
    expect(env()).toMatchObject({ MAX_REACHABLE_LEVEL: 6, QUEUE_PREFIX: 'workbench' });
    expect(env().COOKIE_SECURE).toBeUndefined();
    expect(maxReachableLevel()).toBe(6);
  });

  it('reads the environment again when a variable changed', () => {
    process.env.MAX_REACHABLE_LEVEL = '5';
    process.env.COOKIE_SECURE = '1';
    expect(maxReachableLevel()).toBe(5);
    expect(env().COOKIE_SECURE).toBe(true);
    process.env.MAX_REACHABLE_LEVEL = '7';
    expect(maxReachableLevel()).toBe(7);
  });

  it('stops on a value that does not fit, naming the variable in French', () => {
    process.env.MAX_REACHABLE_LEVEL = '9';
    expect(() => env()).toThrow(EnvError);
    expect(() => env()).toThrow('Variable d’environnement MAX_REACHABLE_LEVEL invalide (« 9 ») : un nombre entier de 1 à 8 est attendu.');
    process.env.MAX_REACHABLE_LEVEL = 'six';
    expect(() => maxReachableLevel()).toThrow(/MAX_REACHABLE_LEVEL.*entier/);
    delete process.env.MAX_REACHABLE_LEVEL;
    process.env.REDIS_URL = 'http://127.0.0.1:6379';
    expect(() => env()).toThrow('Variable d’environnement REDIS_URL invalide (« http://127.0.0.1:6379 ») : une adresse redis://… ou rediss://… est attendue.');
    process.env.REDIS_URL = 'redis://127.0.0.1:6379';
    process.env.COOKIE_SECURE = 'peut-être';
    expect(() => env()).toThrow(/COOKIE_SECURE.*1 \(oui\) ou 0 \(non\)/);
  });
});
