/**
 * A campaign of 10,000 participants: times what the teachers' pages read (participants page with
 * filters, activity/collective results/recommended topics from the aggregate, one participant's detail)
 * and the full CSV export. Participants are simulated with a seeded generator: each has a level θ per
 * tube and validates the targeted skills up to it (what the tube rule gives), so the results look like
 * real ones. Result rows are written as the campaign-results worker writes them (engine participantResult).
 * Times are of the loaders' work at the server (queries and computation), cold (first call) and warm
 * (median of 5). Benchmarks print; they do not assert.
 *
 * Then simulated learners (a θ each, answers drawn from it) join a second campaign on the same profile
 * with its code and take the adaptive campaign test to the end through the same model functions as the
 * pages (startParticipation, campaignStep, submitCampaignAnswer): the time of one answer → next
 * question step, questions per test, and the mastery they get against their true one.
 *
 *   node --import tsx bench/campaign-10k.ts [--participants 10000] [--learners 40]
 */
import { createTestDatabase } from '../scripts/testdb';
import { createRandom } from '../engine/random';
import { participantResult, masteryPercent, reachedStageIndex, badgeEarned, targetedSkills } from '../engine/campaigns';

const arg = process.argv.indexOf('--participants');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 10_000;
const learnersArg = process.argv.indexOf('--learners');
const LEARNERS = learnersArg > 0 ? Number(process.argv[learnersArg + 1]) : 40;

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
async function time<T>(work: () => Promise<T>) {
  const t = performance.now();
  const value = await work();
  return { ms: performance.now() - t, value };
}

