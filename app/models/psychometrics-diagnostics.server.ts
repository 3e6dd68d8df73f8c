/**
 * Diagnostics of a calibration run computed when its page is read (the worker stores person fit and
 * local dependence; see engine/calibration/run-diagnostics.ts):
 *
 * - DIF by Mantel–Haenszel (engine/calibration/dif.ts, ETS A/B/C) on a grouping variable the
 *   psychometrician chooses among the learner attributes the platform stores. A person is the
 *   calibration's (one learner on one competence, or one certification test); their attribute is read
 *   from the test of their first answer: the account's locale; the birth decade (account, else the
 *   organisation's learner record); the kind of test (positioning, campaign, certification); the
 *   organisation (the campaign's, else the organisation the learner belongs to); the class (division
 *   of the organisation's learner record); the campaign. Persons without a value are left out. θ̂ is
 *   the EAP under the run's parameters and latent distribution, from the run's snapshot of answers
 *   (id ≤ maxAnswerId), with the data rules of psychometrics-analysis.server.ts (no previews, no
 *   staff, no neutralised answers, first answer per person and challenge, skipped = wrong).
 * - Exposure: for each challenge of the run and each kind of live test (positioning, campaign,
 *   certification), the share of the tests of that kind that were asked at least one challenge of its
 *   competence in the period (AssessmentChallenge.askedAt; every answer has its asked row) and were
 *   asked this one. Over-exposed: a certification
 *   share above the certification engine's ceiling (maxExposureRate).
 */
import { Prisma } from '../../prisma/generated/client';
import type { PrismaClient } from '../../prisma/client';
import { computeRowAbilities, mantelHaenszelDif, ResponseDataBuilder, type DifClass } from '../../engine/calibration';
import { DEFAULT_CERTIFICATION_SETTINGS } from '../../engine/certification';
import { gridNodes, normalWeights } from '../../engine/irt';
import { OTHER_GROUPS, type DiagnosticsQuery, type DifVariable, type ExposureSort } from '../lib/psychometrics-diagnostics';
import { runLatent, type ItemRow, type RunHeader } from './psychometrics-analysis.server';

type Client = PrismaClient;

const STAFF_ROLES = Prisma.sql`ARRAY['ADMIN','AUTHOR','REVIEWER','PSYCHOMETRICIAN']::"GlobalRole"[]`;

export interface GroupCount {
  key: string;
  /** Display text (for testType: the enum value, translated on the page). */
  label: string;
  persons: number;
}

export interface VariableDifItem {
  challengeId: string;
  key: string;
  referenceN: number;
  focalN: number;
  deltaMH: number | null;
  seDelta: number | null;
  pValue: number | null;
  class: DifClass | null;
  favours: 'reference' | 'focal' | null;
}

export interface VariableDif {
  variable: DifVariable;
  /** Groups with their persons, largest first. */
  groups: GroupCount[];
  /** Persons without a value for the variable (left out). */
  unknownPersons: number;
  reference: GroupCount | null;
  /** key OTHER_GROUPS: every group but the reference. */
  focal: GroupCount | null;
  minPersons: number;
  /** Why DIF was not computed: fewer than 2 groups, or a group below minPersons. */
  refusal: 'one-group' | 'too-few' | null;
  counts: { A: number; B: number; C: number; untested: number };
  /** Every item, classes C then B then A, by |Δ|. */
  items: VariableDifItem[];
  milliseconds: number;
}

const KINDS = ['CERTIFICATION', 'POSITIONING', 'CAMPAIGN'] as const;
export type TestKind = (typeof KINDS)[number];

export interface ExposureRate {
  /** Tests of this kind that served the challenge, and that served its competence. */
  served: number;
  tests: number;
  rate: number | null;
}

export interface ExposureRow {
  challengeId: string;
  key: string;
  competenceCode: string;
  a: number;
  b: number;
  rates: Record<TestKind, ExposureRate>;
  overExposed: boolean;
}

