import { expect, test, type Browser, type Page, type Response } from '@playwright/test';
import { createPrisma } from '../../prisma/client';
import { hashPassword } from '../../app/lib/password.server';
import { generateCampaignCode } from '../../engine/framework';
import { expectAccessible, signIn, sendSimpleAnswer, waitForNextQuestion, PASSWORD } from './helpers';

test.describe.configure({ timeout: 240_000 });

const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const learnerEmail = `eleve-campagne-${suffix}@exemple.fr`;
const outsiderEmail = `prof-autre-${suffix}@exemple.fr`;
const bothEmail = `prof-deux-${suffix}@exemple.fr`;

/** A learner account named like a row of the class list, and a teacher of another organisation. */
test.beforeAll(async () => {
  const db = createPrisma(process.env.DATABASE_URL!);
  const passwordHash = await hashPassword(PASSWORD);
  // Born on the day of the class list row: matched by name and birth date, so an Orga admin may reset the password.
  await db.user.create({
    data: {
      email: learnerEmail,
      firstName: 'Noé',
      lastName: `Campagne${suffix}`,
      passwordHash,
      roles: ['LEARNER'],
      birthDate: new Date('2009-03-05T00:00:00Z'),
    },
  });
  const other = await db.organisation.create({ data: { name: `Collège voisin ${suffix}`, type: 'SCO' } });
  await db.user.create({
    data: {
      email: outsiderEmail,
      firstName: 'Ada',
      lastName: 'Voisine',
      passwordHash,
      roles: [],
      memberships: { create: { organisationId: other.id, role: 'ADMIN' } },
    },
  });
  // A teacher of both organisations (the switcher).
  const demo = await db.organisation.findFirstOrThrow({ where: { name: 'Lycée de démonstration' } });
  await db.user.create({
    data: {
      email: bothEmail,
      firstName: 'Lou',
      lastName: 'Deux',
      passwordHash,
      roles: [],
      memberships: {
        create: [
          { organisationId: other.id, role: 'TEACHER' },
          { organisationId: demo.id, role: 'TEACHER' },
        ],
      },
    },
  });
  await db.$disconnect();
});

/** Keys that mark a solution in a challenge body: none may reach the browser during the test. */
const SOLUTION_KEYS = /["\\]+(solutionExplanation|accepted|correct|tolerances)["\\]+/;