async function main() {
  const database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  const { createPrisma } = await import('../prisma/client');
  const db = createPrisma(database.url);
  const campaigns = {
    ...(await import('../app/models/campaign.server')),
    ...(await import('../app/models/campaign-dashboard.server')),
    ...(await import('../app/models/campaign-results.server')),
  };
  const { campaignExportStream } = await import('../app/models/campaign-export.server');
  const { createTargetProfile } = await import('../app/models/target-profile.server');
  try {
    const rng = createRandom('campaign-10k');
    // A small framework: 1 area, 3 competences × 3 tubes × 6 levels.
    const area = await db.area.create({ data: { code: '4', titleFr: 'Protection et sécurité', titleEn: 'Safety' } });
    const tubes: { id: string }[] = [];
    const skills: { id: string; tubeId: string; level: number; status: string }[] = [];
    for (const c of [1, 2, 3]) {
      const competence = await db.competence.create({ data: { code: `4.${c}`, areaId: area.id, titleFr: `Compétence 4.${c}`, titleEn: `Competence 4.${c}` } });
      const thematic = await db.thematic.create({ data: { key: `th${c}`, competenceId: competence.id, name: `Thématique ${c}` } });
      for (const t of [1, 2, 3]) {
        const tube = await db.tube.create({
          data: { name: `@tube${c}${t}`, thematicId: thematic.id, competenceId: competence.id, title: `Sujet ${c}.${t}`, description: '' },
        });
        tubes.push(tube);
        for (let level = 1; level <= 6; level++)
          skills.push({ ...(await db.skill.create({ data: { name: `@tube${c}${t}${level}`, tubeId: tube.id, level, status: 'actif' } })), status: 'actif' });
      }
    }
    const org = await db.organisation.create({ data: { name: 'Lycée du banc d’essai', type: 'SCO' } });
    const teacher = await db.user.create({ data: { email: 'prof@bench.fr', firstName: 'Paul', lastName: 'Prof', passwordHash: 'x' } });
    const tubeCaps = tubes.map((t, i) => ({ tubeId: t.id, maxLevel: 3 + (i % 4) }));
    const profile = await createTargetProfile(db, org.id, {
      name: 'Profil 10k',
      description: '',
      tubes: tubeCaps,
      stages: [
        { threshold: 0, title: 'Palier 1', message: '' },
        { threshold: 40, title: 'Palier 2', message: '' },
        { threshold: 70, title: 'Palier 3', message: '' },
      ],
      badges: [{ title: 'Sécurité', message: '', criteria: [{ tubeId: tubes[0]!.id, minPercent: 80 }] }],
    });
    const campaign = await campaigns.createCampaign(db, org.id, teacher.id, {
      name: 'Campagne 10k',
      type: 'ASSESSMENT',
      targetProfileId: profile.id,
      title: null,
      landingText: null,
      externalIdLabel: null,
      multipleSendings: false,
    });
    const targeted = targetedSkills(tubeCaps, skills);
    const stages = [
      { threshold: 0, title: 'Palier 1' },
      { threshold: 40, title: 'Palier 2' },
      { threshold: 70, title: 'Palier 3' },
    ];
    const badge = { key: 'b', title: 'Sécurité', criteria: [{ tubeId: tubes[0]!.id, minPercent: 80 }] };

    const seeded = await time(async () => {
      const start = Date.UTC(2026, 0, 5);
      for (let from = 0; from < N; from += 1000) {
        const batch = Array.from({ length: Math.min(1000, N - from) }, (_, k) => from + k);
        const users = batch.map((i) => ({
          id: crypto.randomUUID(),
          email: `p${i}@bench.fr`,
          firstName: `Prénom${i}`,
          lastName: `Nom${String(i).padStart(5, '0')}`,
          passwordHash: 'x',
          roles: ['LEARNER' as const],
          simulated: true,
        }));
        await db.user.createMany({ data: users });
        const rows = users.map((u, k) => {
          const theta = rng.next() * 7;
          const validated = new Set(targeted.filter((s) => s.level <= theta + (rng.next() - 0.5) * 2).map((s) => s.id));
          const result = participantResult(targeted, validated);
          const createdAt = new Date(start + Math.floor(rng.next() * 20) * 864e5 + k);
          const shared = rng.next() < 0.85;
          const status = shared ? ('SHARED' as const) : ('TO_SHARE' as const);
          return {
            user: u,
            result,
            createdAt,
            status,
            sharedAt: shared ? new Date(createdAt.getTime() + Math.floor(rng.next() * 3) * 864e5) : null,
            division: `2nde ${1 + ((from + k) % 12)}`,
          };
        });
        const participations = rows.map((r) => ({
          id: crypto.randomUUID(),
          campaignId: campaign.id,
          userId: r.user.id,
          status: r.status,
          createdAt: r.createdAt,
          sharedAt: r.sharedAt,
          masteryRate: r.result.masteryRate,
          validatedSkillsCount: r.result.validated,
        }));
        await db.campaignParticipation.createMany({ data: participations });
        await db.campaignParticipantResult.createMany({
          data: rows.map((r, k) => {
            const stage = reachedStageIndex(stages, r.result.masteryRate);
            return {
              participationId: participations[k]!.id,
              campaignId: campaign.id,
              status: r.status,
              lastName: r.user.lastName,
              firstName: r.user.firstName,
              division: r.division,
              masteryPercent: masteryPercent(r.result.masteryRate),
              validatedCount: r.result.validated,
              stageIndex: stage >= 0 ? stage : null,
              badges: badgeEarned(badge, r.result.tubes) ? ['Sécurité'] : [],
              tubes: campaigns.toStoredTubes(r.result.tubes),
              createdAt: r.createdAt,
              sharedAt: r.sharedAt,
            };
          }),
        });
      }
    });
    console.log(`Seeded ${N} participants (${targeted.length} targeted skills in ${tubes.length} tubes) in ${(seeded.ms / 1000).toFixed(1)} s`);

    const worker = await time(() => campaigns.refreshCampaignAggregate(db, campaign.id));
    console.log(`Worker: aggregate recomputed from ${N} results in ${worker.ms.toFixed(0)} ms (done in the background, not on page views)`);

    const pages: [string, () => Promise<unknown>][] = [
      ['Activité (live figures + aggregate)', async () => Promise.all([campaigns.campaignAggregate(db, campaign.id), campaigns.liveActivity(db, campaign.id)])],
      [
        'Participants, page 1',
        async () => Promise.all([campaigns.campaignParticipants(db, campaign.id, { page: 1 }), campaigns.campaignAggregate(db, campaign.id)]),
      ],
      [
        'Participants, page 100',
        async () => Promise.all([campaigns.campaignParticipants(db, campaign.id, { page: 100 }), campaigns.campaignAggregate(db, campaign.id)]),
      ],
      [
        'Participants, classe + maîtrise fragile',
        async () =>
          Promise.all([campaigns.campaignParticipants(db, campaign.id, { division: '2nde 7', band: 'fragile' }), campaigns.campaignAggregate(db, campaign.id)]),
      ],
      ['Résultats collectifs', () => campaigns.campaignAggregate(db, campaign.id)],
      [
        'Sujets à travailler',
        async () => {
          const { data } = await campaigns.campaignAggregate(db, campaign.id);
          return campaigns.tutorialsOfTubes(
            db,
            data.recommendations.map((r) => r.tubeId),
          );
        },
      ],
      [
        'Détail d’un participant',
        async () => {
          const one = await db.campaignParticipantResult.findFirstOrThrow({ where: { campaignId: campaign.id }, select: { participationId: true } });
          return campaigns.participantDetail(db, campaign.id, one.participationId);
        },
      ],
    ];
    console.log('\nPage (server work)                         cold ms   warm ms (median of 5)   target ≤ 300 ms');
    for (const [name, work] of pages) {
      const cold = await time(work);
      const warm: number[] = [];
      for (let i = 0; i < 5; i++) warm.push((await time(work)).ms);
      console.log(`${name.padEnd(42)} ${cold.ms.toFixed(0).padStart(7)}   ${median(warm).toFixed(0).padStart(7)}`);
    }
    const stale = await time(async () => {
      await db.campaignAggregate.delete({ where: { campaignId: campaign.id } });
      return campaigns.campaignAggregate(db, campaign.id);
    });
    console.log(`(Reference: a page view that finds the aggregate missing and recomputes it inline: ${stale.ms.toFixed(0)} ms)`);

    const exported = await time(async () => {
      const reader = (await campaignExportStream(db, campaign.id)).getReader();
      let bytes = 0;
      let firstAt = 0;
      const t = performance.now();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!firstAt) firstAt = performance.now() - t;
        bytes += value.byteLength;
      }
      return { bytes, firstAt };
    });
    console.log(
      `\nCSV export of ${N} participants: ${(exported.ms / 1000).toFixed(2)} s (target ≤ 5 s), ${(exported.value.bytes / 1e6).toFixed(1)} MB, first bytes after ${exported.value.firstAt.toFixed(0)} ms`,
    );

    await simulateCampaignTests(db, org.id, teacher.id, profile.id, skills, targeted, rng);
  } finally {
    await db.$disconnect();
    await database.drop();
  }
}

