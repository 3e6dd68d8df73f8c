/**
 * The learner's answer and start served in front of Remix (scripts/direct-actions.ts) answer what Remix
 * answers: two web servers on this run's database, one with the direct path and one without, are asked
 * the same things by two learners; refusals, redirects and errors are the same bytes, statuses and
 * headers, and a question comes back in the same form. Skipped when there is no build (`npm run build`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { decode } from 'turbo-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl, testDb } from '../tests/setup/db';
import { makeLearner, makePositioningFixture, respond, type PositioningFixture } from '../tests/setup/positioning-fixtures';
import type { LearnerChallengeView } from '../engine/challenges';
import { projectRoot } from './database';
import type { WebServer } from './server';

const built = fs.existsSync(path.join(projectRoot, 'build', 'index.js'));
let direct: WebServer;
let remix: WebServer;

beforeAll(async () => {
  if (!built) return;
  process.env.DATABASE_URL = testDatabaseUrl();
  const { startWebServer } = await import('./server');
  direct = await startWebServer({ port: 0, host: '127.0.0.1' });
  remix = await startWebServer({ port: 0, host: '127.0.0.1', directActions: false });
});
afterAll(async () => {
  await direct?.close();
  await remix?.close();
});

interface Learner {
  base: string;
  cookie: string;
  csrf: string;
}

async function learnerOn(server: WebServer): Promise<Learner> {
  const { createUserSession } = await import('../app/lib/session.server');
  const user = await makeLearner(testDb());
  const response = await createUserSession(user.id, '/');
  const cookie = (response.headers.get('Set-Cookie') ?? '').split(';')[0]!;
  const session = await testDb().authSession.findFirstOrThrow({ where: { userId: user.id }, select: { csrfToken: true } });
  return { base: server.url, cookie, csrf: session.csrfToken };
}

interface Answered {
  status: number;
  contentType: string | null;
  remixResponse: string | null;
  location: string | null;
  text: string;
  /** Every header but those that differ from one response to the next (date, the policy's nonce). */
  headers: string[];
}

