/**
 * Issue 17 in Chromium: the exports download as zips, and the content pack imports back without changing
 * anything. This file runs alone, after every other browser test (playwright.config.ts, project
 * « seul »): a round trip through the whole bank must not race with another test validating a challenge
 * between the export and the import, which the import would then rightly count as an update.
 */
import { expect, test } from '@playwright/test';
import { expectAccessible, expectNoCspViolation, signedInPage as signedIn } from './helpers';

test.describe.configure({ timeout: 120_000 });

test.afterEach(() => expectNoCspViolation());

test('the exports download as zips (content pack with its files, QTI 3.0 package); the pack imports back without changing anything', async ({ browser }) => {
  const author = await signedIn(browser, 'autrice@exemple.fr');
  await author.goto('/creation/echanges');
  const qti = await author.request.get('/creation/echanges/qti.zip');
  expect(qti.status()).toBe(200);
  expect(qti.headers()['content-type']).toBe('application/zip');
  const qtiBytes = await qti.body();
  expect(qtiBytes.subarray(0, 2).toString('latin1')).toBe('PK');
  expect(qtiBytes.includes(Buffer.from('imsmanifest.xml'))).toBe(true);
  const pack = await author.request.get('/creation/echanges/paquet.zip');
  expect(pack.status()).toBe(200);
  const packBytes = await pack.body();
  expect(packBytes.includes(Buffer.from('contenu.json'))).toBe(true);

  await author.getByLabel(/^Fichier/).setInputFiles({ name: 'contenu.zip', mimeType: 'application/zip', buffer: packBytes });
  await author.getByRole('button', { name: 'Importer' }).click();
  const report = author.getByTestId('import-done');
  await expect(report).toContainText('0 créées, 0 mises à jour');
  await expectAccessible(author);
});
