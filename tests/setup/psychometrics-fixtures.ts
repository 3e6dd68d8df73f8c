/**
 * For the psychometric analysis tests: a competence of its own (tubes × levels, one live challenge per
 * skill) answered by simulated learners (engine simulation, seeded) in positioning tests, and two
 * finished calibration runs written as the worker writes them: an older run A approved as a parameter
 * set, and a newer run B with planted findings — a challenge that drifted a lot (|Δb| > 0.5), one
 * that drifted a little (0.3 < |Δb| ≤ 0.5), a misfitting one, a barely discriminating one, and DIF of
 * classes C and B.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../prisma/client';
import { markdownLiteToDoc, newChallengeBody } from '../../engine/challenges';
import { createRandom, logNormal, normal } from '../../engine/random';
import { simulateAbilities, simulateResponses, type SimulatedItem } from '../../engine/simulation';
import { createRelease } from '../../app/models/release.server';

export interface FixtureChallenge {
  id: string;
  key: string;
  level: number;
  tubeName: string;
  /** True parameters the answers were simulated with. */
  a: number;
  b: number;
}

export interface CalibrationFixture {
  competence: { id: string; code: string; title: string };
  challenges: FixtureChallenge[];
  runA: string;
  runB: string;
  parameterSet: { id: string; version: number };
  persons: number;
  answers: number;
  /** Keys of the planted findings in run B. */
  planted: { driftReview: string; driftLook: string; misfit: string; lowDiscrimination: string; difC: string; difB: string };
}

export interface FixtureOptions {
  persons?: number;
  perPerson?: number;
  tubes?: number;
  levels?: number;
  seed?: number;
  /** Freeze the challenges in a new release, so that they are live (default true). */
  release?: boolean;
}

function uid(): string {
  return randomUUID().replace(/-/g, '').slice(0, 8);
}

const CUT_SCORES = { '1': -2.6, '2': -1.9, '3': -1.2, '4': -0.5, '5': 0.2, '6': 0.9, '7': 1.6, '8': 2.3 };

