/**
 * The psychometrician's pages in English: the home page with its runs, the parameter sets and a version,
 * the run that made the seeded first version, its approval page, one of its challenges and the live bank.
 * Headings, labels, table headers, buttons and the page title are in English, numbers are written the
 * English way, and the pages stay accessible.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, signedInPage } from './helpers';

/** Words only a French page would show in its headings, labels and table headers (whole words, accents included). */
const FRENCH_WORDS = [
  'épreuves?',
  'réponses?',
  'calcul',
  'paramètres',
  'vigueur',
  'seuils?',
  'niveaux?',
  'aucune?',
  'approuvée?',
  'rejeter',
  'lancer',
  'données',
  'acquis',
  'sujet',
  'compétence',
  'banque',
  'les',
  'des',
  'du',
  'une',
  'et',
  'par',
  'pour',
  'avec',
  'sur',
  'dans',
];
const FRENCH = new RegExp(`(?<!\\p{L})(${FRENCH_WORDS.join('|')})(?!\\p{L})`, 'iu');

/** The interface's own texts on the page: headings, labels, legends, captions, table headers, buttons, terms. */
async function interfaceTexts(page: Page): Promise<string[]> {
  const texts = await page
    .locator('main')
    .locator('h1, h2, h3, label, legend, caption, th[scope=col], button, dt, summary, [role=status], [role=alert]')
    .allTextContents();
  const labels = await page.locator('main [aria-label]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-label') ?? ''));
  return [...texts, ...labels, await page.title()].map((t) => t.trim()).filter(Boolean);
}

async function expectNoFrench(page: Page) {
  const leftovers = (await interfaceTexts(page)).filter((text) => FRENCH.test(text));
  expect(leftovers).toEqual([]);
}