/** Answers the campaign question on the page (first choice, or "réponse" in each field; or skips), waits for what comes next. */
async function answer(page: Page, how: 'answer' | 'skip'): Promise<void> {
  const id = await sendSimpleAnswer(page, how);
  const ended = () => !page.url().includes('/evaluation');
  try {
    await waitForNextQuestion(page, id, ended, 15_000);
  } catch (error) {
    // A form the simple answer above cannot fill (the browser keeps it from being sent): skip it.
    const still =
      !ended() &&
      (await page
        .getByTestId('challenge')
        .getAttribute('data-challenge-id', { timeout: 1000 })
        .catch(() => null)) === id;
    if (how === 'skip' || !still) throw error;
    console.log(`campaign test: question ${id} could not be answered simply: ${(await page.getByTestId('challenge').innerText()).slice(0, 300)}`);
    await page.getByRole('button', { name: 'Je passe' }).click();
    await waitForNextQuestion(page, id, ended);
  }
}

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
  await page
    .getByLabel('Liste de la classe (CSV, .xlsx ou .ods)')
    .setInputFiles({ name: 'classe.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv}`) });
  await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
  await expect(page.getByText('1 à créer, 0 à mettre à jour, 0 déjà présent(s), 1 refusée(s).')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Lignes refusées' })).toContainText('Date de naissance « 31/02/2009 » invalide');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Importer : 1 à créer, 0 à mettre à jour' }).click();
  await expect(page.getByText('Import terminé : 1 créé(s), 0 mis à jour, 0 déjà présent(s), 1 refusé(s).')).toBeVisible();
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

  // 3b. A teacher (any account that is more than a learner's) cannot join: told why, and refused by the server too.
  await page.goto(`/campagnes/${code}`);
  await expect(page.getByTestId('not-learner')).toContainText('Pour participer, connectez-vous avec un compte élève.');
  await expect(page.getByRole('button', { name: 'Je commence' })).toHaveCount(0);
  await expectAccessible(page);
  await page.goto('/orga');
  const teacherCsrf = await page.locator('input[name=csrf]').first().inputValue();
  const join = await page.request.post(`/campagnes/${code}`, { form: { csrf: teacherCsrf, intent: 'start' } });
  expect(await join.text()).toContain('Pour participer, connectez-vous avec un compte élève.');
  {
    const db = createPrisma(process.env.DATABASE_URL!);
    expect(await db.campaignParticipation.count({ where: { campaign: { code }, user: { email: 'enseignant@exemple.fr' } } })).toBe(0);
    await db.$disconnect();
  }

  // 4. The learner joins with the code.
  const learner = await as(browser, learnerEmail);
  const lp = learner.page;
  await lp.goto('/profil');
  await lp.getByRole('link', { name: 'J’ai un code' }).click();
  await expect(lp.getByRole('heading', { level: 1, name: 'J’ai un code' })).toBeVisible();
  await lp.getByLabel('Code de la campagne').fill('ABCDEF999');
  await lp.getByRole('button', { name: 'Accéder à la campagne' }).click();
  await expect(lp.getByRole('alert')).toHaveText('Aucune campagne n’a le code ABCDEF999. Vérifiez-le auprès de votre enseignant.');
  await expectAccessible(lp);
  await lp.getByLabel('Code de la campagne').fill(code.toLowerCase());
  await lp.getByRole('button', { name: 'Accéder à la campagne' }).click();
  await expect(lp.getByText('Bienvenue dans la campagne de rentrée.')).toBeVisible();
  await expectAccessible(lp);
  // Every response during the test is kept, to check that no solution reached the browser.
  const seen: Promise<string | null>[] = [];
  const capture = (r: Response) => {
    if (new URL(r.url()).pathname.startsWith('/campagnes/')) seen.push(r.text().catch(() => null));
  };
  lp.on('response', capture);
  await lp.getByRole('button', { name: 'Je commence' }).click();
  // 4b. The adaptive campaign test, then the results.
  await expect(lp).toHaveURL(new RegExp(`/campagnes/${code}/evaluation$`));
  await expect(lp.getByRole('heading', { level: 1, name: 'Question 1' })).toBeVisible();
  await expect(lp.getByLabel('Avancement du parcours')).toBeVisible();
  await expectAccessible(lp);
  let questions = 0;
  while (lp.url().includes('/evaluation')) {
    await answer(lp, questions === 1 ? 'skip' : 'answer');
    questions++;
    expect(questions).toBeLessThanOrEqual(60);
    if (questions === 2 && lp.url().includes('/evaluation')) {
      // Leaving and coming back resumes at the same question.
      const current = await lp.getByTestId('challenge').getAttribute('data-challenge-id');
      await lp.goto(`/campagnes/${code}`);
      await expect(lp.getByRole('heading', { name: 'Parcours en cours' })).toBeVisible();
      await expectAccessible(lp);
      await lp.getByRole('link', { name: 'Reprendre le parcours' }).click();
      await expect(lp.getByTestId('challenge')).toHaveAttribute('data-challenge-id', current!);
    }
  }
  lp.off('response', capture);
  const leaks = (await Promise.all(seen)).filter((t): t is string => t !== null && SOLUTION_KEYS.test(t));
  expect(leaks).toEqual([]);
  expect(questions).toBeGreaterThan(0);
  await expect(lp.getByRole('heading', { name: 'Vos résultats' })).toBeVisible();
  await expect(lp.getByTestId('campaign-mastery')).toContainText(/\d+ %/);
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
  await expect(row).toContainText('100 %');
  await expect(row).toContainText(/\d+ %/);
  await expectAccessible(page);
  await row.getByRole('link').click();
  await expect(page.getByText('Maîtrise globale')).toBeVisible();
  const participantUrl = page.url();
  await page.getByRole('link', { name: 'Résultats collectifs' }).click();
  await expect(page.getByRole('table', { name: 'Maîtrise par compétence' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Sujets à travailler' }).click();
  await expect(page.getByTestId('topic').first()).toContainText(/\(\d\/4\)/);
  await expectAccessible(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Exporter les résultats (CSV pour tableur)' }).click()]);
  const content = await (await download.createReadStream()).toArray();
  const bytes = Buffer.concat(content as Buffer[]);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8');
  expect(text).toContain(`Campagne${suffix};Noé;2nde ${suffix}`);
  expect(text.split('\r\n').filter(Boolean)).toHaveLength(2);

  // 5b. In English: the teacher's dashboards and the learner's campaign page.
  const origin = new URL(campaignUrl).origin;
  await teacher.context.addCookies([{ name: 'lang', value: 'en', url: origin }]);
  await page.goto(campaignUrl);
  await expect(page.getByRole('heading', { level: 2, name: 'Activity' })).toBeVisible();
  await expect(page.locator('.figures')).toContainText('1 results received');
  await expect(page.getByRole('link', { name: 'Collective results' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Export the results (CSV for spreadsheets)' })).toBeVisible();
  await expectAccessible(page);
  await page.goto('/orga/eleves');
  await expect(page.getByRole('heading', { level: 1, name: 'Learners' })).toBeVisible();
  await learner.context.addCookies([{ name: 'lang', value: 'en', url: origin }]);
  await lp.goto(`/campagnes/${code}`);
  await expect(lp.getByRole('heading', { name: 'Your results' })).toBeVisible();
  await expect(lp.getByText(/Results sent on/)).toBeVisible();
  await expectAccessible(lp);
  await lp.goto('/campagnes');
  await expect(lp.getByRole('heading', { level: 1, name: 'I have a code' })).toBeVisible();
  await teacher.context.clearCookies({ name: 'lang' });
  await page.goto(campaignUrl);

  // 6. Another organisation's teacher sees nothing of it: every loader answers 404, and so does the archive action.
  const outsider = await as(browser, outsiderEmail);
  for (const path of ['', '/participants', '/resultats', '/sujets', '/export.csv']) {
    const response = await outsider.page.request.get(`${campaignUrl}${path}`);
    expect(response.status(), path).toBe(404);
  }
  const participantPath = new URL(participantUrl).pathname;
  expect(participantPath).toMatch(/\/participants\/[0-9a-f-]+$/);
  expect((await outsider.page.request.get(participantPath)).status()).toBe(404);
  await outsider.page.goto('/orga');
  const csrf = await outsider.page
    .locator('input[name=csrf]')
    .first()
    .inputValue()
    .catch(() => '');
  const campaignId = new URL(campaignUrl).pathname.split('/').pop()!;
  const archive = await outsider.page.request.post('/orga', { form: { csrf, intent: 'archive', campaignId } });
  expect(archive.status()).toBe(404);
  await expect(outsider.page.getByText(`Rentrée ${suffix}`)).toHaveCount(0);
  await outsider.page.goto('/orga/eleves');
  await expect(outsider.page.getByText(`Campagne${suffix}`)).toHaveCount(0);
  // A learner is not let into the Orga space at all.
  expect((await lp.request.get('/orga')).status()).toBe(403);

  // 7. A teacher of two organisations switches between them; the choice is kept in the session.
  const both = await as(browser, bothEmail);
  await both.page.goto('/orga');
  const switcher = both.page.getByLabel('Organisation', { exact: true });
  await expect(switcher).toBeVisible();
  await expectAccessible(both.page);
  await switcher.selectOption({ label: 'Lycée de démonstration' });
  await both.page.getByRole('button', { name: 'Changer' }).click();
  await expect(both.page.getByRole('link', { name: `Rentrée ${suffix}` })).toBeVisible();
  await both.page.goto('/orga/eleves');
  await expect(both.page.getByRole('cell', { name: `Campagne${suffix}`, exact: true })).toBeVisible();
  // A plain teacher of the organisation: no reset control, and the server refuses it anyway.
  await expect(both.page.getByText('Seuls les administrateurs de l’organisation peuvent réinitialiser le mot de passe d’un élève.')).toBeVisible();
  await expect(both.page.getByRole('button', { name: `Réinitialiser le mot de passe de Noé Campagne${suffix}` })).toHaveCount(0);
  const learnerRowId = await both.page
    .getByRole('row', { name: new RegExp(`Campagne${suffix}`) })
    .locator('input[name=learnerId]')
    .inputValue();
  const bothCsrf = await both.page.locator('input[name=csrf]').first().inputValue();
  const refusedReset = await both.page.request.post('/orga/eleves', { form: { csrf: bothCsrf, intent: 'reset', learnerId: learnerRowId } });
  expect(await refusedReset.text()).toContain('Seuls les administrateurs de l’organisation peuvent réinitialiser un mot de passe.');
  await both.page.getByLabel('Organisation', { exact: true }).selectOption({ label: `Collège voisin ${suffix}` });
  await both.page.getByRole('button', { name: 'Changer' }).click();
  await expect(both.page.getByRole('heading', { level: 1, name: 'Campagnes' })).toBeVisible();
  await expect(both.page.getByText(`Rentrée ${suffix}`)).toHaveCount(0);
  await both.context.close();

  // 8. The organisation's administrator resets the pupil's password (matched by name and birth date): shown
  // once; the pupil's sessions end; the new password opens the account.
  await page.goto('/orga/eleves');
  await page.getByRole('button', { name: `Réinitialiser le mot de passe de Noé Campagne${suffix}` }).click();
  const temporary = (await page.locator('.temp-password').textContent())!.trim();
  expect(temporary.length).toBeGreaterThan(10);
  await expectAccessible(page);
  await lp.goto('/profil');
  await expect(lp).toHaveURL(/\/connexion/);
  await learner.context.clearCookies({ name: 'lang' });
  await signIn(lp, learnerEmail, temporary);
  await expect(lp).not.toHaveURL(/\/connexion/);

  await Promise.all([teacher.context.close(), learner.context.close(), outsider.context.close()]);
});

/**
 * Every loader and action of the Orga space, asked by a teacher of another organisation about the
 * demonstration lycée's campaign, participant, target profile, learner and member: refused (404), or
 * for actions scoped to the asker's own organisation, nothing of the other organisation changes.
 */
test('another organisation’s teacher is refused on every Orga loader and action', async ({ browser }) => {
  const db = createPrisma(process.env.DATABASE_URL!);
  const demo = await db.organisation.findFirstOrThrow({ where: { name: 'Lycée de démonstration' } });
  const creator = await db.user.findUniqueOrThrow({ where: { email: 'enseignant@exemple.fr' } });
  const tube = await db.tube.findFirstOrThrow({ where: { skills: { some: { status: 'actif' } } } });
  const profile = await db.targetProfile.create({
    data: { organisationId: demo.id, name: `Privé ${suffix}`, tubes: { create: [{ tubeId: tube.id, maxLevel: 2 }] } },
  });
  const campaign = await db.campaign.create({
    data: {
      code: generateCampaignCode(Math.random),
      name: `Isolée ${suffix}`,
      type: 'ASSESSMENT',
      organisationId: demo.id,
      targetProfileId: profile.id,
      creatorId: creator.id,
    },
  });
  const learnerUser = await db.user.findUniqueOrThrow({ where: { email: learnerEmail } });
  const learner = await db.organisationLearner.create({ data: { organisationId: demo.id, firstName: 'Iso', lastName: `Lée${suffix}`, userId: null } });
  const participation = await db.campaignParticipation.create({
    data: { campaignId: campaign.id, userId: learnerUser.id, organisationLearnerId: learner.id, status: 'SHARED', sharedAt: new Date() },
  });
  await db.campaignParticipantResult.create({
    data: {
      participationId: participation.id,
      campaignId: campaign.id,
      status: 'SHARED',
      lastName: learner.lastName,
      firstName: 'Iso',
      masteryPercent: 40,
      validatedCount: 1,
      badges: [],
      tubes: {},
      createdAt: new Date(),
    },
  });
  const membership = await db.membership.findFirstOrThrow({ where: { organisationId: demo.id, userId: creator.id } });

  const outsider = await as(browser, outsiderEmail);
  const request = outsider.page.request;
  await outsider.page.goto('/orga');
  const csrf = await outsider.page.locator('input[name=csrf]').first().inputValue();
  const base = `/orga/campagnes/${campaign.id}`;
  // Loaders: the other organisation's things, or the other organisation chosen with ?org=.
  const gets = [
    base,
    `${base}/participants`,
    `${base}/participants/${participation.id}`,
    `${base}/resultats`,
    `${base}/sujets`,
    `${base}/export.csv`,
    `/orga/profils-cibles/${profile.id}`,
    `/orga?org=${demo.id}`,
    `/orga/eleves?org=${demo.id}`,
    `/orga/membres?org=${demo.id}`,
    `/orga/profils-cibles?org=${demo.id}`,
    `/orga/profils-cibles/nouveau?org=${demo.id}`,
    `/orga/campagnes/nouvelle?org=${demo.id}`,
  ];
  for (const path of gets) expect((await request.get(path)).status(), `GET ${path}`).toBe(404);
  // Actions that name the other organisation's things: refused.
  const posts: [string, Record<string, string>][] = [
    ['/orga', { intent: 'archive', campaignId: campaign.id }],
    ['/orga/organisation', { organisationId: demo.id }],
    ['/orga/profils-cibles', { intent: 'duplicate', profileId: profile.id }],
    ['/orga/campagnes/nouvelle', { name: 'Vol', type: 'ASSESSMENT', targetProfileId: profile.id }],
    [`/orga/eleves?org=${demo.id}`, { intent: 'detach', learnerId: learner.id }],
    [`/orga/membres?org=${demo.id}`, { intent: 'remove', membershipId: membership.id }],
    [`/orga/profils-cibles/${profile.id}?org=${demo.id}`, { name: 'Vol', [`tube-${tube.id}`]: '1' }],
  ];
  for (const [path, form] of posts) expect((await request.post(path, { form: { csrf, ...form } })).status(), `POST ${path}`).toBe(404);
  // Actions scoped to the asker's own organisation: the other organisation's learner, member and profile are not found there.
  expect(await (await request.post('/orga/eleves', { form: { csrf, intent: 'detach', learnerId: learner.id } })).text()).toContain('Élève introuvable');
  expect(await (await request.post('/orga/eleves', { form: { csrf, intent: 'reset', learnerId: learner.id } })).text()).toContain('Élève introuvable');
  expect(await (await request.post('/orga/membres', { form: { csrf, intent: 'remove', membershipId: membership.id } })).text()).toContain('Membre introuvable');
  expect(await (await request.post(`/orga/profils-cibles/${profile.id}`, { form: { csrf, name: 'Vol', [`tube-${tube.id}`]: '1' } })).text()).toContain(
    'Profil cible introuvable',
  );
  // Nothing changed.
  expect((await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).archivedAt).toBeNull();
  expect((await db.organisationLearner.findUniqueOrThrow({ where: { id: learner.id } })).detachedAt).toBeNull();
  expect(await db.membership.count({ where: { id: membership.id } })).toBe(1);
  expect((await db.targetProfile.findUniqueOrThrow({ where: { id: profile.id } })).name).toBe(`Privé ${suffix}`);
  expect(await db.campaign.count({ where: { name: 'Vol' } })).toBe(0);
  expect(await db.targetProfile.count({ where: { name: { contains: `Privé ${suffix} (copie)` } } })).toBe(0);
  await outsider.context.close();
  await db.$disconnect();
});
