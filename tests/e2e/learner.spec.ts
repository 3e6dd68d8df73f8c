import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, sendSimpleAnswer, waitForNextQuestion } from './helpers';

// A whole competence test in the browser: more time than the default on a loaded machine.
test.describe.configure({ timeout: 180_000 });

const PASSWORD = 'Apprenant-2026';

function uniqueEmail(): string {
  return `apprenant-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}@exemple.fr`;
}

async function signUp(page: Page, email = uniqueEmail()) {
  await page.goto('/connexion');
  await page.getByRole('link', { name: 'Inscrivez-vous' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Inscription' })).toBeVisible();
  await page.getByLabel('Prénom').fill('Inès');
  await page.getByLabel('Nom', { exact: true }).fill('Apprenante');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByLabel(/J’accepte les conditions d’utilisation/).check();
  await page.getByRole('button', { name: 'Je m’inscris' }).click();
  await expect(page).toHaveURL(/\/profil$/);
  return email;
}

/** Answers the question on the page (first choice, or "réponse" in each field; or skips) and waits for what comes next. */
async function answer(page: Page, how: 'answer' | 'skip' = 'answer'): Promise<void> {
  const id = await sendSimpleAnswer(page, how);
  // Either the next question or the results page.
  await waitForNextQuestion(page, id, () => page.url().includes('/resultats'));
}

async function questionNumber(page: Page): Promise<number> {
  const text = await page.getByRole('heading', { level: 1 }).textContent();
  return Number(/Question (\d+)/.exec(text ?? '')?.[1]);
}

test('sign-up refuses what is wrong field by field, in French, and a taken address', async ({ page }) => {
  await page.goto('/inscription');
  await page.getByLabel('Mot de passe').fill('court');
  await page.getByRole('button', { name: 'Je m’inscris' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Indiquez votre prénom.');
  await expect(summary).toContainText('Indiquez votre nom.');
  await expect(summary).toContainText('Indiquez une adresse e-mail valide');
  await expect(summary).toContainText('Le mot de passe doit contenir au moins 8 caractères.');
  await expect(summary).toContainText('Vous devez accepter les conditions d’utilisation');
  await expect(page.getByLabel('Prénom')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);

  await page.getByLabel('Prénom').fill('Léa');
  await page.getByLabel('Nom', { exact: true }).fill('Doublon');
  await page.getByLabel('Adresse e-mail').fill('eleve@exemple.fr');
  await page.getByLabel('Mot de passe').fill('sansmajuscule1');
  await page.getByLabel(/J’accepte/).check();
  await page.getByRole('button', { name: 'Je m’inscris' }).click();
  await expect(page.getByRole('alert')).toContainText('Le mot de passe doit contenir au moins une lettre majuscule.');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Je m’inscris' }).click();
  await expect(page.getByRole('alert')).toContainText('Un compte existe déjà avec cette adresse e-mail.');
  // What was typed is kept (but never the password).
  await expect(page.getByLabel('Prénom')).toHaveValue('Léa');
  await expect(page.getByLabel('Mot de passe')).toHaveValue('');
});

test('a new learner signs up, takes a competence to the end, reads the answers and saves a tutorial; leaves a second one midway and resumes it', async ({
  page,
}) => {
  await signUp(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Mon profil' })).toBeVisible();
  await expect(page.getByTestId('profile-competence')).toHaveCount(16);
  await expect(page.getByTestId('total-pix')).toHaveText('0 pix');
  await expect(page.getByTestId('certifiability')).toContainText('encore 5 à obtenir');
  await expectAccessible(page);

  // Competence 1.1 to the end.
  // The last answer brings the results: the results page opens without asking the server for its data.
  const resultsRequests: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.endsWith('/resultats.data')) resultsRequests.push(request.url());
  });
  await page.getByRole('button', { name: 'Commencer : compétence 1.1' }).click();
  await expect(page).toHaveURL(/\/competences\/1\.1\/evaluation$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Question 1' })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Avancement du test' })).toBeVisible();
  await expectAccessible(page);
  // With the keyboard: choose with Space (or type), Tab to « Je valide », Enter.
  const first = page.getByTestId('challenge').locator('input:not([type=hidden]), textarea').first();
  await first.focus();
  if ((await first.getAttribute('type')) === 'text' || (await first.evaluate((e) => e.tagName)) === 'TEXTAREA') await page.keyboard.type('réponse');
  else await page.keyboard.press('Space');
  const submit = page.getByRole('button', { name: 'Je valide' });
  for (let i = 0; i < 12 && !(await submit.evaluate((b) => b === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(submit).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Question 2' })).toBeVisible();
  let answered = 1;
  while (!page.url().includes('/resultats')) {
    await answer(page, answered === 2 ? 'skip' : 'answer');
    answered++;
    expect(answered).toBeLessThanOrEqual(20);
  }
  await expect(page.getByRole('heading', { level: 1, name: /Résultats : 1\.1/ })).toBeVisible();
  await expect(page).toHaveURL(/\/competences\/1\.1\/resultats$/);
  await expect(page.getByTestId('result-level')).toHaveText(/^Niveau \d · \d+ pix$/);
  expect(resultsRequests).toEqual([]);
  await expect(page.getByRole('heading', { level: 2, name: 'Réponses et tutoriels' })).toBeVisible();
  await expect(page.getByTestId('result-item')).toHaveCount(answered);
  if (answered >= 3) await expect(page.getByTestId('result-item').nth(2)).toContainText('Vous avez passé cette question.');
  await expect(page.getByTestId('right-answer').first()).not.toBeEmpty();
  await expect(page.getByText('Explication').first()).toBeVisible();
  await expectAccessible(page);

  // Save a tutorial, and find it on the profile.
  const tutorial = page.getByTestId('result-item').locator('[data-testid=tutorial]').first();
  const tutorialTitle = (await tutorial.getByRole('link').textContent())!.replace('(s’ouvre dans un nouvel onglet)', '').trim();
  await tutorial.getByRole('button', { name: /^Enregistrer/ }).click();
  await expect(tutorial.getByRole('button', { name: /^Retirer de mes tutoriels/ })).toBeVisible();
  await tutorial.getByRole('button', { name: 'Oui' }).click();
  await expect(tutorial.getByText('Merci pour votre avis.')).toBeVisible();
  await page.getByRole('link', { name: 'Retour à mon profil' }).click();
  await expect(page.getByTestId('saved-tutorials')).toContainText(tutorialTitle);
  const card11 = page.locator('[data-code="1.1"]');
  await expect(card11).toContainText(/Améliorer : possible à partir du/);
  await expect(card11.getByRole('link', { name: /Réponses et tutoriels/ })).toBeVisible();

  // A second competence: two answers, then leave on the third question. The engine may place a learner
  // in two answers (it stops as soon as the level is certain enough): then the next competence.
  let code = '';
  for (const candidate of ['1.3', '4.1', '2.3', '3.2', '5.2']) {
    await page.goto('/profil');
    await page.getByRole('button', { name: `Commencer : compétence ${candidate}` }).click();
    await answer(page);
    if (!page.url().includes('/resultats')) await answer(page);
    if (!page.url().includes('/resultats')) {
      code = candidate;
      break;
    }
  }
  expect(code).not.toBe('');
  const number = await questionNumber(page);
  expect(number).toBe(3);
  const challenge = page.getByTestId('challenge');
  const id = await challenge.getAttribute('data-challenge-id');
  const labels = await challenge.locator('label').allTextContents();
  await page.getByRole('link', { name: 'Quitter et reprendre plus tard' }).click();
  await expect(page).toHaveURL(/\/profil$/);
  const card = page.locator(`[data-code="${code}"]`);
  await expect(card).toContainText('2 questions répondues');
  await card.getByRole('link', { name: /Reprendre/ }).click();
  // The same question, in the same order.
  await expect(page.getByRole('heading', { level: 1, name: 'Question 3' })).toBeVisible();
  await expect(page.getByTestId('challenge')).toHaveAttribute('data-challenge-id', id!);
  expect(await page.getByTestId('challenge').locator('label').allTextContents()).toEqual(labels);
  // A reload too.
  await page.reload();
  await expect(page.getByTestId('challenge')).toHaveAttribute('data-challenge-id', id!);
});

test('the challenge and results pages fit a phone screen', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await signUp(page);
  await page.getByRole('button', { name: 'Commencer : compétence 3.1' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Question 1' })).toBeVisible();
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  // Which elements stick out past the screen's right edge, named so that a failure says where to look.
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
      .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
      .slice(0, 8),
  );
  expect(wide).toEqual([]);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await expectAccessible(page);
  for (let n = 0; n < 20 && !page.url().includes('/resultats'); n++) await answer(page, 'skip');
  await expect(page.getByRole('heading', { level: 2, name: 'Réponses et tutoriels' })).toBeVisible();
  expect(await overflow()).toBeLessThanOrEqual(0);
});
