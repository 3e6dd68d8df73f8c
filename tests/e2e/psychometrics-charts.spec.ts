/**
 * The psychometrician's analysis pages in the browser, on a finished calibration run seeded here
 * through Prisma (tests/setup/psychometrics-fixtures.ts): a run's table sorted and filtered (with and
 * without JavaScript), its charts, an item's characteristic curve, the live bank and the comparison
 * of two runs, each checked with axe; a learner is refused. Screenshots of the main charts go to
 * docs/screenshots/ (referenced from docs/psychometrics.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { createPrisma, type PrismaClient } from '../../prisma/client';
import { makeCalibrationFixture, type CalibrationFixture } from '../setup/psychometrics-fixtures';
import { expectAccessible, expectNoCspViolation, signIn, watchCsp } from './helpers';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

const SCREENSHOTS = path.resolve('docs/screenshots');
let db: PrismaClient;
let fx: CalibrationFixture;

test.beforeAll(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL (set by scripts/test.ts) is needed to seed the run');
  db = createPrisma(url);
  fx = await makeCalibrationFixture(db, { persons: 400, perPerson: 12 });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

test.afterAll(async () => {
  await db?.$disconnect();
});

// The charts (d3) and the pages work under the Content-Security-Policy: no refusal in the console.
test.beforeEach(({ page }) => watchCsp(page));
test.afterEach(() => expectNoCspViolation());

/** "−1,23 (0,12)" → −1.23 */
function frenchNumber(text: string): number {
  return Number(text.trim().split(/\s/)[0]!.replace('\u2212', '-').replace(',', '.'));
}

async function columnValues(page: Page, column: number): Promise<number[]> {
  const cells = page.getByTestId('parameter-table').locator(`tbody tr td:nth-child(${column})`);
  return (await cells.allTextContents()).map(frenchNumber);
}

/** Checks the chart is on screen; with SCREENSHOTS=1 also refreshes docs/screenshots/<name>.png. */
async function shoot(locator: Locator, name: string) {
  await locator.scrollIntoViewIfNeeded();
  await locator.screenshot(process.env.SCREENSHOTS === '1' ? { path: path.join(SCREENSHOTS, `${name}.png`) } : {});
}

