/**
 * Issue 17, images in choices: an author imports a hand-written QTI 3.0 package whose choices are images
 * (tests/fixtures/qti/image-choices-qti3); the challenge page's learner preview (the learner's own view,
 * ChallengeView) shows each choice with its image, loaded from the workbench, and its alternative text.
 */
import { expect, test } from '@playwright/test';
import { expectAccessible, expectNoCspViolation, signIn, watchCsp } from './helpers';
import { fixturePackage } from '../fixtures/qti';

test.describe.configure({ timeout: 120_000 });

test.beforeEach(({ page }) => watchCsp(page));
test.afterEach(() => expectNoCspViolation());

test('choices that are images keep their image and alt text through a QTI import', async ({ page }) => {
  await signIn(page, 'autrice@exemple.fr');
  await page.goto('/creation/echanges');
  await page
    .getByLabel(/^Fichier/)
    .setInputFiles({ name: 'choix-images.zip', mimeType: 'application/zip', buffer: Buffer.from(fixturePackage('image-choices-qti3')) });
  // Another skill than qti-interchange.spec.ts's (which counts the challenges imported on its skill).
  await page.getByLabel('Acquis des épreuves QTI importées').selectOption({ index: 2 });
  await page.getByRole('button', { name: 'Importer' }).click();
  const report = page.getByTestId('import-done');
  await expect(report.getByRole('heading', { name: 'Importées (1)' })).toBeVisible();
  await report.getByTestId('import-created').getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('lock-choice');
  const id = new URL(page.url()).pathname.split('/')[3];

  await page.goto(`/creation/epreuves/${id}/statut`);
  const choices = page.locator('.challenge-choices');
  const closed = choices.getByRole('img', { name: 'Cadenas fermé' });
  await expect(closed).toBeVisible();
  await expect(closed).toHaveAttribute('src', /^\/pieces-jointes\/[0-9a-f-]{36}$/);
  // The file came from the package: it loads (a decoded 8×8 PNG).
  await expect.poll(() => closed.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(8);
  // The radio button is named by the image's alternative text (with the text next to it).
  await expect(choices.getByRole('radio', { name: 'Cadenas fermé' })).toBeVisible();
  await expect(choices.getByRole('radio', { name: /Cadenas ouvert barré.*souvent en rouge/ })).toBeVisible();
  await expect(choices.getByRole('radio', { name: 'Aucune icône' })).toBeVisible();
  await expectAccessible(page);
});
