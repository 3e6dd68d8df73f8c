import { afterAll, describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { deactivateParameterSets, makeLearner, makePositioningFixture, respond, uid, type PositioningFixture } from '../../tests/setup/positioning-fixtures';
import { createTargetProfile } from './target-profile.server';
import {
  completeParticipation,
  createCampaign,
  learnerCampaign,
  liveActivity,
  shareParticipation,
  startParticipation,
  campaignParticipants,
} from './campaign.server';
import { campaignStep, submitCampaignAnswer, type CampaignChallengeStep } from './campaign-assessment.server';
import { PositioningError } from './positioning-error.server';

const DAY = 24 * 3600 * 1000;
const T0 = new Date('2026-04-06T09:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

const fixtures: PositioningFixture[] = [];
afterAll(async () => {
  for (const f of fixtures) await deactivateParameterSets(testDb(), f);
});

/** Two competences of their own; the profile targets tube a of the first up to level 3 and tube b of the second up to level 2. */
async function setup(options: { autoShare?: boolean; multipleSendings?: boolean } = {}) {
  const db = testDb();
  const one = await makePositioningFixture(db, { perSkill: 2 });
  const two = await makePositioningFixture(db, { perSkill: 2 });
  fixtures.push(one, two);
  const tubeA = one.skills.find((s) => s.name.startsWith('@pa'))!.tubeId;
  const tubeB = two.skills.find((s) => s.name.startsWith('@pb'))!.tubeId;
  const targeted = [...one.skills.filter((s) => s.tubeId === tubeA && s.level <= 3), ...two.skills.filter((s) => s.tubeId === tubeB && s.level <= 2)];
  const org = await db.organisation.create({ data: { name: `Lycée ${uid()}`, type: 'SCO' } });
  const teacher = await db.user.create({ data: { email: `prof-${uid()}@exemple.fr`, firstName: 'Paul', lastName: 'Prof', passwordHash: 'x' } });
  const profile = await createTargetProfile(db, org.id, {
    name: 'Profil',
    description: '',
    tubes: [
      { tubeId: tubeA, maxLevel: 3 },
      { tubeId: tubeB, maxLevel: 2 },
    ],
    stages: [],
    badges: [],
  });
  const campaign = await createCampaign(db, org.id, teacher.id, {
    name: 'Parcours',
    type: 'ASSESSMENT',
    targetProfileId: profile.id,
    title: null,
    landingText: null,
    externalIdLabel: null,
    multipleSendings: options.multipleSendings ?? false,
    autoShare: options.autoShare ?? false,
  });
  const bodies = new Map([...one.bodies, ...two.bodies]);
  const challengeSkill = new Map([...one.challengeSkill, ...two.challengeSkill]);
  const both = { ...one, bodies, challengeSkill } as PositioningFixture;
  return { db, one, two, both, targeted, campaign, org };
}

async function step(userId: string, participationId: string, now = T0): Promise<CampaignChallengeStep | null> {
  const s = await campaignStep(testDb(), { userId, participationId, now }, completeParticipation);
  return s.kind === 'challenge' ? s : null;
}

async function refusal(promise: Promise<unknown>): Promise<PositioningError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PositioningError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the adaptive test of an assessment campaign', () => {
  it('asks only targeted skills the learner does not know, counts a double submit once, refuses an answer not asked, reports progress, and ends ready to send', async () => {
    const { db, one, both, targeted, campaign } = await setup();
    const learner = await makeLearner(db);
    // Already in the learner's profile: level 1 of tube a (validated) — never asked again.
    const known = targeted.find((s) => s.level === 1 && one.skills.includes(s))!;
    await db.knowledgeElement.create({
      data: { userId: learner.id, skillId: known.id, competenceId: one.competence.id, status: 'validated', source: 'direct', createdAt: at(-DAY) },
    });

    const started = await startParticipation(db, learner.id, campaign.code, null, T0);
    expect(started).toMatchObject({ ok: true, testing: true });
    const participationId = started.ok ? started.participationId : '';
    const assessment = await db.assessment.findFirstOrThrow({ where: { participationId } });
    expect(assessment).toMatchObject({ type: 'CAMPAIGN', state: 'STARTED', competenceId: null });
    // Starting again resumes the same participation and test.
    expect(await startParticipation(db, learner.id, campaign.code, null, at(1000))).toMatchObject({ ok: true, participationId, testing: true });
    expect(await db.assessment.count({ where: { participationId } })).toBe(1);
    expect((await learnerCampaign(db, learner.id, campaign.code))!.participation!.status).toBe('STARTED');
    // Nothing to send before the end.
    expect(await shareParticipation(db, learner.id, campaign.code)).toMatchObject({ ok: false, code: 'not_finished' });

    const targetedIds = new Set(targeted.map((s) => s.id));
    const competenceOf = new Map([
      ...one.skills.map((s) => [s.id, 'one'] as const),
      ...targeted.filter((s) => !one.skills.includes(s)).map((s) => [s.id, 'two'] as const),
    ]);
    const askedSkills: string[] = [];
    const progress: number[] = [];
    let n = 0;
    for (; n < 30; n++) {
      const s = await step(learner.id, participationId, at(n * 10_000));
      if (!s) break;
      const skill = both.challengeSkill.get(s.challengeId)!;
      askedSkills.push(skill);
      expect(JSON.stringify(s.view)).not.toMatch(/secret|Explication|Juste.*correct/);
      if (n === 0) {
        // An answer to a challenge that was not asked is refused, before anything is written.
        const other = [...both.challengeSkill.keys()].find((id) => id !== s.challengeId)!;
        const refused = await refusal(
          submitCampaignAnswer(
            db,
            { userId: learner.id, participationId, assessmentId: s.assessmentId, challengeId: other, response: { skipped: true }, now: at(n * 10_000 + 5000) },
            completeParticipation,
          ),
        );
        expect(refused.code).toBe('not_asked');
        expect(refused.status).toBe(403);
      }
      const right = n % 3 !== 2;
      const input = {
        userId: learner.id,
        participationId,
        assessmentId: s.assessmentId,
        challengeId: s.challengeId,
        response: respond(both, s.challengeId, s.view, right),
        now: at(n * 10_000 + 5000),
      };
      const first = await submitCampaignAnswer(db, input, completeParticipation);
      expect(first.duplicate).toBe(false);
      // The same answer sent again (double click, retry) counts once.
      const again = await submitCampaignAnswer(db, { ...input, response: respond(both, s.challengeId, s.view, !right) }, completeParticipation);
      expect(again.duplicate).toBe(true);
      const row = await db.campaignParticipantResult.findUniqueOrThrow({ where: { participationId } });
      progress.push(row.progress);
    }
    expect(n).toBeGreaterThan(1);
    expect(n).toBeLessThan(30);
    // Only targeted skills, never the known one, each at most once; both competences visited, in turn at first.
    expect(askedSkills.every((id) => targetedIds.has(id))).toBe(true);
    expect(askedSkills).not.toContain(known.id);
    expect(new Set(askedSkills).size).toBe(askedSkills.length);
    // Competences take turns (in code order): the first two questions come from both.
    expect(new Set(askedSkills.slice(0, 2).map((id) => competenceOf.get(id)))).toEqual(new Set(['one', 'two']));
    expect(await db.answer.count({ where: { assessmentId: assessment.id } })).toBe(n);
    // Progress from the test: grows to 1.
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(progress[progress.length - 1]).toBe(1);

    // The test is over: the participation waits to be sent; its knowledge elements count for the profile.
    expect((await db.assessment.findUniqueOrThrow({ where: { id: assessment.id } })).state).toBe('COMPLETED');
    const participation = await db.campaignParticipation.findUniqueOrThrow({ where: { id: participationId } });
    expect(participation.status).toBe('TO_SHARE');
    const kes = await db.knowledgeElement.findMany({ where: { assessmentId: assessment.id } });
    expect(kes.length).toBeGreaterThan(0);
    expect(kes.every((k) => targetedIds.has(k.skillId))).toBe(true);
    expect(new Set(kes.map((k) => k.competenceId)).size).toBe(2);
    expect(kes.every((k) => k.competenceId === (one.skills.some((s) => s.id === k.skillId) ? one.competence.id : k.competenceId))).toBe(true);
    // Every targeted skill now has an element (the known one from before, the rest from the test).
    expect(new Set([...kes.map((k) => k.skillId), known.id])).toEqual(targetedIds);
    const view = await learnerCampaign(db, learner.id, campaign.code, at(DAY));
    expect(view!.results!.masteryPercent).toBeGreaterThan(0);
    expect(await shareParticipation(db, learner.id, campaign.code, at(DAY))).toMatchObject({ ok: true });
    const list = await campaignParticipants(db, campaign.id, {});
    expect(list.rows).toEqual([expect.objectContaining({ status: 'SHARED', progress: 1 })]);
  });

  it('sends the results automatically when the campaign says so', async () => {
    const { db, both, campaign } = await setup({ autoShare: true });
    const learner = await makeLearner(db);
    const started = await startParticipation(db, learner.id, campaign.code, null, T0);
    const participationId = started.ok ? started.participationId : '';
    for (let n = 0; n < 30; n++) {
      const s = await step(learner.id, participationId, at(n * 1000));
      if (!s) break;
      await submitCampaignAnswer(
        db,
        {
          userId: learner.id,
          participationId,
          assessmentId: s.assessmentId,
          challengeId: s.challengeId,
          response: respond(both, s.challengeId, s.view, true),
          now: at(n * 1000 + 500),
        },
        completeParticipation,
      );
    }
    const participation = await db.campaignParticipation.findUniqueOrThrow({ where: { id: participationId }, include: { result: true } });
    expect(participation.status).toBe('SHARED');
    expect(participation.sharedAt).not.toBeNull();
    expect(participation.result).toMatchObject({ status: 'SHARED', progress: 1 });
  });

  it('lets the learner retry 4 days after sending: a new participation whose test asks failed skills again but not validated ones', async () => {
    const { db, both, targeted, campaign } = await setup({ multipleSendings: true });
    const learner = await makeLearner(db);
    const started = await startParticipation(db, learner.id, campaign.code, null, T0);
    const first = started.ok ? started.participationId : '';
    const outcome = new Map<string, boolean>();
    for (let n = 0; n < 30; n++) {
      const s = await step(learner.id, first, at(n * 1000));
      if (!s) break;
      const skill = both.challengeSkill.get(s.challengeId)!;
      const level = targeted.find((t) => t.id === skill)!.level;
      // Right on level 1, wrong above.
      outcome.set(skill, level === 1);
      await submitCampaignAnswer(
        db,
        {
          userId: learner.id,
          participationId: first,
          assessmentId: s.assessmentId,
          challengeId: s.challengeId,
          response: respond(both, s.challengeId, s.view, level === 1),
          now: at(n * 1000 + 500),
        },
        completeParticipation,
      );
    }
    const sentAt = at(DAY);
    await shareParticipation(db, learner.id, campaign.code, sentAt);
    const tooEarly = await learnerCampaign(db, learner.id, campaign.code, new Date(sentAt.getTime() + 3 * DAY));
    expect(tooEarly!.canRetry).toBe(false);
    expect(tooEarly!.retryFrom).toBe(new Date(sentAt.getTime() + 4 * DAY).toISOString());
    // Starting too early keeps the sent participation.
    expect(await startParticipation(db, learner.id, campaign.code, null, new Date(sentAt.getTime() + 3 * DAY))).toMatchObject({
      participationId: first,
      testing: false,
    });

    const later = new Date(sentAt.getTime() + 4 * DAY);
    expect((await learnerCampaign(db, learner.id, campaign.code, later))!.canRetry).toBe(true);
    const retried = await startParticipation(db, learner.id, campaign.code, null, later);
    expect(retried).toMatchObject({ ok: true, testing: true });
    const second = retried.ok ? retried.participationId : '';
    expect(second).not.toBe(first);
    expect((await db.campaignParticipation.findUniqueOrThrow({ where: { id: first } })).isImproved).toBe(true);
    const askedAgain: string[] = [];
    for (let n = 0; n < 30; n++) {
      const s = await step(learner.id, second, new Date(later.getTime() + n * 1000));
      if (!s) break;
      askedAgain.push(both.challengeSkill.get(s.challengeId)!);
      await submitCampaignAnswer(
        db,
        {
          userId: learner.id,
          participationId: second,
          assessmentId: s.assessmentId,
          challengeId: s.challengeId,
          response: respond(both, s.challengeId, s.view, true),
          now: new Date(later.getTime() + n * 1000 + 500),
        },
        completeParticipation,
      );
    }
    const validatedBefore = [...outcome].filter(([, ok]) => ok).map(([id]) => id);
    const failedBefore = [...outcome].filter(([, ok]) => !ok).map(([id]) => id);
    expect(validatedBefore.length).toBeGreaterThan(0);
    expect(askedAgain.some((id) => validatedBefore.includes(id))).toBe(false);
    expect(askedAgain.some((id) => failedBefore.includes(id) || !outcome.has(id))).toBe(true);
    // The challenges answered the first time are not served again.
    const firstAnswers = await db.answer.findMany({ where: { assessment: { participationId: first } }, select: { challengeId: true } });
    const secondAnswers = await db.answer.findMany({ where: { assessment: { participationId: second } }, select: { challengeId: true } });
    expect(secondAnswers.some((a) => firstAnswers.some((b) => b.challengeId === a.challengeId))).toBe(false);
    // The organisation counts one participant: the earlier participation is kept aside (its row stays).
    const list = await campaignParticipants(db, campaign.id, {});
    expect(list.total).toBe(1);
    expect(list.rows[0]!.participationId).toBe(second);
    expect(await db.campaignParticipantResult.count({ where: { campaignId: campaign.id } })).toBe(2);
    expect((await liveActivity(db, campaign.id)).participants).toBe(1);
  });

  it('a learner who answers every campaign question wrong validates nothing: 0 skills, no tube reached, 0 % (decision 017); a wrong answer never validates its skill', async () => {
    const { db, both, targeted, campaign } = await setup({ autoShare: true });
    const targetedIds = new Set(targeted.map((t) => t.id));
    for (const right of [() => false, (n: number) => n % 2 === 0]) {
      const learner = await makeLearner(db);
      const started = await startParticipation(db, learner.id, campaign.code, null, T0);
      const participationId = started.ok ? started.participationId : '';
      for (let n = 0; n < 40; n++) {
        const s = await step(learner.id, participationId, at(n * 1000));
        if (!s) break;
        await submitCampaignAnswer(
          db,
          {
            userId: learner.id,
            participationId,
            assessmentId: s.assessmentId,
            challengeId: s.challengeId,
            response: respond(both, s.challengeId, s.view, right(n)),
            now: at(n * 1000 + 500),
          },
          completeParticipation,
        );
      }
      const answers = await db.answer.findMany({ where: { assessment: { participationId } }, select: { result: true, challengeId: true } });
      expect(answers.length).toBeGreaterThan(1);
      const kes = await db.knowledgeElement.findMany({ where: { userId: learner.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      const latest = new Map(kes.map((k) => [k.skillId, k.status]));
      // Every skill answered wrong ends invalidated.
      for (const a of answers.filter((x) => x.result !== 'ok')) expect(latest.get(both.challengeSkill.get(a.challengeId)!)).toBe('invalidated');
      const result = await db.campaignParticipantResult.findUniqueOrThrow({ where: { participationId } });
      const validated = [...latest].filter(([id, v]) => targetedIds.has(id) && v === 'validated').length;
      expect(result.validatedCount).toBe(validated);
      if (answers.every((a) => a.result !== 'ok')) {
        expect(validated).toBe(0);
        expect(result.masteryPercent).toBe(0);
        const tubes = Object.values(result.tubes as Record<string, [number, number, number]>);
        expect(tubes.length).toBeGreaterThan(0);
        expect(tubes.every(([, v, reached]) => v === 0 && reached === 0)).toBe(true);
      }
    }
  });

  it('starts the test of a participation whose start was interrupted before the test was created', async () => {
    const { db, campaign } = await setup();
    const learner = await makeLearner(db);
    const stuck = await db.campaignParticipation.create({ data: { campaignId: campaign.id, userId: learner.id, status: 'STARTED' } });
    expect(await db.assessment.count({ where: { participationId: stuck.id } })).toBe(0);
    expect(await startParticipation(db, learner.id, campaign.code, null, T0)).toMatchObject({ ok: true, participationId: stuck.id, testing: true });
    expect(await db.assessment.count({ where: { participationId: stuck.id, type: 'CAMPAIGN', state: 'STARTED' } })).toBe(1);
    expect(await step(learner.id, stuck.id)).not.toBeNull();
  });

  it('a profile collection has no test: the learner sends their profile at once', async () => {
    const { db, campaign, org } = await setup();
    const collection = await createCampaign(db, org.id, campaign.creatorId, {
      name: 'Collecte',
      type: 'PROFILES_COLLECTION',
      targetProfileId: null,
      title: null,
      landingText: null,
      externalIdLabel: null,
      multipleSendings: false,
    });
    const learner = await makeLearner(db);
    const started = await startParticipation(db, learner.id, collection.code, null, T0);
    expect(started).toMatchObject({ ok: true, testing: false });
    const participationId = started.ok ? started.participationId : '';
    expect(await db.assessment.count({ where: { participationId } })).toBe(0);
    expect((await db.campaignParticipation.findUniqueOrThrow({ where: { id: participationId } })).status).toBe('TO_SHARE');
    expect(await shareParticipation(db, learner.id, collection.code, at(1000))).toMatchObject({ ok: true });
    expect((await db.campaignParticipantResult.findUniqueOrThrow({ where: { participationId } })).status).toBe('SHARED');
  });
});
