/**
 * The bank of one competence as a learner's positioning sees it: the challenge versions frozen in one
 * release, the framework's skills and tubes of the competence, and the parameters of one parameter set
 * (none: every challenge is uncalibrated and pretested, see engine/positioning).
 *
 * A release is immutable and so is a parameter set, so the bank of (release, parameter set,
 * competence) is loaded once per process and kept: the answer → next challenge path reads no content
 * from the database. Skill statuses are read when the bank is first loaded; authors change them
 * through a new release anyway.
 */
import type { PrismaClient } from '../../prisma/client';
import type { ChallengeBody } from '../../engine/challenges';
import { storedBodyOf } from './challenge-body.server';
import { skillPixValue, type Skill, type Tube } from '../../engine/framework';
import type { CompetenceBank, PositioningChallenge } from '../../engine/positioning';
import { applicableParameters } from './parameter-set.server';

type Client = Pick<PrismaClient, 'competence' | 'releaseChallenge' | 'skill' | 'tube' | 'itemParameter' | 'challengeVersion' | 'difficultyMark'>;

export interface BankSkill {
  id: string;
  name: string;
  level: number;
  tubeId: string;
  status: Skill['status'];
  /** Pix a validated knowledge element on this skill earns (framework skillPixValue). */
  pixValue: number;
}

export interface LoadedBank {
  key: string;
  competence: { id: string; code: string; titleFr: string; titleEn: string };
  releaseId: string;
  parameterSetId: string | null;
  /** What the engine sees (no wording, no solution). */
  bank: CompetenceBank;
  /** The frozen version of each challenge of the release in this competence. */
  versions: ReadonlyMap<string, { versionId: string; body: ChallengeBody }>;
  skills: ReadonlyMap<string, BankSkill>;
}

export interface CompetenceRow {
  id: string;
  code: string;
  titleFr: string;
  titleEn: string;
}

const competences = new Map<string, CompetenceRow>();

/** A competence by its code (1.1 … 5.2), or null. The framework's competences do not change at run time. */
export async function competenceByCode(client: Pick<PrismaClient, 'competence'>, code: string): Promise<CompetenceRow | null> {
  const hit = competences.get(code);
  if (hit) return hit;
  const row = await client.competence.findUnique({ where: { code }, select: { id: true, code: true, titleFr: true, titleEn: true } });
  if (row) competences.set(code, row);
  return row;
}

const MAX_BANKS = 256;
const banks = new Map<string, Promise<LoadedBank>>();

function remember<T>(cache: Map<string, T>, key: string, value: T, max: number): void {
  cache.set(key, value);
  if (cache.size > max) cache.delete(cache.keys().next().value as string);
}

/** The bank of a competence in a release with a parameter set (or none), loaded once per process. */
export function loadBank(client: Client, competence: CompetenceRow, releaseId: string, parameterSetId: string | null): Promise<LoadedBank> {
  const key = `${releaseId}|${parameterSetId ?? '-'}|${competence.id}`;
  const hit = banks.get(key);
  if (hit) return hit;
  const loading = readBank(client, key, competence, releaseId, parameterSetId);
  remember(banks, key, loading, MAX_BANKS);
  loading.catch(() => banks.delete(key));
  return loading;
}

async function readBank(client: Client, key: string, competence: CompetenceRow, releaseId: string, parameterSetId: string | null): Promise<LoadedBank> {
  const [tubes, skills] = await Promise.all([
    client.tube.findMany({ where: { competenceId: competence.id }, select: { id: true, name: true }, orderBy: { position: 'asc' } }),
    client.skill.findMany({
      where: { tube: { competenceId: competence.id } },
      select: { id: true, name: true, level: true, tubeId: true, status: true },
      orderBy: [{ tubeId: 'asc' }, { level: 'asc' }],
    }),
  ]);
  const items = await client.releaseChallenge.findMany({
    where: { releaseId, skillId: { in: skills.map((s) => s.id) } },
    select: { challengeId: true, versionId: true, skillId: true, version: { select: { body: true } } },
    orderBy: { challengeId: 'asc' },
  });
  // Only parameters calibrated on the served version (or an equivalent one) apply: a changed answer key is pretested.
  const applicable = parameterSetId ? await applicableParameters(client, parameterSetId, items) : new Map<string, { a: number; d: number }>();
  const paramsById = new Map([...applicable].map(([id, p]) => [id, { a: p.a, d: p.d }]));

  const engineTubes: Tube[] = tubes.map((t) => ({ id: t.id, name: t.name, competenceCode: competence.code }));
  const engineSkills: Skill[] = skills.map((s) => ({ id: s.id, tubeId: s.tubeId, competenceCode: competence.code, level: s.level, status: s.status }));
  const bankSkills = new Map<string, BankSkill>();
  for (const s of skills) {
    const engineSkill = engineSkills.find((e) => e.id === s.id) as Skill;
    bankSkills.set(s.id, { ...s, pixValue: skillPixValue(engineSkill, engineSkills) });
  }
  const versions = new Map<string, { versionId: string; body: ChallengeBody }>();
  const challenges: PositioningChallenge[] = [];
  for (const item of items) {
    if (!bankSkills.has(item.skillId)) continue;
    const body = storedBodyOf({ id: item.versionId, body: item.version.body });
    versions.set(item.challengeId, { versionId: item.versionId, body });
    challenges.push({
      id: item.challengeId,
      skillId: item.skillId,
      locales: body.locales,
      // Everything in a release was live when it was frozen: learners are served from the release.
      status: 'valide',
      params: paramsById.get(item.challengeId) ?? null,
      timed: body.timer !== null && body.timer !== undefined,
    });
  }
  return {
    key,
    competence,
    releaseId,
    parameterSetId,
    bank: { competenceCode: competence.code, tubes: engineTubes, skills: engineSkills, challenges },
    versions,
    skills: bankSkills,
  };
}

/** Forgets the banks loaded in this process (a psychometrician's difficulty mark changes which parameters apply). */
export function forgetLoadedBanks(): void {
  banks.clear();
  filtered.clear();
}

const MAX_FILTERED = 2000;
const filtered = new Map<string, CompetenceBank>();

/**
 * The bank without the challenges a learner already answered in earlier assessments (an improvement
 * never shows a question whose solution was shown). Kept per assessment, so the engine's compiled bank
 * (memoised per bank object) is reused from one request to the next.
 */
export function bankWithout(loaded: LoadedBank, assessmentId: string, excluded: readonly string[]): CompetenceBank {
  if (excluded.length === 0) return loaded.bank;
  const key = `${loaded.key}|${assessmentId}`;
  const hit = filtered.get(key);
  if (hit) return hit;
  const skip = new Set(excluded);
  const bank: CompetenceBank = { ...loaded.bank, challenges: loaded.bank.challenges.filter((c) => !skip.has(c.id)) };
  remember(filtered, key, bank, MAX_FILTERED);
  return bank;
}
