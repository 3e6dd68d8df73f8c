/**
 * Scores that respect the evidence, in the browser (issue 15, decision 017). A learner who answers every
 * question of a competence wrong sees level 0 and 0 pix on the results page and on the profile, and no
 * skill is validated; a learner who answers everything right reaches the bank's top level for the
 * competence (not capped); in a campaign, the teacher's tube table and the learner's campaign results say
 * the same as the knowledge elements (same validated skills, same levels), and a wrong answer validates
 * nothing. On the way, a campaign test left midway resumes from the campaign page.
 *
 * Right and wrong answers are chosen in the test's process from the database (answers.ts), never from
 * anything sent to the learner's page.
 */
import { expect, test, type Browser } from '@playwright/test';
import { hashPassword } from '../../app/lib/password.server';
import { maxReachableLevel } from '../../app/lib/settings.server';
import { competenceScore, type KnowledgeElement, type Skill } from '../../engine/framework';
import { createCampaign } from '../../app/models/campaign.server';
import { createTargetProfile } from '../../app/models/target-profile.server';
import { answerQuestion, expectAllResults, testDatabase } from './answers';
import { expectAccessible, PASSWORD, signIn } from './helpers';

test.describe.configure({ mode: 'serial', timeout: 240_000 });

const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const wrongEmail = `preuve-faux-${suffix}@exemple.fr`;
const rightEmail = `preuve-juste-${suffix}@exemple.fr`;
const pupilEmail = `preuve-campagne-${suffix}@exemple.fr`;
const teacherEmail = `preuve-prof-${suffix}@exemple.fr`;
let campaign = { id: '', code: '' };

test.beforeAll(async () => {
  const db = testDatabase();
  const passwordHash = await hashPassword(PASSWORD);
  for (const [email, firstName] of [
    [wrongEmail, 'Zoé'],
    [rightEmail, 'Jules'],
    [pupilEmail, 'Maël'],
  ] as const) {
    await db.user.create({
      data: { email, passwordHash, firstName, lastName: `Preuve${suffix}`, roles: ['LEARNER'], birthDate: new Date('2010-05-04T00:00:00Z') },
    });
  }
  // An organisation of its own, its teacher, and a campaign on three tubes of 1.3 (up to level 4) and
  // one of 3.1, that sends results as soon as the test ends.
  const org = await db.organisation.create({ data: { name: `Lycée de la preuve ${suffix}`, type: 'PRO' } });
  const teacher = await db.user.create({
    data: {
      email: teacherEmail,
      passwordHash,
      firstName: 'Aude',
      lastName: 'Preuve',
      roles: [],
      memberships: { create: { organisationId: org.id, role: 'ADMIN' } },
    },
  });
  const tubes13 = await db.tube.findMany({ where: { competence: { code: '1.3' } }, orderBy: { position: 'asc' }, take: 3, select: { id: true } });
  const tube31 = await db.tube.findFirstOrThrow({ where: { competence: { code: '3.1' } }, orderBy: { position: 'asc' }, select: { id: true } });
  const profile = await createTargetProfile(db, org.id, {
    name: `Preuve ${suffix}`,
    description: '',
    tubes: [...tubes13.map((t) => ({ tubeId: t.id, maxLevel: 4 })), { tubeId: tube31.id, maxLevel: 3 }],
    stages: [],
    badges: [],
  });
  const created = await createCampaign(db, org.id, teacher.id, {
    name: `Preuve ${suffix}`,
    type: 'ASSESSMENT',
    targetProfileId: profile.id,
    title: null,
    landingText: null,
    externalIdLabel: null,
    multipleSendings: false,
    autoShare: true,
  });
  campaign = { id: created.id, code: created.code };
});

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test.afterAll(async () => {
  await testDatabase().$disconnect();
});

