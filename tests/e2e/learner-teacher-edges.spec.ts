/**
 * Rough edges of issue 19 for learners and teachers: the browser's Back button in a test keeps the learner
 * on the question (competence and campaign tests), the header fits two rows on a 390 px phone, and the
 * English Orga pages and campaign results name competences in English.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { createPrisma } from '../../prisma/client';
import { createTargetProfile } from '../../app/models/target-profile.server';
import { createCampaign } from '../../app/models/campaign.server';
import { expectAccessible, sendSimpleAnswer, signIn, waitForNextQuestion } from './helpers';

test.describe.configure({ timeout: 180_000 });

/** An assessment campaign of the demonstration lycée on competence 1.1's tubes. */
let campaignCode = '';
test.beforeAll(async () => {
  const db = createPrisma(process.env.DATABASE_URL!);
  const organisation = await db.organisation.findFirstOrThrow({ where: { name: 'Lycée de démonstration' } });
  const creator = await db.user.findUniqueOrThrow({ where: { email: 'enseignant@exemple.fr' } });
  const tubes = await db.tube.findMany({ where: { competence: { code: '1.1' } }, select: { id: true } });
  const profile = await createTargetProfile(db, organisation.id, {
    name: `Retour ${Date.now().toString(36)}`,
    description: '',
    tubes: tubes.map((t) => ({ tubeId: t.id, maxLevel: 4 })),
    stages: [],
    badges: [],
  });
  const campaign = await createCampaign(db, organisation.id, creator.id, {
    name: `Retour ${Date.now().toString(36)}`,
    type: 'ASSESSMENT',
    targetProfileId: profile.id,
    title: null,
    landingText: null,
    externalIdLabel: null,
    multipleSendings: false,
  });
  campaignCode = campaign.code;
  await db.$disconnect();
});

const PASSWORD = 'Apprenant-2026';

async function signUp(page: Page, lastName = 'Apprenante') {
  await page.goto('/connexion');
  await page.getByRole('link', { name: 'Inscrivez-vous' }).click();
  await page.getByLabel('Prénom').fill('Inès');
  await page.getByLabel('Nom', { exact: true }).fill(lastName);
  await page.getByLabel('Adresse e-mail').fill(`retour-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}@exemple.fr`);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByLabel(/J’accepte les conditions d’utilisation/).check();
  await page.getByRole('button', { name: 'Je m’inscris' }).click();
  await expect(page).toHaveURL(/\/profil$/);
}

/** Back in the browser, on a question: the same question stays, with a word on how to leave. */
async function backStaysOnQuestion(page: Page, testPath: RegExp) {
  const challengeId = await page.getByTestId('challenge').getAttribute('data-challenge-id');
  await page.goBack();
  await expect(page.getByTestId('back-held')).toBeVisible();
  await expect(page).toHaveURL(testPath);
  await expect(page.getByTestId('challenge')).toHaveAttribute('data-challenge-id', challengeId!);
  // Pressed again: still there.
  await page.goBack();
  await expect(page).toHaveURL(testPath);
  await expect(page.getByTestId('challenge')).toHaveAttribute('data-challenge-id', challengeId!);
  await expectAccessible(page);
}