test('a psychometrician reads the calibration pages in English', async ({ browser }) => {
  test.setTimeout(240_000);
  const page = await signedInPage(browser, 'psychometre@exemple.fr');
  await page.goto('/psychometrie');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  // Home: the bank, the set in force, starting a run, the automatic runs, the list of runs.
  await expect(page.getByRole('heading', { level: 1, name: 'Psychometrics' })).toBeVisible();
  await expect(page).toHaveTitle('Psychometrics – Pix Workbench');
  await expect(page.getByRole('region', { name: 'Parameters in force' })).toContainText(/Version \d+: [\d,]+ calibrated challenges, approved on/);
  await expect(page.getByRole('region', { name: 'Live bank' })).toContainText(/[\d,]+ live challenges, [\d,]+ of them calibrated/);
  await expect(page.getByRole('heading', { level: 2, name: 'Start a calibration run' })).toBeVisible();
  await expect(page.getByLabel('Every challenge recalibrated')).toBeVisible();
  await expect(page.getByLabel('Scope')).toContainText('The whole live bank');
  await expect(page.getByRole('button', { name: 'Start the calibration run' })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Status and progress' })).toBeVisible();
  // A run another spec has just started may be first and still queued: read the newest finished one.
  await expect(
    page
      .locator('tr[data-run]')
      .filter({ hasText: /answers, [\d,]+ positionings/ })
      .first(),
  ).toBeVisible();
  await expectNoFrench(page);
  await expectAccessible(page);

  // A refusal of the action is said in English too (the browser's own check of the field is set aside).
  await page.getByLabel('Threshold of new answers').fill('5');
  await page.getByLabel('Threshold of new answers').evaluate((input) => ((input as HTMLInputElement).form!.noValidate = true));
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toHaveText('The threshold must be a whole number between 100 and 100,000,000.');

  // The parameter sets, then the seeded first version.
  await page.getByRole('link', { name: 'Parameter sets and exports' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Parameter sets' })).toBeVisible();
  await expect(page).toHaveTitle('Parameter sets – Psychometrics');
  await expect(page.getByRole('columnheader', { name: 'Source run' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'CSV of the raw parameters of version 1' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Exports' })).toBeVisible();
  await expectNoFrench(page);
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Version 1', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Parameters, version 1/ })).toBeVisible();
  await expect(page).toHaveTitle('Parameters version 1 – Psychometrics');
  await expect(page.getByRole('heading', { level: 2, name: 'Level cut scores on θ' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Parameters of the challenges' })).toBeVisible();
  // Cut scores with a decimal point, never a comma.
  await expect(page.locator('table.calib-cuts td').first()).toHaveText(/^-?\d+\.\d{2}$|^—$/);
  await expectNoFrench(page);
  await expectAccessible(page);
  const itemHref = await page.locator('table.calib-table a[href^="/psychometrie/items/"]').first().getAttribute('href');

  // The run that made it, and its approval page (already reviewed).
  await page.getByRole('link', { name: 'see the analysis' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Run of \d+ [A-Z][a-z]{2} \d{4}/ })).toBeVisible();
  await expect(page).toHaveTitle(/^Run of .* – Psychometrics$/);
  await expectNoFrench(page);
  await expectAccessible(page);
  const runPath = new URL(page.url()).pathname;

  await page.goto(`${runPath}/approbation`);
  await expect(page.getByRole('heading', { level: 1, name: /^Approval of the calibration run of / })).toBeVisible();
  await expect(page).toHaveTitle('Approval of a calibration run – Psychometrics');
  await expect(page.getByText('This calibration run has already been reviewed.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Level cut scores (θ)' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: /^Estimated challenges \(\d+\)$/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Approve the selection/ })).toBeDisabled();
  await expect(page.getByLabel('Reason for the rejection')).toBeVisible();
  await expectNoFrench(page);
  await expectAccessible(page);

  // The refusals of approving, rejecting and restoring come back in English (requests that change nothing:
  // an empty selection, an empty reason, a reason too short).
  const csrf = await page.locator('input[name=csrf]').first().inputValue();
  const refusal = async (path: string, form: Record<string, string>) => (await page.request.post(path, { form: { csrf, ...form } })).text();
  expect(await refusal(`${runPath}/approbation`, { intent: 'approve-selected' })).toMatch(
    /This calibration run has already been reviewed \(approved or rejected\)\.|No challenge selected: tick at least one challenge to approve\./,
  );
  expect(await refusal(`${runPath}/approbation`, { intent: 'reject', reason: '' })).toContain('Give the reason for the rejection.');
  expect(await refusal('/psychometrie/parametres/1', { intent: 'restore', reason: 'x', expectedActiveId: '' })).toContain(
    'Say why this version is put back in force (at least 3 characters).',
  );

  // One of the version's challenges, then the live bank of its competence.
  await page.goto(itemHref!);
  await expect(page.getByRole('heading', { level: 1, name: /^Challenge / })).toBeVisible();
  await expect(page).toHaveTitle(/^Challenge .* – Psychometrics$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Parameter sets' })).toBeVisible();
  await expect(page.locator('dl.psy-facts').first()).toContainText('validated');
  await expectNoFrench(page);
  await expectAccessible(page);

  await page.getByRole('link', { name: /^Bank of competence / }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Live bank' })).toBeVisible();
  await expect(page).toHaveTitle('Live bank – Psychometrics');
  await expect(page.getByRole('heading', { level: 2, name: 'Information and standard error' })).toBeVisible();
  await expect(page.getByRole('figure', { name: 'Bank information' })).toBeVisible();
  await expectNoFrench(page);
  await expectAccessible(page);

  // Pages that do not exist say so in English.
  await page.goto('/psychometrie/parametres/999999');
  await expect(page.getByText('This parameter set version does not exist.')).toBeVisible();
  await page.goto('/psychometrie/calibrations/00000000-0000-0000-0000-000000000000/approbation');
  await expect(page.getByText('This calibration run does not exist.')).toBeVisible();

  await page.context().close();
});
