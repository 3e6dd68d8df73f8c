import { defineConfig } from '@playwright/test';

// Given files (`npm run test:e2e -- tests/e2e/x.spec.ts`): run only those, without the whole « parallèle »
// project that the round trip otherwise waits for.
const someFiles = process.argv.some((arg) => /\.spec\.ts(:\d+)?$/.test(arg));
const alone = /(pack-round-trip|psychometrics-restore)\.spec\.ts$/;
// Specs that publish or roll back releases, or put challenges in service: a publication is refused when the
// release in force or the live content changed since its preview (« Le contenu a changé depuis l’aperçu »),
// and a rollback holds only until the next publication. They run one after the other (one worker), beside
// the others. The psychometrics specs whose fixtures create a release (tests/setup/*-fixtures.ts, without the
// release lock) join them: one run failed on « Release_number_key » beside a publication.
const releases = /(authoring-challenges|authoring-qrocm|content-lifecycle|qti-interchange|psychometrics-(charts|diagnostics|model-quality))\.spec\.ts$/;
// The longest files (calibrations run by the workers, whole certification sessions) start first, so that
// the end of the run is not one of them on one worker while the other waits.
const long = /(psychometrics-runs|psychometrics-english|certification-results|roles|certification-session)\.spec\.ts$/;

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
  // Projects without dependencies run together, their files queued in this order.
  projects: [
    { name: 'longs', testMatch: long },
    { name: 'versions', testMatch: releases, workers: 1 },
    { name: 'parallele', testIgnore: [alone, releases, long] },
    { name: 'seul', testMatch: alone, dependencies: someFiles ? [] : ['longs', 'versions', 'parallele'] },
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
