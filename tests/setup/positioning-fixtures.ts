/**
 * For positioning tests: a competence of its own (two tubes, levels 1–4 and 1–3, one or two live
 * challenges per skill, a tutorial per skill), frozen in a new release, optionally with an active
 * parameter set, and learners. Helpers answer a served challenge right or wrong from its body.
 */
import crypto from 'node:crypto';
import type { PrismaClient } from '../../prisma/client';
import { markdownLiteToDoc, newChallengeBody, type ChallengeBody, type LearnerChallengeView, type LearnerResponse } from '../../engine/challenges';
import { createRelease } from '../../app/models/release.server';

export function uid(): string {
  return crypto.randomBytes(4).toString('hex');
}

export interface PositioningFixture {
  competence: { id: string; code: string };
  skills: { id: string; name: string; level: number; tubeId: string }[];
  bodies: Map<string, ChallengeBody>;
  challengeSkill: Map<string, string>;
  tutorials: Map<string, string>;
  releaseId: string;
  parameterSetId: string | null;
}

function qcu(u: string, name: string, timer: number | null): ChallengeBody {
  return {
    ...newChallengeBody('QCU', ['Tests']),
    instruction: markdownLiteToDoc(`Quelle proposition est juste pour ${name} ?`),
    answer: { type: 'QCU', proposals: [`Juste ${name} ${u}`, `Fausse A ${name}`, `Fausse B ${name}`, `Fausse C ${name}`], correct: 0, shuffle: true },
    solutionExplanation: markdownLiteToDoc(`Explication secrète de ${name} ${u}.`),
    timer,
  };
}

function qroc(u: string, name: string, timer: number | null): ChallengeBody {
  return {
    ...newChallengeBody('QROC', ['Tests']),
    instruction: markdownLiteToDoc(`Écrivez le mot de passe de ${name}.`),
    answer: { type: 'QROC', accepted: [`secret${name.replace(/\W/g, '')}${u}`], format: 'mots', tolerances: ['T1'] },
    solutionExplanation: markdownLiteToDoc(`Explication du mot ${name} ${u}.`),
    timer,
  };
}

export async function makePositioningFixture(
  db: PrismaClient,
  options: { calibrated?: boolean; timed?: 'all' | 'none'; perSkill?: 1 | 2 } = {},
): Promise<PositioningFixture> {
  const u = uid();
  const area = await db.area.create({ data: { code: `PA${u}`, titleFr: `Domaine ${u}`, titleEn: `Area ${u}` } });
  const competence = await db.competence.create({ data: { code: `P${u}`, areaId: area.id, titleFr: `Compétence ${u}`, titleEn: `Competence ${u}` } });
  const thematic = await db.thematic.create({ data: { key: `pth-${u}`, competenceId: competence.id, name: `Thématique ${u}` } });
  const timer = options.timed === 'all' ? 30 : null;
  const skills: PositioningFixture['skills'] = [];
  const bodies = new Map<string, ChallengeBody>();
  const challengeSkill = new Map<string, string>();
  const tutorials = new Map<string, string>();
  const params: { challengeId: string; level: number }[] = [];
  for (const [t, maxLevel] of [
    ['a', 4],
    ['b', 3],
  ] as const) {
    const tube = await db.tube.create({
      data: { name: `@p${t}${u}`, thematicId: thematic.id, competenceId: competence.id, title: `Sujet ${t}`, description: 'Pour les tests' },
    });
    for (let level = 1; level <= maxLevel; level++) {
      const name = `@p${t}${u}${level}`;
      const skill = await db.skill.create({ data: { name, tubeId: tube.id, level, status: 'actif' } });
      skills.push({ id: skill.id, name, level, tubeId: tube.id });
      const tutorial = await db.tutorial.create({
        data: {
          key: `tuto-${u}-${t}${level}`,
          title: `Tutoriel ${name}`,
          url: `https://exemple.fr/${u}/${t}${level}`,
          source: 'Tests',
          format: 'page',
          duration: '00:02:00',
        },
      });
      await db.skillTutorial.create({ data: { skillId: skill.id, tutorialId: tutorial.id, kind: 'UNDERSTAND' } });
      tutorials.set(skill.id, tutorial.id);
      const perSkill = options.perSkill ?? 2;
      for (let k = 0; k < perSkill; k++) {
        const body = k === 0 ? qcu(u, `${name}-${k}`, timer) : qroc(u, `${name}-${k}`, timer);
        const challenge = await db.challenge.create({
          data: { key: `pos-${u}-${t}${level}-${k}`, skillId: skill.id, type: body.answer.type === 'QCU' ? 'QCU' : 'QROC', status: 'valide' },
        });
        const version = await db.challengeVersion.create({ data: { challengeId: challenge.id, number: 1, body: body as object } });
        await db.challenge.update({ where: { id: challenge.id }, data: { currentVersionId: version.id, liveVersionId: version.id } });
        bodies.set(challenge.id, body);
        challengeSkill.set(challenge.id, skill.id);
        params.push({ challengeId: challenge.id, level });
      }
    }
  }
  const release = await db.$transaction((tx) => createRelease(tx, `Tests ${u}`, null));
  let parameterSetId: string | null = null;
  if (options.calibrated) {
    await db.parameterSet.updateMany({ where: { active: true }, data: { active: false } });
    const set = await db.parameterSet.create({
      data: { version: 900_000 + Math.floor(Math.random() * 99_999), active: true, note: `Tests ${u}`, cutScores: {} },
    });
    parameterSetId = set.id;
    await db.itemParameter.createMany({
      data: params.map((p) => {
        const a = 1.6;
        const b = (p.level - 3.5) * 0.8;
        return { parameterSetId: set.id, challengeId: p.challengeId, a, d: -a * b, b };
      }),
    });
  }
  return { competence: { id: competence.id, code: competence.code }, skills, bodies, challengeSkill, tutorials, releaseId: release.id, parameterSetId };
}

/** Deactivates the fixture's parameter set, so that other tests see no active set. */
export async function deactivateParameterSets(db: PrismaClient, fixture: PositioningFixture): Promise<void> {
  if (fixture.parameterSetId) await db.parameterSet.update({ where: { id: fixture.parameterSetId }, data: { active: false } });
}

export async function makeLearner(db: PrismaClient) {
  const u = uid();
  return db.user.create({ data: { email: `apprenant-${u}@test.exemple.fr`, passwordHash: 'x', firstName: 'Apprenant', lastName: u, roles: ['LEARNER'] } });
}

/** A right (or wrong) response to a served challenge, with choice indices as displayed. */
export function respond(fixture: PositioningFixture, challengeId: string, view: LearnerChallengeView, right: boolean): LearnerResponse {
  const body = fixture.bodies.get(challengeId);
  if (!body) throw new Error(`unknown challenge ${challengeId}`);
  const spec = body.answer;
  if (spec.type === 'QCU' && view.answer.type === 'QCU') {
    const text = spec.proposals[spec.correct] as string;
    const shown = view.answer.proposals.indexOf(text);
    return { choice: right ? shown : (shown + 1) % view.answer.proposals.length };
  }
  if (spec.type === 'QROC') return { value: right ? (spec.accepted[0] as string) : 'pas du tout' };
  throw new Error(`no helper for ${spec.type}`);
}
