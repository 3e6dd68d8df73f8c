import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectAccessible, signedInPage } from './helpers';

/** An active skill of competence 5.1 in the starter pack (other browser tests use 5.2). */
function activeSkill(): string {
  const pack = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'content', 'pack', '5.1.json'), 'utf8')) as {
    thematics: { tubes: { name: string; skills: { level: number; status: string }[] }[] }[];
  };
  const skills = pack.thematics.flatMap((th) =>
    th.tubes.flatMap((tube) => tube.skills.filter((s) => s.status === 'actif').map((s) => `${tube.name}${s.level}`)),
  );
  return skills[skills.length - 1]!;
}

test.describe.configure({ timeout: 180_000 });

test('an author writes a QROCM-dep from scratch, tries it, saves three versions, diffs and restores, submits; a reviewer sees the quality checklist, validates and publishes', async ({
  browser,
}) => {
  const skill = activeSkill();
  const author = await signedInPage(browser, 'autrice@exemple.fr');
  await author.goto(`/creation/epreuves/nouvelle?skill=${encodeURIComponent(skill)}`);
  const editor = author.getByRole('textbox', { name: 'Consigne', exact: true });
  await expect(editor).toBeVisible();
  await author.getByLabel('Type d’épreuve').selectOption('QROCM-dep');
  await editor.click();
  await editor.pressSequentially('Citez deux formats de fichier ouverts pour un document.');
  await author.getByLabel('Modèle de réponse').fill('Premier : {{f1}}\nSecond : {{f2}}');
  await author.locator('#field-f1-label').fill('Premier format');
  await author.locator('#field-f2-label').fill('Second format');
  await author.getByLabel('Groupe 1 : Réponses acceptées (une par ligne)').fill('odt\nopendocument');
  await author.getByLabel('Groupe 2 : Réponses acceptées (une par ligne)').fill('pdf');
  await expectAccessible(author);

  // Preview and try: fields in any order; T1 makes "ODT" match.
  const preview = author.getByRole('complementary', { name: 'Aperçu : ce que voit l’apprenant' });
  await preview.getByLabel('Premier format').fill('PDF');
  await preview.getByLabel('Second format').fill('ODT');
  await preview.getByRole('button', { name: 'Je valide' }).click();
  await expect(preview.getByTestId('verdict')).toContainText('Réponse juste');
  await preview.getByLabel('Second format').fill('docx');
  await preview.getByRole('button', { name: 'Je valide' }).click();
  await expect(preview.getByTestId('verdict')).toContainText('Réponse fausse');

  // Version 1, then 2 and 3.
  await author.getByLabel('Message de version (ce qui change)').fill('Première écriture');
  await author.getByRole('button', { name: /^Créer l’épreuve/ }).click();
  await expect(author.getByText('Épreuve créée (version 1).')).toBeVisible();
  const key = (await author.getByRole('heading', { level: 1 }).locator('code').textContent())!.trim();
  const challengePath = new URL(author.url()).pathname;
  await expect(author.getByRole('textbox', { name: 'Consigne', exact: true })).toBeVisible();
  await author.getByLabel('Groupe 2 : Réponses acceptées (une par ligne)').fill('pdf\npdf/a');
  await author.getByLabel('Message de version (ce qui change)').fill('PDF/A accepté');
  await author.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
  await expect(author.getByText('Nouvelle version enregistrée : version 2.')).toBeVisible();
  await expect(author.getByRole('textbox', { name: 'Consigne', exact: true })).toBeVisible();
  await author.getByLabel('Groupe 2 : Réponses acceptées (une par ligne)').fill('pdf\npdf/a\nhtml');
  await author.getByLabel('Message de version (ce qui change)').fill('HTML accepté');
  await author.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
  await expect(author.getByText('Nouvelle version enregistrée : version 3.')).toBeVisible();

  // Diff 1 → 3, then restore version 2 (as version 4).
  await author.getByRole('link', { name: 'Historique des versions' }).click();
  await expect(author.getByTestId('version-row')).toHaveCount(3);
  await author.getByLabel('De la version').selectOption('1');
  await author.getByLabel('À la version').selectOption('3');
  await author.getByRole('button', { name: 'Comparer', exact: true }).click();
  await expect(author.getByTestId('diff-field').first().locator('ins').first()).toBeVisible();
  await expect(author.getByTestId('diff-field').filter({ hasText: 'html' }).first()).toBeVisible();
  await expectAccessible(author);
  await author.getByRole('button', { name: 'Restaurer la version 2' }).click();
  await expect(author.getByText('Nouvelle version enregistrée : version 4.')).toBeVisible();
  await expect(author.getByLabel('Groupe 2 : Réponses acceptées (une par ligne)')).toHaveValue('pdf\npdf/a');

  // Search finds it by the words of its instruction (French full text).
  await author.goto(`/creation/epreuves?q=${encodeURIComponent('formats fichiers ouverts')}&skill=${encodeURIComponent(skill)}`);
  await expect(author.getByTestId('challenge-row').filter({ hasText: key })).toBeVisible();
  await expectAccessible(author);

  // Submit.
  await author.goto(`${challengePath}/statut`);
  await author.getByRole('button', { name: 'Soumettre', exact: true }).click();
  await expect(author.getByText('Épreuve soumise à la relecture.')).toBeVisible();

  // The reviewer sees the quality checklist, validates with a message, and publishes.
  const reviewer = await signedInPage(browser, 'relecteur@exemple.fr');
  await reviewer.goto(`${challengePath}/statut`);
  const checklist = reviewer.getByTestId('quality-checklist');
  await expect(checklist.getByRole('heading', { name: 'Contrôles qualité' })).toBeVisible();
  await expect(checklist.locator('[data-check="acceptedAnswer"]')).toHaveAttribute('data-state', 'ok');
  await expect(checklist.locator('[data-state="blocking"]')).toHaveCount(0);
  await expectAccessible(reviewer);
  const validate = reviewer.getByRole('form', { name: 'Valider (mettre en service)' });
  await validate.getByLabel('Message expliquant le changement (obligatoire)').fill('Relue : deux formats ouverts, synonymes complets.');
  await validate.getByRole('button', { name: 'Valider l’épreuve' }).click();
  // The skill's live prototype would be retired: confirmed explicitly.
  await expect(validate.getByRole('alert')).toContainText('rend périmées');
  await validate.getByLabel('Message expliquant le changement (obligatoire)').fill('Relue : deux formats ouverts, synonymes complets.');
  await validate.getByLabel('Je confirme : ces épreuves deviennent périmées').check();
  await validate.getByRole('button', { name: 'Valider l’épreuve' }).click();
  await expect(reviewer.getByText('Épreuve validée : elle est en service.')).toBeVisible();

  await reviewer.goto('/creation/versions-publiees');
  await reviewer.getByLabel('Message de la version (obligatoire)').fill(`QROCM ${key}`);
  await reviewer.getByRole('button', { name: 'Publier' }).click();
  await expect(reviewer.getByText('Version publiée.')).toBeVisible();
  await expect(reviewer.getByRole('region', { name: /Épreuves ajoutées/ })).toContainText(key);
  await expectAccessible(reviewer);
});

