import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Two projects: pure tests (`*.test.ts`) and tests that talk to real PostgreSQL and Redis (`*.db.test.ts`),
// which share one fresh database per run (tests/setup/global-db.ts).
const sources = ['engine', 'content', 'cli', 'app', 'workers', 'prisma', 'scripts'].map((dir) => `${dir}/**/`);

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: sources.map((dir) => `${dir}*.test.ts`),
          exclude: ['**/*.db.test.ts', 'node_modules/**'],
          environment: 'node',
          testTimeout: 120_000,
        },
      },
      {
        // Route modules import the app as `~/…` (tsconfig paths); the route permission test imports them all.
        resolve: { alias: [{ find: /^~\//, replacement: `${path.resolve('app')}/` }] },
        test: {
          name: 'integration',
          include: sources.map((dir) => `${dir}*.db.test.ts`),
          environment: 'node',
          globalSetup: ['tests/setup/global-db.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One file at a time: they share one database, including platform-wide rows such as the active
          // parameter set. Vitest takes file parallelism only for a whole run, so `npm test` runs this
          // project on its own with --no-file-parallelism (scripts/test.ts).
        },
      },
    ],
  },
});
