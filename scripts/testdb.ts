/**
 * A fresh, uniquely named database for each test run, on the PostgreSQL server given by DATABASE_URL,
 * else the local one at 127.0.0.1:5432, else an embedded one. Runs never see each other's data.
 */
import pg from 'pg';
import { env } from '../app/lib/env.server';
import { checkConnection, describeUrl } from './database';
import { applyMigrations } from '../prisma/migrate';

export interface TestDatabase {
  url: string;
  name: string;
  drop: () => Promise<void>;
}

async function serverUrl(): Promise<{ url: string; stop: () => Promise<void> }> {
  const settings = env();
  const candidates = [settings.TEST_DATABASE_SERVER_URL, settings.DATABASE_URL, 'postgresql://postgres@127.0.0.1:5432/postgres'].filter((u): u is string =>
    Boolean(u),
  );
  for (const url of candidates) {
    try {
      await checkConnection(url, 2000);
      return { url, stop: async () => undefined };
    } catch {
      // try the next one
    }
  }
  process.env.WORKBENCH_DATA_DIR ??= '.data/test';
  process.env.EMBEDDED_PG_PORT ??= '54339';
  const { openDatabase } = await import('./database');
  const saved = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  const db = await openDatabase(() => undefined);
  if (saved) process.env.DATABASE_URL = saved;
  return { url: db.url, stop: db.stop };
}

// One server for all the test databases of this process (two embedded servers cannot share a folder).
let sharedServer: Promise<{ url: string; stop: () => Promise<void> }> | null = null;
let openDatabases = 0;

/** A fresh, migrated database; `prefix` names it (default workbench_test, the test runs' own). */
export async function createTestDatabase(options: { prefix?: string } = {}): Promise<TestDatabase> {
  sharedServer ??= serverUrl();
  const server = await sharedServer;
  openDatabases++;
  const name = `${options.prefix ?? 'workbench_test'}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const u = new URL(server.url);
  u.pathname = `/${name}`;
  const url = u.toString();
  try {
    await applyMigrations(url);
  } catch (error) {
    throw new Error(`Migrations impossibles sur la base de test ${describeUrl(url)} : ${(error as Error).message}`);
  }
  return {
    url,
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
      if (--openDatabases === 0) {
        sharedServer = null;
        await server.stop();
      }
    },
  };
}
