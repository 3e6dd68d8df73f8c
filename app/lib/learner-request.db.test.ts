/**
 * The learner's busiest requests (decision 021, learners): the statements sent without Prisma's runtime
 * give the rows $queryRaw gives; the session's statement tells whether a certification test is under way,
 * and a lookup shared within the second asks again, so the learner pages close as soon as a test starts;
 * two app instances (two clients, each with its own pool, no snapshot shared) serving one learner's test
 * alternately record every answer once, in order.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createPrisma } from '../../prisma/client';
import { Prisma } from '../../prisma/generated/client';
import { testDatabaseUrl, testDb } from '../../tests/setup/db';
import { certificationToStart } from '../../tests/setup/certification-fixtures';
import { makeLearner, makePositioningFixture, respond } from '../../tests/setup/positioning-fixtures';
import { rawRows, statementName } from './db.server';

const ORIGIN = 'http://localhost:3000';

beforeAll(() => {
  process.env.DATABASE_URL = testDatabaseUrl();
});

async function signedIn(userId: string): Promise<string> {
  const { createUserSession } = await import('./session.server');
  const response = await createUserSession(userId, '/');
  return (response.headers.get('Set-Cookie') ?? '').split(';')[0]!;
}

function request(path: string, cookie: string, method: 'GET' | 'POST' = 'GET'): Request {
  return new Request(`${ORIGIN}${path}`, { method, headers: { Host: new URL(ORIGIN).host, Cookie: cookie } });
}

async function outcome(promise: Promise<unknown>): Promise<{ status: number; location?: string | null; text?: string } | 'allowed'> {
  try {
    await promise;
    return 'allowed';
  } catch (error) {
    if (!(error instanceof Response)) throw error;
    return { status: error.status, location: error.headers.get('Location'), text: await error.text() };
  }
}

describe('statements without Prisma’s runtime (rawRows)', () => {
  it('give the rows $queryRaw gives: text, numbers, booleans, json, arrays, timestamps as UTC dates, int8 as bigint, nulls', async () => {
    const db = testDb();
    const when = new Date('2026-03-02T09:00:00.123Z');
    const sql = Prisma.sql`
      SELECT ${'texte é'}::text AS t, ${42}::int AS i, ${2.5}::float8 AS f, ${true}::boolean AS b, count(*) OVER () AS big,
        ${when.toISOString()}::timestamp AS ts, ${when}::timestamp AS "tsFromDate", '2026-03-02'::date AS d, now() AS tz,
        json_build_object('a', 1, 'at', ${when.toISOString()}::timestamp) AS j, '{"x":[1,2]}'::jsonb AS jb,
        ${['a', 'b']}::text[] AS arr, ${[1.5, 2]}::float8[] AS nums, NULL::text AS nothing`;
    const raw = await rawRows<Record<string, unknown>>(db, sql);
    const prisma = await db.$queryRaw<Record<string, unknown>[]>(sql);
    expect(raw[0]!.ts).toEqual(when);
    expect(raw[0]!.tsFromDate).toEqual(when);
    expect(raw[0]!.big).toBe(1n);
    // now() differs between the two statements: compared by type only.
    expect(raw[0]!.tz).toBeInstanceOf(Date);
    const { tz: _a, ...rawRest } = raw[0]!;
    const { tz: _b, ...prismaRest } = prisma[0]!;
    expect(rawRest).toEqual(prismaRest);
  });

  it('are prepared once per connection and reused by later calls, with the same rows as unnamed statements', async () => {
    const db = testDb();
    // A statement of the answer path's kind: parameters typed by casts, json built by PostgreSQL, a CTE.
    const sql = (n: number) => Prisma.sql`
      WITH v AS (SELECT ${n}::int AS n, ${`skill-${n}`}::text AS s, ${new Date(Date.UTC(2026, 2, n + 1)).toISOString()}::timestamp AS at)
      SELECT v.n, v.s, v.at, json_build_object('n', v.n, 'list', ${[n, n + 1]}::int[]) AS j, (v.n % 2 = 0) AS even, count(*) OVER () AS big FROM v`;
    const name = statementName(sql(0).text);
    expect(name).toMatch(/^wb_/);
    const backends = new Set<number>();
    for (let n = 0; n < 8; n++) {
      const named = await rawRows<Record<string, unknown>>(db, sql(n));
      const unnamed = await db.$queryRaw<Record<string, unknown>[]>(sql(n));
      expect(named).toEqual(unnamed);
      expect(named[0]).toMatchObject({ n, s: `skill-${n}`, even: n % 2 === 0, big: 1n });
      const [me] = await rawRows<{ pid: number }>(db, Prisma.sql`SELECT pg_backend_pid() AS pid`);
      backends.add(me!.pid);
    }
    // Calls one after the other take the same connection (the pool lends its last idle one), where
    // PostgreSQL holds the statement under its name, parsed once and executed eight times.
    expect(backends.size).toBe(1);
    const [held] = await rawRows<{ runs: bigint; statement: string }>(
      db,
      Prisma.sql`SELECT (generic_plans + custom_plans)::int8 AS runs, statement FROM pg_prepared_statements WHERE name = ${name}`,
    );
    expect(held?.runs).toBe(8n);
    expect(held?.statement).toBe(sql(0).text);
  });

  it('go unnamed with DATABASE_PREPARED_STATEMENTS=0 (a pooler that keeps no prepared statement)', async () => {
    const db = testDb();
    const sql = Prisma.sql`SELECT ${'unnamed'}::text AS kind, pg_backend_pid() AS pid`;
    process.env.DATABASE_PREPARED_STATEMENTS = '0';
    try {
      const [first] = await rawRows<{ kind: string; pid: number }>(db, sql);
      const [second] = await rawRows<{ kind: string; pid: number }>(db, sql);
      expect(first).toEqual(second);
      const [held] = await rawRows<{ n: number }>(
        db,
        Prisma.sql`SELECT count(*)::int AS n, pg_backend_pid() AS pid FROM pg_prepared_statements WHERE name = ${statementName(sql.text)}`,
      );
      expect(held).toEqual({ n: 0, pid: first!.pid });
    } finally {
      delete process.env.DATABASE_PREPARED_STATEMENTS;
    }
  });

  it('refuse a numeric column rather than give it another type than Prisma', async () => {
    await expect(rawRows(testDb(), Prisma.sql`SELECT 1.5::numeric AS n`)).rejects.toThrow(/numeric/);
  });
});

describe('the learner pages and a certification test under way', () => {
  it('tells it from the session’s statement, and asks again when the lookup was shared within the second', async () => {
    const db = testDb();
    const { requireLearnerSpace } = await import('./certification-lock.server');
    const { lookUpSession } = await import('./session.server');
    const learner = await makeLearner(db);
    const startCertification = await certificationToStart(db, learner.id);
    const cookie = await signedIn(learner.id);

    // Read by this call: the statement says there is no test under way.
    const first = await lookUpSession(request('/profil', cookie));
    expect(first.session?.viewer.id).toBe(learner.id);
    expect(first.certification).toBeNull();
    expect(await outcome(requireLearnerSpace(request('/competences/1.1/evaluation', cookie)))).toBe('allowed');

    // A certification test starts (elsewhere) within the same second: the shared lookup does not know
    // it, so the guard asks the database and closes the pages at once.
    const taken = await startCertification();
    const shared = await lookUpSession(request('/profil', cookie));
    expect(shared.certification).toBe('unknown');
    expect(await outcome(requireLearnerSpace(request('/competences/1.1/evaluation', cookie)))).toEqual({
      status: 302,
      location: `/certification/${taken.candidateId}`,
      text: '',
    });
    const refused = await outcome(requireLearnerSpace(request('/competences/1.1/evaluation', cookie, 'POST')));
    expect(refused).toMatchObject({ status: 403 });
    expect((refused as { text: string }).text).toMatch(/Votre test de certification est en cours/);

    // Read again after the second: the statement itself tells it.
    await new Promise((r) => setTimeout(r, 1050));
    const later = await lookUpSession(request('/profil', cookie));
    expect(later.certification).toEqual({ candidateId: taken.candidateId });
    expect(await outcome(requireLearnerSpace(request('/profil', cookie)))).toMatchObject({ status: 302, location: `/certification/${taken.candidateId}` });
  });

  it('is read once for the loaders of one request (the id the server gives it), and asked again by another request within the second', async () => {
    const db = testDb();
    const { lookUpSession } = await import('./session.server');
    const { REQUEST_ID_HEADER } = await import('./client-address.server');
    const learner = await makeLearner(db);
    const cookie = await signedIn(learner.id);
    const of = (id: string) => {
      const r = request('/competences/1.1/evaluation', cookie);
      r.headers.set(REQUEST_ID_HEADER, id);
      return r;
    };
    await new Promise((r) => setTimeout(r, 1050)); // past any share of the sign-in
    expect((await lookUpSession(of('requete-1'))).certification).toBeNull();
    // The route's loader in the same request: the same read, with the guard's answer.
    expect((await lookUpSession(of('requete-1'))).certification).toBeNull();
    // Another request within the second: the session is shared, the guard asks the database itself.
    expect((await lookUpSession(of('requete-2'))).certification).toBe('unknown');
  });
});

describe('two app instances serving one learner', () => {
  it('record every answer once and in order when the learner’s requests go to one then the other', async () => {
    const { clearAnswerSnapshots, currentStep, startPositioning, submitAnswer } = await import('../models/positioning.server');
    const { positioningResults } = await import('../models/positioning-results.server');
    const a = testDb();
    const b = createPrisma(testDatabaseUrl());
    try {
      const f = await makePositioningFixture(a);
      const learner = await makeLearner(a);
      const t0 = new Date('2026-03-02T09:00:00Z');
      await startPositioning(a, { userId: learner.id, competenceCode: f.competence.code, now: t0 });
      const sent: string[] = [];
      let step = await currentStep(b, { userId: learner.id, competenceCode: f.competence.code, now: t0 });
      for (let n = 0; step.kind === 'challenge' && n < 40; n++) {
        // Each request on the other instance: that process keeps no snapshot of what this one wrote.
        const client = n % 2 === 0 ? a : b;
        clearAnswerSnapshots();
        sent.push(step.challengeId);
        const now = new Date(t0.getTime() + 1000 * (n + 1));
        const done = await submitAnswer(client, {
          userId: learner.id,
          competenceCode: f.competence.code,
          assessmentId: step.assessmentId,
          challengeId: step.challengeId,
          response: respond(f, step.challengeId, step.view, n % 3 !== 1),
          now,
        });
        expect(done.duplicate).toBe(false);
        // The next question as the other instance sees it is the one this answer brought.
        const seen = await currentStep(client === a ? b : a, { userId: learner.id, competenceCode: f.competence.code, now });
        if (done.next === 'completed') expect(seen.kind).not.toBe('challenge');
        else expect(seen.kind === 'challenge' && seen.challengeId).toBe(done.step?.challengeId);
        step = seen;
      }
      expect(sent.length).toBeGreaterThan(1);
      const stored = await a.answer.findMany({ where: { assessment: { userId: learner.id } }, orderBy: { id: 'asc' }, select: { challengeId: true } });
      expect(stored.map((s) => s.challengeId)).toEqual(sent);
      const results = await positioningResults(b, { userId: learner.id, competenceCode: f.competence.code });
      expect(results?.items.map((i) => i.challengeId)).toEqual(sent);
    } finally {
      await b.$disconnect();
    }
  });
});