test('a run: its summary, the parameter table sorted by b and filtered by flag, its charts and the way to approval', async ({ page }) => {
  await signIn(page, 'psychometre@exemple.fr');
  await page.goto(`/psychometrie/calibrations/${fx.runB}`);
  await expect(page.getByRole('heading', { level: 1, name: /^Calcul du / })).toBeVisible();
  await expect(page.locator('.psy-status')).toHaveText('Terminée');
  await expect(page.locator('.psy-facts')).toContainText('Positionnements400');
  await expect(page.locator('.psy-facts')).toContainText('Convergenceatteinte');

  // Sort by difficulty b: ascending, then descending (column 8 is b).
  const table = page.getByTestId('parameter-table');
  await table.getByRole('link', { name: 'b (ET)', exact: true }).click();
  await expect(page).toHaveURL(/tri=b/);
  await expect(table.getByRole('columnheader', { name: /b \(ET\)/ })).toHaveAttribute('aria-sort', 'ascending');
  const ascending = await columnValues(page, 8);
  expect(ascending.length).toBeGreaterThanOrEqual(24);
  expect(ascending).toEqual([...ascending].sort((x, y) => x - y));
  await table.getByRole('link', { name: 'b (ET)', exact: true }).click();
  await expect(page).toHaveURL(/ordre=desc/);
  await expect(table.getByRole('columnheader', { name: /b \(ET\)/ })).toHaveAttribute('aria-sort', 'descending');
  const descending = await columnValues(page, 8);
  expect(descending).toEqual([...ascending].reverse());

  // Filter by flag: only the misfitting challenge is left, still sorted by b.
  await page.getByLabel('Indicateur', { exact: true }).selectOption({ label: 'Mauvais ajustement' });
  await page.getByRole('button', { name: 'Appliquer' }).click();
  await expect(page).toHaveURL(/indicateur=misfit/);
  await expect(page).toHaveURL(/tri=b/);
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(table.locator('tbody tr').first()).toContainText(fx.planted.misfit);
  await expect(table.locator('tbody tr').first()).toContainText('Mauvais ajustement');
  // The flag summary filters too.
  await page.getByRole('link', { name: /Dérive à revoir.*: 1/ }).click();
  await expect(page).toHaveURL(/indicateur=drift_review/);
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(table).toContainText(fx.planted.driftReview);
  await page.getByRole('link', { name: 'Réinitialiser' }).click();
  await expect(table.locator('tbody tr')).toHaveCount(24);
  await expect(page.getByLabel('Indicateur', { exact: true })).toHaveValue('');

  // b by level, with the rank correlation.
  const levels = page.locator('#chart-levels');
  await expect(levels.getByRole('img', { name: /Difficulté mesurée par niveau d’acquis/ })).toBeVisible();
  await expect(page.getByTestId('level-agreement')).toContainText(/ρ = 0,\d\d sur 24 épreuves/);

  // Drift: flagged challenges are labelled, focusable links with a visible tooltip.
  const drift = page.locator('#chart-drift');
  await expect(drift.getByRole('img', { name: /Dérive/ })).toBeVisible();
  await expect(drift.locator('.chart-point-label', { hasText: fx.planted.driftReview })).toBeVisible();
  const driftPoint = drift.getByRole('link', { name: new RegExp(fx.planted.driftReview) });
  await page.mouse.move(0, 0);
  await driftPoint.focus();
  await expect(drift.locator('.chart-tooltip')).toContainText(fx.planted.driftReview);
  await expect(drift.locator('.chart-tooltip')).toContainText('Δb = +0,75');
  await page.keyboard.press('Escape');
  await expect(drift.locator('.chart-tooltip')).toHaveCount(0);
  await expect(drift).toContainText('1 à examiner (0,3 < |Δb| ≤ 0,5), 1 à revoir');

  // DIF: the class C challenge first, then B.
  const dif = page.getByRole('table', { name: /Épreuves en classe B ou C/ });
  await expect(dif.locator('tbody tr')).toHaveCount(2);
  await expect(dif.locator('tbody tr').first()).toContainText(fx.planted.difC);
  await expect(dif.locator('tbody tr').first()).toContainText('DIF fort (classe C)');
  await expect(dif.locator('tbody tr').first()).toContainText('groupe de référence');

  // Fit: ratios to the model's expectation, the misfitting challenge marked.
  const fit = page.locator('#chart-fit');
  await expect(fit.getByRole('img', { name: /Ajustement/ })).toBeVisible();
  await expect(fit.getByRole('link', { name: new RegExp(fx.planted.misfit) })).toBeVisible();
  await expect(fit).toContainText('Infit / infit attendu');

  // The numbers behind a chart.
  await levels.getByText('Données du graphique').click();
  await expect(levels.locator('details table tbody tr')).toHaveCount(8);

  // Where approval happens.
  await expect(page.locator('section#approbation').getByRole('link', { name: 'Approuver ou rejeter ce calcul' })).toHaveAttribute(
    'href',
    `/psychometrie/calibrations/${fx.runB}/approbation`,
  );
  await expectAccessible(page);

  await levels.getByText('Données du graphique').click();
  await shoot(levels, 'run-b-by-level');
  await shoot(drift, 'run-drift');
  await shoot(fit, 'run-fit');
  await shoot(page.locator('#chart-wright-run'), 'run-wright-map');
  await shoot(page.locator('#parametres'), 'run-parameter-table');

  // Run → item.
  await table.getByRole('link', { name: fx.planted.misfit }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Épreuve ${fx.planted.misfit}` })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`run=${fx.runB}`));
});

test('without JavaScript the table still sorts and filters through the address', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, 'psychometre@exemple.fr');
  await page.goto(`/psychometrie/calibrations/${fx.runB}?tri=b&ordre=desc`);
  const values = await columnValues(page, 8);
  expect(values).toEqual([...values].sort((x, y) => y - x));
  await page.getByLabel('Indicateur', { exact: true }).selectOption({ label: 'Discrimination faible' });
  await page.getByRole('button', { name: 'Appliquer' }).click();
  await expect(page).toHaveURL(/indicateur=low_discrimination/);
  await expect(page.getByTestId('parameter-table').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('parameter-table')).toContainText(fx.planted.lowDiscrimination);
  // Charts are drawn on the server.
  await expect(page.locator('#chart-drift svg[role="img"] title')).toHaveText(/Dérive/);
  await context.close();
});

test('an item: its characteristic curve with observed proportions, information, text, skill and history', async ({ page }) => {
  const item = fx.challenges.find((c) => c.key === fx.planted.driftReview)!;
  await signIn(page, 'psychometre@exemple.fr');
  await page.goto(`/psychometrie/items/${item.id}?run=${fx.runB}`);
  await expect(page.getByRole('heading', { level: 1, name: `Épreuve ${item.key}` })).toBeVisible();
  await expect(page.getByTestId('instruction')).toContainText('Quel réglage protège le mieux le compte');
  await expect(page.locator('.psy-facts').first()).toContainText(fx.competence.code);
  await expect(page.locator('.psy-facts').first()).toContainText(`(niveau ${item.level})`);

  const icc = page.locator('#chart-icc');
  const svg = icc.locator('svg[role="img"]');
  await expect(svg).toBeVisible();
  await expect(svg.locator('title')).toHaveText('Courbe caractéristique de l’épreuve');
  await expect(page.getByRole('img', { name: /Courbe caractéristique de l’épreuve/ })).toBeVisible();
  await expect(svg.locator('path.chart-line')).toHaveCount(1);
  // Observed groups: focusable, with a tooltip giving the numbers and the Wilson interval.
  const groups = icc.locator('.chart-focus');
  expect(await groups.count()).toBeGreaterThanOrEqual(4);
  await page.waitForLoadState('networkidle');
  await page.mouse.move(0, 0);
  await groups.first().focus();
  await expect(icc.locator('.chart-tooltip')).toContainText('Groupe 1');
  await expect(icc.locator('.chart-tooltip')).toContainText(/Observé \d+\/\d+ = \d+\s%/);
  await icc.getByText('Données du graphique').click();
  await expect(icc.locator('details table tbody tr')).toHaveCount(await groups.count());
  await expect(page.locator('#chart-information').getByRole('img', { name: /Information de l’épreuve/ })).toBeVisible();

  // History across the two runs, and the parameter set it belongs to.
  const history = page.getByRole('table', { name: 'Paramètres de l’épreuve dans chaque calcul' });
  // The fixture's two runs at least; a run started by another browser test on this database may include the item too.
  await expect(history.locator('tbody tr').nth(1)).toBeVisible();
  expect(await history.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
  await expect(page.locator('#chart-history-b').getByRole('img')).toBeVisible();
  await expect(page.getByRole('table', { name: /Versions des jeux de paramètres/ })).toContainText(String(fx.parameterSet.version));
  await expectAccessible(page);
  await icc.getByText('Données du graphique').click();
  await shoot(icc, 'item-characteristic-curve');
  await shoot(page.locator('#chart-information'), 'item-information');
  await shoot(page.locator('#chart-history-b'), 'item-history');

  // The other run from the chooser, and item → run.
  await page.getByRole('combobox', { name: 'Calcul affiché' }).selectOption(fx.runA);
  await page.getByRole('button', { name: 'Afficher' }).click();
  await expect(page).toHaveURL(new RegExp(`run=${fx.runA}`));
  await page.getByRole('link', { name: /^Retour au calcul/ }).click();
  await expect(page).toHaveURL(new RegExp(`/psychometrie/calibrations/${fx.runA}$`));
});

test('the live bank: information, standard error and Wright map of a competence under a parameter set', async ({ page }) => {
  await signIn(page, 'psychometre@exemple.fr');
  await page.goto('/psychometrie');
  await page.goto(`/psychometrie/banque?competence=${encodeURIComponent(fx.competence.code)}&jeu=${fx.parameterSet.version}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Banque en service' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Compétence' })).toHaveValue(fx.competence.code);
  await expect(page.getByRole('combobox', { name: 'Jeu de paramètres' })).toHaveValue(String(fx.parameterSet.version));
  await expect(page.getByText('24 épreuves calibrées sur 24 en service dans cette compétence.')).toBeVisible();
  await expect(page.getByRole('img', { name: /Information de la banque/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /Erreur type de mesure/ })).toBeVisible();
  const wright = page.locator('#chart-wright');
  await expect(wright.getByRole('img', { name: /Carte de Wright/ })).toBeVisible();
  await expect(wright).toContainText('400 personnes');
  await expect(wright.getByRole('link')).toHaveCount(24);
  await expect(page.getByRole('table', { name: /Épreuves calibrées de la compétence/ }).locator('tbody tr')).toHaveCount(24);
  await expectAccessible(page);
  await shoot(page.locator('#chart-test-information'), 'bank-test-information');
  await shoot(page.locator('#chart-standard-error'), 'bank-standard-error');
  await shoot(wright, 'bank-wright-map');

  // Bank → item.
  await page
    .getByRole('table', { name: /Épreuves calibrées/ })
    .getByRole('link')
    .first()
    .click();
  await expect(page.getByRole('heading', { level: 1, name: /^Épreuve psy-/ })).toBeVisible();
});

