/**
 * Every route guards itself: each loader and action of app/routes, called for every role of
 * tests/route-permissions.ts with a signed session of a demo account, must answer as the table says.
 * A route module without a row fails (a new route cannot ship without a decision on who may use it).
 * ROUTE_PERMISSIONS_REPORT=1 writes what was observed to .cache/route-permissions-observed.txt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl, testDb } from '../tests/setup/db';
import { makeCalibrationFixture } from '../tests/setup/psychometrics-fixtures';
import { ROLES, ROUTE_PERMISSIONS, type Fixture, type Outcome, type Role } from '../tests/route-permissions';
import { seed } from '../prisma/seed';
import { generateCampaignCode, generateSessionAccessCode } from '../engine/framework/codes';
import { DEMO_CENTRE, DEMO_ORGANISATION } from '../prisma/demo';

const ROUTES_DIR = path.resolve('app/routes');

/** The demo account of each role (none for anonymous). */
const ACCOUNTS: Record<Exclude<Role, 'anonymous'>, string> = {
  learner: 'eleve@exemple.fr',
  author: 'autrice@exemple.fr',
  reviewer: 'relecteur@exemple.fr',
  psychometrician: 'psychometre@exemple.fr',
  teacher: 'enseignant@exemple.fr',
  otherTeacher: 'enseignant2@exemple.fr',
  staff: 'certif@exemple.fr',
  otherStaff: 'certif-rennes@exemple.fr',
  candidate: 'candidat1@exemple.fr',
  admin: 'admin@exemple.fr',
};

type Handler = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown;
interface RouteModule {
  loader?: Handler;
  action?: Handler;
}

/** The URL of a flat-routes file name, with its dynamic segments filled. */
export function urlPathOf(file: string, values: Record<string, string>): { path: string; params: Record<string, string> } {
  const base = file.replace(/\.tsx?$/, '').replace(/\[\.\]/g, '\u0000');
  const params: Record<string, string> = {};
  const segments: string[] = [];
  for (const raw of base.split('.')) {
    let segment = raw.replace(/\u0000/g, '.');
    if (segment === '_index') continue;
    if (segment.endsWith('_')) segment = segment.slice(0, -1);
    if (segment.startsWith('$')) {
      const name = segment === '$' ? '*' : segment.slice(1);
      const value = values[name];
      if (value === undefined) throw new Error(`${file} : aucune valeur pour le paramètre ${name}`);
      params[name] = value;
      segments.push(value);
    } else {
      segments.push(segment.replace(/\[(.*?)\]/g, '$1'));
    }
  }
  return { path: `/${segments.join('/')}`, params };
}

const ORIGIN = 'http://workbench.test';

/** What a loader or action answered, in the table's terms; null when it failed in another way (a bug). */
function classify(result: unknown, requestPath: string, isAction: boolean): { outcome: Outcome | null; detail: string } {
  let status = 200;
  let location: string | null = null;
  if (result instanceof Response) {
    status = result.status;
    location = result.headers.get('Location');
  } else if (result && typeof result === 'object' && (result as { type?: string }).type === 'DataWithResponseInit') {
    status = (result as { init?: { status?: number } }).init?.status ?? 200;
  } else if (result instanceof Error) {
    return { outcome: null, detail: `exception: ${result.message.replace(/\s+/g, ' ').slice(-300)}` };
  }
  if (status >= 300 && status < 400 && location) {
    const target = new URL(location, ORIGIN).pathname;
    const detail = `${status} → ${location}`;
    if (target === '/connexion') return { outcome: 'login', detail };
    const space = `/${requestPath.split('/')[1] ?? ''}`;
    if (space === '/') return { outcome: target === requestPath ? 'allow' : 'away', detail };
    if (target === requestPath || (target.startsWith(`${space}/`) && target !== space)) return { outcome: 'allow', detail };
    if (target === space && requestPath === space) return { outcome: 'allow', detail };
    return { outcome: 'away', detail };
  }
  if (status < 300) return { outcome: 'allow', detail: String(status) };
  if (status === 401 || status === 403 || status === 404) return { outcome: 'deny', detail: String(status) };
  if (isAction && (status === 400 || status === 409 || status === 422)) return { outcome: 'allow', detail: String(status) };
  return { outcome: null, detail: String(status) };
}