/**
 * Simulated learners take the adaptive campaign test to the end: two calibrated QCU challenges per
 * skill (true difficulty (level − 3.5) × 0.8, slope 1.5), frozen in a release with an active parameter set.
 */
async function simulateCampaignTests(
  db: import('../prisma/client').PrismaClient,
  organisationId: string,
  teacherId: string,
  targetProfileId: string,
  skills: { id: string; tubeId: string; level: number }[],
  targeted: { id: string; level: number }[],
  rng: ReturnType<typeof createRandom>,
) {
  const campaigns = await import('../app/models/campaign.server');
  const { campaignStep, submitCampaignAnswer } = await import('../app/models/campaign-assessment.server');
  const { createRelease } = await import('../app/models/release.server');
  const { newChallengeBody, markdownLiteToDoc } = await import('../engine/challenges');
  const { normal } = await import('../engine/random');
  const a = 1.5;
  const difficulty = (level: number) => (level - 3.5) * 0.8;
  const levelOf = new Map(skills.map((s) => [s.id, s.level]));
  const skillOfChallenge = new Map<string, string>();
  const rightText = new Map<string, string>();
  const set = await db.parameterSet.create({ data: { version: 1, active: true, note: 'banc d’essai', cutScores: {} } });
  for (const skill of skills) {
    for (let k = 0; k < 2; k++) {
      const right = `Juste ${skill.id.slice(0, 6)}${k}`;
      const body = {
        ...newChallengeBody('QCU', ['Banc']),
        instruction: markdownLiteToDoc(`Question ${k} de l’acquis`),
        answer: { type: 'QCU' as const, proposals: [right, 'Faux A', 'Faux B'], correct: 0, shuffle: true },
      };
      const challenge = await db.challenge.create({ data: { key: `bench-${skill.id}-${k}`, skillId: skill.id, type: 'QCU', status: 'valide' } });
      const version = await db.challengeVersion.create({ data: { challengeId: challenge.id, number: 1, body: body as object } });
      await db.challenge.update({ where: { id: challenge.id }, data: { currentVersionId: version.id, liveVersionId: version.id } });
      const b = difficulty(skill.level) + normal(rng, 0, 0.2);
      await db.itemParameter.create({ data: { parameterSetId: set.id, challengeId: challenge.id, a, d: -a * b, b } });
      skillOfChallenge.set(challenge.id, skill.id);
      rightText.set(challenge.id, right);
    }
  }
  await db.$transaction((tx) => createRelease(tx, 'Banc d’essai', null));
  const campaign = await campaigns.createCampaign(db, organisationId, teacherId, {
    name: 'Parcours simulé',
    type: 'ASSESSMENT',
    targetProfileId,
    title: null,
    landingText: null,
    externalIdLabel: null,
    multipleSendings: false,
  });
  const steps: number[] = [];
  let questions = 0;
  let error = 0;
  const t0 = performance.now();
  for (let i = 0; i < LEARNERS; i++) {
    const theta = normal(rng, 0, 1);
    const user = await db.user.create({
      data: { email: `sim${i}@bench.fr`, firstName: 'Sim', lastName: `Apprenant${i}`, passwordHash: 'x', roles: ['LEARNER'], simulated: true },
    });
    let now = new Date(Date.UTC(2026, 1, 2, 9) + i * 3600_000);
    const started = await campaigns.startParticipation(db, user.id, campaign.code, null, now);
    if (!started.ok) throw new Error(started.error);
    let step = await campaignStep(db, { userId: user.id, participationId: started.participationId, now }, campaigns.completeParticipation);
    while (step.kind === 'challenge') {
      const level = levelOf.get(skillOfChallenge.get(step.challengeId)!)!;
      const right = rng.next() < 1 / (1 + Math.exp(-a * (theta - difficulty(level))));
      const shown = step.view.answer.type === 'QCU' ? step.view.answer.proposals.indexOf(rightText.get(step.challengeId)!) : 0;
      now = new Date(now.getTime() + 20_000);
      const t = performance.now();
      const outcome = await submitCampaignAnswer(
        db,
        {
          userId: user.id,
          participationId: started.participationId,
          assessmentId: step.assessmentId,
          challengeId: step.challengeId,
          response: { choice: right ? shown : (shown + 1) % 3 },
          now,
        },
        campaigns.completeParticipation,
      );
      steps.push(performance.now() - t);
      questions++;
      step = outcome.step ?? { kind: 'completed', assessmentId: step.assessmentId };
    }
    await campaigns.shareParticipation(db, user.id, campaign.code, now);
    const result = await db.campaignParticipantResult.findUniqueOrThrow({ where: { participationId: started.participationId } });
    const trueMastery = targeted.filter((s) => s.level <= 6 && 1 / (1 + Math.exp(-a * (theta - difficulty(s.level)))) >= 0.5).length / targeted.length;
    error += Math.abs(result.masteryPercent / 100 - trueMastery);
  }
  const total = (performance.now() - t0) / 1000;
  const sorted = [...steps].sort((x, y) => x - y);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const live = await campaigns.liveActivity(db, campaign.id);
  console.log(
    `\nCampaign test, ${LEARNERS} simulated learners joined with the code and finished (${targeted.length} targeted skills in 3 competences): ${(questions / LEARNERS).toFixed(1)} questions per test, mean |mastery − true mastery| ${((100 * error) / LEARNERS).toFixed(1)} points, ${live.shared} shared, ${total.toFixed(1)} s in all`,
  );
  console.log(
    `Answer → next question at the server (model, one learner at a time): p50 ${q(0.5).toFixed(0)} ms, p95 ${q(0.95).toFixed(0)} ms, max ${q(1).toFixed(0)} ms`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
