import { expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const PASSWORD = 'Demo-Pix-2026';

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  // Signed in (we leave the sign-in page) or refused (an alert says why).
  await Promise.race([page.waitForURL((url) => url.pathname !== '/connexion'), page.getByRole('alert').waitFor()]);
}

/** No WCAG 2 A/AA violation that axe can find on the current page. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary).toEqual([]);
}

/**
 * In a certification test: answers (first choice, « réponse » in text fields) or skips the current
 * question and waits for the next one or the end. Returns false once the test is over.
 */
export async function answerCertificationQuestion(page: Page, how: 'answer' | 'skip'): Promise<boolean> {
  const id = await sendSimpleAnswer(page, how);
  await waitForNextQuestion(page, id, async () => (await page.getByRole('heading', { name: 'Test terminé' }).count()) > 0);
  return (await page.getByRole('heading', { name: 'Test terminé' }).count()) === 0;
}

/**
 * Answers the question on screen simply (its first choice, « réponse » in each text field) or skips it
 * (« Je passe »); returns the id of the question answered.
 */
export async function sendSimpleAnswer(page: Page, how: 'answer' | 'skip'): Promise<string | null> {
  const challenge = page.getByTestId('challenge');
  const id = await challenge.getAttribute('data-challenge-id');
  if (how === 'skip') {
    await page.getByRole('button', { name: 'Je passe' }).click();
  } else {
    const radios = challenge.getByRole('radio');
    const boxes = challenge.getByRole('checkbox');
    if ((await radios.count()) > 0) await radios.first().check();
    if ((await boxes.count()) > 0) await boxes.first().check();
    const fields = challenge.locator('input[type=text], textarea');
    for (let i = 0; i < (await fields.count()); i++) await fields.nth(i).fill('réponse');
    await page.getByRole('button', { name: 'Je valide' }).click();
  }
  return id;
}

/**
 * Waits until the question on screen is no longer `previous`: another question, or the end of the test
 * (`ended`). The question is looked for with a short timeout only: the end may be checked just before the
 * page leaves the test and the question looked for just after, when it will never come.
 */
export async function waitForNextQuestion(page: Page, previous: string | null, ended: () => boolean | Promise<boolean>, timeout = 20_000): Promise<void> {
  await expect
    .poll(
      async () =>
        (await ended())
          ? 'ended'
          : await page
              .getByTestId('challenge')
              .getAttribute('data-challenge-id', { timeout: 1000 })
              .catch(() => null),
      { timeout },
    )
    .not.toBe(previous);
}

/** The number (from 1) of the certification question on screen. */
export async function certificationQuestionNumber(page: Page): Promise<number> {
  return Number(await page.getByTestId('challenge').getAttribute('data-position')) + 1;
}

/** Content-Security-Policy violations reported by the pages watched with watchCsp (console messages). */
const cspViolations: string[] = [];

/** Records every CSP violation the page reports in its console (Chromium writes one error per refusal). */
export function watchCsp(page: Page): void {
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Content-Security-Policy/i.test(text)) cspViolations.push(`${page.url()} : ${text}`);
  });
}

/** No CSP violation since the last call (the list is emptied). */
export function expectNoCspViolation(): void {
  const seen = cspViolations.splice(0);
  expect(seen, 'violations de la Content-Security-Policy').toEqual([]);
}

/** A day this many days from today (Paris), as typed in a date field and as the pages write it. */
export function dayFromToday(days: number): { iso: string; short: string; long: string } {
  const when = new Date(Date.now() + days * 86_400_000);
  const iso = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(when);
  const [year, month, day] = iso.split('-');
  const long = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: 'numeric', month: 'long', year: 'numeric' }).format(when);
  return { iso, short: `${day}/${month}/${year}`, long };
}

/** A page in a context of its own, its CSP watched, signed in as `email` (several people in one test). */
export async function signedInPage(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  watchCsp(page);
  await signIn(page, email);
  return page;
}

/** The challenge editor's instruction field, usable once tiptap has mounted (after hydration). */
export async function instructionEditor(page: Page) {
  const editor = page.getByRole('textbox', { name: 'Consigne', exact: true });
  await expect(editor).toBeVisible();
  return editor;
}