describe('route permissions', () => {
  const files = fs
    .readdirSync(ROUTES_DIR)
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
    .sort();

  it('has a row for every route module, and none for a module that is gone', () => {
    const missing = files.filter((f) => !(f in ROUTE_PERMISSIONS));
    const stale = Object.keys(ROUTE_PERMISSIONS).filter((f) => !files.includes(f));
    expect(missing, `Routes sans ligne dans tests/route-permissions.ts : ${missing.join(', ')}`).toEqual([]);
    expect(stale, `Lignes de tests/route-permissions.ts sans route : ${stale.join(', ')}`).toEqual([]);
  });

  const fixtures = {} as Record<Fixture, string>;
  const users = {} as Record<Exclude<Role, 'anonymous'>, string>;

  beforeAll(async () => {
    process.env.DATABASE_URL = testDatabaseUrl();
    process.env.SESSION_SECRET ??= 'route-permissions-test-secret-0123456789';
    const db = testDb();
    const t0 = performance.now();
    await seed(db, () => undefined, { demoAnswers: false });
    for (const [role, email] of Object.entries(ACCOUNTS)) {
      users[role as keyof typeof ACCOUNTS] = (await db.user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id;
    }
    const organisation = await db.organisation.findUniqueOrThrow({ where: { externalId: DEMO_ORGANISATION.externalId } });
    const centre = await db.certificationCentre.findFirstOrThrow({ where: { name: DEMO_CENTRE.name } });
    const psychometrics = await makeCalibrationFixture(db, { persons: 120 });
    console.log(`Données : ${((performance.now() - t0) / 1000).toFixed(1)} s.`);
    const profile = await db.targetProfile.create({ data: { organisationId: organisation.id, name: 'Profil des tests de droits' } });
    const challenge = await db.challenge.findFirstOrThrow({ where: { currentVersionId: { not: null }, type: 'QCU' }, orderBy: { key: 'asc' } });
    const skill = await db.skill.findFirstOrThrow({ where: { id: challenge.skillId }, include: { tube: true } });
    await db.targetProfileTube.create({ data: { targetProfileId: profile.id, tubeId: skill.tube.id, maxLevel: 3 } });
    const campaign = await db.campaign.create({
      data: {
        code: generateCampaignCode(Math.random),
        name: 'Campagne des tests de droits',
        type: 'ASSESSMENT',
        targetProfileId: profile.id,
        organisationId: organisation.id,
        creatorId: users.teacher,
      },
    });
    const participation = await db.campaignParticipation.create({
      data: { campaignId: campaign.id, userId: users.learner, status: 'SHARED', sharedAt: new Date(), masteryRate: 0.5 },
    });
    // What the dashboard keeps of a shared participation (the teacher's participant page reads it).
    await db.campaignParticipantResult.create({
      data: {
        participationId: participation.id,
        campaignId: campaign.id,
        status: 'SHARED',
        lastName: 'Élève',
        firstName: 'Léa',
        masteryPercent: 50,
        validatedCount: 1,
        tubes: {},
        createdAt: participation.createdAt,
        sharedAt: participation.sharedAt,
      },
    });
    const session = await db.certificationSession.create({
      data: {
        centreId: centre.id,
        address: '1 rue des Droits',
        room: 'A1',
        date: new Date('2027-02-01T00:00:00Z'),
        time: '09:00',
        examiner: 'Mme Droits',
        accessCode: generateSessionAccessCode(Math.random),
        invigilatorPassword: 'DRTS2346',
        parameterSetId: psychometrics.parameterSet.id,
      },
    });
    const finalized = await db.certificationSession.create({
      data: {
        centreId: centre.id,
        address: '1 rue des Droits',
        room: 'A2',
        date: new Date('2026-10-01T00:00:00Z'),
        time: '09:00',
        examiner: 'Mme Droits',
        accessCode: generateSessionAccessCode(Math.random),
        invigilatorPassword: 'DRTS2347',
        status: 'FINALIZED',
        finalizedAt: new Date('2026-10-01T12:00:00Z'),
        parameterSetId: psychometrics.parameterSet.id,
      },
    });
    const candidate = await db.certificationCandidate.create({
      data: { sessionId: session.id, userId: users.candidate, firstName: 'Inès', lastName: 'Durand', birthDate: new Date('2007-04-12'), birthPlace: 'Lyon' },
    });
    const tutorial = await db.tutorial.findFirstOrThrow({ orderBy: { id: 'asc' } });
    const release = await db.release.findFirstOrThrow({ orderBy: { number: 'desc' } });
    const attachment = await db.attachment.create({
      data: { name: 'droits.txt', mimeType: 'text/plain', size: 6, data: Buffer.from('droits'), sha256: 'x', uploadedById: users.author },
    });
    Object.assign(fixtures, {
      organisationId: organisation.id,
      campaignId: campaign.id,
      campaignCode: campaign.code,
      participationId: participation.id,
      targetProfileId: profile.id,
      sessionId: session.id,
      finalizedSessionId: finalized.id,
      candidateId: candidate.id,
      // No published certificate in these fixtures: the page must answer 404 to everyone.
      certificateId: '00000000-0000-4000-8000-000000000000',
      competenceCode: skill.tube.competenceId ? (await db.competence.findUniqueOrThrow({ where: { id: skill.tube.competenceId } })).code : '1.1',
      challengeId: challenge.id,
      thematicId: skill.tube.thematicId,
      skillId: skill.id,
      tubeId: skill.tube.id,
      tutorialId: tutorial.id,
      releaseNumber: String(release.number),
      calibrationId: psychometrics.runA,
      parameterVersion: String(psychometrics.parameterSet.version),
      attachmentId: attachment.id,
      accountId: users.learner,
      splat: 'nulle-part',
    } satisfies Record<Fixture, string>);
  });

  /** `{fixture}` in a query string or a posted field, replaced by the fixture's value. */
  function fill(text: string): string {
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => fixtures[name as Fixture] ?? whole);
  }

  /** A live session of each signed-in role, made again when an action (sign-out) ended it. */
  const sessions = new Map<Role, { cookie: string; csrf: string; id: string }>();
  async function sessionOf(role: Role) {
    if (role === 'anonymous') return null;
    const known = sessions.get(role);
    if (known && (await testDb().authSession.count({ where: { id: known.id } })) > 0) return known;
    const { createUserSession } = await import('./lib/session.server');
    const response = await createUserSession(users[role], '/');
    const cookie = (response.headers.get('Set-Cookie') ?? '').split(';')[0]!;
    const row = await testDb().authSession.findFirstOrThrow({ where: { userId: users[role] }, orderBy: { createdAt: 'desc' } });
    const made = { cookie, csrf: row.csrfToken, id: row.id };
    sessions.set(role, made);
    return made;
  }

  it('answers every role as the table says', { timeout: 240_000 }, async () => {
    const started = performance.now();
    const mismatches: string[] = [];
    const observed: string[] = [];
    let checks = 0;
    for (const file of files) {
      const rule = ROUTE_PERMISSIONS[file];
      const mod = (await import(/* @vite-ignore */ path.join(ROUTES_DIR, file))) as RouteModule;
      const values: Record<string, string> = {};
      for (const [name, fixture] of Object.entries(rule?.params ?? {})) values[name] = fixtures[fixture];
      for (const name of file.match(/\$[A-Za-z]*/g) ?? []) {
        const key = name === '$' ? '*' : name.slice(1);
        values[key] ??= key === '*' ? fixtures.splat : `absent-${key}`;
      }
      const { path: urlPath, params } = urlPathOf(file, values);
      const search = (rule?.search ?? '').replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(fill(`{${name}}`)));
      const url = `${ORIGIN}${urlPath}${search ? `?${search}` : ''}`;
      for (const kind of ['loader', 'action'] as const) {
        const handler = mod[kind];
        if (!handler) {
          if (rule && kind === 'action' && rule.action) mismatches.push(`${file} action : dans la table mais la route n’en exporte pas`);
          continue;
        }
        const expected = rule?.[kind];
        if (rule && !expected) mismatches.push(`${file} ${kind} : exporté mais absent de la table`);
        const line: string[] = [];
        for (const role of ROLES) {
          const session = await sessionOf(role);
          const headers = new Headers({ Host: new URL(ORIGIN).host });
          if (session) headers.set('Cookie', session.cookie);
          let request: Request;
          if (kind === 'loader') request = new Request(url, { headers });
          else {
            // Multipart, which every action reads (request.formData() and the upload parsers alike).
            headers.set('Origin', ORIGIN);
            const body = new FormData();
            if (session) body.set('csrf', session.csrf);
            for (const [name, value] of Object.entries(rule?.form ?? {})) body.set(name, fill(value));
            request = new Request(url, { method: 'POST', headers, body });
          }
          let result: unknown;
          try {
            result = await handler({ request, params, context: {} });
          } catch (error) {
            result = error;
          }
          checks++;
          const { outcome, detail } = classify(result, urlPath, kind === 'action');
          line.push(`${role}=${outcome ?? 'ERROR'}(${detail})`);
          if (!expected) continue;
          if (outcome === null) mismatches.push(`${file} ${kind} ${role} : ${detail}`);
          else if (outcome !== expected[role]) mismatches.push(`${file} ${kind} ${role} : attendu ${expected[role]}, obtenu ${outcome} (${detail})`);
        }
        observed.push(`${file} ${kind}\n  ${line.join('\n  ')}`);
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`Droits des routes : ${files.length} modules, ${checks} appels en ${seconds} s.`);
    if (process.env.ROUTE_PERMISSIONS_REPORT) {
      fs.mkdirSync('.cache', { recursive: true });
      fs.writeFileSync('.cache/route-permissions-observed.txt', observed.join('\n') + '\n');
    }
    expect(mismatches, mismatches.join('\n')).toEqual([]);
  });
});
