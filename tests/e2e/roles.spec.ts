import { expect, test } from '@playwright/test';
import { expectAccessible, signIn } from './helpers';

const accounts = [
  { email: 'admin@exemple.fr', space: '/admin', heading: 'Administration', allowed: ['/creation', '/psychometrie'], refused: ['/orga', '/certif', '/profil'] },
  { email: 'autrice@exemple.fr', space: '/creation', heading: 'Création', allowed: [], refused: ['/psychometrie', '/orga', '/certif', '/profil', '/admin'] },
  { email: 'relecteur@exemple.fr', space: '/creation', heading: 'Création', allowed: [], refused: ['/psychometrie', '/admin', '/profil'] },
  { email: 'psychometre@exemple.fr', space: '/psychometrie', heading: 'Psychométrie', allowed: [], refused: ['/creation', '/orga', '/admin'] },
  { email: 'enseignant@exemple.fr', space: '/orga', heading: 'Campagnes', allowed: [], refused: ['/creation', '/psychometrie', '/certif', '/admin'] },
  { email: 'certif@exemple.fr', space: '/certif', heading: 'Certif', allowed: [], refused: ['/creation', '/orga', '/profil', '/admin'] },
  { email: 'eleve@exemple.fr', space: '/profil', heading: 'Mon profil', allowed: [], refused: ['/creation', '/psychometrie', '/orga', '/certif', '/admin'] },
];

for (const account of accounts) {
  test(`${account.email} lands in ${account.space} and may open only what the role allows`, async ({ page }) => {
    await signIn(page, account.email);
    await expect(page).toHaveURL(new RegExp(`${account.space}$`));
    await expect(page.getByRole('heading', { level: 1, name: account.heading })).toBeVisible();
    await expectAccessible(page);
    for (const path of account.allowed) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
    }
    for (const path of account.refused) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(403);
      await expect(page.getByRole('heading', { level: 1, name: 'Accès refusé' })).toBeVisible();
    }
    // Every signed-in user may read the framework.
    expect((await page.goto('/referentiel'))?.status()).toBe(200);
  });
}

test('a learner is refused the authoring space', async ({ page }) => {
  await signIn(page, 'eleve@exemple.fr');
  await expect(page).toHaveURL(/\/profil$/);
  const response = await page.goto('/creation');
  expect(response?.status()).toBe(403);
  await expect(page.getByText('Votre compte ne donne pas accès à cet espace.')).toBeVisible();
  // The navigation does not even offer it.
  await expect(page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Création' })).toHaveCount(0);
});

test('a visitor is sent to sign in, and comes back where they wanted to go', async ({ page }) => {
  await page.goto('/referentiel/4.1');
  await expect(page).toHaveURL(/\/connexion\?redirectTo=%2Freferentiel%2F4\.1$/);
  await page.getByLabel('Adresse e-mail').fill('eleve@exemple.fr');
  await page.getByLabel('Mot de passe').fill('Demo-Pix-2026');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/referentiel\/4\.1$/);
});

test('a wrong password gets one clear message that does not say which field was wrong', async ({ page }) => {
  await signIn(page, 'relecteur@exemple.fr', 'pas-le-bon');
  await expect(page.getByRole('alert')).toHaveText('L’adresse e-mail ou le mot de passe est incorrect.');
  await signIn(page, 'personne@exemple.fr', 'pas-le-bon');
  await expect(page.getByRole('alert')).toHaveText('L’adresse e-mail ou le mot de passe est incorrect.');
  await expect(page).toHaveURL(/\/connexion/);
  await expectAccessible(page);
});

test('signing out ends the session', async ({ page }) => {
  await signIn(page, 'autrice@exemple.fr');
  await expect(page).toHaveURL(/\/creation$/);
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page).toHaveURL(/\/connexion$/);
  await page.goto('/creation');
  await expect(page).toHaveURL(/\/connexion/);
});
