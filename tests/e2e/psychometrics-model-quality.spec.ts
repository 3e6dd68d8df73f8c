/**
 * Issue 18 in Chromium: a psychometrician fits Rasch on one competence through the real worker, reads
 * the model quality (AIC, BIC, reliabilities, S-X², test information per competence), fits the 2PL on
 * the same answers from the run page, compares both with the likelihood-ratio test, and downloads the
 * learners' θ with SE (pseudonymised: no e-mail in the file).
 *
 * The competence is one this test adds (tests/setup/calibration-fixtures.ts: 8 challenges answered by
 * each of 500 simulated learners, a complete design) because S-X² needs persons who answered every item,
 * which the demo's adaptive data never has; on the demo competences the page says the design is sparse.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { createPrisma, type PrismaClient } from '../../prisma/client';
import { makeCalibrationFixture, type CalibrationFixture } from '../setup/calibration-fixtures';
import { expectAccessible, signIn } from './helpers';

let db: PrismaClient;
let fixture: CalibrationFixture;

test.beforeAll(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL (set by scripts/test.ts) is needed to add the competence');
  db = createPrisma(url);
  fixture = await makeCalibrationFixture(db, { items: 8, learners: 500, perPerson: 8, seed: 18 });
});

test.afterAll(async () => {
  await db?.$disconnect();
});

async function waitForRun(page: Page, runId: string) {
  const row = page.locator(`tr[data-run="${runId}"]`);
  await expect(row.getByText('Terminée')).toBeVisible({ timeout: 150_000 });
  return row;
}

test('a psychometrician compares Rasch and 2PL on a competence, reads reliability and S-X², downloads θ with SE', async ({ page }) => {
  test.setTimeout(360_000);
  await signIn(page, 'psychometre@exemple.fr');
  await page.goto('/psychometrie');
  await page.getByLabel('Rasch (pente commune)').check();
  await page.getByLabel('Toutes les épreuves recalibrées').check();
  await page.getByLabel('Périmètre').selectOption(fixture.competence.id);
  await page.getByRole('button', { name: 'Lancer la calibration' }).click();
  await page.waitForURL(/lancee=/);
  const raschId = new URL(page.url()).searchParams.get('lancee') as string;
  const row = await waitForRun(page, raschId);
  await row.getByRole('link', { name: 'Analyser' }).click();
  await page.waitForURL(new RegExp(`/psychometrie/calibrations/${raschId}$`));

  // Model quality: the CLI's figures, stored by the worker.
  const quality = page.getByRole('region', { name: 'Qualité du modèle' });
  await expect(quality).toBeVisible();
  const facts = quality.getByTestId('model-quality');
  for (const label of ['AIC', 'BIC', 'Fiabilité marginale', 'Fiabilité empirique', 'Méthode des erreurs types']) await expect(facts).toContainText(label);
  const marginal = await facts.locator('div', { hasText: 'Fiabilité marginale' }).locator('dd').textContent();
  const value = Number((marginal ?? '').replace(',', '.'));
  expect(value).toBeGreaterThan(0);
  expect(value).toBeLessThan(1);
  await expect(facts).toContainText('information observée complète');
  // S-X² for every challenge (complete design), flagged below p = .05 beside the number of challenges.
  const sx2 = quality.getByTestId('sx2-table');
  await expect(sx2.locator('tbody tr')).toHaveCount(8);
  await expect(quality.getByTestId('sx2-summary')).toContainText(/\d+ épreuves sur 8 ont p < 0,05\. Avec 8 épreuves, environ 0,4/);
  const flagged = Number((await quality.getByTestId('sx2-summary').textContent())?.match(/^(\d+)/)?.[1]);
  await expect(sx2.getByText('p < 0,05', { exact: true })).toHaveCount(flagged);
  // Test information per competence, with its table and a measure to choose.
  await expect(quality.getByRole('heading', { name: 'Information du test par compétence' })).toBeVisible();
  await expect(quality.locator('#chart-test-information path.chart-line').first()).toBeVisible();
  await quality.getByTestId('info-measure').selectOption('se');
  await expect(quality.getByRole('img', { name: /Information du test et erreur type/ })).toBeVisible();
  await expect(quality.getByTestId('info-table')).toContainText(`${fixture.competence.code} (8)`);
  await expectAccessible(page);

  // θ with SE for the learners of the run.
  const downloading = page.waitForEvent('download');
  await quality.getByRole('link', { name: /Télécharger θ et erreur type/ }).click();
  const download = await downloading;
  const text = readFileSync((await download.path()) as string, 'utf8');
  const lines = text.trim().split('\n');
  expect(lines[0]).toBe('person,theta,se,answers');
  expect(lines.length).toBeGreaterThan(10);
  expect(lines[1]).toMatch(/^p-[0-9a-f]{16},-?\d/);
  expect(text).not.toContain('@');
  expect(text).not.toContain('exemple.fr');

  // The 2PL on the same answers, then the comparison.
  await quality.getByRole('button', { name: 'Ajuster le 2PL sur les mêmes réponses' }).click();
  await page.waitForURL(/lancee=/);
  const twoPlId = new URL(page.url()).searchParams.get('lancee') as string;
  expect(twoPlId).not.toBe(raschId);
  await waitForRun(page, twoPlId);
  await page.goto(`/psychometrie/comparaison?a=${raschId}&b=${twoPlId}`);
  const lrt = page.getByRole('region', { name: 'Rasch ou 2PL : test du rapport de vraisemblance' });
  await expect(lrt.getByRole('row', { name: /^Rasch / })).toBeVisible();
  await expect(lrt.getByRole('row', { name: /^2PL / })).toBeVisible();
  await expect(lrt.getByTestId('lrt-result')).toContainText(/Rapport de vraisemblance : statistique [\d\s,]+, \d+ ddl, p = /);
  await expectAccessible(page);

  // Two runs of the same model: the test does not apply, and the page says why.
  await page.goto(`/psychometrie/comparaison?a=${twoPlId}&b=${twoPlId}`);
  await expect(page.getByRole('region', { name: /Rasch ou 2PL/ })).toHaveCount(0);
});