test('the browser’s Back button keeps the learner in a competence test and in a campaign test', async ({ page }) => {
  await signUp(page);
  await page.getByRole('button', { name: 'Commencer : compétence 1.1' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Question 1' })).toBeVisible();
  await backStaysOnQuestion(page, /\/competences\/1\.1\/evaluation$/);
  // After an answer too, and the test goes on from there.
  const id = await sendSimpleAnswer(page, 'answer');
  await waitForNextQuestion(page, id, () => page.url().includes('/resultats'));
  await expect(page.getByRole('heading', { level: 1, name: 'Question 2' })).toBeVisible();
  await backStaysOnQuestion(page, /\/competences\/1\.1\/evaluation$/);
  // The test's own link still leaves it.
  await page.getByRole('link', { name: 'Quitter et reprendre plus tard' }).click();
  await expect(page).toHaveURL(/\/profil$/);

  // A campaign's test, from its page.
  await page.goto(`/campagnes/${campaignCode}`);
  await page.getByRole('button', { name: 'Je commence' }).click();
  await expect(page).toHaveURL(new RegExp(`/campagnes/${campaignCode}/evaluation$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Question 1' })).toBeVisible();
  await backStaysOnQuestion(page, new RegExp(`/campagnes/${campaignCode}/evaluation$`));
});

test('the header takes at most two rows on a 390 px phone, for a learner and for an administrator', async ({ browser }) => {
  for (const email of ['eleve@exemple.fr', 'admin@exemple.fr']) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, email, 'Demo-Pix-2026');
    for (const path of ['/', '/referentiel']) {
      await page.goto(path);
      const header = page.locator('header.site-header');
      const rows = await header.evaluate((h) => {
        const tops = [...h.querySelectorAll('.brand, nav li, .header-tools > *')]
          .map((e) => e.getBoundingClientRect())
          .filter((r) => r.width > 1 && r.height > 1)
          .map((r) => Math.round(r.top));
        return new Set(tops.map((t) => Math.round(t / 8))).size;
      });
      expect(rows, `${email} ${path}`).toBeLessThanOrEqual(2);
      const box = (await header.boundingBox())!;
      expect(box.height, `${email} ${path}`).toBeLessThanOrEqual(110);
      // Nothing of the header sticks out of the screen.
      expect(await header.evaluate((h) => h.scrollWidth - h.clientWidth), `${email} ${path}`).toBeLessThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      await expect(page.getByRole('button', { name: 'Se déconnecter' })).toBeVisible();
    }
    await expectAccessible(page);
    await context.close();
  }
});

async function asEnglish(browser: Browser, email?: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (email) await signIn(page, email, 'Demo-Pix-2026');
  return { context, page };
}

test('in English, Orga pages and a learner’s campaign results name competences and areas in English', async ({ browser }) => {
  // A learner sends their profile to the Quimper collection (every tube of the framework).
  const learner = await asEnglish(browser);
  await signUp(learner.page, `Anglais${Date.now().toString(36)}`);
  const origin = new URL(learner.page.url()).origin;
  await learner.page.goto('/campagnes/QMPRDM234');
  await learner.page.getByRole('button', { name: 'Je commence' }).click();
  await learner.page.getByRole('button', { name: 'Envoyer mon profil' }).click();
  await expect(learner.page.getByRole('status')).toBeVisible();
  await learner.context.addCookies([{ name: 'lang', value: 'en', url: origin }]);
  await learner.page.goto('/campagnes/QMPRDM234');
  await expect(learner.page.getByRole('cell', { name: '1.1 Search and monitor information' })).toBeVisible();
  await expect(learner.page.getByText('Mener une recherche et une veille')).toHaveCount(0);
  await expectAccessible(learner.page);

  const teacher = await asEnglish(browser, 'enseignant2@exemple.fr');
  await teacher.context.addCookies([{ name: 'lang', value: 'en', url: origin }]);
  await teacher.page.goto('/orga');
  await teacher.page.getByRole('link', { name: 'Collecte de profils — Quimper' }).click();
  await expect(teacher.page).toHaveURL(/\/orga\/campagnes\/[0-9a-f-]+$/);
  const campaignPath = new URL(teacher.page.url()).pathname;
  await teacher.page.getByRole('link', { name: 'Collective results' }).click();
  await expect(teacher.page.getByRole('cell', { name: /^1\.1 Search and monitor information/ })).toBeVisible();
  await expect(teacher.page.getByText('Mener une recherche et une veille')).toHaveCount(0);
  await expectAccessible(teacher.page);
  await teacher.page.goto('/orga/profils-cibles/nouveau');
  await expect(teacher.page.getByText(/Information and data/).first()).toBeVisible();
  await expect(teacher.page.getByText(/Informations et données/)).toHaveCount(0);
  await expectAccessible(teacher.page);
  // The export follows the page's language; one column per skill on demand.
  const csv = await (await teacher.page.request.get(`${campaignPath}/export.csv?acquis=1`)).text();
  const header = csv.split('\r\n')[0]!;
  expect(header).toContain('% mastery of the skills of competence 1.1 Search and monitor information');
  expect(header).toMatch(/;Skill @\w+1/);
  await Promise.all([learner.context.close(), teacher.context.close()]);
});

test('in English, the new certification session form says what is wrong in English', async ({ browser }) => {
  const centre = await asEnglish(browser, 'certif@exemple.fr');
  await centre.context.addCookies([{ name: 'lang', value: 'en', url: new URL(centre.page.url()).origin }]);
  await centre.page.goto('/certif/sessions/nouvelle');
  await centre.page.getByLabel('Start time').fill('');
  await centre.page.getByLabel('Test duration (minutes)').fill('10');
  await centre.page.getByRole('button', { name: 'Create the session' }).click();
  const alert = centre.page.getByRole('alert');
  await expect(alert).toContainText('The form has errors:');
  await expect(alert).toContainText('Enter the address.');
  await expect(alert).toContainText('The duration is at least 30 minutes.');
  await expect(alert).not.toContainText(/Saisissez|La durée/);
  await expectAccessible(centre.page);
  await centre.context.close();
});
