/**
 * For the run page's diagnostics: a competence of its own (2 tubes × 6 skills, one live challenge per
 * skill) answered by simulated learners (seeded) with planted findings, then calibrated by the real
 * worker so that its summary holds person fit and local dependence:
 * - learners born in the 1980s or the 2000s (account birth date; a quarter, of both decades alike, use
 *   English); the challenge `difItem` is 1.2 logits harder for those born in the 2000s (DIF on the
 *   birth decade, none on the account language);
 * - a third of the learners answer in a campaign of an organisation (kind of test, campaign, organisation);
 * - the challenge `dependent` copies the answer to `source` (same tube, other skill) for 60 % of them;
 * - 40 certification tests were asked `overExposed` and one other challenge each (exposure 100 % in
 *   certification, above the ceiling), without answering.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../prisma/client';
import { createRelease } from '../../app/models/release.server';
import { newChallengeBody } from '../../engine/challenges';
import { createRandom, normal } from '../../engine/random';
import { insertAnswers, makeAssessments, makeUsers } from './calibration-fixtures';

export interface DiagnosticsFixture {
  competence: { id: string; code: string };
  challenges: { id: string; key: string; versionId: string }[];
  learners: number;
  answers: number;
  planted: { difItem: string; source: string; dependent: string; overExposed: string };
  organisation: string;
  campaign: string;
}

const uid = () => randomUUID().replace(/-/g, '').slice(0, 10);

export async function makeDiagnosticsFixture(db: PrismaClient, options: { learners?: number; seed?: number } = {}): Promise<DiagnosticsFixture> {
  const u = uid();
  const rng = createRandom(options.seed ?? 2026);
  const area = await db.area.create({ data: { code: `DG${u}`, titleFr: `Domaine ${u}`, titleEn: `Area ${u}` } });
  const competence = await db.competence.create({ data: { code: `D${u}`, areaId: area.id, titleFr: `Diagnostics ${u}`, titleEn: `Diagnostics ${u}` } });
  const thematic = await db.thematic.create({ data: { key: `dth-${u}`, competenceId: competence.id, name: `Thématique ${u}` } });
  const challenges: DiagnosticsFixture['challenges'] = [];
  const truth: { a: number; b: number }[] = [];
  for (let t = 0; t < 2; t++) {
    const tube = await db.tube.create({
      data: { name: `@diag${u}${'ab'[t]}`, thematicId: thematic.id, competenceId: competence.id, title: `Sujet ${t}`, description: 'Diagnostics' },
    });
    for (let level = 1; level <= 6; level++) {
      const skill = await db.skill.create({ data: { name: `${tube.name}${level}`, tubeId: tube.id, level, status: 'actif' } });
      const key = `diag-${u}-${'ab'[t]}${level}`;
      const challenge = await db.challenge.create({ data: { key, skillId: skill.id, type: 'QCU', status: 'valide' } });
      const version = await db.challengeVersion.create({ data: { challengeId: challenge.id, number: 1, body: newChallengeBody('QCU', ['Tests']) as object } });
      await db.challenge.update({ where: { id: challenge.id }, data: { currentVersionId: version.id, liveVersionId: version.id } });
      challenges.push({ id: challenge.id, key, versionId: version.id });
      truth.push({ a: Math.exp(normal(rng, 0.2, 0.2)), b: -1.5 + 0.6 * (level - 1) + normal(rng, 0, 0.2) });
    }
  }
  const release = await db.$transaction((tx) => createRelease(tx, `Diagnostics ${u}`, null));
  const learnerCount = options.learners ?? 1200;
  const learners = await makeUsers(db, learnerCount, { locale: (k) => (k % 8 === 0 || k % 8 === 7 ? 'en' : 'fr') });
  const young = (k: number) => k % 2 === 1;
  await db.$executeRawUnsafe(
    `UPDATE "User" SET "birthDate" = x.b::date FROM unnest($1::text[], $2::text[]) AS x(id, b) WHERE "User".id = x.id`,
    learners,
    learners.map((_, k) => (young(k) ? `200${k % 8}-03-15` : `198${k % 8}-09-01`)),
  );
  // A third answer in a campaign of an organisation (participation and organisation's learner record).
  const organisation = await db.organisation.create({ data: { name: `Lycée ${u}`, type: 'SCO' } });
  const campaign = await db.campaign.create({
    data: { code: `DG${u.slice(0, 6).toUpperCase()}`, name: `Campagne ${u}`, type: 'ASSESSMENT', organisationId: organisation.id, creatorId: learners[0]! },
  });
  const inCampaign = (k: number) => k % 3 === 0;
  const assessments = await makeAssessments(
    db,
    learners.map((userId, k) => ({ userId, competenceId: competence.id, type: inCampaign(k) ? 'CAMPAIGN' : 'POSITIONING', releaseId: release.id })),
  );
  for (let k = 0; k < learnerCount; k++) {
    if (!inCampaign(k)) continue;
    const learner = await db.organisationLearner.create({
      data: { organisationId: organisation.id, userId: learners[k]!, firstName: 'Test', lastName: `${k}`, division: k % 2 === 0 ? '2nde A' : '2nde B' },
    });
    const participation = await db.campaignParticipation.create({
      data: { campaignId: campaign.id, userId: learners[k]!, organisationLearnerId: learner.id },
    });
    await db.assessment.update({ where: { id: assessments[k]! }, data: { participationId: participation.id } });
  }

  // Every learner answers every challenge (2PL truth), with the planted findings.
  const DIF_ITEM = 3;
  const SOURCE = 2;
  const DEPENDENT = 4;
  const rows: Parameters<typeof insertAnswers>[1] = [];
  const asked: { assessmentId: string; challengeId: string; position: number }[] = [];
  const start = Date.now() - 20 * 86_400_000;
  for (let k = 0; k < learnerCount; k++) {
    const theta = normal(rng);
    const copy = rng.next() < 0.6;
    let sourceScore = 0;
    const at = new Date(start + k * 60_000);
    for (let i = 0; i < challenges.length; i++) {
      const { a, b } = truth[i]!;
      const shift = i === DIF_ITEM && young(k) ? 1.2 : 0;
      let score = rng.next() < 1 / (1 + Math.exp(-a * (theta - b - shift))) ? 1 : 0;
      if (i === SOURCE) sourceScore = score;
      if (i === DEPENDENT && copy) score = sourceScore;
      const c = challenges[i]!;
      rows.push({ assessmentId: assessments[k]!, challengeId: c.id, versionId: c.versionId, result: score === 1 ? 'ok' : 'ko', createdAt: at });
      asked.push({ assessmentId: assessments[k]!, challengeId: c.id, position: i });
    }
  }
  await insertAnswers(db, rows);
  // Certification tests asked the over-exposed challenge and one other each (no answers).
  const candidates = await makeUsers(db, 40);
  const certifications = await makeAssessments(
    db,
    candidates.map((userId) => ({ userId, competenceId: null, type: 'CERTIFICATION', releaseId: release.id })),
  );
  certifications.forEach((assessmentId, k) => {
    asked.push({ assessmentId, challengeId: challenges[6]!.id, position: 0 });
    asked.push({ assessmentId, challengeId: challenges[7 + (k % 5)]!.id, position: 1 });
  });
  const askedAt = new Date(start + 60 * 60_000);
  for (let from = 0; from < asked.length; from += 5000) {
    await db.assessmentChallenge.createMany({ data: asked.slice(from, from + 5000).map((r) => ({ ...r, askedAt })) });
  }
  return {
    competence: { id: competence.id, code: competence.code },
    challenges,
    learners: learnerCount,
    answers: rows.length,
    planted: { difItem: challenges[DIF_ITEM]!.key, source: challenges[SOURCE]!.key, dependent: challenges[DEPENDENT]!.key, overExposed: challenges[6]!.key },
    organisation: organisation.name,
    campaign: campaign.id,
  };
}
