import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../tests/setup/db';
import { startLinkServer, type LinkServer } from '../tests/setup/http-server';
import { uniqueLetters } from '../tests/setup/framework';

// Queues of this test live under their own prefix, so that no installation sharing this Redis sees them.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX ?? 'test'}-links-${uniqueLetters(8)}`;
const { Queue, QueueEvents, Worker } = await import('bullmq');
const { CHECK_TUTORIAL_LINKS, QUEUES, QueueUnavailableError, closeQueues, queuePrefix, redisConnection, requestTutorialLinkCheck } =
  await import('../app/lib/queues.server');
const QUEUE_PREFIX = queuePrefix();
const { checkChallengeLinks, checkTutorialLinks, tutorialLinksProcessor } = await import('./tutorial-links');
const { challengeQuality, linksToCheck } = await import('../app/models/quality.server');
const { newChallengeBody } = await import('../engine/challenges');

const db = testDb();
const run = uniqueLetters();
const created: string[] = [];
let server: LinkServer;

async function tutorialAt(name: string, url: string) {
  const row = await db.tutorial.create({
    data: { key: `tuto-liens-${run}-${name}`, title: `Lien ${name} ${run}`, url, source: 'Test', format: 'page', duration: '00:01:00' },
  });
  created.push(row.id);
  return row.id;
}

beforeAll(async () => {
  server = await startLinkServer();
});

afterAll(async () => {
  await closeQueues();
  await server.close();
  await db.tutorial.deleteMany({ where: { id: { in: created } } });
});

describe('tutorial link checker', () => {
  it('checks the tutorials and records OK or DEAD, when, and why', async () => {
    const ok = await tutorialAt('ok', server.url('/ok'));
    const missing = await tutorialAt('missing', server.url('/missing'));
    const unknownHost = await tutorialAt('dns', `https://introuvable-${run}.invalid/page`);
    const redirected = await tutorialAt('moved', server.url('/moved'));
    const at = new Date('2026-11-23T04:00:00Z');
    const summary = await checkTutorialLinks(
      db,
      { tutorialIds: [ok, missing, unknownHost, redirected] },
      { now: () => at, concurrency: 2, allowPrivateAddresses: true },
    );
    expect(summary).toEqual({ checked: 4, ok: 2, dead: 2 });
    const rows = await db.tutorial.findMany({ where: { id: { in: [ok, missing, unknownHost, redirected] } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(ok)).toMatchObject({ linkStatus: 'OK', lastCheckNote: 'HTTP 200', lastCheckedAt: at });
    expect(byId.get(missing)).toMatchObject({ linkStatus: 'DEAD', lastCheckNote: 'HTTP 404', lastCheckedAt: at });
    expect(byId.get(unknownHost)).toMatchObject({ linkStatus: 'DEAD', lastCheckNote: 'nom de domaine introuvable', lastCheckedAt: at });
    expect(byId.get(redirected)).toMatchObject({ linkStatus: 'OK' });
  });

  it('a link that comes back to life is OK again at the next check', async () => {
    const id = await tutorialAt('revived', server.url('/missing'));
    await checkTutorialLinks(db, { tutorialIds: [id] }, { allowPrivateAddresses: true });
    expect((await db.tutorial.findUniqueOrThrow({ where: { id } })).linkStatus).toBe('DEAD');
    await db.tutorial.update({ where: { id }, data: { url: server.url('/ok') } });
    await checkTutorialLinks(db, { tutorialIds: [id] }, { allowPrivateAddresses: true });
    expect(await db.tutorial.findUniqueOrThrow({ where: { id } })).toMatchObject({ linkStatus: 'OK', lastCheckNote: 'HTTP 200' });
  });

  it('a job queued on Redis by the web producer is processed by the worker', async () => {
    const ok = await tutorialAt('queued-ok', server.url('/ok'));
    const dead = await tutorialAt('queued-dead', server.url('/missing'));
    const connection = redisConnection();
    const events = new QueueEvents(QUEUES.tutorialLinks, { connection, prefix: QUEUE_PREFIX });
    await events.waitUntilReady();
    // Asked twice before any worker runs: queued once.
    const first = await requestTutorialLinkCheck([ok, dead]);
    const second = await requestTutorialLinkCheck([dead, ok]);
    expect(second.id).toBe(first.id);
    expect(first.name).toBe(CHECK_TUTORIAL_LINKS);
    const worker = new Worker(QUEUES.tutorialLinks, tutorialLinksProcessor(db, { allowPrivateAddresses: true }), {
      connection,
      prefix: QUEUE_PREFIX,
      concurrency: 1,
    });
    try {
      const result = await first.waitUntilFinished(events, 20_000);
      expect(result).toEqual({ checked: 2, ok: 1, dead: 1 });
      expect((await db.tutorial.findUniqueOrThrow({ where: { id: ok } })).linkStatus).toBe('OK');
      expect(await db.tutorial.findUniqueOrThrow({ where: { id: dead } })).toMatchObject({ linkStatus: 'DEAD', lastCheckNote: 'HTTP 404' });
    } finally {
      await worker.close();
      await events.close();
      const queue = new Queue(QUEUES.tutorialLinks, { connection, prefix: QUEUE_PREFIX });
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('without Redis, asking for a check fails quickly with a clear error instead of hanging', async () => {
    await closeQueues();
    const saved = process.env.REDIS_URL;
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    const started = Date.now();
    try {
      await expect(requestTutorialLinkCheck()).rejects.toBeInstanceOf(QueueUnavailableError);
    } finally {
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
      await closeQueues();
    }
    expect(Date.now() - started).toBeLessThan(6000);
  });
});

describe('challenge link checks', () => {
  it('a challenge’s links are “not verified” until checked, then pass or block by what the checker found', async () => {
    const okUrl = server.url(`/no-head`);
    const deadUrl = server.url(`/gone`);
    const body = {
      ...newChallengeBody('QROC', ['Camille']),
      instruction: {
        type: 'doc' as const,
        content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Lisez la page', marks: [{ type: 'link', attrs: { href: okUrl } }] }] }],
      },
      answer: { type: 'QROC' as const, accepted: ['oui'], format: 'mots' as const, tolerances: ['T1' as const] },
      illustration: { url: deadUrl, alt: 'Une tasse' },
    };
    const entry = async () => (await challengeQuality(db, body)).checklist.find((c) => c.check === 'deadLink');
    expect(await entry()).toEqual({ check: 'deadLink', ok: true, blocking: false, unchecked: [okUrl, deadUrl] });
    expect(await linksToCheck(db, body)).toEqual([okUrl, deadUrl]);

    const at = new Date();
    expect(await checkChallengeLinks(db, { urls: [okUrl, deadUrl] }, { allowPrivateAddresses: true, now: () => at })).toEqual({ checked: 2, ok: 1, dead: 1 });
    const report = await challengeQuality(db, body);
    expect(report.checklist.find((c) => c.check === 'deadLink')).toEqual({ check: 'deadLink', ok: false, blocking: true });
    expect(report.problems.filter((p) => p.check === 'deadLink').map((p) => p.message)).toEqual([
      `Illustration : l’image ${deadUrl} ne répond plus (dernière vérification des liens).`,
    ]);
    // Checked recently: not asked again.
    expect(await linksToCheck(db, body)).toEqual([]);
    expect(await linksToCheck(db, body, new Date(at.getTime() + 8 * 24 * 3600 * 1000))).toEqual([okUrl, deadUrl]);
  });
});
