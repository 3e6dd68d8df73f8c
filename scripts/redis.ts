/**
 * Redis for the job queues: REDIS_URL (default redis://127.0.0.1:6379). If none answers and a
 * redis-server binary is on the PATH, we start one with its data in .data/redis (append-only file, so
 * queued jobs survive a restart). If neither, the workbench runs without its queues and says how to get Redis.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { env } from '../app/lib/env.server';
import { dataDir } from './database';

export async function pingRedis(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function redisServerBinary(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const bin = found.stdout.trim();
  return found.status === 0 && bin ? bin : null;
}

export type RedisStatus =
  | { kind: 'external'; url: string }
  | { kind: 'started'; url: string; process: ChildProcess; stop: () => Promise<void> }
  | { kind: 'unavailable'; url: string; help: string };

export async function ensureRedis(log: (line: string) => void): Promise<RedisStatus> {
  const url = env().REDIS_URL;
  if (await pingRedis(url)) return { kind: 'external', url };
  const bin = redisServerBinary();
  const help =
    `Aucun Redis ne répond à ${url} et aucun programme redis-server n'est installé. ` +
    `Installez Redis (Debian/Ubuntu : sudo apt-get install redis-server ; macOS : brew install redis ; ` +
    `ou un conteneur : docker run -p 6379:6379 redis:7), ou donnez REDIS_URL. ` +
    `En attendant, le workbench fonctionne sans ses files de travail (calibrations, exports et analyses en arrière-plan indisponibles).`;
  // Only a Redis of our own on the default address is started; a REDIS_URL given is not ours to start.
  if (!bin || process.env.REDIS_URL) return { kind: 'unavailable', url, help: bin ? `Aucun Redis ne répond à ${url} (REDIS_URL).` : help };
  const port = new URL(url).port || '6379';
  const dir = path.join(dataDir(), 'redis');
  fs.mkdirSync(dir, { recursive: true });
  log(`Aucun Redis ne répond à ${url} : démarrage de redis-server (données dans ${path.relative(process.cwd(), dir)}).`);
  const child = spawn(bin, ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  for (let i = 0; i < 50; i++) {
    if (await pingRedis(url, 500)) {
      return {
        kind: 'started',
        url,
        process: child,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  return { kind: 'unavailable', url, help: `redis-server n'a pas pu démarrer sur le port ${port}. ${help}` };
}
