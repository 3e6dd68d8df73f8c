/**
 * The calibration data: the answers to the live challenges, read from PostgreSQL page by page
 * (keyset on the answer id, never all rows through the ORM at once), with the data rules applied,
 * into the engine's sparse person × item matrix.
 *
 * Data rules (docs/domain/measurement.md, docs/decisions/006-calibration-pipeline.md):
 * - live challenges = the challenges of the latest release that are still `valide`, each at the version that
 *   release serves;
 * - only answers given on that version, or on a version equivalent to it for calibration (nothing scored
 *   changed, or a psychometrician marked the change as not affecting difficulty: content-version.server.ts),
 *   are read: the callers pass those version ids (`versionIds`);
 * - skipped, timed-out and abandoned answers count as wrong (score 0); `ok` is right;
 * - left out: PREVIEW assessments, test runs of the content staff (assessments of users holding an
 *   administrator, author, reviewer or psychometrician role) and neutralised certification answers;
 * - a person is one learner on one competence for POSITIONING and CAMPAIGN answers (the competence
 *   of the challenge), one candidate in one certification test for CERTIFICATION;
 * - a person answering the same challenge twice (e.g. after a reset) keeps the earlier answer;
 * - the snapshot is every answer up to the largest answer id at the start (answers are append-only),
 *   so a run can be reproduced and the next run knows which answers are new.
 */
import pg from 'pg';
import type { ResponseData } from '../../engine/calibration';
import type { PrismaClient } from '../../prisma/client';

export interface LiveChallenge {
  id: string;
  /** The version the latest release serves (what a run calibrates). */
  versionId: string;
  key: string;
  skillId: string;
  skillName: string;
  level: number;
  tubeId: string;
  tubeName: string;
  competenceId: string;
  competenceCode: string;
}

/** The live challenges (latest release, still valide), optionally of some competences only. */
export async function liveChallenges(db: Pick<PrismaClient, 'release' | 'releaseChallenge'>, competenceIds?: readonly string[]): Promise<LiveChallenge[]> {
  const release = await db.release.findFirst({ orderBy: { number: 'desc' }, select: { id: true } });
  if (!release) return [];
  const rows = await db.releaseChallenge.findMany({
    where: {
      releaseId: release.id,
      challenge:
        competenceIds && competenceIds.length > 0 ? { status: 'valide', skill: { tube: { competenceId: { in: [...competenceIds] } } } } : { status: 'valide' },
    },
    select: {
      versionId: true,
      challenge: {
        select: {
          id: true,
          key: true,
          skill: {
            select: { id: true, name: true, level: true, tube: { select: { id: true, name: true, competence: { select: { id: true, code: true } } } } },
          },
        },
      },
    },
  });
  return rows
    .map(({ challenge: c, versionId }) => ({
      id: c.id,
      versionId,
      key: c.key,
      skillId: c.skill.id,
      skillName: c.skill.name,
      level: c.skill.level,
      tubeId: c.skill.tube.id,
      tubeName: c.skill.tube.name,
      competenceId: c.skill.tube.competence.id,
      competenceCode: c.skill.tube.competence.code,
    }))
    .sort((x, y) => x.competenceCode.localeCompare(y.competenceCode, 'fr', { numeric: true }) || x.level - y.level || x.key.localeCompare(y.key));
}

const STAFF_ROLES = `ARRAY['ADMIN','AUTHOR','REVIEWER','PSYCHOMETRICIAN']::"GlobalRole"[]`;

/** The largest answer id now (the snapshot bound of a run), or null when there is no answer. */
export async function latestAnswerId(client: pg.ClientBase): Promise<string | null> {
  const result = await client.query<{ id: string | null }>('SELECT max(id)::text AS id FROM "Answer"');
  return result.rows[0]?.id ?? null;
}

/**
 * Counts eligible answers to the given challenges after `afterId`, stopping at `limit` (a cheap
 * "are there at least N?" question, for refusing runs with too little data and for the trigger).
 */
