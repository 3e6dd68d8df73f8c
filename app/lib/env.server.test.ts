import { spawnSync } from 'node:child_process';
import { types } from 'node:util';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  it('is never stale, whichever way the environment is written (the parse is kept between writes)', () => {
    process.env.MAX_REACHABLE_LEVEL = '5';
    expect(maxReachableLevel()).toBe(5);
    expect(types.isProxy(process.env)).toBe(true);
    const kept = env();
    expect(env()).toBe(kept);
    // Assignment, delete, Object.assign, defineProperty, a variable's value coerced to a string.
    process.env.MAX_REACHABLE_LEVEL = '4';
    expect(maxReachableLevel()).toBe(4);
    delete process.env.MAX_REACHABLE_LEVEL;
    expect(maxReachableLevel()).toBe(6);
    Object.assign(process.env, { MAX_REACHABLE_LEVEL: '3', TRUST_PROXY: '2' });
    expect(env()).toMatchObject({ MAX_REACHABLE_LEVEL: 3, TRUST_PROXY: 2 });
    Object.defineProperty(process.env, 'TRUST_PROXY', { value: '1', enumerable: true, configurable: true, writable: true });
    expect(env().TRUST_PROXY).toBe(1);
    (process.env as Record<string, unknown>).TRUST_PROXY = 3;
    expect(process.env.TRUST_PROXY).toBe('3');
    expect(env().TRUST_PROXY).toBe(3);
    // A write of an undeclared variable reads the environment again and gives the same settings.
    const before = env();
    process.env.H42_UNDECLARED = 'x';
    expect(env()).toBe(before);
    // process.env replaced by other code: watched again, read whole.
    const original = process.env;
    const replaced = { ...process.env, MAX_REACHABLE_LEVEL: '2' };
    process.env = replaced;
    try {
      expect(maxReachableLevel()).toBe(2);
      expect(process.env).not.toBe(replaced);
      process.env.MAX_REACHABLE_LEVEL = '7';
      expect(maxReachableLevel()).toBe(7);
      expect(replaced.MAX_REACHABLE_LEVEL).toBe('7');
    } finally {
      process.env = original;
    }
    expect(maxReachableLevel()).toBe(3);
  });

  it('leaves the real environment written through: child processes and worker threads see the writes', async () => {
    env();
    process.env.H42_CHILD = 'écrit';
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(process.env.H42_CHILD ?? "absent")'], { encoding: 'utf8' });
    expect(child.stdout).toBe('écrit');
    const worker = new Worker('require("node:worker_threads").parentPort.postMessage(process.env.H42_CHILD ?? "absent")', { eval: true });
    const seen = await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();
    expect(seen).toBe('écrit');
    delete process.env.H42_CHILD;
    expect(spawnSync(process.execPath, ['-e', 'process.stdout.write(process.env.H42_CHILD ?? "absent")'], { encoding: 'utf8' }).stdout).toBe('absent');
  });

  it('is watched once by every copy of the module in the process (the server and the build each have one)', async () => {
    env();
    const watched = process.env;
    vi.resetModules();
    const copy = (await import('./env.server')) as typeof import('./env.server');
    expect(copy.env).not.toBe(env);
    for (let k = 0; k < 3; k++) {
      copy.env();
      env();
    }
    expect(process.env).toBe(watched);
    process.env.TRUST_PROXY = '4';
    expect(copy.env().TRUST_PROXY).toBe(4);
    expect(env().TRUST_PROXY).toBe(4);
    delete process.env.TRUST_PROXY;
    expect(env().TRUST_PROXY).toBe(0);
    expect(copy.env().TRUST_PROXY).toBe(0);
    expect(process.env).toBe(watched);
  });
});
