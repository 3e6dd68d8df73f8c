/**
 * Certification integrity in the browser (issue 15, decision 019): a candidate who positioned in a
 * competence (in the browser) and answered many other challenges before (history written to the
 * database) never meets in certification a challenge they saw before, nor one of its family (prototype
 * and declinations); during the test, their profile, results (« Réponses et tutoriels ») and campaigns
 * send them back to the test, a form posted elsewhere is refused in French, and the navigation is hidden;
 * once the test ends, everything opens again.
 */
import { expect, test, type Page } from '@playwright/test';
import { createPrisma } from '../../prisma/client';
import { hashPassword } from '../../app/lib/password.server';
import { generateSessionAccessCode } from '../../engine/framework/codes';
import { answerCertificationQuestion, expectAccessible, PASSWORD, sendSimpleAnswer, signIn, waitForNextQuestion } from './helpers';

test.describe.configure({ mode: 'serial', timeout: 300_000 });

const suffix = Date.now().toString(36);
const email = `integrite-${suffix}@test.exemple.fr`;
let userId = '';
let candidateId = '';
/** Competences validated up to level 3 (certifiable); the learner positions in the browser in POSITIONED. */
const VALIDATED = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '2.4', '3.1'];
const POSITIONED = '4.1';

test.beforeAll(async () => {
  const db = createPrisma(process.env.DATABASE_URL!);
  const passwordHash = await hashPassword(PASSWORD);
  const user = await db.user.create({
    data: { email, passwordHash, firstName: 'Lina', lastName: `Intègre${suffix}`, roles: ['LEARNER'], birthDate: new Date('2006-03-09T00:00:00Z') },
  });
  userId = user.id;
  const competences = await db.competence.findMany({ where: { code: { in: VALIDATED } }, select: { id: true } });
  const skills = await db.skill.findMany({
    where: { status: 'actif', level: { lte: 3 }, tube: { competenceId: { in: competences.map((c) => c.id) } } },
    select: { id: true, tube: { select: { competenceId: true } } },
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
  // An earlier campaign-like history: the learner answered one challenge of every other live skill of the
  // certification bank (a declination when the skill has one), so the family rule has much to exclude.
  const set = await db.parameterSet.findFirstOrThrow({ where: { active: true }, orderBy: { version: 'desc' } });
  const calibrated = await db.itemParameter.findMany({
    where: { parameterSetId: set.id },
    select: { challenge: { select: { id: true, skillId: true, prototypeId: true, currentVersionId: true } } },
    orderBy: { challengeId: 'asc' },
  });
  const bySkill = new Map<string, { id: string; prototypeId: string | null; currentVersionId: string | null }>();
  for (const { challenge } of calibrated) {
    const known = bySkill.get(challenge.skillId);
    if (!known || (challenge.prototypeId && !known.prototypeId)) bySkill.set(challenge.skillId, challenge);
  }
  const history = [...bySkill.values()].filter((c, k) => k % 2 === 0 && c.currentVersionId);
  const earlier = await db.assessment.create({ data: { userId: user.id, type: 'POSITIONING', state: 'COMPLETED' } });
  await db.assessmentChallenge.createMany({ data: history.map((c, position) => ({ assessmentId: earlier.id, challengeId: c.id, position })) });
  await db.answer.createMany({
    data: history.map((c, k) => ({
      assessmentId: earlier.id,
      challengeId: c.id,
      challengeVersionId: c.currentVersionId!,
      value: { skipped: true },
      result: k % 3 === 0 ? ('ok' as const) : ('skipped' as const),
    })),
  });
  // A centre's session with the learner enrolled, present and let in (the invigilator's part is
  // certification-session.spec.ts).
  const centre = await db.certificationCentre.create({ data: { name: `Centre intégrité ${suffix}`, type: 'SCO' } });
  const session = await db.certificationSession.create({
    data: {
      centreId: centre.id,
      address: '4 rue de l’Intégrité, Lyon',
      room: 'D4',
      date: new Date(Date.now() + 86_400_000),
      time: '09:00',
      examiner: 'Mme Intègre',
      accessCode: generateSessionAccessCode(Math.random),
      invigilatorPassword: 'INTG2346',
      parameterSetId: set.id,
    },
  });
  const candidate = await db.certificationCandidate.create({
    data: {
      sessionId: session.id,
      userId: user.id,
      firstName: 'Lina',
      lastName: `Intègre${suffix}`,
      birthDate: new Date('2006-03-09T00:00:00Z'),
      birthPlace: 'Lyon',
      email,
      presentAt: new Date(),
      authorizedAt: new Date(),
    },
  });
  candidateId = candidate.id;
  await db.$disconnect();
});

/** Families (prototype ids) of the challenges this learner saw outside the certification test, and of the ones served in it. */
async function familiesSeen(): Promise<{ before: Set<string>; served: string[] }> {
  const db = createPrisma(process.env.DATABASE_URL!);
  const asked = await db.assessmentChallenge.findMany({
    where: { assessment: { userId } },
    select: { assessment: { select: { type: true } }, challenge: { select: { id: true, prototypeId: true } } },
  });
  await db.$disconnect();
  const before = new Set(asked.filter((a) => a.assessment.type !== 'CERTIFICATION').map((a) => a.challenge.prototypeId ?? a.challenge.id));
  const served = asked.filter((a) => a.assessment.type === 'CERTIFICATION').map((a) => a.challenge.prototypeId ?? a.challenge.id);
  return { before, served };
}

async function expectBackToTest(page: Page, path: string) {
  await page.goto(path);
  await expect(page).toHaveURL(new RegExp(`/certification/${candidateId}$`));
  await expect(page.getByTestId('challenge')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Navigation principale' })).toHaveCount(0);
}

test('a candidate never meets a challenge seen before, and cannot open their profile, results or campaigns during the test', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);

  // 1. Before the test: a positioning in the browser (its challenges are seen from now on).
  await page.goto('/profil');
  await page.getByRole('button', { name: `Commencer : compétence ${POSITIONED}` }).click();
  await expect(page).toHaveURL(new RegExp(`/competences/${POSITIONED.replace('.', '\\.')}/evaluation$`));
  for (let k = 0; k < 20 && !page.url().includes('/resultats'); k++) {
    const id = await sendSimpleAnswer(page, 'answer');
    await waitForNextQuestion(page, id, () => page.url().includes('/resultats'));
  }
  await expect(page.getByRole('heading', { level: 2, name: 'Réponses et tutoriels' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Navigation principale' })).toBeVisible();

  // 2. The test starts.
  await page.goto('/certification');
  await page.locator(`a[href="/certification/${candidateId}"]`).click();
  await expect(page.getByRole('heading', { name: 'Vous pouvez commencer' })).toBeVisible();
  await page.getByRole('button', { name: 'Commencer le test' }).click();
  await expect(page.getByTestId('challenge')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Navigation principale' })).toHaveCount(0);
  await expectAccessible(page);
  await answerCertificationQuestion(page, 'answer');
  const question = await page.getByTestId('challenge').getAttribute('data-challenge-id');

  // 3. Every other page sends the candidate back to the question in course; nothing can be posted elsewhere.
  for (const path of ['/profil', `/competences/${POSITIONED}/resultats`, `/competences/${POSITIONED}/evaluation`, '/campagnes', '/referentiel', '/'])
    await expectBackToTest(page, path);
  await expect(page.getByTestId('challenge')).toHaveAttribute('data-challenge-id', question!);
  const csrf = await page.locator('input[name=csrf]').first().inputValue();
  const posted = await page.request.post('/campagnes', { form: { csrf, code: 'ABCDEFGHI' }, headers: { Origin: new URL(page.url()).origin } });
  expect(posted.status()).toBe(403);
  expect(await posted.text()).toContain('Votre test de certification est en cours');
  // The entry page stays open: it only links back to the test.
  await page.goto('/certification');
  await expect(page.locator(`a[href="/certification/${candidateId}"]`)).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Navigation principale' })).toHaveCount(0);

  // 4. To the end.
  await page.goto(`/certification/${candidateId}`);
  let n = 0;
  while (await answerCertificationQuestion(page, n % 2 === 0 ? 'answer' : 'skip')) {
    n++;
    expect(n).toBeLessThanOrEqual(32);
  }
  await expect(page.getByRole('heading', { name: 'Test terminé' })).toBeVisible();

  // 5. Nothing served was seen before, by family (the browser positioning and the earlier history).
  const { before, served } = await familiesSeen();
  expect(before.size).toBeGreaterThan(20);
  expect(served.length).toBeGreaterThanOrEqual(20);
  expect(served.filter((family) => before.has(family))).toEqual([]);

  // 6. The test is over: the pages and the navigation are back.
  await page.goto('/profil');
  await expect(page.getByRole('heading', { level: 1, name: 'Mon profil' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Navigation principale' })).toBeVisible();
  await page.goto(`/competences/${POSITIONED}/resultats`);
  await expect(page.getByRole('heading', { level: 2, name: 'Réponses et tutoriels' })).toBeVisible();
  await context.close();
});