test('two runs compared: summaries, b and a scatters with the line of equality, largest differences', async ({ page }) => {
  await signIn(page, 'psychometre@exemple.fr');
  await page.goto(`/psychometrie/calibrations/${fx.runB}`);
  await page.getByRole('link', { name: 'Comparer avec un autre calcul' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Comparer deux calculs' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Calcul A' }).selectOption(fx.runA);
  await page.getByRole('combobox', { name: 'Calcul B' }).selectOption(fx.runB);
  await page.getByRole('button', { name: 'Comparer' }).click();
  await expect(page).toHaveURL(new RegExp(`a=${fx.runA}&b=${fx.runB}`));
  await expect(page.getByTestId('comparison-summary')).toContainText('Positionnements400400');
  await expect(page.getByText('24 épreuves communes ; 0 seulement dans A, 0 seulement dans B.')).toBeVisible();
  const b = page.locator('#chart-compare-b');
  await expect(b.getByRole('img', { name: /Difficulté b : calcul A et calcul B/ })).toBeVisible();
  await expect(b.locator('svg[role="img"] line.chart-identity')).toHaveCount(1);
  await expect(page.locator('#chart-compare-a').getByRole('img', { name: /Discrimination a/ })).toBeVisible();
  await expect(page.getByTestId('compare-stats-b')).toContainText(/Corrélation 0,9\d\d/);
  const largest = page.getByTestId('largest-differences');
  await expect(largest.locator('tbody tr').first()).toContainText(fx.planted.driftReview);
  await expect(largest.locator('tbody tr').first()).toContainText('+0,75');
  await expectAccessible(page);
  await shoot(b, 'compare-b');
  await shoot(page.locator('#chart-compare-a'), 'compare-a');
});

test('a learner is refused every analysis page', async ({ page }) => {
  await signIn(page, 'eleve@exemple.fr');
  for (const url of [
    `/psychometrie/calibrations/${fx.runB}`,
    `/psychometrie/items/${fx.challenges[0]!.id}`,
    '/psychometrie/banque',
    `/psychometrie/comparaison?a=${fx.runA}&b=${fx.runB}`,
  ]) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(403);
    await expect(page.getByRole('heading', { level: 1, name: 'Accès refusé' })).toBeVisible();
  }
});