export interface Exposure {
  /** Period, both days included (YYYY-MM-DD); null when no answer tells the run's period. */
  from: string | null;
  to: string | null;
  /** True when the period is the run's answers' (first to last answer of its snapshot). */
  runPeriod: boolean;
  ceiling: number;
  sort: ExposureSort;
  /** Tests of each kind in the period that served a challenge of the run. */
  tests: Record<TestKind, number>;
  rows: ExposureRow[];
  overExposed: number;
  milliseconds: number;
}

export interface RunDiagnostics {
  dif: VariableDif | null;
  exposure: Exposure;
}

/** SQL of the group key and label of a person's first test (aliases s, u, cp, c, o, ol, olo). */
function groupSql(variable: DifVariable): { key: Prisma.Sql; label: Prisma.Sql } {
  switch (variable) {
    case 'locale':
      return { key: Prisma.sql`u."locale"`, label: Prisma.sql`u."locale"` };
    case 'birthYear': {
      const decade = Prisma.sql`((extract(year from coalesce(u."birthDate", ol."birthDate"))::int / 10) * 10)::text`;
      return { key: decade, label: decade };
    }
    case 'testType':
      return { key: Prisma.sql`s."type"::text`, label: Prisma.sql`s."type"::text` };
    case 'organisation':
      return { key: Prisma.sql`coalesce(o."id", olo."id")`, label: Prisma.sql`coalesce(o."name", olo."name")` };
    case 'division':
      return {
        key: Prisma.sql`CASE WHEN ol."division" IS NULL THEN NULL ELSE ol."organisationId" || '|' || ol."division" END`,
        label: Prisma.sql`olo."name" || ' — ' || ol."division"`,
      };
    case 'campaign':
      return { key: Prisma.sql`c."id"`, label: Prisma.sql`c."code" || ' — ' || c."name"` };
  }
}

interface PersonGroupRow {
  items: number[];
  scores: number[];
  grp: string | null;
  label: string | null;
}

async function personsWithGroup(client: Client, items: readonly ItemRow[], variable: DifVariable, maxAnswerId: string | null): Promise<PersonGroupRow[]> {
  const ids = items.map((i) => i.challengeId);
  const comps = items.map((i) => i.competenceCode);
  const snapshot = maxAnswerId ? Prisma.sql`AND a."id" <= ${maxAnswerId}::bigint` : Prisma.empty;
  const g = groupSql(variable);
  return client.$queryRaw<PersonGroupRow[]>`
    WITH run_items AS (
      SELECT id, competence, (ord - 1)::int AS idx FROM unnest(${ids}::text[], ${comps}::text[]) WITH ORDINALITY AS t(id, competence, ord)
    ), kept AS (
      SELECT DISTINCT ON (person, a."challengeId")
        CASE WHEN s."type" = 'CERTIFICATION' THEN 'c' || s."id" ELSE 'u' || s."userId" || ':' || ri.competence END AS person,
        ri.idx,
        (a."result" = 'ok')::int AS score,
        a."id" AS answer_id,
        s."id" AS assessment_id
      FROM "Answer" a JOIN run_items ri ON ri.id = a."challengeId" JOIN "Assessment" s ON s."id" = a."assessmentId"
      WHERE s."type" <> 'PREVIEW' ${snapshot}
        AND NOT EXISTS (SELECT 1 FROM "User" x WHERE x."id" = s."userId" AND x."roles" && ${STAFF_ROLES})
        AND NOT EXISTS (SELECT 1 FROM "Neutralisation" n WHERE n."answerId" = a."id")
      ORDER BY person, a."challengeId", a."id"
    ), persons AS (
      SELECT array_agg(idx) AS items, array_agg(score) AS scores, (array_agg(assessment_id ORDER BY answer_id))[1] AS first_test
      FROM kept GROUP BY person
    )
    SELECT p.items, p.scores, ${g.key} AS grp, ${g.label} AS label
    FROM persons p
    JOIN "Assessment" s ON s."id" = p.first_test
    JOIN "User" u ON u."id" = s."userId"
    LEFT JOIN "CampaignParticipation" cp ON cp."id" = s."participationId"
    LEFT JOIN "Campaign" c ON c."id" = cp."campaignId"
    LEFT JOIN "Organisation" o ON o."id" = c."organisationId"
    LEFT JOIN LATERAL (
      SELECT l."organisationId", l."division", l."birthDate" FROM "OrganisationLearner" l
      WHERE (cp."organisationLearnerId" IS NOT NULL AND l."id" = cp."organisationLearnerId")
         OR (cp."organisationLearnerId" IS NULL AND l."userId" = s."userId" AND l."detachedAt" IS NULL)
      ORDER BY l."createdAt" LIMIT 1
    ) ol ON true
    LEFT JOIN "Organisation" olo ON olo."id" = ol."organisationId"`;
}

