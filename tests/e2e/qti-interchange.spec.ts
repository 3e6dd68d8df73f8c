/**
 * Issue 17 in Chromium: an author imports a QTI package made by another tool and sees the report (what
 * came in, what was refused and why, in French); nothing is published; a reviewer validates what came in.
 */
import { expect, test } from '@playwright/test';
import { expectAccessible, expectNoCspViolation, signedInPage as signedIn } from './helpers';
import { fixtureFiles, fixturePackage, zipFiles } from '../fixtures/qti';

test.describe.configure({ timeout: 120_000 });

test.afterEach(() => expectNoCspViolation());

test('an author imports a QTI package and sees the report; a reviewer validates what came in', async ({ browser }) => {
  const author = await signedIn(browser, 'autrice@exemple.fr');
  await author.goto('/creation/echanges');
  await expect(author.getByRole('heading', { level: 1, name: 'Échanges de contenu' })).toBeVisible();
  await expectAccessible(author);

  // A package without its manifest: refused whole, the file named.
  const broken = fixtureFiles('other-tool-qti3');
  broken.delete('imsmanifest.xml');
  await author.getByLabel(/^Fichier/).setInputFiles({ name: 'sans-manifeste.zip', mimeType: 'application/zip', buffer: Buffer.from(zipFiles(broken)) });
  await author.getByLabel('Acquis des épreuves QTI importées').selectOption({ index: 1 });
  await author.getByRole('button', { name: 'Importer' }).click();
  const rejected = author.getByTestId('import-rejected');
  await expect(rejected).toContainText('Rien n’a été importé');
  await expect(rejected).toContainText('sans-manifeste.zip › imsmanifest.xml : absent à la racine du paquet');

  // The package as another tool delivers it.
  await author
    .getByLabel(/^Fichier/)
    .setInputFiles({ name: 'outil-externe.zip', mimeType: 'application/zip', buffer: Buffer.from(fixturePackage('other-tool-qti3')) });
  const skill = author.getByLabel('Acquis des épreuves QTI importées');
  await skill.selectOption({ index: 1 });
  const skillName = (await skill.locator('option:checked').textContent())!.trim();
  await author.getByRole('button', { name: 'Importer' }).click();
  const report = author.getByTestId('import-done');
  await expect(report).toContainText('les épreuves sont des propositions à relire');
  await expect(report.getByRole('heading', { name: 'Importées (3)' })).toBeVisible();
  await expect(report.getByTestId('import-created').getByRole('listitem')).toHaveCount(3);
  await expect(report.getByTestId('import-created')).toContainText('Navigateur libre');
  await expect(report.getByRole('heading', { name: 'Refusées (1)' })).toBeVisible();
  await expect(report.getByTestId('import-refused')).toContainText(
    'match-pairs : interaction qti-match-interaction non prise en charge (choix et saisie de texte seulement)',
  );
  await expectAccessible(author);
  const key = `${skillName.replace(/^@/, '')}-qti-choice-browser`;
  await expect(report.getByRole('link', { name: key })).toBeVisible();

  // Nothing went live: the reviewer finds the three in the queue, in the author's name, and validates one.
  const reviewer = await signedIn(browser, 'relecteur@exemple.fr');
  await reviewer.goto('/creation/relecture');
  const row = reviewer.getByTestId('review-row').filter({ hasText: key });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Camille');
  await expect(reviewer.getByTestId('review-row').filter({ hasText: `${skillName.replace(/^@/, '')}-qti-` })).toHaveCount(3);
  await row.getByRole('link', { name: /Relire/ }).click();
  await expect(reviewer.getByRole('heading', { level: 1 })).toContainText(key);
  await expect(reviewer.getByText('Firefox').first()).toBeVisible();
  await expectAccessible(reviewer);
  const validate = reviewer.getByRole('form', { name: 'Valider (mettre en service)' });
  await validate.getByLabel('Message expliquant le changement (obligatoire)').fill('Relue après import QTI.');
  await validate.getByRole('button', { name: 'Valider l’épreuve' }).click();
  // When the skill has a live prototype, validating this new prototype retires it: confirmed explicitly.
  const validated = reviewer.getByText('Épreuve validée : elle est en service.');
  const confirm = validate.getByLabel('Je confirme : ces épreuves deviennent périmées');
  await expect(validated.or(confirm)).toBeVisible();
  if (await confirm.isVisible()) {
    await validate.getByLabel('Message expliquant le changement (obligatoire)').fill('Relue après import QTI.');
    await confirm.check();
    await validate.getByRole('button', { name: 'Valider l’épreuve' }).click();
  }
  await expect(validated).toBeVisible();
});