export async function countEligibleAnswers(
  client: pg.ClientBase,
  challengeIds: readonly string[],
  options: { afterId?: string | null; limit: number; versionIds?: readonly string[] | null },
): Promise<number> {
  if (challengeIds.length === 0) return 0;
  const versionIds = options.versionIds ? [...options.versionIds] : null;
  const result = await client.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM (
       SELECT 1 FROM "Answer" a
       JOIN "Assessment" s ON s.id = a."assessmentId"
       JOIN "User" u ON u.id = s."userId"
       WHERE a.id > $1::bigint AND a."challengeId" = ANY($2::text[]) AND s.type <> 'PREVIEW'
         AND ($4::text[] IS NULL OR a."challengeVersionId" = ANY($4::text[]))
         AND NOT (u.roles && ${STAFF_ROLES})
         AND NOT EXISTS (SELECT 1 FROM "Neutralisation" n WHERE n."answerId" = a.id)
       LIMIT $3
     ) t`,
    [options.afterId ?? '0', [...challengeIds], options.limit, versionIds],
  );
  return Number(result.rows[0]?.n ?? 0);
}

export interface ReadCounts {
  /** Answers to live challenges read in the snapshot. */
  read: number;
  /** Answers kept (one per person and challenge). */
  used: number;
  excluded: { preview: number; staff: number; neutralised: number; duplicate: number };
  /** Kept answers scored wrong because they were skipped, timed out or abandoned. */
  scoredWrong: { skipped: number; timedout: number; aband: number };
  persons: number;
  /** Persons by kind. */
  learnerCompetences: number;
  certificationCandidates: number;
}

/** Counts of a read before its first answer. */
export function emptyReadCounts(): ReadCounts {
  return {
    read: 0,
    used: 0,
    excluded: { preview: 0, staff: 0, neutralised: 0, duplicate: 0 },
    scoredWrong: { skipped: 0, timedout: 0, aband: 0 },
    persons: 0,
    learnerCompetences: 0,
    certificationCandidates: 0,
  };
}

export interface CalibrationData {
  /** The person × item matrix; itemIds are challenge ids, rows are persons (uncollapsed). */
  data: ResponseData;
  /** The live challenges that have answers, index-aligned with data.itemIds. */
  items: LiveChallenge[];
  /** Live challenges without any eligible answer (not calibrated by this run). */
  unanswered: LiveChallenge[];
  /** Per row: the person's group for DIF by locale (0 = reference "fr", 1 = focal: any other). */
  localeGroups: Uint8Array;
  /** Locales of the focal group seen in the data. */
  focalLocales: string[];
  counts: ReadCounts;
  /** The snapshot bound: answers with an id up to this one were read ("0" when there is none). */
  maxAnswerId: string;
  /**
   * Each row's person key (`u:<user id>:<competence id>` or `c:<certification assessment id>`); only
   * the paged reader gives them (for the θ download, which pseudonymises them).
   */
  personKeys?: string[];
}

export interface ReadOptions {
  /** Read answers with id ≤ this (default: the latest answer at the start). */
  maxAnswerId?: string | null;
  /** Answers per page (default 20,000). */
  pageSize?: number;
  /** Only answers given on these versions (the calibrated versions and their equivalents); null: any version. */
  versionIds?: readonly string[] | null;
  /** Called after every page with the share of the id range read so far (0–1) and the answers read. */
  onPage?: (fraction: number, read: number) => void | Promise<void>;
}

class GrowingInt32 {
  array = new Int32Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.array.length) {
      const next = new Int32Array(this.array.length * 2);
      next.set(this.array);
      this.array = next;
    }
    this.array[this.length++] = value;
  }
}

/** Reads the calibration data of the given live challenges. */
export async function readCalibrationData(client: pg.ClientBase, challenges: readonly LiveChallenge[], options: ReadOptions = {}): Promise<CalibrationData> {
  const pageSize = options.pageSize ?? 20_000;
  const maxAnswerId = options.maxAnswerId ?? (await latestAnswerId(client)) ?? '0';
  const minResult = await client.query<{ id: string | null }>('SELECT min(id)::text AS id FROM "Answer"');
  const minId = Number(minResult.rows[0]?.id ?? 0);
  const span = Math.max(1, Number(maxAnswerId) - minId);
  const itemIndex = new Map(challenges.map((c, i) => [c.id, i] as const));
  const competenceOf = challenges.map((c) => c.competenceId);
  const personIndex = new Map<string, number>();
  const personLocale: string[] = [];
  const personOfAnswer = new GrowingInt32();
  const itemOfAnswer = new GrowingInt32();
  let scoreBuffer = new Uint8Array(1 << 16);
  const counts = emptyReadCounts();
  let lastId = '0';
  const ids = challenges.map((c) => c.id);
  if (ids.length > 0 && maxAnswerId !== '0') {
    for (;;) {
      const page = await client.query({
        text: `SELECT a.id::text, a."challengeId", a.result::text, s.type::text, s.id, s."userId", u.locale,
                      (u.roles && ${STAFF_ROLES}) AS staff, (n."answerId" IS NOT NULL) AS neutralised
               FROM "Answer" a
               JOIN "Assessment" s ON s.id = a."assessmentId"
               JOIN "User" u ON u.id = s."userId"
               LEFT JOIN "Neutralisation" n ON n."answerId" = a.id
               WHERE a.id > $1::bigint AND a.id <= $2::bigint AND a."challengeId" = ANY($3::text[])
                 AND ($5::text[] IS NULL OR a."challengeVersionId" = ANY($5::text[]))
               ORDER BY a.id
               LIMIT $4`,
        values: [lastId, maxAnswerId, ids, pageSize, options.versionIds ? [...options.versionIds] : null],
        rowMode: 'array',
      });
      const rows = page.rows as [string, string, string, string, string, string, string, boolean, boolean][];
      for (const [id, challengeId, result, type, assessmentId, userId, locale, staff, neutralised] of rows) {
        lastId = id;
        counts.read++;
        if (type === 'PREVIEW') {
          counts.excluded.preview++;
          continue;
        }
        if (staff) {
          counts.excluded.staff++;
          continue;
        }
        if (neutralised) {
          counts.excluded.neutralised++;
          continue;
        }
        const item = itemIndex.get(challengeId) as number;
        const key = type === 'CERTIFICATION' ? `c:${assessmentId}` : `u:${userId}:${competenceOf[item]}`;
        let person = personIndex.get(key);
        if (person === undefined) {
          person = personIndex.size;
          personIndex.set(key, person);
          personLocale.push(locale);
          if (type === 'CERTIFICATION') counts.certificationCandidates++;
          else counts.learnerCompetences++;
        }
        personOfAnswer.push(person);
        itemOfAnswer.push(item);
        const n = itemOfAnswer.length - 1;
        if (n >= scoreBuffer.length) {
          const next = new Uint8Array(scoreBuffer.length * 2);
          next.set(scoreBuffer);
          scoreBuffer = next;
        }
        scoreBuffer[n] = result === 'ok' ? 1 : 0;
        if (result === 'skipped') counts.scoredWrong.skipped++;
        else if (result === 'timedout') counts.scoredWrong.timedout++;
        else if (result === 'aband') counts.scoredWrong.aband++;
      }
      await options.onPage?.(Math.min(1, (Number(lastId) - minId) / span), counts.read);
      if (rows.length < pageSize) break;
    }
  }

  const assembled = assembleCalibrationData(challenges, {
    answers: itemOfAnswer.length,
    personOfAnswer: personOfAnswer.array,
    itemOfAnswer: itemOfAnswer.array,
    scores: scoreBuffer,
    personLocale,
    counts,
    maxAnswerId,
  });
  // Rows are the persons in order of their first answer, as the keys were numbered.
  return { ...assembled, personKeys: [...personIndex.keys()] };
}

/** The answers kept by the data rules, in answer id order, before the person sort (both readers end here). */
export interface KeptAnswers {
  answers: number;
  /** Person index of each kept answer (persons numbered in order of their first answer). */
  personOfAnswer: Int32Array;
  /** Index into the live challenges of each kept answer (16 bits while there are at most 65,536 of them). */
  itemOfAnswer: Int32Array | Uint16Array;
  /** 1 right, 0 wrong. */
  scores: Uint8Array;
  /** Each person's locale as stored on the user. */
  personLocale: readonly string[];
  /** Counts so far (read, exclusions, scored wrong, persons by kind); used, persons and duplicates are set here. */
  counts: ReadCounts;
  maxAnswerId: string;
}

/**
 * The kept answers of persons from … to − 1 as rows (one per person, in person order; a row's answers in
 * the order read, a second answer of a person to an item left out): row starts, item indices (into the
 * live challenges, not renumbered), scores, answers kept per item and duplicates left out. The run's
 * matrix (every person) and a worker's shard of a person range (decision 021, h37) both come from here.
 */
export function rowsByPerson(
  input: Pick<KeptAnswers, 'answers' | 'personOfAnswer' | 'itemOfAnswer' | 'scores'>,
  from: number,
  to: number,
  itemCount: number,
): { rowStart: Int32Array; items: Int32Array; scores: Uint8Array; answered: Float64Array; duplicates: number } {
  const { personOfAnswer, itemOfAnswer, answers } = input;
  const scoreBuffer = input.scores;
  const persons = to - from;
  const perPerson = new Int32Array(persons + 1);
  for (let k = 0; k < answers; k++) {
    const slot = (personOfAnswer[k] as number) - from + 1;
    perPerson[slot] = (perPerson[slot] as number) + 1;
  }
  for (let p = 0; p < persons; p++) perPerson[p + 1] = (perPerson[p + 1] as number) + (perPerson[p] as number);
  const cursor = perPerson.slice(0, persons);
  const sortedItems = new Int32Array(answers);
  const sortedScores = new Uint8Array(answers);
  for (let k = 0; k < answers; k++) {
    const p = (personOfAnswer[k] as number) - from;
    const at = cursor[p] as number;
    cursor[p] = at + 1;
    sortedItems[at] = itemOfAnswer[k] as number;
    sortedScores[at] = scoreBuffer[k] as number;
  }
  const seen = new Int32Array(itemCount).fill(-1);
  const answered = new Float64Array(itemCount);
  const rowStart = new Int32Array(persons + 1);
  let kept = 0;
  let duplicates = 0;
  for (let p = 0; p < persons; p++) {
    for (let j = perPerson[p] as number; j < (perPerson[p + 1] as number); j++) {
      const i = sortedItems[j] as number;
      if (seen[i] === p) {
        duplicates++;
        continue;
      }
      seen[i] = p;
      sortedItems[kept] = i;
      sortedScores[kept] = sortedScores[j] as number;
      answered[i] = (answered[i] as number) + 1;
      kept++;
    }
    rowStart[p + 1] = kept;
  }
  return { rowStart, items: sortedItems, scores: sortedScores, answered, duplicates };
}

/**
 * The engine's CSR matrix from the kept answers: counting sort by person (stable: within a person,
 * answers stay in id order), each person's first answer to a challenge kept, challenges without answers
 * left out and the rest renumbered, locale groups for DIF.
 */
export function assembleCalibrationData(challenges: readonly LiveChallenge[], input: KeptAnswers): CalibrationData {
  const { counts, personLocale, maxAnswerId } = input;
  const persons = personLocale.length;
  const { rowStart, items: sortedItems, scores: sortedScores, answered, duplicates } = rowsByPerson(input, 0, persons, challenges.length);
  const kept = rowStart[persons] as number;
  counts.excluded.duplicate += duplicates;
  counts.used = kept;
  counts.persons = persons;

  // Only challenges with answers are calibrated: renumber them.
  const newIndex = new Int32Array(challenges.length).fill(-1);
  const items: LiveChallenge[] = [];
  const unanswered: LiveChallenge[] = [];
  challenges.forEach((c, i) => {
    if ((answered[i] as number) > 0) {
      newIndex[i] = items.length;
      items.push(c);
    } else unanswered.push(c);
  });
  // Renumbered in place, and the scores' buffer kept as it is: no second copy of the answers (100M answers: 500 MB).
  const finalItems = sortedItems.subarray(0, kept);
  for (let j = 0; j < kept; j++) finalItems[j] = newIndex[finalItems[j] as number] as number;

  const localeGroups = new Uint8Array(persons);
  const focal = new Set<string>();
  for (let p = 0; p < persons; p++) {
    const locale = (personLocale[p] ?? 'fr').toLowerCase();
    const reference = locale === 'fr' || locale.startsWith('fr-');
    localeGroups[p] = reference ? 0 : 1;
    if (!reference) focal.add(locale);
  }
  return {
    data: { itemIds: items.map((c) => c.id), rowStart, items: finalItems, scores: sortedScores.subarray(0, kept), weights: null },
    items,
    unanswered,
    localeGroups,
    focalLocales: [...focal].sort(),
    counts,
    maxAnswerId,
  };
}

/** A pg client on the given database for the duration of `work`. */
export async function withPgClient<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
