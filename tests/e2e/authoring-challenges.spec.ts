import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectAccessible, expectNoCspViolation, instructionEditor, signedInPage } from './helpers';

/** Active skills of competence 5.2 in the starter pack, last first (few other tests touch them). */
function activeSkills(): string[] {
  const pack = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'content', 'pack', '5.2.json'), 'utf8')) as {
    thematics: { tubes: { name: string; skills: { level: number; status: string }[] }[] }[];
  };
  return pack.thematics
    .flatMap((th) => th.tubes.flatMap((tube) => tube.skills.filter((s) => s.status === 'actif').map((s) => `${tube.name}${s.level}`)))
    .reverse();
}

// Two signed-in people and many steps each: more time than the default under a loaded machine.
test.describe.configure({ timeout: 120_000 });

// The editor (tiptap) and the pages work under the Content-Security-Policy: no refusal in the console.
test.afterEach(() => expectNoCspViolation());

/** Creates a QROC challenge on a skill through the editor; returns its page URL and key. */
async function createQroc(page: Page, skill: string, instruction: string, accepted: string) {
  await page.goto(`/creation/epreuves/nouvelle?skill=${encodeURIComponent(skill)}`);
  const editor = await instructionEditor(page);
  await page.getByLabel('Type d’épreuve').selectOption('QROC');
  await editor.click();
  await editor.pressSequentially(instruction);
  await page.getByLabel('Réponses acceptées (une par ligne)').fill(accepted);
  await page.getByRole('button', { name: /^Créer l’épreuve/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Épreuve créée (version 1).' })).toBeVisible();
  const key = (await page.getByRole('heading', { level: 1 }).locator('code').textContent())!.trim();
  return { url: new URL(page.url()).pathname, key };
}

test('an author writes a QROC challenge, tries it, saves two versions and submits it; a reviewer validates it and publishes', async ({ browser }) => {
  const skill = activeSkills()[0]!;
  const author = await signedInPage(browser, 'autrice@exemple.fr');

  // The list, filtered by skill, with a link to write a new challenge on it.
  await author.goto('/creation');
  await author.getByRole('link', { name: 'Épreuves', exact: true }).click();
  await expect(author.getByRole('heading', { level: 1, name: 'Épreuves' })).toBeVisible();
  await expectAccessible(author);
  await author.goto(`/creation/epreuves?skill=${encodeURIComponent(skill)}`);
  await expect(author.getByTestId('challenge-row').first()).toContainText(skill);
  await author.getByRole('link', { name: 'Nouvelle épreuve' }).click();
  await expect(author.getByRole('heading', { level: 1, name: 'Nouvelle épreuve' })).toBeVisible();

  // Rich-text instruction with bold text.
  const editor = await instructionEditor(author);
  await author.getByLabel('Type d’épreuve').selectOption('QROC');
  await editor.click();
  await editor.pressSequentially('Quelle boisson ');
  await author.getByRole('toolbar', { name: 'Mise en forme : Consigne' }).getByRole('button', { name: 'Gras' }).click();
  await editor.pressSequentially('chaude');
  await author.keyboard.press('Control+b');
  await editor.pressSequentially(' prend-on au petit déjeuner ?');
  await expect(editor.locator('strong')).toHaveText('chaude');

  // Accepted answer with T1 only.
  await author.getByLabel('Réponses acceptées (une par ligne)').fill('café');
  await expect(author.getByLabel('T1 : casse, accents et espaces ignorés')).toBeChecked();
  await author.getByLabel('T2 : ponctuation ignorée').uncheck();
  const solution = author.getByRole('textbox', { name: 'Explication montrée après la réponse' });
  await solution.click();
  await solution.pressSequentially('Le café se boit chaud.');

  // An image without alternative text is refused in the editor.
  await author.getByRole('toolbar', { name: 'Mise en forme : Consigne' }).getByRole('button', { name: 'Image' }).click();
  await author.getByLabel('Adresse de l’image').first().fill('https://exemple.fr/tasse.png');
  await author.getByRole('button', { name: 'Insérer l’image' }).click();
  await expect(author.getByRole('alert').filter({ hasText: 'Le texte alternatif est obligatoire' })).toBeVisible();
  await author.getByRole('button', { name: 'Annuler' }).click();

  // The preview is the learner's view; trying an answer gives the server's verdict and the tolerance used.
  const preview = author.getByRole('complementary', { name: 'Aperçu : ce que voit l’apprenant' });
  await expect(preview.locator('strong', { hasText: 'chaude' })).toBeVisible();
  await expect(preview).not.toContainText('café');
  await preview.getByLabel('Votre réponse').fill('Cafe');
  await preview.getByRole('button', { name: 'Je valide' }).click();
  const verdict = preview.getByTestId('verdict');
  await expect(verdict).toContainText('Réponse juste');
  await expect(verdict).toContainText('accepté grâce à T1 : casse, accents et espaces ignorés');
  await expect(verdict).toContainText('Le café se boit chaud.');
  await preview.getByLabel('Votre réponse').fill('thé');
  await preview.getByRole('button', { name: 'Je valide' }).click();
  await expect(verdict).toContainText('Réponse fausse');
  await expectAccessible(author);

  // Save with a message: version 1.
  await author.getByLabel('Message de version (ce qui change)').fill('Première écriture');
  await author.getByRole('button', { name: /^Créer l’épreuve/ }).click();
  await expect(author.getByText('Épreuve créée (version 1).')).toBeVisible();
  const key = (await author.getByRole('heading', { level: 1 }).locator('code').textContent())!.trim();
  const challengePath = new URL(author.url()).pathname;

  // A second version: another accepted answer, and an error shown on its field first.
  await instructionEditor(author);
  await author.getByLabel('Réponses acceptées (une par ligne)').fill('');
  await author.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
  await expect(author.getByRole('alert').filter({ hasText: 'L’épreuve n’est pas enregistrée' })).toContainText('il faut au moins une réponse acceptée');
  await expect(author.getByLabel('Réponses acceptées (une par ligne)')).toHaveAttribute('aria-invalid', 'true');
  await expect(author.getByRole('textbox', { name: 'Consigne', exact: true })).toContainText('Quelle boisson chaude');
  await author.getByLabel('Réponses acceptées (une par ligne)').fill('café\nexpresso');
  await author.getByLabel('Message de version (ce qui change)').fill('Ajout de « expresso »');
  await author.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
  await expect(author.getByText('Nouvelle version enregistrée : version 2.')).toBeVisible();

  // Submit for review.
  await author.getByRole('link', { name: 'Statut et relecture' }).click();
  await author.getByRole('button', { name: 'Soumettre', exact: true }).click();
  await expect(author.getByText('Épreuve soumise à la relecture.')).toBeVisible();
  // Authors cannot validate.
  await expect(author.getByRole('button', { name: 'Valider l’épreuve' })).toHaveCount(0);

  // The reviewer finds it in the queue and validates it with a message.
  const reviewer = await signedInPage(browser, 'relecteur@exemple.fr');
  await reviewer.goto('/creation/relecture');
  await expect(reviewer.getByRole('heading', { level: 1, name: 'Relecture' })).toBeVisible();
  const row = reviewer.getByTestId('review-row').filter({ hasText: key });
  await expect(row).toContainText('2');
  await expectAccessible(reviewer);
  await row.getByRole('link', { name: /Relire/ }).click();
  await expect(reviewer.getByRole('heading', { level: 1 })).toContainText(key);
  await expect(reviewer.getByText('« café », « expresso »')).toBeVisible();
  await expectAccessible(reviewer);
  const validate = reviewer.getByRole('form', { name: 'Valider (mettre en service)' });
  await validate.getByRole('button', { name: 'Valider l’épreuve' }).click();
  await expect(validate.getByRole('alert')).toHaveText('Un message expliquant le changement est obligatoire.');
  await validate.getByLabel('Message expliquant le changement (obligatoire)').fill('Relue : claire et juste.');
  await validate.getByRole('button', { name: 'Valider l’épreuve' }).click();
  // The skill's live prototype would be retired: an explicit confirmation, with the list, comes first.
  await expect(validate.getByRole('alert')).toContainText('rend périmées');
  await expect(validate.getByTestId('quality-refusal').getByRole('listitem').first()).toBeVisible();
  await validate.getByLabel('Message expliquant le changement (obligatoire)').fill('Relue : claire et juste.');
  await validate.getByLabel('Je confirme : ces épreuves deviennent périmées').check();
  await validate.getByRole('button', { name: 'Valider l’épreuve' }).click();
  await expect(reviewer.getByText('Épreuve validée : elle est en service.')).toBeVisible();
  await expect(reviewer.getByText(/Périmées par la validation de ce prototype/)).toBeVisible();

  // The history shows two versions, with their messages, and the diff between them.
  await reviewer.getByRole('link', { name: 'Historique des versions' }).click();
  await expect(reviewer.getByTestId('version-row')).toHaveCount(2);
  await expect(reviewer.getByTestId('version-row').first()).toContainText('Ajout de « expresso »');
  const diff = reviewer.getByTestId('diff-field').filter({ hasText: 'Réponses acceptées' });
  await expect(diff.locator('ins')).toContainText('expresso');
  await expectAccessible(reviewer);

  // Publishing a release shows the new challenge as added.
  await reviewer.goto('/creation/versions-publiees');
  await expect(reviewer.getByTestId('preview-added')).toContainText(key);
  await reviewer.getByLabel('Message de la version (obligatoire)').fill(`Avec ${key}`);
  await reviewer.getByRole('button', { name: 'Publier' }).click();
  await expect(reviewer).toHaveURL(/\/creation\/versions-publiees\/\d+\?publiee=1$/);
  await expect(reviewer.getByText('Version publiée.', { exact: true })).toBeVisible();
  // Another browser test may publish at the same moment and take the new challenge in its release first.
  const published = Number(/versions-publiees\/(\d+)/.exec(reviewer.url())![1]);
  const added = reviewer.getByRole('region', { name: /Épreuves ajoutées/ });
  if (!((await added.textContent()) ?? '').includes(key)) {
    await reviewer.goto(`/creation/versions-publiees/${published - 1}`);
    await expect(added).toContainText(key);
    await reviewer.goto(`/creation/versions-publiees/${published}`);
  }
  await reviewer.getByRole('link', { name: 'Versions publiées' }).click();
  await expect(reviewer.getByTestId('release-row').first()).toContainText(`Avec ${key}`);
  await expect(reviewer.getByTestId('release-row').first()).toContainText(/\+[1-9]\d* ajoutées/);
  await expectAccessible(reviewer);

  // The author sees it live.
  await author.goto(challengePath);
  await expect(author.locator('.challenge-meta').first()).toContainText('validée');
});

test('two people edit the same challenge: the second save shows the conflict and the other’s changes, and loses nothing', async ({ browser }) => {
  const skill = activeSkills()[1]!;
  const alice = await signedInPage(browser, 'autrice@exemple.fr');
  const { url, key } = await createQroc(alice, skill, 'Quel format de fichier garde la mise en page ?', 'pdf');

  const remi = await signedInPage(browser, 'relecteur@exemple.fr');
  await remi.goto(url);
  await instructionEditor(remi);
  await alice.goto(url);
  const aliceEditor = await instructionEditor(alice);

  // Alice saves first: version 2.
  await aliceEditor.click();
  await alice.keyboard.press('End');
  await aliceEditor.pressSequentially(' Pensez à l’impression.');
  await alice.getByLabel('Message de version (ce qui change)').fill('Précision sur l’impression');
  await alice.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
  await expect(alice.getByText('Nouvelle version enregistrée : version 2.')).toBeVisible();

  // Rémi, still on version 1, changes the accepted answers and saves: conflict.
  await remi.getByLabel('Réponses acceptées (une par ligne)').fill('pdf\nPDF/A');
  await remi.getByLabel('Message de version (ce qui change)').fill('PDF/A accepté');
  await remi.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
  const conflict = remi.getByTestId('conflict');
  await expect(conflict.getByRole('heading', { name: /Conflit/ })).toBeVisible();
  const theirs = conflict.getByRole('region', { name: /Modifications de Camille Autrice/ });
  await expect(theirs).toContainText('Consigne');
  await expect(theirs.locator('ins').first()).toContainText('Pensez à l’impression.');
  const mine = conflict.getByRole('region', { name: /Vos modifications/ });
  await expect(mine).toContainText('Réponses acceptées');
  await expect(mine.locator('ins')).toContainText('PDF/A');
  // Nothing was lost: Rémi's work is still in his editor.
  await expect(remi.getByLabel('Réponses acceptées (une par ligne)')).toHaveValue('pdf\nPDF/A');
  await expectAccessible(remi);

  // They changed different fields: nothing is asked, both changes are merged into version 3, whose message
  // says it is a merge and keeps Alice's message; Alice's version 2 stays in the history.
  await expect(conflict.getByTestId('merge-from-theirs')).toContainText('Consigne');
  await expect(conflict.getByTestId('merge-from-mine')).toContainText('Réponse attendue');
  await expect(conflict.getByTestId('merge-conflict-field')).toHaveCount(0);
  await conflict.getByRole('button', { name: 'Fusionner et enregistrer (version 3)' }).click();
  await expect(remi.getByText('Nouvelle version enregistrée : version 3.')).toBeVisible();
  await expect(remi.getByRole('textbox', { name: 'Consigne', exact: true })).toContainText('Pensez à l’impression.');
  await expect(remi.getByLabel('Réponses acceptées (une par ligne)')).toHaveValue('pdf\nPDF/A');
  await remi.getByRole('link', { name: 'Historique des versions' }).click();
  await expect(remi.getByTestId('version-row')).toHaveCount(3);
  await expect(remi.getByTestId('version-row').first()).toContainText(
    'Fusion de mes modifications depuis la version 1 avec la version 2 de Camille Autrice (« Précision sur l’impression ») : PDF/A accepté',
  );
  await expect(remi.getByTestId('version-row').nth(1)).toContainText('Précision sur l’impression');
  await expect(remi.getByRole('heading', { level: 1 })).toContainText(key);
});