export async function makeCalibrationFixture(db: PrismaClient, options: FixtureOptions = {}): Promise<CalibrationFixture> {
  const u = uid();
  const rng = createRandom(options.seed ?? 424242);
  const tubeCount = options.tubes ?? 4;
  const levels = options.levels ?? 6;
  const personCount = options.persons ?? 300;
  const perPerson = options.perPerson ?? 12;

  const area = await db.area.create({ data: { code: `PSY${u}`, titleFr: `Domaine psy ${u}`, titleEn: `Area ${u}` } });
  const title = `Analyse psychométrique ${u}`;
  const competence = await db.competence.create({ data: { code: `9.${u}`, areaId: area.id, titleFr: title, titleEn: `Psychometric analysis ${u}` } });
  const thematic = await db.thematic.create({ data: { key: `psy-th-${u}`, competenceId: competence.id, name: `Thématique ${u}` } });

  const challenges: (FixtureChallenge & { versionId: string })[] = [];
  for (let t = 0; t < tubeCount; t++) {
    const letter = String.fromCharCode(97 + t);
    const tubeName = `@psy${letter}${u}`;
    const tube = await db.tube.create({
      data: { name: tubeName, thematicId: thematic.id, competenceId: competence.id, title: `Sujet ${letter.toUpperCase()}`, description: 'Pour les tests' },
    });
    for (let level = 1; level <= levels; level++) {
      const skill = await db.skill.create({ data: { name: `${tubeName}${level}`, tubeId: tube.id, level, status: 'actif' } });
      const key = `psy-${u}-${letter}${level}`;
      const body = {
        ...newChallengeBody('QCU', ['Tests']),
        instruction: markdownLiteToDoc(`Quel réglage protège le mieux le compte **${letter.toUpperCase()}${level}** ?`),
        answer: { type: 'QCU' as const, proposals: ['Le bon', 'Un autre', 'Aucun'], correct: 0, shuffle: true },
      };
      const challenge = await db.challenge.create({ data: { key, skillId: skill.id, type: 'QCU', status: 'valide' } });
      const version = await db.challengeVersion.create({ data: { challengeId: challenge.id, number: 1, body: body as object } });
      await db.challenge.update({ where: { id: challenge.id }, data: { currentVersionId: version.id, liveVersionId: version.id } });
      const a = logNormal(rng, Math.log(1.2), 0.25);
      const b = -2 + (4 / Math.max(1, levels - 1)) * (level - 1) + normal(rng, 0, 0.3);
      challenges.push({ id: challenge.id, key, level, tubeName, a, b, versionId: version.id });
    }
  }
  // Planted in the truth: a barely discriminating challenge.
  const lowDisc = challenges[Math.floor(levels / 2)] as FixtureChallenge;
  lowDisc.a = 0.22;
  if (options.release !== false) await db.$transaction((tx) => createRelease(tx, `Analyse psychométrique ${u}`, null));

  // Learners and their positioning tests.
  const users = Array.from({ length: personCount }, (_, k) => ({
    id: randomUUID(),
    email: `psy-${u}-${k}@test.exemple.fr`,
    passwordHash: 'x',
    firstName: 'Apprenant',
    lastName: `${u}-${k}`,
    locale: k % 9 === 0 ? 'en' : 'fr',
    roles: ['LEARNER' as const],
  }));
  await db.user.createMany({ data: users });
  const assessments = users.map((user) => ({
    id: randomUUID(),
    userId: user.id,
    type: 'POSITIONING' as const,
    state: 'COMPLETED' as const,
    competenceId: competence.id,
  }));
  await db.assessment.createMany({ data: assessments });
  const bank: SimulatedItem[] = challenges.map((c) => ({ id: c.id, a: c.a, b: c.b, d: -c.a * c.b }));
  const thetas = simulateAbilities(rng, { count: personCount });
  const data = simulateResponses(rng, bank, thetas, { kind: 'random', perPerson: Math.min(perPerson, bank.length) });
  const rows: { assessmentId: string; challengeId: string; challengeVersionId: string; value: object; result: 'ok' | 'ko' | 'skipped' }[] = [];
  const answered = new Float64Array(bank.length);
  const correct = new Float64Array(bank.length);
  for (let p = 0; p < personCount; p++) {
    for (let j = data.rowStart[p] as number; j < (data.rowStart[p + 1] as number); j++) {
      const i = data.items[j] as number;
      const ok = data.scores[j] === 1;
      answered[i] = (answered[i] as number) + 1;
      if (ok) correct[i] = (correct[i] as number) + 1;
      const c = challenges[i] as (typeof challenges)[number];
      rows.push({
        assessmentId: (assessments[p] as { id: string }).id,
        challengeId: c.id,
        challengeVersionId: c.versionId,
        value: { choice: ok ? 0 : 1 },
        result: ok ? 'ok' : j % 7 === 0 ? 'skipped' : 'ko',
      });
    }
  }
  for (let k = 0; k < rows.length; k += 5000) await db.answer.createMany({ data: rows.slice(k, k + 5000) });
  const max = await db.answer.aggregate({ _max: { id: true } });
  const maxAnswerId = max._max.id ?? BigInt(0);

  // θ histogram of the simulated persons (what the worker stores from its EAP θ̂).
  const counts = new Array<number>(32).fill(0);
  for (const theta of thetas) counts[Math.min(31, Math.max(0, Math.floor((theta + 4) / 0.25)))]! += 1;
  const thetaHistogram = { from: -4, step: 0.25, counts };

  const now = Date.now();
  const DAY = 86_400_000;
  const estimate = (i: number, shiftB = 0, noise = 0.08) => {
    const c = challenges[i] as FixtureChallenge;
    const a = c.a * Math.exp(normal(rng, 0, 0.05));
    const b = c.b + normal(rng, 0, noise) + shiftB;
    return { a, b, d: -a * b, seA: 0.06 + 0.1 / Math.sqrt((answered[i] as number) / 50), seB: 0.07 + 0.2 / Math.sqrt((answered[i] as number) / 50) };
  };
  const baseResult = (i: number) => {
    const n = answered[i] as number;
    const expectedInfit = 0.82 + normal(rng, 0, 0.02);
    const expectedOutfit = 0.74 + normal(rng, 0, 0.03);
    return {
      challengeId: (challenges[i] as FixtureChallenge).id,
      n: Math.round(n),
      pValue: (correct[i] as number) / n,
      pointBiserial: 0.25 + 0.2 * Math.min(1, (challenges[i] as FixtureChallenge).a / 2),
      expectedInfit,
      expectedOutfit,
      infit: expectedInfit * (1 + normal(rng, 0, 0.05)),
      outfit: expectedOutfit * (1 + normal(rng, 0, 0.08)),
    };
  };
  const runSettings = { model: '2pl', priors: true, anchors: 'recalibrate-all', competenceIds: [competence.id], quadraturePoints: 61, tolerance: 1e-4 };

  // Run A (a month ago), approved as a parameter set.
  const runA = await db.calibrationRun.create({
    data: {
      status: 'SUCCEEDED',
      model: '2pl',
      settings: runSettings,
      logLik: -1834.2,
      iterations: 14,
      converged: true,
      persons: personCount,
      answers: rows.length,
      seconds: 2.8,
      createdAt: new Date(now - 30 * DAY),
      startedAt: new Date(now - 30 * DAY + 1000),
      finishedAt: new Date(now - 30 * DAY + 4000),
      maxAnswerId,
      reviewStatus: 'APPROVED',
      summary: { latent: { mean: 0, sd: 1 }, standardErrors: 'observed', thetaHistogram },
    },
  });
  const resultsA = challenges.map((_, i) => ({ ...baseResult(i), ...estimate(i), runId: runA.id, flags: [] as string[] }));
  await db.calibrationItemResult.createMany({ data: resultsA });
  let parameterSet: { id: string; version: number } | null = null;
  for (let attempt = 0; attempt < 5 && !parameterSet; attempt++) {
    const last = await db.parameterSet.aggregate({ _max: { version: true } });
    try {
      parameterSet = await db.parameterSet.create({
        data: {
          version: (last._max.version ?? 0) + 1,
          active: false,
          sourceRunId: runA.id,
          note: `Tests ${u}`,
          cutScores: CUT_SCORES,
          approvedAt: new Date(now - 29 * DAY),
        },
        select: { id: true, version: true },
      });
    } catch {
      // Another test took that version at the same moment: take the next one.
    }
  }
  if (!parameterSet) throw new Error('parameter set version');
  await db.itemParameter.createMany({
    data: resultsA.map((r) => ({
      parameterSetId: (parameterSet as { id: string }).id,
      challengeId: r.challengeId,
      a: r.a,
      d: r.d,
      b: r.b,
      seA: r.seA,
      seB: r.seB,
      seD: r.seA,
      sourceRunId: runA.id,
    })),
  });

  // Run B (yesterday), with planted findings.
  const driftReview = challenges[2] as FixtureChallenge;
  const driftLook = challenges[levels + 3] as FixtureChallenge;
  const misfit = challenges[levels + 1] as FixtureChallenge;
  const difC = challenges[2 * levels + 2] as FixtureChallenge;
  const difB = challenges[levels + 4] as FixtureChallenge;
  const runB = await db.calibrationRun.create({
    data: {
      status: 'SUCCEEDED',
      model: '2pl',
      settings: runSettings,
      logLik: -1822.7,
      iterations: 11,
      converged: true,
      persons: personCount,
      answers: rows.length,
      seconds: 3.4,
      createdAt: new Date(now - DAY),
      startedAt: new Date(now - DAY + 1000),
      finishedAt: new Date(now - DAY + 4500),
      maxAnswerId,
      summary: {
        latent: { mean: 0, sd: 1 },
        standardErrors: 'louis-block',
        thetaHistogram,
        dif: {
          grouping: 'locale',
          reference: 'fr',
          focal: ['en'],
          referencePersons: personCount - Math.ceil(personCount / 9),
          focalPersons: Math.ceil(personCount / 9),
          classes: { A: challenges.length - 2, B: 1, C: 1 },
        },
      },
    },
  });
  const resultsB = challenges.map((c, i) => {
    const shift = c === driftReview ? 0.75 : c === driftLook ? -0.4 : 0;
    const base = baseResult(i);
    const est = estimate(i, 0, 0.05);
    const a = resultsA[i] as (typeof resultsA)[number];
    // Stable challenges move by less than 0.15, so that only the planted ones drift.
    const b = a.b + shift + (shift !== 0 ? 0 : Math.max(-0.15, Math.min(0.15, normal(rng, 0, 0.06))));
    const flags: string[] = [];
    let infit = base.infit;
    if (c === misfit) {
      infit = base.expectedInfit * 1.55;
      flags.push('misfit');
    }
    if (c === lowDisc) flags.push('low_discrimination');
    const deltaMH = c === difC ? -1.92 : c === difB ? -1.18 : normal(rng, 0, 0.3);
    const difClass = c === difC ? 'C' : c === difB ? 'B' : 'A';
    return {
      ...base,
      ...est,
      b,
      d: -est.a * b,
      infit,
      runId: runB.id,
      flags,
      driftDeltaB: b - a.b,
      dif: {
        item: c.id,
        reference: Math.round(base.n * 0.89),
        focal: Math.round(base.n * 0.11),
        alphaMH: Math.exp(-deltaMH / 2.35),
        deltaMH,
        seDelta: 0.3,
        chiSquare: (deltaMH / 0.3) ** 2,
        pValue: difClass === 'A' ? 0.4 : c === difC ? 0.0004 : 0.012,
        class: difClass,
        favours: deltaMH < 0 ? 'reference' : 'focal',
      },
    };
  });
  await db.calibrationItemResult.createMany({ data: resultsB });

  return {
    competence: { id: competence.id, code: competence.code, title },
    challenges: challenges.map(({ versionId: _v, ...c }) => c),
    runA: runA.id,
    runB: runB.id,
    parameterSet,
    persons: personCount,
    answers: rows.length,
    planted: { driftReview: driftReview.key, driftLook: driftLook.key, misfit: misfit.key, lowDiscrimination: lowDisc.key, difC: difC.key, difB: difB.key },
  };
}
