import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectAccessible, instructionEditor, signedInPage } from './helpers';

// Long texts and two signed-in people: more time than the default under a loaded machine.
test.describe.configure({ timeout: 180_000 });

/** Active skills of competence 4.3 in the starter pack, last first. */
function activeSkills(): string[] {
  const pack = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'content', 'pack', '4.3.json'), 'utf8')) as {
    thematics: { tubes: { name: string; skills: { level: number; status: string }[] }[] }[];
  };
  return pack.thematics
    .flatMap((th) => th.tubes.flatMap((tube) => tube.skills.filter((s) => s.status === 'actif').map((s) => `${tube.name}${s.level}`)))
    .reverse();
}

async function createQroc(page: Page, skill: string, instruction: string, accepted: string) {
  await page.goto(`/creation/epreuves/nouvelle?skill=${encodeURIComponent(skill)}`);
  const editor = await instructionEditor(page);
  await page.getByLabel('Type d’épreuve').selectOption('QROC');
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Backspace');
  await editor.pressSequentially(instruction);
  await page.getByLabel('Réponses acceptées (une par ligne)').fill(accepted);
  await page.getByRole('button', { name: /^Créer l’épreuve/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Épreuve créée (version 1).' })).toBeVisible();
  return new URL(page.url()).pathname;
}

const textLength = (page: Page) => page.getByRole('textbox', { name: 'Consigne', exact: true }).evaluate((el) => (el.textContent ?? '').length);

test('an author types 60,000 characters: the limit is stated, the draft survives a reload, and the save is refused clearly with nothing lost', async ({
  browser,
}) => {
  const author = await signedInPage(browser, 'autrice@exemple.fr');
  const url = await createQroc(author, activeSkills()[0]!, 'Lisez ce texte.', 'oui');
  const editor = await instructionEditor(author);
  // The limit is stated before anything long is typed.
  await expect(author.getByTestId('instruction-count')).toHaveText('Jusqu’à 50 000 caractères.');
  await expect(author.getByTestId('instruction-count')).toHaveAttribute('aria-live', 'polite');

  const sentence = 'Le texte long se garde entier. ';
  const long = sentence.repeat(Math.ceil(60_000 / sentence.length)).slice(0, 60_000);
  await editor.click();
  await author.keyboard.press('End');
  await author.keyboard.insertText(long);
  const total = 'Lisez ce texte.'.length + 60_000;
  expect(await textLength(author)).toBe(total);
  const count = author.getByTestId('instruction-count');
  await expect(count).toContainText('60 015 caractères sur 50 000 au plus : 10 015 de trop.');
  // The draft is kept on the server although the text is over the limit.
  await expect(author.getByText(/^Brouillon enregistré à/)).toBeVisible({ timeout: 20_000 });
  await expectAccessible(author);

  // A reload restores everything.
  await author.goto(url);
  await expect(author.getByText(/Votre brouillon non enregistré a été restauré/)).toBeVisible();
  await instructionEditor(author);
  expect(await textLength(author)).toBe(total);

  // Saving is refused with the length, the limit and the reassurance; the text stays in the editor and the draft.
  await author.getByLabel('Message de version (ce qui change)').fill('Texte long');
  await author.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
  const summary = author.getByRole('alert').filter({ hasText: 'L’épreuve n’est pas enregistrée' });
  await expect(summary).toContainText('Consigne : 60 015 caractères, la limite est de 50 000 (10 015 de trop).');
  await expect(summary).toContainText('il reste dans l’éditeur et dans votre brouillon');
  await expect(summary).not.toContainText('illisible');
  expect(await textLength(author)).toBe(total);
  await author.goto(url);
  await instructionEditor(author);
  expect(await textLength(author)).toBe(total);

  // Shortened under the limit, it saves.
  await author.getByRole('textbox', { name: 'Consigne', exact: true }).click();
  await author.keyboard.press('Control+a');
  await author.keyboard.insertText(long.slice(0, 49_000));
  await expect(count).toContainText('49 000 caractères sur 50 000 au plus.');
  await author.getByLabel('Message de version (ce qui change)').fill('Texte long raccourci');
  await author.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
  await expect(author.getByText('Nouvelle version enregistrée : version 2.')).toBeVisible();
  expect(await textLength(author)).toBe(49_000);

  // The status page's checklist shows only the checks of a QROC: no QCU check, no embedded page's title.
  await author.getByRole('link', { name: 'Statut et relecture' }).click();
  const checklist = author.getByTestId('quality-checklist');
  await expect(checklist.locator('[data-check="acceptedAnswer"]')).toContainText('Réponses acceptées renseignées : conforme');
  await expect(checklist).not.toContainText('QCU');
  await expect(checklist.locator('[data-check="qcuOneCorrect"]')).toHaveCount(0);
  await expect(checklist.locator('[data-check="embedTitle"]')).toHaveCount(0);
});

test('two people change the same challenge: fields changed by one side are merged, only the field both changed is asked', async ({ browser }) => {
  const alice = await signedInPage(browser, 'autrice@exemple.fr');
  const url = await createQroc(alice, activeSkills()[1]!, 'Quelle extension a un tableur ?', 'xlsx');
  const remi = await signedInPage(browser, 'relecteur@exemple.fr');
  await remi.goto(url);
  const remiEditor = await instructionEditor(remi);
  await alice.goto(url);
  const aliceEditor = await instructionEditor(alice);

  // Alice changes the instruction and the explanation: version 2.
  await aliceEditor.click();
  await alice.keyboard.press('End');
  await aliceEditor.pressSequentially(' (format libre)');
  const solution = alice.getByRole('textbox', { name: 'Explication montrée après la réponse' });
  await solution.click();
  await solution.pressSequentially('Le format ouvert est ods.');
  await alice.getByLabel('Message de version (ce qui change)').fill('Consigne et explication');
  await alice.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
  await expect(alice.getByText('Nouvelle version enregistrée : version 2.')).toBeVisible();

  // Rémi, from version 1, changes the instruction too, and the accepted answers.
  await remiEditor.click();
  await remi.keyboard.press('End');
  await remiEditor.pressSequentially(' Une seule réponse.');
  await remi.getByLabel('Réponses acceptées (une par ligne)').fill('xlsx\nods');
  await remi.getByLabel('Message de version (ce qui change)').fill('ods accepté');
  await remi.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
  const conflict = remi.getByTestId('conflict');
  await expect(conflict.getByRole('heading', { name: /Conflit/ })).toBeVisible();
  await expect(conflict.getByTestId('merge-from-theirs')).toContainText('Explication de la solution');
  await expect(conflict.getByTestId('merge-from-mine')).toContainText('Réponse attendue');
  // Only the instruction is asked.
  const asked = conflict.getByTestId('merge-conflict-field');
  await expect(asked).toHaveCount(1);
  await expect(asked.getByRole('group')).toHaveCount(0);
  await expect(asked).toContainText('Consigne : modifié des deux côtés');
  await expect(asked.getByRole('region', { name: 'Leur modification : Consigne' }).locator('ins')).toContainText('(format libre)');
  await expect(asked.getByRole('region', { name: 'Votre modification : Consigne' }).locator('ins')).toContainText('Une seule réponse.');
  await expect(conflict.getByLabel(/^Message de version/)).toHaveValue('ods accepté');
  await expectAccessible(remi);

  // Rémi takes Alice's instruction: version 3 has her instruction and explanation, and his answers.
  await asked.getByLabel('Prendre leur version (Consigne)').check();
  await conflict.getByRole('button', { name: 'Fusionner et enregistrer (version 3)' }).click();
  await expect(remi.getByText('Nouvelle version enregistrée : version 3.')).toBeVisible();
  await expect(remi.getByRole('textbox', { name: 'Consigne', exact: true })).toHaveText('Quelle extension a un tableur ? (format libre)');
  await expect(remi.getByRole('textbox', { name: 'Explication montrée après la réponse' })).toHaveText('Le format ouvert est ods.');
  await expect(remi.getByLabel('Réponses acceptées (une par ligne)')).toHaveValue('xlsx\nods');
  await remi.getByRole('link', { name: 'Historique des versions' }).click();
  await expect(remi.getByTestId('version-row').first()).toContainText(
    'Fusion de mes modifications depuis la version 1 avec la version 2 de Camille Autrice (« Consigne et explication ») : ods accepté',
  );

  // The compare selectors always say which versions the diff below compares.
  await expect(remi.getByLabel('De la version')).toHaveValue('2');
  await expect(remi.getByLabel('À la version')).toHaveValue('3');
  await expect(remi.getByRole('heading', { name: /Différences de la version 2 → 3/ })).toBeVisible();
  await remi.getByRole('link', { name: 'Comparer avec l’actuelle (Version 1)' }).click();
  await expect(remi.getByRole('heading', { name: /Différences de la version 1 → 3/ })).toBeVisible();
  await expect(remi.getByLabel('De la version')).toHaveValue('1');
  await expect(remi.getByLabel('À la version')).toHaveValue('3');
  await remi.getByLabel('À la version').selectOption('2');
  await remi.getByRole('button', { name: 'Comparer' }).click();
  await expect(remi.getByRole('heading', { name: /Différences de la version 1 → 2/ })).toBeVisible();
  await expect(remi.getByLabel('De la version')).toHaveValue('1');
  await expect(remi.getByLabel('À la version')).toHaveValue('2');
});
