import { expect, test, type Browser } from '@playwright/test';
import { createPrisma } from '../../prisma/client';
import { hashPassword } from '../../app/lib/password.server';
import { expectAccessible, signIn, PASSWORD } from './helpers';

test.describe.configure({ timeout: 180_000 });

const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const learnerEmail = `eleve-campagne-${suffix}@exemple.fr`;
const outsiderEmail = `prof-autre-${suffix}@exemple.fr`;

/** A learner account named like a row of the class list, and a teacher of another organisation. */
test.beforeAll(async () => {
  const db = createPrisma(process.env.DATABASE_URL!);
  const passwordHash = await hashPassword(PASSWORD);
  await db.user.create({ data: { email: learnerEmail, firstName: 'Noé', lastName: `Campagne${suffix}`, passwordHash, roles: ['LEARNER'] } });
  const other = await db.organisation.create({ data: { name: `Collège voisin ${suffix}`, type: 'SCO' } });
  await db.user.create({ data: { email: outsiderEmail, firstName: 'Ada', lastName: 'Voisine', passwordHash, roles: [], memberships: { create: { organisationId: other.id, role: 'ADMIN' } } } });
  await db.$disconnect();
});

async function as(browser: Browser, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return { context, page };
}

test('a teacher imports a class, builds a profile, runs a campaign; a learner joins and shares; the teacher reads and exports', async ({ browser }) => {
  const teacher = await as(browser, 'enseignant@exemple.fr');
  const page = teacher.page;

  // 1. Class list with one bad row.
  await page.goto('/orga/eleves');
  await expect(page.getByRole('heading', { level: 1, name: 'Élèves' })).toBeVisible();
  const csv = `Nom;Prénom;Classe;Numéro étudiant;Date de naissance\nCampagne${suffix};Noé;2nde ${suffix};A${suffix};05/03/2009\nMartin;Léo;2nde ${suffix};B${suffix};31/02/2009\n`;
  await page.getByLabel('Fichier CSV de la classe').setInputFiles({ name: 'classe.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv}`) });
  await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
  await expect(page.getByText('1 ligne(s) valide(s), 1 ligne(s) refusée(s).')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Lignes refusées' })).toContainText('Date de naissance « 31/02/2009 » invalide');
  await expectAccessible(page);
  await page.getByRole('button', { name: /Importer les 1 élève/ }).click();
  await expect(page.getByText('1 élève(s) importé(s).')).toBeVisible();
  await expect(page.getByRole('cell', { name: `Campagne${suffix}`, exact: true })).toBeVisible();

  // 2. Target profile from the tree.
  await page.goto('/orga/profils-cibles/nouveau');
  await page.getByLabel('Nom du profil cible').fill(`Profil ${suffix}`);
  await page.locator('.tree > details > summary').first().click();
  await page.locator('.tree > details').first().locator('details > summary').first().click();
  const select = page.locator('.tree select').first();
  const options = await select.locator('option').allTextContents();
  await select.selectOption({ index: options.length - 1 });
  await expect(page.getByTestId('targeted-count')).not.toHaveText('0');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Enregistrer le profil cible' }).click();
  await expect(page.getByText('Profil cible enregistré.')).toBeVisible();

  // 3. Campaign.
  await page.goto('/orga/campagnes/nouvelle');
  await page.getByLabel('Nom de la campagne').fill(`Rentrée ${suffix}`);
  const profileValue = await page.locator('#c-profile option', { hasText: `Profil ${suffix}` }).getAttribute('value');
  await page.getByLabel('Profil cible', { exact: true }).selectOption(profileValue!);
  await page.getByLabel('Texte de la page d’accueil (facultatif)').fill('Bienvenue dans la campagne de rentrée.');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Créer la campagne' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Rentrée ${suffix}` })).toBeVisible();
  const code = (await page.getByTestId('campaign-code').textContent())!.trim();
  expect(code).toMatch(/^[A-HJKMNP-Z]{6}[2-9]{3}$/);
  const campaignUrl = page.url().split('?')[0]!;

  // 4. The learner joins with the code.
  const learner = await as(browser, learnerEmail);
  const lp = learner.page;
  await lp.goto('/campagnes');
  await lp.getByLabel('Code de la campagne').fill('ABCDEF999');
  await lp.getByRole('button', { name: 'Accéder à la campagne' }).click();
  await expect(lp.getByRole('alert')).toHaveText('Aucune campagne n’a le code ABCDEF999. Vérifiez-le auprès de votre enseignant.');
  await expectAccessible(lp);
  await lp.getByLabel('Code de la campagne').fill(code.toLowerCase());
  await lp.getByRole('button', { name: 'Accéder à la campagne' }).click();
  await expect(lp.getByText('Bienvenue dans la campagne de rentrée.')).toBeVisible();
  await lp.getByRole('button', { name: 'Je commence' }).click();
  await expect(lp.getByRole('heading', { name: 'Vos résultats' })).toBeVisible();
  await expect(lp.getByText(/Maîtrise des acquis de la campagne/)).toBeVisible();
  await expectAccessible(lp);
  await lp.getByRole('button', { name: 'Envoyer mes résultats' }).click();
  await expect(lp.getByText(/Vos résultats ont été envoyés/)).toBeVisible();

  // 5. The teacher reads the dashboards.
  await page.goto(`${campaignUrl}`);
  await expect(page.locator('.figures')).toContainText('1 résultats reçus');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Participants' }).click();
  const row = page.getByRole('row', { name: new RegExp(`Campagne${suffix}`) });
  await expect(row).toContainText(`2nde ${suffix}`);
  await expect(row).toContainText('Résultats reçus');
  await expect(row).toContainText(/\d+ %/);
  await expectAccessible(page);
  await row.getByRole('link').click();
  await expect(page.getByText('Maîtrise globale')).toBeVisible();
  await page.getByRole('link', { name: 'Résultats collectifs' }).click();
  await expect(page.getByRole('table', { name: 'Maîtrise par compétence' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Sujets à travailler' }).click();
  await expect(page.getByTestId('topic').first()).toContainText(/\(\d\/4\)/);
  await expectAccessible(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Exporter les résultats (CSV)' }).click()]);
  const content = await (await download.createReadStream()).toArray();
  const bytes = Buffer.concat(content as Buffer[]);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8');
  expect(text).toContain(`Campagne${suffix};Noé;2nde ${suffix}`);
  expect(text.split('\r\n').filter(Boolean)).toHaveLength(2);

  // 6. Another organisation's teacher sees nothing of it.
  const outsider = await as(browser, outsiderEmail);
  for (const path of ['', '/participants', '/resultats', '/sujets', '/export.csv']) {
    const response = await outsider.page.request.get(`${campaignUrl}${path}`);
    expect(response.status(), path).toBe(404);
  }
  await outsider.page.goto('/orga');
  await expect(outsider.page.getByText(`Rentrée ${suffix}`)).toHaveCount(0);
  await outsider.page.goto('/orga/eleves');
  await expect(outsider.page.getByText(`Campagne${suffix}`)).toHaveCount(0);
  // A learner is not let into the Orga space at all.
  expect((await lp.request.get('/orga')).status()).toBe(403);

  await Promise.all([teacher.context.close(), learner.context.close(), outsider.context.close()]);
});