/**
 * The persons and groups of a run on a variable, kept a few minutes: choosing the reference and focal
 * groups after the variable then costs no query. (A run's answers never change; learners' attributes
 * seldom do.)
 */
const personsCache = new Map<string, { at: number; rows: Promise<PersonGroupRow[]> }>();
const PERSONS_CACHE_MS = 5 * 60_000;
const PERSONS_CACHE_SIZE = 6;

function cachedPersonsWithGroup(client: Client, runKey: string, items: readonly ItemRow[], variable: DifVariable, maxAnswerId: string | null) {
  const key = `${runKey}|${variable}`;
  const now = Date.now();
  for (const [k, v] of personsCache) if (now - v.at > PERSONS_CACHE_MS) personsCache.delete(k);
  const hit = personsCache.get(key);
  if (hit) return hit.rows;
  const rows = personsWithGroup(client, items, variable, maxAnswerId);
  rows.catch(() => personsCache.delete(key));
  personsCache.set(key, { at: now, rows });
  while (personsCache.size > PERSONS_CACHE_SIZE) personsCache.delete(personsCache.keys().next().value as string);
  return rows;
}

export function clearDiagnosticsCache(): void {
  personsCache.clear();
}

function decadeLabel(key: string): string {
  const start = Number(key);
  return Number.isFinite(start) ? `${start}–${start + 9}` : key;
}

