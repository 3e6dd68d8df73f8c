import { defineConfig } from '@playwright/test';

// Given files (`npm run test:e2e -- tests/e2e/x.spec.ts`): run only those, without the whole « parallèle »
// project that the round trip otherwise waits for.
const someFiles = process.argv.some((arg) => /\.spec\.ts(:\d+)?$/.test(arg));
const alone = /(pack-round-trip|psychometrics-restore)\.spec\.ts$/;

// Browser tests drive Debian's Chromium (Playwright cannot download its own browsers here).
// `npm test` starts the workbench on a fresh database and passes its address in BASE_URL.
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.cache/playwright.json' }]],
  // Specs that need the shared database to hold still run once the others are done: the whole-bank round
  // trip exports every valid challenge and imports them back (a challenge validated by a parallel test in
  // between would count as an update); the restore of a parameter set checks which version is in force (a
  // run approved by a parallel test in between would replace it).
  projects: [
    { name: 'parallele', testIgnore: alone },
    { name: 'seul', testMatch: alone, dependencies: someFiles ? [] : ['parallele'] },
  ],
  use: {
    baseURL: process.env.BASE_URL ?? 'http://localhost:3000',
    locale: 'fr-FR',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
