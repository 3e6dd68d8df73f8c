/**
 * After the certification test, in the browser: the centre finalises its session (attendance, an
 * incident, a comment), the jury is blocked from publishing until it decides, neutralises a question and
 * publishes; the learner sees the certificate on their profile and downloads its PDF; anyone checks its
 * code on the public page. The tests themselves are taken through the database (fixture), as the
 * candidate's test pages would have recorded them.
 */
import { pdfText } from '../setup/pdf-text';
import { expect, test, type Browser } from '@playwright/test';
import { createPrisma } from '../../prisma/client';
import { hashPassword } from '../../app/lib/password.server';
import { activeBank, makeCentre, makeIncident, makeSession, makeTakenTest, resultsPattern, type TakenTest } from '../setup/certification-fixtures';
import { answerCertificationQuestion, expectAccessible, signIn, PASSWORD, dayFromToday } from './helpers';

// A session day ahead of today: sessions cannot be created in the past.
const sessionDay = dayFromToday(12);

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let sessionId = '';
let centreEmail = '';
let otherCentreEmail = '';
let first: TakenTest;
let second: TakenTest;
let failed: TakenTest;
let code = '';

const SHOTS = process.env.CERTIF_RESULTS_SCREENSHOTS; // a folder: screenshots to look at by hand
async function shot(page: import('@playwright/test').Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

test.beforeAll(async () => {
  const db = createPrisma(process.env.DATABASE_URL!);
  const passwordHash = await hashPassword(PASSWORD);
  const bank = await activeBank(db);
  const { centre, member } = await makeCentre(db, { passwordHash, name: `Centre des résultats ${Date.now().toString(36)}` });
  const other = await makeCentre(db, { passwordHash });
  centreEmail = member.email;
  otherCentreEmail = other.member.email;
  const session = await makeSession(db, centre.id, bank.parameterSetId);
  sessionId = session.id;
  first = await makeTakenTest(db, { sessionId, bank, results: resultsPattern(32, 22), passwordHash, birthPlace: 'Saint-Étienne' });
  second = await makeTakenTest(db, { sessionId, bank, results: resultsPattern(28, 18), passwordHash });
  // Too few answers to be certified: the jury's publication says "not obtained".
  failed = await makeTakenTest(db, { sessionId, bank, results: resultsPattern(15, 10), passwordHash });
  // The invigilator reported a problem in question 3 of the first candidate's test and asked to neutralise it.
  await makeIncident(db, first.courseId, { questionNumber: 3, neutralise: true });
  await db.$disconnect();
});

async function as(browser: Browser, email: string | null) {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (email) await signIn(page, email);
  return { context, page };
}

test('the centre reports an incident and finalises its session; it cannot finalise without confirming', async ({ browser }) => {
  const { context, page } = await as(browser, centreEmail);
  await page.goto(`/certif/sessions/${sessionId}/finalisation`);
  await expect(page.getByRole('heading', { level: 1, name: 'Finaliser la session' })).toBeVisible();
  await expect(page.getByTestId('final-candidate')).toHaveCount(3);
  await expectAccessible(page);

  // An incident for the second candidate, with a missing description first.
  await page.getByLabel('Candidat concerné').selectOption({ label: `${await nameOf(second)}` });
  await page.getByLabel('Catégorie').selectOption({ label: 'Problème technique (hors question)' });
  await page.getByRole('button', { name: 'Signaler l’incident' }).click();
  await expect(page.getByRole('alert')).toHaveText('Décrivez l’incident.');
  await page.getByLabel('Description').fill('Le poste a redémarré pendant la question 2.');
  await page.getByLabel('Numéro de la question concernée (facultatif)').fill('2');
  await page.getByRole('button', { name: 'Signaler l’incident' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Incident signalé.' })).toBeVisible();

  await page.getByLabel('Commentaire sur la session (facultatif)').fill('Session calme, un redémarrage de poste.');
  await page.getByRole('button', { name: 'Finaliser la session' }).click();
  await expect(page.getByRole('alert')).toHaveText('Cochez la case de confirmation pour finaliser la session.');
  await page.getByLabel(/Je confirme que les informations sont exactes/).check();
  await page.getByRole('button', { name: 'Finaliser la session' }).click();
  await expect(page.getByText(/Session finalisée : 3 tests notés/)).toBeVisible();
  // Pass or fail stays with the jury until publication.
  await expect(page.getByText(/validées|non validée|Certification validée/)).toHaveCount(0);
  await expect(page.getByTestId('finalised')).toContainText('Des incidents attendent la décision du jury');
  await expect(page.getByRole('button', { name: 'Finaliser la session' })).toHaveCount(0);
  await expectAccessible(page);
  await shot(page, 'results-1-finalised');
  await context.close();
});

async function nameOf(t: TakenTest): Promise<string> {
  const db = createPrisma(process.env.DATABASE_URL!);
  const c = await db.certificationCandidate.findUniqueOrThrow({ where: { id: t.candidateId } });
  await db.$disconnect();
  return `${c.lastName} ${c.firstName}`;
}

test('the jury cannot publish while incidents need a decision; it neutralises, validates, then publishes', async ({ browser }) => {
  const { context, page } = await as(browser, 'admin@exemple.fr');
  await page.goto('/admin/jury');
  await expect(page.getByRole('heading', { level: 1, name: 'Jury de certification' })).toBeVisible();
  await expectAccessible(page);
  await page.goto(`/admin/jury/${sessionId}`);
  await expect(page.getByText('Commentaire du centre : Session calme, un redémarrage de poste.')).toBeVisible();
  await expect(page.getByTestId('publish-blocked')).toHaveText('Publication impossible : 2 incident(s) attendent encore une décision du jury.');
  await expectAccessible(page);

  await page.getByLabel('Je confirme la publication').check();
  await page.getByRole('button', { name: 'Publier les résultats' }).click();
  await expect(page.getByRole('alert')).toHaveText('Publication impossible : 2 incident(s) attendent encore une décision du jury.');
  await shot(page, 'results-2-jury-blocked');

  const firstName = await nameOf(first);
  const firstCard = page.getByTestId('jury-candidate').filter({ has: page.getByRole('heading', { name: firstName }) });
  const before = await firstCard.getByText(/Réponses comptées : \d+ \/ 32/).textContent();
  expect(before).toContain('32 / 32');
  await firstCard.getByRole('radio', { name: 'Neutraliser la question' }).check();
  await firstCard.getByLabel('Commentaire du jury').first().fill('Image absente, question neutralisée.');
  await firstCard.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(firstCard.getByText(/Réponses comptées : 31 \/ 32/)).toBeVisible();

  const secondCard = page.getByTestId('jury-candidate').filter({ has: page.getByRole('heading', { name: await nameOf(second) }) });
  await secondCard.getByRole('radio', { name: 'Valider (sans effet)' }).check();
  await secondCard.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(page.getByText('Tous les incidents ont une décision : les résultats peuvent être publiés.')).toBeVisible();
  // Decisions and figures are said in words, not as stored codes.
  await expect(secondCard.getByText('Décision : incident validé, sans effet sur le résultat')).toBeVisible();
  await expect(firstCard.getByText(/Décision : question neutralisée — Image absente, question neutralisée\./)).toBeVisible();
  await expect(page.getByText('Décision : validated')).toHaveCount(0);
  await expect(firstCard.getByText(/niveau estimé θ = -?\d+\.\d\d ± \d+\.\d\d/)).toBeVisible();
  await expect(page.getByTestId('jury-figures-help')).toContainText('Niveau estimé θ');

  await page.getByLabel('Je confirme la publication').check();
  await page.getByRole('button', { name: 'Publier les résultats' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Résultats publiés : \d certificat/ })).toBeVisible();
  await expectAccessible(page);
  await context.close();
});

test('the learner sees the certificate on their profile, opens it and downloads the PDF with its code', async ({ browser }) => {
  const { context, page } = await as(browser, first.email);
  await page.goto('/profil');
  const section = page.getByTestId('profile-certificates');
  await expect(section.getByRole('heading', { name: 'Mes certifications' })).toBeVisible();
  await section.getByRole('link', { name: /Voir le certificat du/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Certificat Pix' })).toBeVisible();
  await expect(page.getByTestId('certificate-competence')).toHaveCount(16);
  await expect(page.getByTestId('certificate')).toContainText('Saint-Étienne');
  await expect(page.getByTestId('certificate')).toContainText('Valable jusqu’au');
  // The measure the levels come from (decision 019): θ ± SE and the answers counted (31: one neutralised).
  await expect(page.getByTestId('certificate-measure')).toHaveText(/^θ = -?\d+\.\d\d ± \d+\.\d\d \(erreur type\), sur 31 réponses comptées$/);
  const pixCells = await page.getByTestId('certificate-competence').locator('td:last-child').allTextContents();
  const total = Number((await page.getByTestId('certificate-pix').textContent())!.replace(/\D/g, ''));
  expect(pixCells.reduce((sum, cell) => sum + Number(cell), 0)).toBe(total);
  code = (await page.getByTestId('certificate-code').textContent())!.trim();
  expect(code).toMatch(/^P-[2346789BCDFGHJKMPQRTVWXY]{8}$/);
  expect(new Set(code.slice(2)).size).toBe(8);
  await expectAccessible(page);
  await shot(page, 'results-3-certificate');

  const href = await page.getByRole('link', { name: 'Télécharger le certificat (PDF)' }).getAttribute('href');
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('application/pdf');
  const bytes = await response.body();
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const { text } = await pdfText(bytes);
  expect(text).toContain(`/VerificationCode (${code})`);
  expect(text).toContain(code); // drawn on the page
  expect(text).toContain('Saint-Étienne');

  // The certificate page links to the public verification page.
  await page.getByRole('link', { name: 'de vérification des certificats' }).click();
  await expect(page).toHaveURL(/\/verification$/);

  // The test's own page gives the published result and the way to the certificate.
  await page.goto(`/certification/${first.candidateId}`);
  await expect(page.getByTestId('published-result')).toContainText(/Résultat publié le .* : certification obtenue avec \d+ pix\./);
  await expect(page.getByText('Vos résultats seront disponibles après leur publication')).toHaveCount(0);
  await page.getByTestId('published-result').getByRole('link', { name: 'Voir mon certificat' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Certificat Pix' })).toBeVisible();
  await context.close();
});

test('a failed certification is listed on the profile with its status and date, and its test page says so', async ({ browser }) => {
  const { context, page } = await as(browser, failed.email);
  await page.goto('/profil');
  const section = page.getByTestId('profile-certificates');
  await expect(section.getByRole('heading', { name: 'Mes certifications' })).toBeVisible();
  await expect(section.getByTestId('unsuccessful-certification')).toHaveCount(1);
  await expect(section.getByTestId('unsuccessful-certification')).toContainText(/^Certification non obtenue — passée le .+, résultat publié le .+$/);
  await expect(section.getByRole('link', { name: /Voir le certificat/ })).toHaveCount(0);
  await expectAccessible(page);
  await page.goto(`/certification/${failed.candidateId}`);
  await expect(page.getByTestId('published-result')).toContainText(/Résultat publié le .* : la certification n’est pas obtenue\./);
  await expect(page.getByTestId('published-result').getByRole('link')).toHaveCount(0);
  await context.close();
});

test('anyone checks a code on the public page and sees the certificate only; a wrong code gets a French message', async ({ browser }) => {
  const { context, page } = await as(browser, null);
  await page.goto('/verification');
  await expect(page.getByRole('heading', { level: 1, name: 'Vérifier un certificat Pix' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Code de vérification').fill('P-AAAA1111');
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await expect(page.getByRole('alert')).toContainText('Ce code n’a pas la bonne forme');
  await expectAccessible(page);

  await page.getByLabel('Code de vérification').fill(code.toLowerCase());
  await page.getByRole('button', { name: 'Vérifier' }).click();
  await expect(page.getByText('Ce certificat est authentique.')).toBeVisible();
  const card = page.getByTestId('certificate');
  await expect(card.getByTestId('certificate-code')).toHaveText(code);
  await expect(card.getByTestId('certificate-competence')).toHaveCount(16);
  await expect(page.locator('body')).not.toContainText(first.email);
  await expect(page.locator('body')).not.toContainText('θ');
  await expectAccessible(page);
  await shot(page, 'results-4-verification');

  // English is available: the same check reads in English.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check a Pix certificate' })).toBeVisible();
  await page.getByLabel('Verification code').fill(code);
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.getByText('This certificate is genuine.')).toBeVisible();
  await expect(page.getByTestId('certificate')).toContainText('Valid until');
  await expectAccessible(page);
  await context.close();
});

test('pages after the test check who asks: another centre, a learner, an anonymous visitor', async ({ browser }) => {
  const anonymous = await as(browser, null);
  for (const path of [`/certif/sessions/${sessionId}/finalisation`, `/admin/jury`, `/admin/jury/${sessionId}`]) {
    await anonymous.page.goto(path);
    await expect(anonymous.page, path).toHaveURL(/\/connexion\?redirectTo=/);
  }
  const db = createPrisma(process.env.DATABASE_URL!);
  const certificate = await db.certificate.findUniqueOrThrow({ where: { courseId: first.courseId } });
  await db.$disconnect();
  for (const path of [`/certificats/${certificate.id}`, `/certificats/${certificate.id}/pdf`]) {
    const r = await anonymous.page.request.get(path, { maxRedirects: 0 });
    expect(r.status(), path).toBe(302);
  }
  await anonymous.context.close();

  // Actions too, with the visitor's own valid CSRF token (read from the sign-out form).
  const csrfOf = async (page: import('@playwright/test').Page) => (await page.locator('input[name=csrf]').first().getAttribute('value'))!;

  const other = await as(browser, otherCentreEmail);
  expect((await other.page.goto(`/certif/sessions/${sessionId}/finalisation`))?.status()).toBe(404);
  expect((await other.page.goto('/admin/jury'))?.status()).toBe(403);
  expect((await other.page.goto(`/certificats/${certificate.id}`))?.status()).toBe(404);
  await other.page.goto('/certif');
  const otherCsrf = await csrfOf(other.page);
  expect(
    (
      await other.page.request.post(`/certif/sessions/${sessionId}/finalisation`, {
        form: { csrf: otherCsrf, intent: 'report', candidateId: first.candidateId, category: 'FRAUD', description: 'x' },
      })
    ).status(),
  ).toBe(404);
  expect((await other.page.request.post(`/admin/jury/${sessionId}`, { form: { csrf: otherCsrf, intent: 'publish', confirm: 'on' } })).status()).toBe(403);
  await other.context.close();

  const learner = await as(browser, second.email);
  expect((await learner.page.goto(`/certif/sessions/${sessionId}/finalisation`))?.status()).toBe(403);
  expect((await learner.page.goto(`/admin/jury/${sessionId}`))?.status()).toBe(403);
  expect((await learner.page.goto(`/certificats/${certificate.id}`))?.status()).toBe(404);
  expect((await learner.page.request.get(`/certificats/${certificate.id}/pdf`)).status()).toBe(404);
  await learner.page.goto('/profil');
  const learnerCsrf = await csrfOf(learner.page);
  expect(
    (
      await learner.page.request.post(`/certif/sessions/${sessionId}/finalisation`, { form: { csrf: learnerCsrf, intent: 'finalise', confirm: 'on' } })
    ).status(),
  ).toBe(403);
  expect(
    (
      await learner.page.request.post(`/admin/jury/${sessionId}`, {
        form: { csrf: learnerCsrf, intent: 'candidate', courseId: first.courseId, decision: 'cancel' },
      })
    ).status(),
  ).toBe(403);
  await learner.context.close();

  const stranger = await as(browser, null);
  expect((await stranger.page.request.post(`/admin/jury/${sessionId}`, { form: { intent: 'publish', confirm: 'on' }, maxRedirects: 0 })).status()).toBe(302);
  expect(
    (await stranger.page.request.post(`/certif/sessions/${sessionId}/finalisation`, { form: { intent: 'finalise', confirm: 'on' }, maxRedirects: 0 })).status(),
  ).toBe(302);
  await stranger.context.close();

  // Nothing changed: the first candidate's certificate is still delivered.
  const after = createPrisma(process.env.DATABASE_URL!);
  expect((await after.certificate.findUniqueOrThrow({ where: { courseId: first.courseId } })).status).toBe('validated');
  expect(await after.certificationIssue.count({ where: { courseId: first.courseId, category: 'FRAUD' } })).toBe(0);
  await after.$disconnect();
});

// ─────────────────────────── The whole path, through every page ───────────────────────────

const letters = (n: number) => Array.from(n.toString(26), (d) => String.fromCharCode(97 + parseInt(d, 26))).join('');
const pathSuffix = letters(Date.now() % 1e9);
const pathCentreEmail = `centre-parcours-${pathSuffix}@exemple.fr`;
const pathCandidates = [
  { email: `parcours-a-${pathSuffix}@exemple.fr`, firstName: 'Alix', lastName: `Lemoine${pathSuffix}`, birth: '14/02/2005', birthPlace: 'Brest' },
  { email: `parcours-b-${pathSuffix}@exemple.fr`, firstName: 'Basile', lastName: `Roux${pathSuffix}`, birth: '30/09/2004', birthPlace: 'Dijon' },
];

test.describe('the whole path', () => {
  test.describe.configure({ timeout: 600_000 });

  test.beforeAll(async () => {
    const db = createPrisma(process.env.DATABASE_URL!);
    const passwordHash = await hashPassword(PASSWORD);
    const centre = await db.certificationCentre.create({ data: { name: `Centre du parcours ${pathSuffix}`, type: 'SCO' } });
    await db.user.create({
      data: {
        email: pathCentreEmail,
        passwordHash,
        firstName: 'Claire',
        lastName: 'Centre',
        roles: [],
        centreMemberships: { create: { centreId: centre.id, role: 'ADMIN' } },
      },
    });
    // Certifiable learners: levels 1 to 3 validated in 8 competences.
    const competences = await db.competence.findMany({
      where: { code: { in: ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '2.4', '3.1'] } },
      select: { id: true },
    });
    const skills = await db.skill.findMany({
      where: { status: 'actif', level: { lte: 3 }, tube: { competenceId: { in: competences.map((c) => c.id) } } },
      select: { id: true, tube: { select: { competenceId: true } } },
    });
    for (const c of pathCandidates) {
      const [d, m, y] = c.birth.split('/');
      const user = await db.user.create({
        data: {
          email: c.email,
          passwordHash,
          firstName: c.firstName,
          lastName: c.lastName,
          roles: ['LEARNER'],
          birthDate: new Date(`${y}-${m}-${d}T00:00:00Z`),
        },
      });
      await db.knowledgeElement.createMany({
        data: skills.map((s) => ({
          userId: user.id,
          skillId: s.id,
          competenceId: s.tube.competenceId,
          status: 'validated' as const,
          source: 'direct' as const,
          earnedPix: 0,
        })),
      });
    }
    await db.$disconnect();
  });

  test('centre creates a session → invigilator → two candidates sit (one incident) → finalise → jury → publish → PDF → verification', async ({ browser }) => {
    // 1. The centre creates the session and enrols the two candidates.
    const centre = await as(browser, pathCentreEmail);
    const page = centre.page;
    await page.goto('/certif/sessions/nouvelle');
    await page.getByLabel('Date', { exact: true }).fill(sessionDay.iso);
    await page.getByLabel('Heure de début').fill('10:00');
    await page.getByLabel('Adresse').fill('3 place du Parcours, Rennes');
    await page.getByLabel('Salle', { exact: true }).fill('C3');
    await page.getByLabel('Surveillant(s)').fill('M. Parcours');
    await page.getByRole('button', { name: 'Créer la session' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(`Session du ${sessionDay.short}`);
    const accessCode = (await page.getByTestId('access-code').textContent())!.trim();
    const password = (await page.getByTestId('invigilator-password').textContent())!.trim();
    const sessionUrl = new URL(page.url()).pathname;
    for (const c of pathCandidates) {
      await page.getByLabel('Nom de naissance').fill(c.lastName);
      await page.getByLabel('Prénom').fill(c.firstName);
      await page.getByLabel('Date de naissance (jj/mm/aaaa)').fill(c.birth);
      await page.getByLabel('Lieu de naissance').fill(c.birthPlace);
      await page.getByLabel('E-mail').fill(c.email);
      await page.getByRole('button', { name: 'Inscrire', exact: true }).click();
      await expect(page.getByTestId('candidates')).toContainText(new RegExp(c.lastName, 'i'));
    }

    // 2. The invigilator signs in; the candidates enter and are let in.
    const invContext = await browser.newContext();
    const inv = await invContext.newPage();
    await inv.goto('/surveillance');
    await inv.getByLabel('Code de la session').fill(accessCode);
    await inv.getByLabel('Mot de passe surveillant').fill(password);
    await inv.getByRole('button', { name: 'Accéder à la session' }).click();
    await expect(inv.getByRole('heading', { level: 1, name: 'Espace surveillant' })).toBeVisible();
    const cards = inv.getByTestId('candidate');
    const candidates = [] as { context: import('@playwright/test').BrowserContext; page: import('@playwright/test').Page }[];
    for (const c of pathCandidates) {
      const who = await as(browser, c.email);
      await who.page.goto('/certification');
      await who.page.getByLabel('Code de la session').fill(accessCode);
      await who.page.getByLabel('Nom de naissance').fill(c.lastName);
      await who.page.getByLabel('Prénom').fill(c.firstName);
      await who.page.getByLabel('Date de naissance').fill(c.birth);
      await who.page.getByRole('button', { name: 'Accéder à la session' }).click();
      await expect(who.page.getByRole('heading', { name: 'En attente du surveillant' })).toBeVisible();
      const card = cards.filter({ hasText: new RegExp(c.lastName, 'i') });
      await card.getByRole('button', { name: 'Confirmer présence et identité' }).click();
      await expect(card.getByTestId('status')).toHaveText('Présent');
      await card.getByRole('button', { name: 'Autoriser à commencer' }).click();
      await expect(who.page.getByRole('heading', { name: 'Vous pouvez commencer' })).toBeVisible({ timeout: 10_000 });
      await who.page.getByRole('button', { name: 'Commencer le test' }).click();
      await expect(who.page.getByTestId('challenge')).toBeVisible();
      candidates.push(who);
    }
    const [alix, basile] = candidates as [(typeof candidates)[0], (typeof candidates)[0]];

    // 3. Alix answers to the end; Basile answers 20 questions, has an incident on one (left to the jury), and the invigilator ends his test.
    let n = 0;
    while (await answerCertificationQuestion(alix.page, n % 2 === 0 ? 'answer' : 'skip')) n++;
    await expect(alix.page.getByRole('heading', { name: 'Test terminé' })).toBeVisible();
    await basile.page.reload();
    await expect(basile.page.getByTestId('challenge')).toBeVisible();
    let m = 0;
    while (m < 20 && (await basile.page.getByTestId('challenge').count()) > 0) {
      m++;
      if (!(await answerCertificationQuestion(basile.page, 'answer'))) break;
    }
    expect(m).toBe(20);
    const basileCard = cards.filter({ hasText: new RegExp(pathCandidates[1]!.lastName, 'i') });
    await basileCard.getByText('Signaler un incident').click();
    await basileCard.getByLabel('Catégorie').selectOption('IN_CHALLENGE');
    await basileCard.getByLabel('Problème sur la question').selectOption('IMAGE_NOT_DISPLAYING');
    await basileCard.getByLabel('Numéro de la question').fill('5');
    await basileCard.getByLabel('Description').fill('L’image de la question 5 ne s’affichait pas.');
    await basileCard.getByRole('button', { name: 'Enregistrer l’incident' }).click();
    await expect(basileCard.getByRole('status')).toHaveText('Incident enregistré.');
    inv.once('dialog', (dialog) => void dialog.accept());
    await basileCard.getByRole('button', { name: 'Mettre fin au test' }).click();
    await expect(basileCard.getByTestId('status')).toHaveText('Arrêté par le surveillant');

    // 4. The centre finalises.
    await page.goto(`${sessionUrl}/finalisation`);
    await expect(page.getByTestId('final-candidate')).toHaveCount(2);
    await expect(page.getByTestId('final-candidate').filter({ hasText: pathCandidates[1]!.lastName })).toContainText('à examiner');
    // Basile's test was ended early: the centre says why (the field is required).
    await page.getByLabel(new RegExp(`Raison de la fin anticipée du test de ${pathCandidates[1]!.lastName}`, 'i')).selectOption('TECHNICAL');
    await page.getByLabel(/Je confirme que les informations sont exactes/).check();
    await page.getByRole('button', { name: 'Finaliser la session' }).click();
    await expect(page.getByText(/Session finalisée : 2 tests notés/)).toBeVisible();
    await expectAccessible(page);

    // 5. The jury: blocked, neutralises question 5 of Basile's test, publishes.
    const admin = await as(browser, 'admin@exemple.fr');
    await admin.page.goto('/admin/jury');
    await admin.page.getByRole('link', { name: new RegExp(`Examiner.*Centre du parcours ${pathSuffix}`) }).click();
    await expect(admin.page.getByTestId('publish-blocked')).toContainText('1 incident(s)');
    const basileJury = admin.page.getByTestId('jury-candidate').filter({ hasText: pathCandidates[1]!.lastName });
    const counted = (await basileJury.getByText(/Réponses comptées : \d+/).textContent())!;
    const before = Number(/Réponses comptées : (\d+)/.exec(counted)![1]);
    await basileJury.getByRole('radio', { name: 'Neutraliser la question' }).check();
    await basileJury.getByRole('button', { name: 'Enregistrer la décision' }).click();
    await expect(basileJury.getByText(new RegExp(`Réponses comptées : ${before - 1} /`))).toBeVisible();
    await admin.page.getByLabel('Je confirme la publication').check();
    await admin.page.getByRole('button', { name: 'Publier les résultats' }).click();
    await expect(admin.page.getByRole('status').filter({ hasText: /Résultats publiés/ })).toBeVisible();

    // 6. Alix reads her certificate and downloads it; anyone verifies its code.
    await alix.page.goto('/profil');
    await alix.page
      .getByTestId('profile-certificates')
      .getByRole('link', { name: /Voir le certificat du/ })
      .click();
    const certificate = alix.page.getByTestId('certificate');
    await expect(certificate).toContainText('Brest');
    await expect(certificate).toContainText(`Centre du parcours ${pathSuffix}`);
    await expect(certificate).toContainText(sessionDay.long);
    const verificationCode = (await alix.page.getByTestId('certificate-code').textContent())!.trim();
    const href = await alix.page.getByRole('link', { name: 'Télécharger le certificat (PDF)' }).getAttribute('href');
    const pdf = await alix.page.request.get(href!);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdfText(await pdf.body())).text).toContain(verificationCode);

    const visitor = await as(browser, null);
    await visitor.page.goto('/verification');
    await visitor.page.getByLabel('Code de vérification').fill(verificationCode);
    await visitor.page.getByRole('button', { name: 'Vérifier' }).click();
    await expect(visitor.page.getByText('Ce certificat est authentique.')).toBeVisible();
    await expect(visitor.page.getByTestId('certificate')).toContainText(pathCandidates[0]!.lastName);
    await expectAccessible(visitor.page);

    for (const c of [centre.context, invContext, alix.context, basile.context, admin.context, visitor.context]) await c.close();
  });
});