async function post(who: Learner, url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Answered> {
  const response = await fetch(`${who.base}${url}`, {
    method: 'POST',
    headers: { Cookie: who.cookie, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
    redirect: 'manual',
  });
  return {
    status: response.status,
    contentType: response.headers.get('Content-Type'),
    remixResponse: response.headers.get('X-Remix-Response'),
    location: response.headers.get('Location'),
    text: await response.text(),
    headers: [...response.headers.entries()]
      .map(([name, value]) =>
        name === 'date' || name === 'keep-alive'
          ? name
          : name === 'content-security-policy'
            ? `${name}: ${value.replace(/'nonce-[^']+'/, '')}`
            : `${name}: ${value}`,
      )
      .sort(),
  };
}

async function decoded(text: string): Promise<unknown> {
  const d = await decode(new Response(text).body!);
  await d.done;
  return d.value;
}

type Step = { kind: string; assessmentId: string; challengeId: string; position: number; view: LearnerChallengeView; progress: number };

async function stepOf(answered: Answered): Promise<Step | null> {
  const decoded = await decode(new Response(answered.text).body!);
  await decoded.done;
  return (decoded.value as { data?: { step?: Step } }).data?.step ?? null;
}

function answerForm(f: PositioningFixture, who: Learner, step: Step): Record<string, string> {
  const response = respond(f, step.challengeId, step.view, false);
  const fields: Record<string, string> = 'choice' in response ? { choice: String(response.choice) } : { value: String((response as { value: string }).value) };
  return { csrf: who.csrf, intent: 'answer', assessmentId: step.assessmentId, challengeId: step.challengeId, ...fields };
}

describe.skipIf(!built)('a learner’s answer and start in front of Remix', () => {
  it('answer what Remix answers: the first and next questions, refusals, a bad token, an unknown intent, the end of the test', async () => {
    const f = await makePositioningFixture(testDb());
    const url = `/competences/${f.competence.code}/evaluation.data`;
    const { directActionsServed } = await import('./direct-actions');
    const servedBefore = directActionsServed();
    const a = await learnerOn(direct);
    const b = await learnerOn(remix);
    const both = async (form: (who: Learner) => Record<string, string>, headers?: Record<string, string>) =>
      [await post(a, url, form(a), headers), await post(b, url, form(b), headers)] as const;
    const same = (x: Answered, y: Answered) => {
      expect(x.status).toBe(y.status);
      expect(x.contentType).toBe(y.contentType);
      expect(x.remixResponse).toBe(y.remixResponse);
      expect(x.location).toBe(y.location);
      // The same headers, but for the body's framing: Remix streams it (chunked), the direct path writes it
      // at once with its length (and the payloads carry each learner's own ids).
      const framing = (h: string) => h.startsWith('content-length') || h.startsWith('transfer-encoding');
      expect(x.headers.filter((h) => !framing(h))).toEqual(y.headers.filter((h) => !framing(h)));
    };

    // The start brings the first question, in the same form.
    const [startA, startB] = await both((who) => ({ csrf: who.csrf, intent: 'start' }));
    same(startA, startB);
    let stepA = await stepOf(startA);
    let stepB = await stepOf(startB);
    expect(stepA?.kind).toBe('challenge');
    expect(Object.keys(stepA!).sort()).toEqual(Object.keys(stepB!).sort());
    expect(stepA!.position).toBe(0);

    // Refusals are the same bytes: a challenge that was not asked, a bad token, an unknown intent.
    const [wrongA, wrongB] = await both((who) => ({ ...answerForm(f, who, who === a ? stepA! : stepB!), challengeId: 'pas-une-epreuve' }));
    same(wrongA, wrongB);
    expect(wrongA.status).toBeGreaterThanOrEqual(400);
    expect(wrongA.text).toBe(wrongB.text);
    const [tokenA, tokenB] = await both((who) => ({ ...answerForm(f, who, who === a ? stepA! : stepB!), csrf: 'faux' }));
    same(tokenA, tokenB);
    expect(tokenA.status).toBe(403);
    expect(tokenA.text).toBe(tokenB.text);
    const [intentA, intentB] = await both((who) => ({ csrf: who.csrf, intent: 'autre' }));
    same(intentA, intentB);
    expect(intentA.status).toBe(400);
    expect(intentA.text).toBe(intentB.text);
    // Another site's form is refused before either (the server's origin check).
    const [crossA, crossB] = await both((who) => answerForm(f, who, who === a ? stepA! : stepB!), { Origin: 'https://ailleurs.exemple' });
    same(crossA, crossB);
    expect(crossA.status).toBe(403);
    expect(crossA.text).toBe(crossB.text);
    // Without a session: the same redirect to the sign-in page.
    const [anonA, anonB] = [await post({ ...a, cookie: '' }, url, answerForm(f, a, stepA!)), await post({ ...b, cookie: '' }, url, answerForm(f, b, stepB!))];
    same(anonA, anonB);
    expect(anonA.text).toBe(anonB.text);
    expect(anonA.text).toContain('/connexion');
    // A cookie with a bad signature is no session either.
    const [forgedA, forgedB] = [
      await post({ ...a, cookie: `${a.cookie.slice(0, -3)}AAA` }, url, answerForm(f, a, stepA!)),
      await post({ ...b, cookie: `${b.cookie.slice(0, -3)}AAA` }, url, answerForm(f, b, stepB!)),
    ];
    same(forgedA, forgedB);
    expect(forgedA.text).toBe(anonA.text);

    // Answering to the end: each answer brings the next question, the last one the redirect to the results.
    let endA: Answered | null = null;
    let endB: Answered | null = null;
    for (let n = 0; n < 40 && (!endA || !endB); n++) {
      if (!endA && stepA) {
        const answered = await post(a, url, answerForm(f, a, stepA));
        stepA = await stepOf(answered);
        if (!stepA) endA = answered;
        else expect(answered.status).toBe(200);
      }
      if (!endB && stepB) {
        const answered = await post(b, url, answerForm(f, b, stepB));
        stepB = await stepOf(answered);
        if (!stepB) endB = answered;
      }
    }
    same(endA!, endB!);
    expect(endA!.status).toBe(202);
    expect(endA!.text).toBe(endB!.text);
    expect(endA!.text).toContain(`/competences/${f.competence.code}/resultats`);

    // Both learners' answers were stored, and the direct path served learner a's requests.
    const stored = await testDb().answer.count({ where: { assessment: { competenceId: f.competence.id } } });
    expect(stored).toBeGreaterThan(2);
    expect(directActionsServed() - servedBefore).toBeGreaterThanOrEqual(5);
  });

  it('bring the results with the last answer when the page asks, the very data of the results page', async () => {
    const f = await makePositioningFixture(testDb());
    const url = `/competences/${f.competence.code}/evaluation.data`;
    for (const server of [direct, remix]) {
      const who = await learnerOn(server);
      let step = await stepOf(await post(who, url, { csrf: who.csrf, intent: 'start' }));
      let last: Answered | null = null;
      for (let n = 0; n < 40 && step; n++) {
        last = await post(who, url, { ...answerForm(f, who, step), avecResultats: '1' });
        step = await stepOf(last);
      }
      expect(last!.status).toBe(200);
      const brought = (await decoded(last!.text)) as { data: { at: string; results: unknown } };
      expect(brought.data.at).toBe(`/competences/${f.competence.code}/resultats`);
      // What the results page's loader gives the same learner now.
      const page = await fetch(`${who.base}/competences/${f.competence.code}/resultats.data`, { headers: { Cookie: who.cookie } });
      const loaded = (await decoded(await page.text())) as Record<string, { data?: unknown }>;
      expect(brought.data.results).toEqual(loaded['routes/competences.$code.resultats']?.data);
      expect((brought.data.results as { results: { items: unknown[] } }).results.items.length).toBeGreaterThan(0);
    }
  });

  it('leave to Express what they do not read: another type of body, a body over the limit', async () => {
    const f = await makePositioningFixture(testDb());
    const url = `/competences/${f.competence.code}/evaluation.data`;
    const { directActionsServed } = await import('./direct-actions');
    const a = await learnerOn(direct);
    const b = await learnerOn(remix);
    // A multipart form goes to Remix, which reads it and starts the test the same way.
    const multipart = async (who: Learner) => {
      const form = new FormData();
      form.set('csrf', who.csrf);
      form.set('intent', 'start');
      const response = await fetch(`${who.base}${url}`, { method: 'POST', headers: { Cookie: who.cookie }, body: form, redirect: 'manual' });
      return { status: response.status, step: await stepOf({ text: await response.text() } as Answered) };
    };
    const before = directActionsServed();
    const [startA, startB] = [await multipart(a), await multipart(b)];
    expect(directActionsServed()).toBe(before);
    expect(startA.status).toBe(startB.status);
    expect(startA.step?.kind).toBe('challenge');
    // A body over the limit, sent without a declared length: cut with the same 413.
    const big = (who: Learner) =>
      fetch(`${who.base}${url}`, {
        method: 'POST',
        headers: { Cookie: who.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(`csrf=${who.csrf}&intent=start&x=`));
            controller.enqueue(new Uint8Array(1024 * 1024 + 10).fill(97));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit).then(async (response) => ({ status: response.status, text: await response.text() }));
    const [bigA, bigB] = [await big(a), await big(b)];
    expect(bigA).toEqual(bigB);
    expect(bigA.status).toBe(413);
  });
});