/** The learner's knowledge elements on a competence (all sources), as the engine reads them. */
async function knowledgeOf(email: string, competenceCode?: string) {
  const db = testDatabase();
  const rows = await db.knowledgeElement.findMany({
    where: { user: { email }, ...(competenceCode ? { competence: { code: competenceCode } } : {}) },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { skillId: true, status: true, source: true, createdAt: true, earnedPix: true, skill: { select: { name: true, level: true, tubeId: true } } },
  });
  const latest = new Map(rows.map((r) => [r.skillId, r]));
  return { rows, latest, validated: [...latest.values()].filter((r) => r.status === 'validated') };
}

/** A competence test taken to the end in the browser, every answer right or every answer wrong; its assessment. */
async function takeCompetence(browser: Browser, email: string, code: string, right: boolean) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  await page.goto('/profil');
  await page.getByRole('button', { name: `Commencer : compétence ${code}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Question 1' })).toBeVisible();
  let asked = 0;
  while (!page.url().includes('/resultats')) {
    await answerQuestion(page, right, () => page.url().includes('/resultats'));
    asked++;
    expect(asked).toBeLessThanOrEqual(25);
  }
  const assessment = await testDatabase().assessment.findFirstOrThrow({
    where: { user: { email }, competence: { code }, type: 'POSITIONING' },
    select: { id: true, state: true },
  });
  expect(assessment.state).toBe('COMPLETED');
  return { context, page, asked, assessmentId: assessment.id };
}

test('a learner who answers every question of 4.1 wrong sees level 0 and 0 pix, on the results page and the profile, and no skill is validated', async ({
  browser,
}) => {
  const { context, page, asked, assessmentId } = await takeCompetence(browser, wrongEmail, '4.1', false);
  // The test tried level 1 before concluding level 0, and every answer was recorded wrong.
  expect(asked).toBeGreaterThan(1);
  await expectAllResults(assessmentId, 'ko');
  await expect(page.getByRole('heading', { level: 1, name: /Résultats : 4\.1/ })).toBeVisible();
  await expect(page.getByTestId('result-level')).toHaveText('Niveau 0 · 0 pix');
  await expect(page.getByTestId('result-item')).toHaveCount(asked);
  await expect(page.locator('.result-badge.ok')).toHaveCount(0);
  await expect(page.locator('.result-badge.ko')).toHaveCount(asked);
  await expectAccessible(page);

  const knowledge = await knowledgeOf(wrongEmail);
  expect(knowledge.rows.length).toBeGreaterThan(0);
  expect(knowledge.validated.map((k) => k.skill.name)).toEqual([]);
  expect(knowledge.rows.every((k) => k.earnedPix === 0)).toBe(true);

  await page.getByRole('link', { name: 'Retour à mon profil' }).click();
  const card = page.locator('[data-code="4.1"]');
  await expect(card.locator('.level-line')).toHaveText('Niveau 0 · 0 pix');
  await expect(page.getByTestId('total-pix')).toHaveText('0 pix');
  // 4.1 does not count towards certifiability: still five competences to reach level 1.
  await expect(page.getByTestId('certifiability')).toContainText('encore 5 à obtenir');
  await expectAccessible(page);
  await context.close();
});

test('a learner who answers every question of 2.1 right reaches the bank’s top level for 2.1, every live skill validated', async ({ browser }) => {
  const db = testDatabase();
  // The bank's top level: every skill of 2.1 with a challenge in the latest release validated.
  const release = await db.release.findFirstOrThrow({ orderBy: { number: 'desc' }, select: { id: true } });
  const skills = await db.skill.findMany({ where: { tube: { competence: { code: '2.1' } } }, select: { id: true, tubeId: true, level: true, status: true } });
  const live = await db.releaseChallenge.findMany({ where: { releaseId: release.id, skillId: { in: skills.map((s) => s.id) } }, select: { skillId: true } });
  const liveSkills = new Set(live.map((l) => l.skillId).filter((id) => skills.find((s) => s.id === id)?.status === 'actif'));
  const engineSkills: Skill[] = skills.map((s) => ({ id: s.id, tubeId: s.tubeId, competenceCode: '2.1', level: s.level, status: s.status }));
  const all: KnowledgeElement[] = [...liveSkills].map((skillId) => ({ skillId, status: 'validated', source: 'direct', createdAt: 0 }));
  const top = competenceScore(all, engineSkills, maxReachableLevel());
  const highestLiveLevel = Math.max(...skills.filter((s) => liveSkills.has(s.id)).map((s) => s.level));
  expect(top.level).toBeGreaterThanOrEqual(3);

  const { context, page, asked, assessmentId } = await takeCompetence(browser, rightEmail, '2.1', true);
  await expectAllResults(assessmentId, 'ok');
  await expect(page.getByTestId('result-level')).toHaveText(`Niveau ${top.level} · ${top.pix} pix`);
  await expect(page.locator('.result-badge.ok')).toHaveCount(asked);
  await expectAccessible(page);

  // Every live skill validated, up to the highest level the bank has (the test was not stopped early).
  const knowledge = await knowledgeOf(rightEmail, '2.1');
  expect(new Set(knowledge.validated.map((k) => k.skillId))).toEqual(liveSkills);
  expect(Math.max(...knowledge.validated.map((k) => k.skill.level))).toBe(highestLiveLevel);
  // A level-above-3 question was asked (issue 15: two right answers stopped the test at level 3).
  const askedLevels = await db.assessmentChallenge.findMany({
    where: { assessmentId },
    select: { challenge: { select: { skill: { select: { level: true } } } } },
  });
  expect(Math.max(...askedLevels.map((a) => a.challenge.skill.level))).toBeGreaterThan(3);

  await page.getByRole('link', { name: 'Retour à mon profil' }).click();
  await expect(page.locator('[data-code="2.1"]').locator('.level-line')).toHaveText(`Niveau ${top.level} · ${top.pix} pix`);
  await expect(page.getByTestId('total-pix')).toHaveText(`${top.pix} pix`);
  await context.close();
});

test('in a campaign, a test left midway resumes from the campaign page; the teacher’s tube table and the learner’s results agree with the knowledge elements', async ({
  browser,
}) => {
  const db = testDatabase();
  const pupil = await browser.newContext();
  const page = await pupil.newPage();
  await signIn(page, pupilEmail);
  await page.goto(`/campagnes/${campaign.code}`);
  await page.getByRole('button', { name: 'Je commence' }).click();
  await expect(page).toHaveURL(new RegExp(`/campagnes/${campaign.code}/evaluation$`));
  const inTest = () => page.url().endsWith('/evaluation');
  const ended = () => !inTest();
  // Right on the first question, wrong on the second, then leave and come back through the campaign page.
  let n = 0;
  const right = (k: number) => k % 3 !== 1;
  for (; n < 2 && inTest(); n++) await answerQuestion(page, right(n), ended);
  expect(inTest()).toBe(true);
  const waiting = await page.getByTestId('challenge').getAttribute('data-challenge-id');
  await page.getByRole('link', { name: 'Quitter et reprendre plus tard' }).click();
  await expect(page).toHaveURL(new RegExp(`/campagnes/${campaign.code}$`));
  await page.getByRole('link', { name: 'Reprendre le parcours' }).click();
  await expect(page).toHaveURL(new RegExp(`/campagnes/${campaign.code}/evaluation$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Question 3' })).toBeVisible();
  await expect(page.getByTestId('challenge')).toHaveAttribute('data-challenge-id', waiting!);
  await expectAccessible(page);
  // Leave once more, and come back through the campaign's address (as from the campaigns list).
  await page.getByRole('link', { name: 'Quitter et reprendre plus tard' }).click();
  await page.goto(`/campagnes/${campaign.code}`);
  await page.getByRole('link', { name: 'Reprendre le parcours' }).click();
  await expect(page.getByTestId('challenge')).toHaveAttribute('data-challenge-id', waiting!);
  for (; inTest(); n++) {
    await answerQuestion(page, right(n), ended);
    expect(n).toBeLessThan(40);
  }
  // Sent automatically: the learner's results.
  await expect(page.getByRole('heading', { level: 2, name: 'Vos résultats' })).toBeVisible();
  const participation = await db.campaignParticipation.findFirstOrThrow({
    where: { campaignId: campaign.id, user: { email: pupilEmail } },
    select: { id: true, status: true, assessments: { select: { id: true } } },
  });
  expect(participation.status).toBe('SHARED');
  const assessmentId = participation.assessments[0]!.id;
  const answers = await db.answer.findMany({ where: { assessmentId }, select: { result: true, challenge: { select: { skillId: true } } } });
  expect(answers.some((a) => a.result === 'ok')).toBe(true);
  expect(answers.some((a) => a.result === 'ko')).toBe(true);

  // The knowledge elements: a skill answered wrong is never validated.
  const knowledge = await knowledgeOf(pupilEmail);
  const failed = new Set(answers.filter((a) => a.result !== 'ok').map((a) => a.challenge.skillId));
  for (const skillId of failed) expect(knowledge.latest.get(skillId)?.status).toBe('invalidated');
  // What the pages should say, per competence and per tube of the profile.
  const targeted = await db.targetProfileTube.findMany({
    where: { targetProfile: { campaigns: { some: { id: campaign.id } } } },
    select: { tubeId: true, maxLevel: true, tube: { select: { name: true, competence: { select: { code: true } } } } },
  });
  const targetedSkills = await db.skill.findMany({
    where: { tubeId: { in: targeted.map((t) => t.tubeId) }, status: 'actif' },
    select: { id: true, tubeId: true, level: true },
  });
  const expected = new Map<string, { validated: number; targeted: number; tubes: Map<string, { validated: number; targeted: number; reached: number }> }>();
  for (const t of targeted) {
    const code = t.tube.competence.code;
    const c = expected.get(code) ?? { validated: 0, targeted: 0, tubes: new Map() };
    const skills = targetedSkills.filter((s) => s.tubeId === t.tubeId && s.level <= t.maxLevel);
    const validated = skills.filter((s) => knowledge.latest.get(s.id)?.status === 'validated');
    c.tubes.set(t.tube.name, { validated: validated.length, targeted: skills.length, reached: Math.max(0, ...validated.map((s) => s.level)) });
    c.validated += validated.length;
    c.targeted += skills.length;
    expected.set(code, c);
  }
  const totalValidated = [...expected.values()].reduce((s, c) => s + c.validated, 0);
  expect(totalValidated).toBeGreaterThan(0);

  // The learner's campaign results.
  await expect(page.getByTestId('campaign-mastery')).toContainText(`(${totalValidated} acquis validés)`);
  const rows = page.getByRole('table', { name: 'Maîtrise par compétence' }).locator('tbody tr');
  for (const [code, c] of expected) {
    await expect(rows.filter({ hasText: code })).toContainText(`${c.validated} / ${c.targeted}`);
  }
  await expectAccessible(page);

  // The teacher's page of the participant: the same counts, and per tube the level the skills reach.
  const teacher = await browser.newContext();
  const orga = await teacher.newPage();
  await signIn(orga, teacherEmail);
  await orga.goto(`/orga/campagnes/${campaign.id}/participants/${participation.id}`);
  await expect(orga.getByText(`${totalValidated} acquis validés`).first()).toBeVisible();
  for (const [code, c] of expected) {
    const table = orga.getByRole('table', { name: new RegExp(`^${escapeRegExp(code)} .* : ${c.validated} acquis validés sur ${c.targeted}$`) });
    await expect(table).toBeVisible();
    for (const [name, tube] of c.tubes) {
      const row = table.locator('tbody tr').filter({ has: orga.locator('code').filter({ hasText: new RegExp(`^${escapeRegExp(name)}$`) }) });
      await expect(row.locator('td').nth(1)).toHaveText(`${tube.validated} / ${tube.targeted}`);
      await expect(row.locator('td').nth(2)).toHaveText(tube.reached ? String(tube.reached) : '—');
    }
  }
  await expectAccessible(orga);
  await teacher.close();
  await pupil.close();
});
