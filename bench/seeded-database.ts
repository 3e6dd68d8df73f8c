/**
 * For the learner benchmarks: a fresh database (as `npm test` makes them) seeded like a fresh `npm start`
 * (framework, starter content, demo accounts and answers). Imported lazily, so that a benchmark may first
 * instrument the pg driver.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { TestDatabase } from '../scripts/testdb';

/** Builds the app for production (build/ and public/build/), as `npm start` does; throws when the build fails. */
export async function buildProductionApp(): Promise<void> {
  const { projectRoot } = await import('../scripts/database');
  const build = spawnSync(process.execPath, [path.join(projectRoot, 'node_modules', '@remix-run', 'dev', 'dist', 'cli.js'), 'build'], {
    cwd: projectRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', VITE_CJS_IGNORE_WARNING: 'true' },
  });
  if (build.status !== 0) throw new Error('build failed');
}

export async function seededTestDatabase(): Promise<TestDatabase> {
  const { createTestDatabase } = await import('../scripts/testdb');
  const { createPrisma } = await import('../prisma/client');
  const { seed } = await import('../prisma/seed');
  const database = await createTestDatabase();
  const db = createPrisma(database.url);
  try {
    await seed(db, () => undefined);
  } finally {
    await db.$disconnect();
  }
  return database;
}
