/**
 * The psychometrician's calibration path on the seeded demo data: start a run from the list, watch its
 * progress to the end, approve it, and see the new parameter set version in force. The queue
 * dashboard is for administrators only.
 */
import { expect, test } from '@playwright/test';
import { expectAccessible, signIn } from './helpers';

test('a psychometrician starts a calibration, watches it progress, approves it and sees the new version in force', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, 'psychometre@exemple.fr');
  await page.goto('/psychometrie');
  await expect(page.getByRole('heading', { name: 'Psychométrie', level: 1 })).toBeVisible();
  // The demo data came with an approved first version.
  const inForce = page.getByRole('region', { name: 'Paramètres en vigueur' });
  await expect(inForce).toContainText(/Version (\d+)/);
  const before = Number((await inForce.getByText(/^Version \d+$/).textContent())?.replace(/\D/g, ''));
  await expectAccessible(page);

  await page.getByLabel('Toutes les épreuves recalibrées').check();
  await page.getByRole('button', { name: 'Lancer la calibration' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Calibration lancée' })).toBeVisible();
  await page.waitForURL(/lancee=/);
  const runId = new URL(page.url()).searchParams.get('lancee');
  expect(runId).toBeTruthy();
  const row = page.locator(`tr[data-run="${runId}"]`);
  // Progress shows while it runs (a bar and the EM cycle), then the run ends as done.
  await expect(row.getByRole('progressbar').or(row.getByText('Terminée'))).toBeVisible({ timeout: 30_000 });
  await expect(row.getByText('Terminée')).toBeVisible({ timeout: 120_000 });
  await expect(row).toContainText('réponses');
  await expect(row).toContainText(/oui \(\d+ cycles\)/);
  await expectAccessible(page);

  await row.getByRole('link', { name: 'Approuver ou rejeter' }).click();
  await expect(page.getByRole('heading', { name: /Approbation de la calibration/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Seuils de niveau (θ)' })).toBeVisible();
  await expectAccessible(page);
  // Flagged challenges are left out of the default selection: approve the rest.
  const selected = await page.getByRole('checkbox', { checked: true }).count();
  expect(selected).toBeGreaterThan(100);
  await page.getByRole('button', { name: /Approuver la sélection/ }).click();

  // The new version (other tests may have numbered sets meanwhile: it is the one we land on).
  await page.waitForURL(/\/psychometrie\/parametres\/\d+/);
  const version = Number(new URL(page.url()).pathname.split('/').pop());
  expect(version).toBeGreaterThan(before);
  await expect(page.getByRole('heading', { name: `Paramètres, version ${version} En vigueur` })).toBeVisible();
  await expect(page.getByRole('status')).toContainText(`Calibration approuvée : ${selected} épreuve(s)`);
  await expectAccessible(page);
  await page.goto('/psychometrie');
  await expect(page.getByRole('region', { name: 'Paramètres en vigueur' })).toContainText(`Version ${version}`);
  await expect(page.locator(`tr[data-run="${runId}"]`)).toContainText(`Approuvée (v${version})`);

  // The exports download.
  await page.goto('/psychometrie/parametres');
  await expect(page.getByRole('row', { name: new RegExp(`^Version ${version} `) })).toContainText('En vigueur');
  await expectAccessible(page);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: `CSV brut des paramètres de la version ${version}` }).click();
  expect((await download).suggestedFilename()).toBe(`parametres-v${version}.csv`);

  // The run's page says where its EM started: an earlier comparable run's estimates, or the usual values.
  await page.goto(`/psychometrie/calibrations/${runId}`);
  const start = page.locator('.psy-facts div').filter({ has: page.getByText('Départ de l’EM', { exact: true }) });
  await expect(start.locator('dd')).toHaveText(
    /^(estimations du calcul [0-9a-z]{8} \(\d+ épreuves\)|valeurs initiales usuelles \(aucun calcul précédent comparable\))$/,
  );
});

test('a running calibration can be cancelled and then cannot be approved; a finished one can be rejected with a reason', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, 'psychometre@exemple.fr');
  await page.goto('/psychometrie');
  await page.getByLabel('Toutes les épreuves recalibrées').check();
  await page.getByRole('button', { name: 'Lancer la calibration' }).click();
  await page.waitForURL(/lancee=/);
  const cancelledId = new URL(page.url()).searchParams.get('lancee');
  const cancelled = page.locator(`tr[data-run="${cancelledId}"]`);
  await cancelled.getByRole('button', { name: /^Annuler la calibration/ }).click();
  await expect(page.locator(`tr[data-run="${cancelledId}"]`).getByText('Annulée')).toBeVisible({ timeout: 60_000 });

  await page.goto(`/psychometrie/calibrations/${cancelledId}/approbation`);
  await expect(page.getByRole('alert').filter({ hasText: 'n’est pas terminée' })).toBeVisible();
  await expect(page.getByRole('button', { name: /Approuver la sélection/ })).toBeDisabled();
  await expectAccessible(page);

  // Keeping the calibrated challenges fixed on a competence where all of them are calibrated leaves
  // nothing to estimate: the run is refused, with the reason, and not started.
  await page.goto('/psychometrie');
  const runsBefore = await page.locator('tr[data-run]').count();
  await page.getByLabel('Épreuves calibrées fixes, nouvelles épreuves estimées').check();
  await page.getByLabel('Périmètre').selectOption({ label: "1.1 Mener une recherche et une veille d'information" });
  await page.getByRole('button', { name: 'Lancer la calibration' }).click();
  await expect(page.getByRole('alert')).toContainText('La calibration n’a pas été lancée.');
  await expect(page.locator('tr[data-run]')).toHaveCount(runsBefore);

  // A run limited to one competence, rejected with a reason.
  await page.goto('/psychometrie');
  await page.getByLabel('Toutes les épreuves recalibrées').check();
  await page.getByLabel('Périmètre').selectOption({ label: "1.1 Mener une recherche et une veille d'information" });
  await page.getByRole('button', { name: 'Lancer la calibration' }).click();
  await page.waitForURL(/lancee=/);
  const runId = new URL(page.url()).searchParams.get('lancee');
  const row = page.locator(`tr[data-run="${runId}"]`);
  await expect(row.getByText('Terminée')).toBeVisible({ timeout: 120_000 });
  await row.getByRole('link', { name: 'Approuver ou rejeter' }).click();
  await page.getByLabel('Raison du rejet').fill('Périmètre trop étroit pour fixer les seuils.');
  await page.getByRole('button', { name: 'Rejeter' }).click();
  await expect(page.locator(`tr[data-run="${runId}"]`)).toContainText('Rejetée');
});

test('the queue dashboard is for administrators; a psychometrician gets 403', async ({ page, browser }) => {
  await signIn(page, 'admin@exemple.fr');
  await page.goto('/admin');
  await page.getByRole('link', { name: 'Files de travail en arrière-plan' }).click();
  await expect(page).toHaveURL(/\/admin\/files/);
  await expect(page.getByText('calibration', { exact: true }).first()).toBeVisible({ timeout: 20_000 });

  const other = await browser.newPage();
  await signIn(other, 'psychometre@exemple.fr');
  const refused = await other.goto('/admin/files');
  expect(refused?.status()).toBe(403);
  await other.close();

  const anonymous = await browser.newPage();
  await anonymous.goto('/admin/files');
  await expect(anonymous).toHaveURL(/\/connexion\?redirectTo=%2Fadmin%2Ffiles/);
  await anonymous.close();
});
