/**
 * The run page's diagnostics in the browser, on a competence with planted findings
 * (tests/setup/diagnostics-fixtures.ts) calibrated here by the real worker: the person-fit histogram
 * with its misfitting share, the dependent pair of one tube, DIF on a learner attribute chosen in the
 * page (with and without JavaScript) and the over-exposed certification challenge; axe on the page.
 */
import { expect, test } from '@playwright/test';
import { createPrisma, type PrismaClient } from '../../prisma/client';
import { makeDiagnosticsFixture, type DiagnosticsFixture } from '../setup/diagnostics-fixtures';
import { executeCalibrationRun } from '../../workers/calibration';
import { expectAccessible, expectNoCspViolation, signIn, watchCsp } from './helpers';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let db: PrismaClient;
let fx: DiagnosticsFixture;
let runId: string;

test.beforeAll(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL (set by scripts/test.ts) is needed to seed the run');
  db = createPrisma(url);
  fx = await makeDiagnosticsFixture(db, { learners: 800, seed: 77 });
  const run = await db.calibrationRun.create({
    data: { model: '2pl', status: 'QUEUED', settings: { competenceIds: [fx.competence.id], minAnswers: 200, minPersons: 50 } },
  });
  const outcome = await executeCalibrationRun({ db, databaseUrl: url, threads: false, sharding: null, snapshotDir: null }, run.id);
  if (outcome !== 'succeeded') throw new Error(`calibration ${outcome}`);
  runId = run.id;
});

test.afterAll(async () => {
  await db?.$disconnect();
});

test.beforeEach(({ page }) => watchCsp(page));
test.afterEach(() => expectNoCspViolation());

test('a psychometrician reads person fit, local dependence and exposure, and chooses the DIF variable', async ({ page }) => {
  await signIn(page, 'psychometre@exemple.fr');
  await page.goto(`/psychometrie/calibrations/${runId}`);

  // Person fit: the histogram and the misfitting share.
  const personFit = page.locator('#ajustement-personnes');
  await expect(personFit.getByRole('heading', { name: 'Ajustement des personnes (lz)' })).toBeVisible();
  await expect(page.getByTestId('person-fit-share')).toContainText(/des personnes \(\d+ sur 800\) ont un lz inférieur à −1,645/);
  await expect(personFit.locator('#chart-person-fit svg[role="img"] title')).toHaveText('Distribution de lz (ajustement des personnes)');
  expect(await personFit.locator('svg.chart-svg rect.pf-bar').count()).toBe(16); // the bins (the legend has two more)

  // Local dependence: the planted pair of one tube.
  const q3 = page.getByTestId('q3-table');
  await expect(q3.locator('tbody tr')).toHaveCount(1);
  await expect(q3).toContainText(fx.planted.source);
  await expect(q3).toContainText(fx.planted.dependent);
  await expect(q3).toContainText('sujet @diag');

  // Exposure: the certification challenge asked in every test is flagged, first in the table.
  await expect(page.getByTestId('exposure-over')).toHaveText('Une épreuve surexposée en certification.');
  const firstRow = page.getByTestId('exposure-table').locator('tbody tr').first();
  await expect(firstRow).toContainText(fx.planted.overExposed);
  await expect(firstRow).toContainText('surexposée');
  await expect(firstRow).toContainText('100,0 % (40/40)');

  await expectAccessible(page);

  // DIF on the birth decade: chosen in the page, the address says it.
  const section = page.locator('#dif-variable');
  await section.getByLabel('Caractéristique', { exact: true }).selectOption({ label: 'Décennie de naissance' });
  await section.getByRole('button', { name: 'Calculer le DIF' }).click();
  await expect(page).toHaveURL(/dif=birthYear/);
  const result = page.getByTestId('dif-variable-result');
  await expect(result).toContainText('1980–1989 (400)');
  await expect(result).toContainText('2000–2009 (400)');
  await expect(result).toContainText(fx.planted.difItem);
  await expect(result.getByRole('row', { name: new RegExp(fx.planted.difItem) })).toContainText('DIF fort (classe C)');

  // Reference and focal groups swapped: the same challenge, now favouring the focal group.
  await section.getByLabel('Groupe de référence', { exact: true }).selectOption({ value: '2000' });
  await section.getByLabel('Groupe focal', { exact: true }).selectOption({ value: '1980' });
  await section.getByRole('button', { name: 'Calculer le DIF' }).click();
  await expect(page).toHaveURL(/dif-ref=2000/);
  await expect(result).toContainText('Référence : 2000–2009 (400 personnes) ; focal : 1980–1989 (400 personnes).');
  await expect(result.getByRole('row', { name: new RegExp(fx.planted.difItem) })).toContainText('groupe focal');
  await expectAccessible(page);
});

test('without JavaScript the DIF variable and the exposure period are chosen through the address', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, 'psychometre@exemple.fr');
  await page.goto(`/psychometrie/calibrations/${runId}?tri=b`);
  await page.locator('#dif-variable').getByLabel('Caractéristique', { exact: true }).selectOption({ label: 'Type de test' });
  await page.locator('#dif-variable').getByRole('button', { name: 'Calculer le DIF' }).click();
  await expect(page).toHaveURL(/dif=testType/);
  await expect(page).toHaveURL(/tri=b/); // the table's order is kept
  await expect(page.getByTestId('dif-variable-result')).toContainText('Positionnement');
  await expect(page.getByTestId('dif-variable-result')).toContainText('Campagne');

  await page.getByLabel('Du', { exact: true }).fill('2001-01-01');
  await page.getByLabel('Au', { exact: true }).fill('2001-12-31');
  await page.locator('#exposition').getByRole('button', { name: 'Afficher', exact: true }).click();
  await expect(page).toHaveURL(/expo-du=2001-01-01/);
  await expect(page).toHaveURL(/dif=testType/); // the DIF choice is kept
  await expect(page.getByTestId('exposure-over')).toHaveText('Aucune épreuve surexposée en certification.');
  await context.close();
});
