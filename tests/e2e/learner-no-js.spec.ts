/**
 * A learner whose browser runs no JavaScript (progressive enhancement, issue 20's `--mode html` of
 * bench/learner-load.ts): signs up, starts a competence test from the profile (the start's form post
 * answers with the test page and its first question, no redirect), answers two questions (each form post
 * answers with the next question's page), and finds the two answers counted on the profile. axe needs JavaScript
 * in the page: the same test page is checked in a second context that has it.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, sendSimpleAnswer } from './helpers';

test.describe.configure({ timeout: 180_000 });

/**
 * Answers (or skips) question `n` and waits for the page the form post answers with: question n + 1, or
 * the results (the engine may place a learner early). Without JavaScript the click loads a new document.
 */
async function answer(page: Page, n: number, how: 'answer' | 'skip'): Promise<'next' | 'results'> {
  const id = await sendSimpleAnswer(page, how);
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText(new RegExp(`^(Question ${n + 1}|Résultats)`));
  if (/^Résultats/.test((await heading.textContent()) ?? '')) return 'results';
  expect(await page.getByTestId('challenge').getAttribute('data-challenge-id')).not.toBe(id);
  return 'next';
}

test('without JavaScript a learner starts a competence test and answers two questions', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const email = `sans-js-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}@exemple.fr`;
  await page.goto('/inscription');
  await page.getByLabel('Prénom').fill('Noé');
  await page.getByLabel('Nom', { exact: true }).fill('Sansscript');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill('Apprenant-2026');
  await page.getByLabel(/J’accepte les conditions d’utilisation/).check();
  await page.getByRole('button', { name: 'Je m’inscris' }).click();
  await expect(page).toHaveURL(/\/profil$/);

  // The engine may place a learner in two answers (then the results page): the next competence then.
  let code = '';
  for (const candidate of ['1.3', '4.1', '2.3', '3.2', '5.2']) {
    await page.goto('/profil');
    await page.getByRole('button', { name: `Commencer : compétence ${candidate}` }).click();
    // The start's form post answers with the first question, at the test's address.
    await expect(page).toHaveURL(new RegExp(`/competences/${candidate.replace('.', '\\.')}/evaluation$`));
    await expect(page.getByRole('heading', { level: 1, name: 'Question 1' })).toBeVisible();
    // Each answer's form post answers with the next question's page, at the same address.
    if ((await answer(page, 1, 'answer')) === 'results') continue;
    await expect(page).toHaveURL(/\/evaluation$/);
    if ((await answer(page, 2, 'skip')) === 'results') continue;
    code = candidate;
    break;
  }
  expect(code).not.toBe('');

  // Both answers are kept: the profile counts them, and the test resumes on the third question.
  await page.goto('/profil');
  await expect(page.locator(`[data-code="${code}"]`)).toContainText('2 questions répondues');
  await page.goto(`/competences/${code}/evaluation`);
  await expect(page.getByRole('heading', { level: 1, name: 'Question 3' })).toBeVisible();

  // axe runs in the page, which needs JavaScript: the same learner's test page, served alike, in a context with it.
  const scripted = await browser.newContext({ storageState: await context.storageState() });
  const checked = await scripted.newPage();
  await checked.goto(`/competences/${code}/evaluation`);
  await expect(checked.getByRole('heading', { level: 1, name: 'Question 3' })).toBeVisible();
  await expectAccessible(checked);
  await scripted.close();
  await context.close();
});
