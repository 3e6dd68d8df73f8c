/**
 * Vitest global setup for integration tests: a fresh database per run (migrated), or the one that
 * `npm test` already made and passed in TEST_DATABASE_URL.
 */
import type { TestProject } from 'vitest/node';
import { env } from '../../app/lib/env.server';
import { createTestDatabase } from '../../scripts/testdb';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const given = env().TEST_DATABASE_URL;
  if (given) {
    project.provide('databaseUrl', given);
    return;
  }
  const db = await createTestDatabase();
  project.provide('databaseUrl', db.url);
  return async () => {
    await db.drop();
  };
}
