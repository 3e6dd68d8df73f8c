import { expect, test } from '@playwright/test';
import { PASSWORD, signIn, dayFromToday } from './helpers';

test.describe.configure({ timeout: 120_000 });

test('after sign-in, redirectTo never leads off the site; a cross-origin POST is a 403', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  // Through the page, as a person would.
  await page.goto(`/connexion?redirectTo=${encodeURIComponent('/\\evil.example/x')}`);
  await page.getByLabel('Adresse e-mail').fill('eleve@exemple.fr');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((url) => url.pathname !== '/connexion');
  expect(new URL(page.url()).origin).toBe(origin);
  await page.context().clearCookies();
  for (const target of ['/\\evil.example/x', '/\t/evil.example/x', '//evil.example/x', '/%5Cevil.example', 'https://evil.example/']) {
    const response = await page.request.post('/connexion', {
      form: { email: 'eleve@exemple.fr', password: PASSWORD, redirectTo: target },
      maxRedirects: 0,
    });
    expect(response.status(), target).toBe(302);
    const location = response.headers()['location']!;
    expect(new URL(location, origin).origin, `${target} → ${location}`).toBe(origin);
  }
  // A same-site path is followed.
  const kept = await page.request.post('/connexion', { form: { email: 'eleve@exemple.fr', password: PASSWORD, redirectTo: '/profil?x=1' }, maxRedirects: 0 });
  expect(kept.headers()['location']).toBe('/profil?x=1');

  for (const foreign of ['https://evil.example', 'null']) {
    const refused = await page.request.post('/connexion', {
      headers: { Origin: foreign },
      form: { email: 'eleve@exemple.fr', password: 'x' },
      maxRedirects: 0,
    });
    expect(refused.status(), foreign).toBe(403);
  }
});

test('the centre sees an invigilator-area lock and lifts it; the invigilator then signs in', async ({ browser }) => {
  const centreContext = await browser.newContext();
  const centre = await centreContext.newPage();
  await signIn(centre, 'certif@exemple.fr');
  await centre.goto('/certif');
  await centre.getByRole('link', { name: 'Créer une session' }).first().click();
  await centre.getByLabel('Date', { exact: true }).fill(dayFromToday(10).iso);
  await centre.getByLabel('Heure de début').fill('10:00');
  await centre.getByLabel('Adresse').fill('2 rue des Tests, Paris');
  await centre.getByLabel('Salle', { exact: true }).fill('C3');
  await centre.getByLabel('Surveillant(s)').fill('M. Blocage');
  await centre.getByRole('button', { name: 'Créer la session' }).click();
  const code = (await centre.getByTestId('access-code').textContent())!.trim();
  const password = (await centre.getByTestId('invigilator-password').textContent())!.trim();
  await expect(centre.getByTestId('no-locks')).toBeVisible();

  const invigilatorContext = await browser.newContext();
  const invigilator = await invigilatorContext.newPage();
  const tryPassword = async (value: string) => {
    await invigilator.goto('/surveillance');
    await invigilator.getByLabel('Code de la session').fill(code);
    await invigilator.getByLabel('Mot de passe surveillant').fill(value);
    await invigilator.getByRole('button', { name: 'Accéder à la session' }).click();
  };
  for (let i = 0; i < 5; i++) {
    await tryPassword('FAUX-MOT');
    await expect(invigilator.getByRole('alert')).toContainText('incorrect');
  }
  await tryPassword(password);
  await expect(invigilator.getByRole('alert')).toContainText('Trop de tentatives');

  await centre.reload();
  const locks = centre.getByTestId('invigilator-locks');
  await expect(locks).toBeVisible();
  await expect(locks.getByRole('row')).toHaveCount(2);
  await expect(locks).toContainText('5');
  await locks.getByRole('button', { name: 'Lever le blocage' }).click();
  await expect(centre.getByRole('status')).toContainText('Blocage levé');
  await expect(centre.getByTestId('no-locks')).toBeVisible();

  await tryPassword(password);
  await invigilator.waitForURL('**/surveillance/session');
  await centreContext.close();
  await invigilatorContext.close();
});