/** DIF on the chosen variable; reference: the chosen group or the largest; focal: the chosen group or all the others. */
export async function getVariableDif(
  client: Client,
  run: Pick<RunHeader, 'id' | 'summary' | 'settings' | 'maxAnswerId'>,
  items: readonly ItemRow[],
  variable: DifVariable,
  choice: { reference?: string | null; focal?: string | null } = {},
): Promise<VariableDif> {
  const started = performance.now();
  const rows = await cachedPersonsWithGroup(client, `${run.id}|${run.maxAnswerId ?? ''}|${items.length}`, items, variable, run.maxAnswerId);
  const byKey = new Map<string, GroupCount>();
  let unknownPersons = 0;
  for (const row of rows) {
    if (row.grp === null) {
      unknownPersons++;
      continue;
    }
    const group = byKey.get(row.grp) ?? { key: row.grp, label: variable === 'birthYear' ? decadeLabel(row.grp) : (row.label ?? row.grp), persons: 0 };
    group.persons++;
    byKey.set(row.grp, group);
  }
  const groups = [...byKey.values()].sort((x, y) => y.persons - x.persons || x.label.localeCompare(y.label, 'fr', { numeric: true }));
  const minPersons = typeof run.settings['difMinPersons'] === 'number' ? (run.settings['difMinPersons'] as number) : 100;
  const reference = (choice.reference ? byKey.get(choice.reference) : undefined) ?? groups[0] ?? null;
  const chosenFocal = choice.focal && choice.focal !== OTHER_GROUPS && choice.focal !== reference?.key ? byKey.get(choice.focal) : undefined;
  const othersPersons = groups.reduce((s, gr) => s + (gr.key === reference?.key ? 0 : gr.persons), 0);
  const focal: GroupCount | null = chosenFocal ?? (reference && othersPersons > 0 ? { key: OTHER_GROUPS, label: OTHER_GROUPS, persons: othersPersons } : null);
  const out: VariableDif = {
    variable,
    groups,
    unknownPersons,
    reference,
    focal,
    minPersons,
    refusal: null,
    counts: { A: 0, B: 0, C: 0, untested: 0 },
    items: [],
    milliseconds: 0,
  };
  if (!reference || !focal) out.refusal = 'one-group';
  else if (reference.persons < minPersons || focal.persons < minPersons) out.refusal = 'too-few';
  if (out.refusal === null && reference && focal) {
    const builder = new ResponseDataBuilder(items.map((i) => i.challengeId));
    const codes: number[] = [];
    for (const row of rows) {
      builder.beginRow();
      for (let k = 0; k < row.items.length; k++) builder.addAnswer(row.items[k] as number, row.scores[k] as number);
      codes.push(row.grp === null ? 2 : row.grp === reference.key ? 0 : focal.key === OTHER_GROUPS || row.grp === focal.key ? 1 : 2);
    }
    const data = builder.build();
    const latent = runLatent(run.summary, run.settings);
    const nodes = gridNodes(-6, 6, 61);
    const { theta } = computeRowAbilities(
      data,
      { a: Float64Array.from(items.map((i) => i.a)), d: Float64Array.from(items.map((i) => i.d)) },
      { nodes, weights: normalWeights(nodes, latent.mean, latent.sd) },
    );
    const results = mantelHaenszelDif(data, Int32Array.from(codes), theta);
    const rank = { C: 0, B: 1, A: 2 } as const;
    out.items = results
      .map((r, i): VariableDifItem => {
        const item = items[i] as ItemRow;
        if (r.class === null) out.counts.untested++;
        else out.counts[r.class]++;
        return {
          challengeId: item.challengeId,
          key: item.key,
          referenceN: r.reference,
          focalN: r.focal,
          deltaMH: r.deltaMH,
          seDelta: r.seDelta,
          pValue: r.pValue,
          class: r.class,
          favours: r.favours,
        };
      })
      .sort((x, y) => (x.class ? rank[x.class] : 3) - (y.class ? rank[y.class] : 3) || Math.abs(y.deltaMH ?? 0) - Math.abs(x.deltaMH ?? 0));
  }
  out.milliseconds = performance.now() - started;
  return out;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Exposure of the run's challenges in a period (default: the run's answers' first to last day). */
export async function getExposure(
  client: Client,
  run: Pick<RunHeader, 'maxAnswerId'>,
  items: readonly ItemRow[],
  options: { from?: string | null; to?: string | null; sort?: ExposureSort } = {},
): Promise<Exposure> {
  const started = performance.now();
  const ids = items.map((i) => i.challengeId);
  const comps = items.map((i) => i.competenceCode);
  let from = options.from ?? null;
  let to = options.to ?? null;
  const runPeriod = from === null && to === null;
  if ((from === null || to === null) && ids.length > 0) {
    const snapshot = run.maxAnswerId ? Prisma.sql`AND "id" <= ${run.maxAnswerId}::bigint` : Prisma.empty;
    const [span] = await client.$queryRaw<{ first: Date | null; last: Date | null }[]>`
      SELECT min("createdAt") AS first, max("createdAt") AS last FROM "Answer" WHERE "challengeId" = ANY(${ids}::text[]) ${snapshot}`;
    from ??= span?.first ? isoDay(span.first) : null;
    to ??= span?.last ? isoDay(span.last) : null;
  }
  if (from !== null && to !== null && from > to) [from, to] = [to, from];
  const ceiling = DEFAULT_CERTIFICATION_SETTINGS.maxExposureRate;
  const sort = options.sort ?? 'certification';
  const tests: Record<TestKind, number> = { CERTIFICATION: 0, POSITIONING: 0, CAMPAIGN: 0 };
  const served = new Map<string, number>();
  const perCompetence = new Map<string, number>();
  if (from !== null && to !== null && ids.length > 0) {
    const start = new Date(`${from}T00:00:00Z`);
    const end = new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000);
    const rows = await client.$queryRaw<{ scope: string; key: string; kind: TestKind; tests: number }[]>`
      WITH run_items AS (
        SELECT id, competence FROM unnest(${ids}::text[], ${comps}::text[]) AS t(id, competence)
      ), tests AS (
        SELECT ac."assessmentId", ac."challengeId", s."type"::text AS kind, ri.competence
        FROM "AssessmentChallenge" ac JOIN run_items ri ON ri.id = ac."challengeId" JOIN "Assessment" s ON s."id" = ac."assessmentId"
        WHERE ac."askedAt" >= ${start} AND ac."askedAt" < ${end} AND s."type" <> 'PREVIEW'
          AND NOT EXISTS (SELECT 1 FROM "User" x WHERE x."id" = s."userId" AND x."roles" && ${STAFF_ROLES})
      ), per_test AS (
        SELECT "assessmentId", competence, kind FROM tests GROUP BY 1, 2, 3
      )
      SELECT 'item' AS scope, "challengeId" AS key, kind, count(*)::int AS tests FROM tests GROUP BY "challengeId", kind
      UNION ALL
      SELECT 'competence', competence, kind, count(*)::int FROM per_test GROUP BY competence, kind
      UNION ALL
      SELECT 'all', '', kind, count(DISTINCT "assessmentId")::int FROM per_test GROUP BY kind`;
    for (const r of rows) {
      if (r.scope === 'item') served.set(`${r.key}|${r.kind}`, r.tests);
      else if (r.scope === 'competence') perCompetence.set(`${r.key}|${r.kind}`, r.tests);
      else tests[r.kind] = r.tests;
    }
  }
  const rows: ExposureRow[] = items.map((item) => {
    const rates = {} as Record<TestKind, ExposureRate>;
    for (const kind of KINDS) {
      const n = served.get(`${item.challengeId}|${kind}`) ?? 0;
      const of = perCompetence.get(`${item.competenceCode}|${kind}`) ?? 0;
      rates[kind] = { served: n, tests: of, rate: of > 0 ? n / of : null };
    }
    return {
      challengeId: item.challengeId,
      key: item.key,
      competenceCode: item.competenceCode,
      a: item.a,
      b: item.b,
      rates,
      overExposed: (rates.CERTIFICATION.rate ?? 0) > ceiling,
    };
  });
  const rateOf = (r: ExposureRow, kind: TestKind) => r.rates[kind].rate ?? -1;
  rows.sort((x, y) => {
    switch (sort) {
      case 'certification':
        return rateOf(y, 'CERTIFICATION') - rateOf(x, 'CERTIFICATION') || rateOf(y, 'POSITIONING') - rateOf(x, 'POSITIONING') || x.key.localeCompare(y.key);
      case 'positioning':
        return rateOf(y, 'POSITIONING') - rateOf(x, 'POSITIONING') || x.key.localeCompare(y.key);
      case 'campaign':
        return rateOf(y, 'CAMPAIGN') - rateOf(x, 'CAMPAIGN') || x.key.localeCompare(y.key);
      case 'b':
        return x.b - y.b;
      case 'key':
        return x.key.localeCompare(y.key, 'fr', { numeric: true });
    }
  });
  return {
    from,
    to,
    runPeriod,
    ceiling,
    sort,
    tests,
    rows,
    overExposed: rows.filter((r) => r.overExposed).length,
    milliseconds: performance.now() - started,
  };
}

/** What the run page computes from the database for its diagnostics sections. */
export async function getRunDiagnostics(
  client: Client,
  analysis: { run: RunHeader; items: readonly ItemRow[] },
  query: DiagnosticsQuery,
): Promise<RunDiagnostics> {
  const { run, items } = analysis;
  const [dif, exposure] = await Promise.all([
    query.difVariable && items.length > 0
      ? getVariableDif(client, run, items, query.difVariable, { reference: query.difReference, focal: query.difFocal })
      : null,
    getExposure(client, run, items, { from: query.exposureFrom, to: query.exposureTo, sort: query.exposureSort }),
  ]);
  return { dif, exposure };
}
