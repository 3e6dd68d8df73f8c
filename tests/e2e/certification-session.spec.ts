import { expect, test, type Browser, type Page } from '@playwright/test';
import { answerCertificationQuestion, certificationQuestionNumber, expectAccessible, signIn, dayFromToday } from './helpers';

// A session day ahead of today: sessions cannot be created in the past.
const sessionDay = dayFromToday(9);

test.describe.configure({ timeout: 240_000 });

const SHOTS = process.env.CERTIF_SCREENSHOTS; // a folder: screenshots to look at by hand

async function as(browser: Browser, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return { context, page };
}

async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

test('a centre creates a session and enrols two candidates; the invigilator lets them in; both take the test, one with a neutralised question; others cannot see the session', async ({
  browser,
}) => {
  // 1. The centre's staff create a session.
  const centre = await as(browser, 'certif@exemple.fr');
  let page = centre.page;
  await page.goto('/certif');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Créer une session' }).first().click();
  await page.getByRole('button', { name: 'Créer la session' }).click();
  await expect(page.getByRole('alert')).toContainText('Saisissez l’adresse.');
  await page.getByLabel('Date', { exact: true }).fill(sessionDay.iso);
  await page.getByLabel('Heure de début').fill('09:30');
  await page.getByLabel('Adresse').fill('1 rue de la Paix, Paris');
  await page.getByLabel('Salle', { exact: true }).fill('B12');
  await page.getByLabel('Surveillant(s)').fill('Mme Garnier');
  // A past date is refused, the rest of the form kept.
  await page.getByLabel('Date', { exact: true }).fill('2020-01-15');
  await page.getByRole('button', { name: 'Créer la session' }).click();
  await expect(page.locator('#date-error')).toHaveText('Cette date est passée : choisissez aujourd’hui ou une date à venir.');
  await expect(page.getByLabel('Salle', { exact: true })).toHaveValue('B12');
  await page.getByLabel('Date', { exact: true }).fill(sessionDay.iso);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Créer la session' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Session du ${sessionDay.short} à 09:30`);
  const code = (await page.getByTestId('access-code').textContent())!.trim();
  const password = (await page.getByTestId('invigilator-password').textContent())!.trim();
  expect(code).toMatch(/^[BCDFGHJKMPQRTVWXY]{4}[2346789]{2}$/);
  const sessionUrl = page.url();
  await expect(page.getByText(/^v\d+$/)).toBeVisible(); // the approved parameter set, frozen

  // 2. Enrol: one candidate by hand, then a CSV with the second one and bad rows.
  await page.getByLabel('Nom de naissance').fill('Durand');
  await page.getByLabel('Prénom').fill('Inès');
  await page.getByLabel('Date de naissance (jj/mm/aaaa)').fill('12/04/2007');
  await page.getByLabel('Lieu de naissance').fill('Lyon');
  await page.getByLabel('E-mail').fill('candidat1@exemple.fr');
  await page.getByRole('button', { name: 'Inscrire', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Candidat inscrit.' })).toBeVisible();
  const csv =
    'Nom de naissance;Prénom;Date de naissance (jj/mm/aaaa);Lieu de naissance;E-mail;Identifiant externe;Temps majoré (%)\n' +
    'Martin;Hugo;03/11/2006;Nantes;candidat2@exemple.fr;EXT-2;30\n' +
    'Durand;Inès;12/04/2007;Lyon;;;0\n' +
    ';Sans;01/01/2005;Paris;;;0\n' +
    'Faux;Date;31/02/2006;Paris;;;0\n' +
    'Petit;Noé;20/02/2008;Lille;debutant@exemple.fr;;0\n';
  await page.getByLabel('Fichier CSV').setInputFiles({ name: 'candidats.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv}`) });
  await page.getByRole('button', { name: 'Prévisualiser' }).click();
  const report = page.getByTestId('csv-report');
  await expect(report).toContainText('1 lignes valides, 4 lignes refusées.');
  await expect(report).toContainText('Candidat déjà inscrit à cette session');
  await expect(report).toContainText('Nom de naissance manquant.');
  await expect(report).toContainText('Date de naissance invalide');
  await expect(report).toContainText('Non certifiable');
  await expectAccessible(page);
  await shot(page, '1-csv-preview');
  await page.getByRole('button', { name: 'Importer les 1 lignes valides' }).click();
  await expect(page.getByTestId('csv-result')).toContainText('1 candidats inscrits, 4 lignes refusées.');
  await expect(page.getByTestId('candidates').getByRole('row')).toHaveCount(3);
  await expect(page.getByTestId('candidates')).toContainText('Oui (16 compétences)');
  await shot(page, '2-session');

  // 3. Another centre's staff cannot see it.
  const outsider = await as(browser, 'certif-rennes@exemple.fr');
  const refused = await outsider.page.goto(sessionUrl);
  expect(refused?.status()).toBe(404);
  await outsider.page.goto('/certif');
  await expect(outsider.page.getByText(code)).toHaveCount(0);
  await outsider.context.close();

  // 4. The invigilator signs in (a wrong password first).
  const invigilatorContext = await browser.newContext();
  const inv = await invigilatorContext.newPage();
  await inv.goto('/surveillance');
  await inv.getByLabel('Code de la session').fill(code);
  await inv.getByLabel('Mot de passe surveillant').fill('MAUVAIS1');
  await inv.getByRole('button', { name: 'Accéder à la session' }).click();
  await expect(inv.getByRole('alert')).toContainText('Le code de session ou le mot de passe surveillant est incorrect.');
  await inv.getByLabel('Mot de passe surveillant').fill(password);
  await inv.getByRole('button', { name: 'Accéder à la session' }).click();
  await expect(inv.getByRole('heading', { level: 1, name: 'Espace surveillant' })).toBeVisible();
  const cards = inv.getByTestId('candidate');
  await expect(cards).toHaveCount(2);
  await expect(cards.filter({ hasText: 'DURAND' }).getByTestId('status')).toHaveText('Non arrivé');
  await expectAccessible(inv);

  // 5. The candidates enter the session and wait.
  const ines = await as(browser, 'candidat1@exemple.fr');
  const hugo = await as(browser, 'candidat2@exemple.fr');
  for (const [who, last, first, birth] of [
    [ines.page, 'DURAND', 'ines', '12/04/2007'],
    [hugo.page, 'Martin', 'Hugo', '03/11/2006'],
  ] as const) {
    await who.goto('/certification');
    await who.getByLabel('Code de la session').fill('ZZZZ99');
    await who.getByLabel('Nom de naissance').fill(last);
    await who.getByLabel('Prénom').fill(first);
    await who.getByLabel('Date de naissance').fill(birth);
    await who.getByRole('button', { name: 'Accéder à la session' }).click();
    await expect(who.getByRole('alert')).toContainText('Ce code de session n’existe pas.');
    await who.getByLabel('Code de la session').fill(code.toLowerCase());
    await who.getByRole('button', { name: 'Accéder à la session' }).click();
    await expect(who.getByRole('heading', { name: 'En attente du surveillant' })).toBeVisible();
  }
  await expectAccessible(ines.page);
  await shot(ines.page, '3-waiting');

  // 6. The invigilator confirms presence and lets both in; the candidates' pages move on by themselves.
  const inesCard = cards.filter({ hasText: 'DURAND' });
  const hugoCard = cards.filter({ hasText: 'MARTIN' });
  // Both entered with the code: the invigilator sees them waiting, not "not arrived".
  await expect(inesCard.getByTestId('status')).toHaveText('Arrivé, en attente', { timeout: 10_000 });
  await expect(hugoCard.getByTestId('status')).toHaveText('Arrivé, en attente', { timeout: 10_000 });
  await expectAccessible(inv);
  await inesCard.getByRole('button', { name: 'Confirmer présence et identité' }).click();
  await expect(inesCard.getByTestId('status')).toHaveText('Présent');
  await expect(ines.page.getByText('Votre présence est confirmée')).toBeVisible({ timeout: 10_000 });
  await inesCard.getByRole('button', { name: 'Autoriser à commencer' }).click();
  await hugoCard.getByRole('button', { name: 'Autoriser à commencer' }).click();
  await expect(hugoCard.getByTestId('status')).toHaveText('Autorisé à commencer');
  for (const who of [ines.page, hugo.page]) {
    await expect(who.getByRole('heading', { name: 'Vous pouvez commencer' })).toBeVisible({ timeout: 10_000 });
    await who.getByRole('button', { name: 'Commencer le test' }).click();
    await expect(who.getByTestId('challenge')).toBeVisible();
  }
  await expect(ines.page.getByRole('timer').first()).toContainText('Temps restant pour le test');
  await expectAccessible(ines.page);
  await shot(ines.page, '4-question');

  // 7. Live: the invigilator's page shows both in test without a reload.
  await expect(inesCard.getByTestId('status')).toHaveText('En test', { timeout: 10_000 });
  await expect(hugoCard.getByTestId('status')).toHaveText('En test', { timeout: 10_000 });

  // 8. Inès answers three questions; a second tab on the same question cannot answer it again.
  await answerCertificationQuestion(ines.page, 'answer');
  const tab = await ines.context.newPage();
  await tab.goto(ines.page.url());
  const tabQuestion = await certificationQuestionNumber(tab);
  expect(tabQuestion).toBe(await certificationQuestionNumber(ines.page));
  await answerCertificationQuestion(ines.page, 'skip');
  // The old tab's answer to the question already answered is not taken: it shows the current question.
  await tab.getByRole('button', { name: 'Je passe' }).click();
  await expect.poll(async () => certificationQuestionNumber(tab)).toBe(await certificationQuestionNumber(ines.page));
  await tab.close();

  // 9. An in-question incident on Inès's current question neutralises it; she moves on.
  const current = await certificationQuestionNumber(ines.page);
  await inesCard.getByText('Signaler un incident').click();
  await inesCard.getByLabel('Catégorie').selectOption('IN_CHALLENGE');
  await inesCard.getByLabel('Problème sur la question').selectOption('IMAGE_NOT_DISPLAYING');
  // A refused incident (a question not asked yet) keeps everything typed.
  await inesCard.getByLabel('Numéro de la question').fill('99');
  await inesCard.getByLabel('Neutraliser cette question').check();
  await inesCard.getByLabel('Description').fill('L’image ne s’affiche pas');
  await inesCard.getByRole('button', { name: 'Enregistrer l’incident' }).click();
  await expect(inesCard.getByRole('alert')).toContainText('La question 99 n’a pas encore été posée');
  await expect(inesCard.getByLabel('Description')).toHaveValue('L’image ne s’affiche pas');
  await expect(inesCard.getByLabel('Neutraliser cette question')).toBeChecked();
  await inesCard.getByLabel('Numéro de la question').fill(String(current));
  await inesCard.getByRole('button', { name: 'Enregistrer l’incident' }).click();
  await expect(inesCard.getByRole('status')).toHaveText('Incident enregistré ; la question est neutralisée.');
  await expect(inesCard).toContainText(`question ${current} – neutralisée`);
  // Once saved, the form is reset and folded: no second click neutralises the next question by mistake.
  await expect(inesCard.getByLabel('Description')).toBeHidden();
  await inesCard.getByText('Signaler un incident').click();
  await expect(inesCard.getByLabel('Description')).toHaveValue('');
  await expect(inesCard.getByLabel('Neutraliser cette question')).not.toBeChecked();
  await shot(inv, '5-portal');
  await ines.page.reload();
  expect(await certificationQuestionNumber(ines.page)).toBe(current + 1);

  // 10. A closed browser resumes at the same question.
  const before = await certificationQuestionNumber(hugo.page);
  const hugoUrl = hugo.page.url();
  await hugo.page.close();
  hugo.page = await hugo.context.newPage();
  await hugo.page.goto('/certification');
  await expect(hugo.page.locator(`a[href="${new URL(hugoUrl).pathname}"]`)).toBeVisible();
  await hugo.page.goto(hugoUrl);
  expect(await certificationQuestionNumber(hugo.page)).toBe(before);

  // 11. Both finish: Hugo answers to the end; Inès is ended by the invigilator after 20 answers.
  let n = 0;
  while (await answerCertificationQuestion(hugo.page, n % 3 === 0 ? 'answer' : 'skip')) {
    n++;
    expect(n).toBeLessThanOrEqual(32);
  }
  await expect(hugo.page.getByRole('heading', { name: 'Test terminé' })).toBeVisible();
  await expect(hugo.page.getByText(/\d+\s*pix\b/i)).toHaveCount(0);
  await expectAccessible(hugo.page);
  await shot(hugo.page, '6-finished');
  await shot(ines.page, '6b-ines-before-20');
  for (let k = 0; k < 32 && (await certificationQuestionNumber(ines.page)) <= 21; k++) {
    if (!(await answerCertificationQuestion(ines.page, 'skip'))) break;
  }
  await shot(ines.page, '6c-ines-after-20');
  expect(await certificationQuestionNumber(ines.page)).toBeGreaterThan(21);
  inv.once('dialog', (dialog) => void dialog.accept());
  await inesCard.getByRole('button', { name: 'Mettre fin au test' }).click();
  await expect(inesCard.getByTestId('status')).toHaveText('Arrêté par le surveillant');
  await expect(hugoCard.getByTestId('status')).toHaveText('Terminé');
  await ines.page.reload();
  await expect(ines.page.getByText('Le surveillant a mis fin à votre test.')).toBeVisible();

  // 12. An invigilator of another session cannot see this one.
  await page.goto('/certif/sessions/nouvelle');
  await page.getByLabel('Date', { exact: true }).fill(dayFromToday(10).iso);
  await page.getByLabel('Heure de début').fill('14:00');
  await page.getByLabel('Adresse').fill('2 rue du Port, Brest');
  await page.getByLabel('Salle', { exact: true }).fill('A1');
  await page.getByLabel('Surveillant(s)').fill('M. Le Gall');
  await page.getByRole('button', { name: 'Créer la session' }).click();
  const otherCode = (await page.getByTestId('access-code').textContent())!.trim();
  const otherPassword = (await page.getByTestId('invigilator-password').textContent())!.trim();
  const otherInv = await (await browser.newContext()).newPage();
  await otherInv.goto('/surveillance');
  await otherInv.getByLabel('Code de la session').fill(otherCode);
  await otherInv.getByLabel('Mot de passe surveillant').fill(otherPassword);
  await otherInv.getByRole('button', { name: 'Accéder à la session' }).click();
  await expect(otherInv.getByRole('heading', { level: 1, name: 'Espace surveillant' })).toBeVisible();
  await expect(otherInv.getByTestId('candidate')).toHaveCount(0);
  await expect(otherInv.getByText('DURAND')).toHaveCount(0);
  // The other session's password does not open this one.
  const cross = await (await browser.newContext()).newPage();
  await cross.goto('/surveillance');
  await cross.getByLabel('Code de la session').fill(code);
  await cross.getByLabel('Mot de passe surveillant').fill(otherPassword);
  await cross.getByRole('button', { name: 'Accéder à la session' }).click();
  await expect(cross.getByRole('alert')).toContainText('incorrect');

  for (const c of [centre.context, ines.context, hugo.context, invigilatorContext]) await c.close();
  page = otherInv;
  await page.context().close();
  await cross.context().close();
});
