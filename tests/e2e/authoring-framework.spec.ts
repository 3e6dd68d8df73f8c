import { expect, test, type Page } from '@playwright/test';
import { createPrisma } from '../../prisma/client';
import { checkTutorialLinks } from '../../workers/tutorial-links';
import { expectAccessible, signIn } from './helpers';

function letters(n = 6): string {
  let out = '';
  for (let i = 0; i < n; i++) out += 'abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 26)];
  return out;
}

async function openCompetence(page: Page, code: string, title: RegExp) {
  await page.goto('/creation');
  await page.getByRole('link', { name: 'Référentiel : thématiques, sujets et acquis' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Référentiel : édition' })).toBeVisible();
  // The 16 competences of the CRCN (other test data may add more).
  expect(await page.getByTestId('workspace-competence').count()).toBeGreaterThanOrEqual(16);
  await page.getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(`^${code.replace('.', '\\.')}`) })).toBeVisible();
}

test('an author sees the grid of a competence, creates a tube and a skill with a hint and a tutorial, and finds it in the grid', async ({ page }) => {
  const tube = `@e${letters()}`;
  await signIn(page, 'autrice@exemple.fr');
  await openCompetence(page, '4.1', /^4\.1 Sécuriser l'environnement numérique/);
  await expectAccessible(page);

  // The grid: tubes × levels, each skill with its status, challenges by status and a link to its challenges.
  const firstTube = page.getByTestId('workspace-tube').first();
  await expect(firstTube.getByRole('rowheader')).toContainText(/@[a-z0-9]+/);
  await expect(page.getByRole('columnheader', { name: 'Niveau 8' }).first()).toBeVisible();
  const cell = page.getByTestId('skill-cell').first();
  await expect(cell.getByRole('link').first()).toHaveText(/^@[a-z0-9]+[1-8]$/);
  await expect(cell.locator('.badge').first()).toHaveText(/en construction|actif|archivé|périmé/);
  await expect(cell.getByRole('link', { name: /^Épreuves de @/ })).toHaveAttribute('href', /^\/creation\/epreuves\?skill=/);

  // A new tube: the server refuses a bad name and a missing title, says why per field, and keeps what was typed.
  await page
    .getByRole('link', { name: /^Nouveau sujet dans la thématique/ })
    .first()
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Nouveau sujet' })).toBeVisible();
  await page.getByLabel('Nom du sujet').fill('@Mot-de-passe');
  await page.getByLabel('Description').fill('Choisir où ranger ses sauvegardes.');
  await page.getByRole('button', { name: 'Créer le sujet' }).click();
  const summary = page.getByRole('alert').filter({ hasText: 'Le formulaire contient des erreurs' });
  await expect(summary).toBeVisible();
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link', { name: /lettres minuscules sans accent et des chiffres/ })).toBeVisible();
  await expect(summary.getByRole('link', { name: 'Donnez un titre pratique au sujet.' })).toBeVisible();
  await expect(page.getByLabel('Nom du sujet')).toHaveValue('@Mot-de-passe');
  await expect(page.getByLabel('Nom du sujet')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Description')).toHaveValue('Choisir où ranger ses sauvegardes.');
  await expectAccessible(page);

  await page.getByLabel('Nom du sujet').fill(tube);
  await page.getByLabel('Titre pratique').fill('Sauvegarde de ses fichiers');
  await page.getByRole('button', { name: 'Créer le sujet' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Sujet ${tube}` })).toBeVisible();

  // A skill at level 3 with a hint.
  await page.getByRole('link', { name: `Ajouter l’acquis ${tube}3` }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Nouvel acquis du sujet ${tube}` })).toBeVisible();
  await expect(page.getByLabel('Niveau')).toHaveValue('3');
  await page.getByLabel('Statut').selectOption('actif');
  await page.getByLabel('Indice').fill('Pensez à garder une copie hors de l’ordinateur.');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Créer l’acquis' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Acquis ${tube}3` })).toBeVisible();
  await expect(page.getByLabel('Indice')).toHaveValue('Pensez à garder une copie hors de l’ordinateur.');
  await expect(page.getByTestId('skill-issues')).toContainText('aucun tutoriel');

  // A tutorial "pour comprendre" from the library.
  const understand = page.getByTestId('tutorials-UNDERSTAND');
  const select = page.getByLabel('Ajouter un tutoriel pour comprendre');
  const firstChoice = await select.locator('option').nth(1).textContent();
  const tutorialTitle = (firstChoice ?? '').split(' — ')[0]!.trim();
  await select.selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Ajouter (pour comprendre)' }).click();
  await expect(understand.getByTestId('skill-tutorial')).toHaveCount(1);
  await expect(understand.getByTestId('skill-tutorial').first()).toContainText(tutorialTitle);
  await expect(page.getByTestId('skill-issues')).not.toContainText('aucun tutoriel');
  await expectAccessible(page);

  // Back to the grid: the new tube and its skill are there, active, without challenges, to complete.
  await page.getByRole('navigation', { name: 'Fil d’Ariane' }).getByRole('link', { name: '4.1' }).click();
  const row = page.locator(`[data-testid="workspace-tube"][data-tube="${tube}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByRole('rowheader')).toContainText('Sauvegarde de ses fichiers');
  const newCell = row.locator(`[data-skill="${tube}3"]`);
  await expect(newCell.getByRole('link', { name: `${tube}3`, exact: true })).toBeVisible();
  await expect(newCell).toContainText('actif');
  await expect(newCell).toContainText('aucune épreuve');
  await expect(newCell).toContainText('à compléter');
  await expect(newCell).toContainText('aucune épreuve validée');
  await expect(row.getByRole('link', { name: `Créer l’acquis ${tube}4` })).toBeVisible();
  await expectAccessible(page);
});

test('an author edits the tutorial library: validation, creation, attachment to a skill, link check request', async ({ page }) => {
  const title = `Sauvegarder ses photos ${letters()}`;
  await signIn(page, 'autrice@exemple.fr');
  await page.goto('/creation/tutoriels');
  await expect(page.getByRole('heading', { level: 1, name: 'Tutoriels' })).toBeVisible();
  await expect(page.getByTestId('tutorial-row').first()).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Nouveau tutoriel' }).click();
  await page.getByLabel('Titre').fill(title);
  await page.getByLabel('Adresse (URL)').fill('ftp://exemple.fr/photos');
  await page.getByLabel('Durée').fill('5 minutes');
  await page.getByRole('button', { name: 'Créer le tutoriel' }).click();
  const summary = page.getByRole('alert').filter({ hasText: 'Le formulaire contient des erreurs' });
  await expect(summary.getByRole('link', { name: /commencer par https:\/\/ ou http:\/\// })).toBeVisible();
  await expect(summary.getByRole('link', { name: 'Indiquez la source du tutoriel.' })).toBeVisible();
  await expect(summary.getByRole('link', { name: /La durée s’écrit hh:mm:ss/ })).toBeVisible();
  await expect(page.getByLabel('Titre')).toHaveValue(title);
  await expectAccessible(page);

  await page.getByLabel('Adresse (URL)').fill('https://exemple.fr/photos');
  await page.getByLabel('Source').fill('Exemple');
  await page.getByLabel('Format').selectOption('vidéo');
  await page.getByLabel('Durée').fill('00:03:20');
  await page.getByRole('button', { name: 'Créer le tutoriel' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Tutoriel « ${title} »` })).toBeVisible();
  await expect(page.getByTestId('tutorial-link-status')).toContainText('non vérifié');

  // Attach it to a skill "pour en savoir plus" from the tutorial page.
  const skillSelect = page.getByLabel('Acquis', { exact: true });
  const skillOption = (await skillSelect.locator('option').nth(1).textContent()) ?? '';
  const skillName = skillOption.split(' — ')[0]!.trim();
  await skillSelect.selectOption({ index: 1 });
  await page.getByLabel('Rôle du tutoriel').selectOption('LEARN_MORE');
  await page.getByRole('button', { name: 'Rattacher' }).click();
  const attached = page.getByTestId('tutorial-skill');
  await expect(attached).toHaveCount(1);
  await expect(attached).toContainText(skillName);
  await expect(attached).toContainText('pour en savoir plus');
  await expectAccessible(page);

  // The library finds it by text and format, and the skills that use it are listed.
  await page.goto('/creation/tutoriels');
  await page.getByRole('searchbox', { name: 'Rechercher' }).fill(title);
  await page.getByLabel('Format').selectOption('vidéo');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page.getByTestId('tutorial-row')).toHaveCount(1);
  await expect(page.getByTestId('tutorial-row')).toContainText(skillName);
  await page.getByLabel('État du lien').selectOption('DEAD');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page.getByTestId('tutorial-row')).toHaveCount(0);

  // Ask for a link check now: queued for the worker.
  await page.getByRole('button', { name: 'Vérifier les liens maintenant' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Vérification des liens demandée' })).toBeVisible();

  // The checker runs (here in the test process, as the worker would): exemple.fr does not resolve on these
  // machines, so the link is dead, with the reason, in the library and on the skill that uses it.
  const db = createPrisma(process.env.DATABASE_URL!);
  try {
    const tutorial = await db.tutorial.findFirstOrThrow({ where: { title } });
    await checkTutorialLinks(db, { tutorialIds: [tutorial.id] }, { timeoutMs: 3000 });
  } finally {
    await db.$disconnect();
  }
  await page.goto('/creation/tutoriels?statut=DEAD');
  const deadRow = page.getByTestId('tutorial-row').filter({ hasText: title });
  await expect(deadRow).toContainText('lien mort');
  await expect(deadRow).toContainText(/vérifié le \d{2}\/\d{2}\/\d{4}/);
  await expect(deadRow).toContainText(/nom de domaine introuvable|délai dépassé/);
  await deadRow.getByRole('link', { name: title }).click();
  await page.getByTestId('tutorial-skill').getByRole('link', { name: skillName }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Acquis ${skillName}` })).toBeVisible();
  await expect(page.getByTestId('skill-issues')).toContainText('lien de tutoriel mort');
  await expect(page.getByTestId('tutorials-LEARN_MORE').getByTestId('skill-tutorial').filter({ hasText: title })).toContainText('lien mort');
  await expectAccessible(page);
  await page
    .getByRole('navigation', { name: 'Fil d’Ariane' })
    .getByRole('link', { name: /^\d\.\d$/ })
    .click();
  await expect(page.locator(`[data-skill="${skillName}"]`)).toContainText('lien de tutoriel mort');
});

test('a learner is refused the framework workspace and the tutorials', async ({ page }) => {
  await signIn(page, 'eleve@exemple.fr');
  for (const path of ['/creation/referentiel', '/creation/referentiel/4.1', '/creation/tutoriels', '/creation/tutoriels/nouveau']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByRole('heading', { level: 1, name: 'Accès refusé' })).toBeVisible();
  }
  // Actions check too, whatever the form says.
  const post = await page.request.post('/creation/tutoriels/nouveau', {
    form: { title: 'Intrus', url: 'https://exemple.fr/', source: 'x', format: 'page', duration: '00:01:00', locale: 'fr-fr', licence: '' },
  });
  expect(post.status()).toBe(403);
});

test('a reviewer and an administrator may edit the framework too', async ({ page }) => {
  for (const email of ['relecteur@exemple.fr', 'admin@exemple.fr']) {
    await signIn(page, email);
    for (const path of ['/creation/referentiel/4.1', '/creation/tutoriels', '/creation/tutoriels/nouveau']) {
      expect((await page.goto(path))?.status(), `${email} ${path}`).toBe(200);
    }
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    // Signed out for good before the next sign-in (a navigation could otherwise cut the sign-out short).
    await expect(page).toHaveURL(/\/connexion$/);
  }
});