test('validation is refused with the list of blocking quality problems', async ({ browser }) => {
  const skill = activeSkill();
  const author = await signedInPage(browser, 'autrice@exemple.fr');
  await author.goto(`/creation/epreuves/nouvelle?skill=${encodeURIComponent(skill)}`);
  const editor = author.getByRole('textbox', { name: 'Consigne', exact: true });
  await expect(editor).toBeVisible();
  await author.getByLabel('Type d’épreuve').selectOption('QCU');
  await editor.click();
  await editor.pressSequentially('Indice : Firefox. Quel navigateur est libre ?');
  await author.locator('#proposal-0').fill('Firefox');
  await author.locator('#proposal-1').fill('Edge');
  await author.getByRole('button', { name: /^Créer l’épreuve/ }).click();
  await expect(author.getByText('Épreuve créée (version 1).')).toBeVisible();
  const challengePath = new URL(author.url()).pathname;

  const reviewer = await signedInPage(browser, 'relecteur@exemple.fr');
  await reviewer.goto(`${challengePath}/statut`);
  const checklist = reviewer.getByTestId('quality-checklist');
  await expect(checklist.locator('[data-check="giveaway"]')).toHaveAttribute('data-state', 'blocking');
  const validate = reviewer.getByRole('form', { name: 'Valider (mettre en service)' });
  await validate.getByLabel('Message expliquant le changement (obligatoire)').fill('ok');
  await validate.getByRole('button', { name: 'Valider l’épreuve' }).click();
  await expect(validate.getByTestId('quality-refusal')).toContainText('La consigne donne la réponse : « Firefox » y figure.');
  await expectAccessible(reviewer);
});

test('an administrator rolls back to an earlier release; the exchange page exports and reports rejected imports', async ({ browser }) => {
  const admin = await signedInPage(browser, 'admin@exemple.fr');
  await admin.goto('/creation/versions-publiees');
  await admin.getByLabel('Message de la version (obligatoire)').fill('Avant retour arrière');
  await admin.getByRole('button', { name: 'Publier' }).click();
  // The list page's intro also says « version publiée. »: wait for the release page.
  await expect(admin).toHaveURL(/\/creation\/versions-publiees\/\d+\?publiee=1$/);
  await expect(admin.getByText('Version publiée.')).toBeVisible();
  await admin.goto('/creation/versions-publiees');
  const rollback = admin.getByRole('form', { name: 'Revenir à une version publiée antérieure' });
  await rollback.getByRole('button', { name: 'Rétablir' }).click();
  await expect(rollback.getByRole('alert')).toContainText('Indiquez la raison');
  const target = await rollback.getByLabel('Version à rétablir').inputValue();
  await rollback.getByLabel('Raison (obligatoire)').fill('Erreur dans la dernière publication');
  await rollback.getByRole('button', { name: 'Rétablir' }).click();
  await expect(admin.getByText('Version publiée.')).toBeVisible();
  await expect(admin.getByTestId('release-kind')).toContainText(`retour arrière · retour à la n° ${target}`);
  await expectAccessible(admin);

  await admin.goto('/creation/echanges');
  await expect(admin.getByRole('heading', { level: 1, name: 'Échanges de contenu' })).toBeVisible();
  await expectAccessible(admin);
  const download = admin.waitForEvent('download');
  await admin.getByRole('link', { name: 'Compétence 1.1' }).click();
  const file = await download;
  const pack = JSON.parse(fs.readFileSync((await file.path())!, 'utf8')) as { competence: string };
  expect(pack.competence).toBe('1.1');
  await admin.getByLabel(/^Fichier/).setInputFiles({
    name: 'faux.xml',
    mimeType: 'application/xml',
    buffer: Buffer.from('<qti-assessment-item identifier="x"><qti-item-body></qti-assessment-item>'),
  });
  await admin.getByRole('button', { name: 'Importer' }).click();
  const rejected = admin.getByTestId('import-rejected');
  await expect(rejected).toContainText('Rien n’a été importé');
  await expect(rejected).toContainText('faux.xml');
});
