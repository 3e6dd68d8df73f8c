/**
 * After the certification test, in the browser: the centre finalises its session (attendance, an
 * incident, a comment), the jury is blocked from publishing until it decides, neutralises a question and
 * publishes; the learner sees the certificate on their profile and downloads its PDF; anyone checks its
 * code on the public page. The tests themselves are taken through the database (fixture), as the
 * candidate's test pages would have recorded them.
 */
import zlib from 'node:zlib';
import { expect, test, type Browser } from '@playwright/test';
import { createPrisma } from '../../prisma/client';
import { hashPassword } from '../../app/lib/password.server';
import { activeBank, makeCentre, makeIncident, makeSession, makeTakenTest, resultsPattern, type TakenTest } from '../setup/certification-fixtures';
import { expectAccessible, signIn, PASSWORD } from './helpers';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let sessionId = '';
let centreEmail = '';
let otherCentreEmail = '';
let first: TakenTest;
let second: TakenTest;
let code = '';

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

/** The text a PDF shows: its streams inflated, with hex strings (how standard fonts write text) decoded. */
function pdfText(bytes: Buffer): string {
  const raw = bytes.toString('latin1');
  let out = raw;
  const streams = /stream\r?\n([\s\S]*?)\r?\nendstream/g;
  for (let m = streams.exec(raw); m; m = streams.exec(raw)) {
    try {
      out += zlib.inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
    } catch {
      // not a deflated stream
    }
  }
  return out.replace(/<([0-9A-Fa-f\s]+)>/g, (_, hex: string) => Buffer.from(hex.replace(/\s/g, ''), 'hex').toString('latin1'));
}

test('the centre reports an incident and finalises its session; it cannot finalise without confirming', async ({ browser }) => {
  const { context, page } = await as(browser, centreEmail);
  await page.goto(`/certif/sessions/${sessionId}/finalisation`);
  await expect(page.getByRole('heading', { level: 1, name: 'Finaliser la session' })).toBeVisible();
  await expect(page.getByTestId('final-candidate')).toHaveCount(2);
  await expectAccessible(page);

  // An incident for the second candidate, with a missing description first.
  await page.getByLabel('Candidat concerné').selectOption({ label: `${(await nameOf(second))}` });
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
  await expect(page.getByText(/Session finalisée : 2 tests notés/)).toBeVisible();
  await expect(page.getByTestId('finalised')).toContainText('Des incidents attendent la décision du jury');
  await expect(page.getByRole('button', { name: 'Finaliser la session' })).toHaveCount(0);
  await expectAccessible(page);
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
  code = (await page.getByTestId('certificate-code').textContent())!.trim();
  expect(code).toMatch(/^P-[2346789BCDFGHJKMPQRTVWXY]{8}$/);
  expect(new Set(code.slice(2)).size).toBe(8);
  await expectAccessible(page);

  const href = await page.getByRole('link', { name: 'Télécharger le certificat (PDF)' }).getAttribute('href');
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('application/pdf');
  const bytes = await response.body();
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const text = pdfText(bytes);
  expect(text).toContain(`/VerificationCode (${code})`);
  expect(text).toContain(code); // drawn on the page
  expect(text).toContain('Saint-Étienne');
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

  const other = await as(browser, otherCentreEmail);
  expect((await other.page.goto(`/certif/sessions/${sessionId}/finalisation`))?.status()).toBe(404);
  expect((await other.page.goto('/admin/jury'))?.status()).toBe(403);
  expect((await other.page.goto(`/certificats/${certificate.id}`))?.status()).toBe(404);
  await other.context.close();

  const learner = await as(browser, second.email);
  expect((await learner.page.goto(`/certif/sessions/${sessionId}/finalisation`))?.status()).toBe(403);
  expect((await learner.page.goto(`/admin/jury/${sessionId}`))?.status()).toBe(403);
  expect((await learner.page.goto(`/certificats/${certificate.id}`))?.status()).toBe(404);
  expect((await learner.page.request.get(`/certificats/${certificate.id}/pdf`)).status()).toBe(404);
  await learner.context.close();
});
