import { expect, test } from '@playwright/test';
import { expectAccessible, signIn } from './helpers';

test('the framework browser shows 16 competences in 5 areas, then tubes and skills by level', async ({ page }) => {
  await signIn(page, 'eleve@exemple.fr');
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Référentiel' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Référentiel CRCN' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2 })).toHaveCount(5);
  await expect(page.getByTestId('competence-card')).toHaveCount(16);
  await expectAccessible(page);

  await page.getByRole('link', { name: /4\.1 Sécuriser l'environnement numérique/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: /4\.1/ })).toBeVisible();
  const rows = page.getByTestId('tube-row');
  expect(await rows.count()).toBeGreaterThanOrEqual(2);
  // Each tube shows its skills (@tube + level) in the level columns.
  await expect(rows.first().locator('td code').first()).toHaveText(/^@[a-z0-9]+[1-8]$/);
  await expectAccessible(page);
});

test('the interface is available in English', async ({ page }) => {
  await signIn(page, 'eleve@exemple.fr');
  await page.goto('/referentiel');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'CRCN framework' })).toBeVisible();
  await expect(page.getByRole('link', { name: /4\.1 Secure the digital environment/ })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Référentiel CRCN' })).toBeVisible();
});
