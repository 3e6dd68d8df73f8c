import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../tests/setup/db';
import { landingPathOf, listAccounts, viewerOfUser } from './user.server';

const uid = () => crypto.randomBytes(4).toString('hex');

describe('accounts', () => {
  it('builds the viewer of a user with their organisations and centres, and lands them in their main space', async () => {
    const db = testDb();
    const u = uid();
    const org = await db.organisation.create({ data: { name: `Lycée ${u}`, type: 'SCO' } });
    const centre = await db.certificationCentre.create({ data: { name: `Centre ${u}`, type: 'SCO' } });
    const teacher = await db.user.create({ data: { email: `a-prof-${u}@t.fr`, passwordHash: 'x', firstName: 'Paul', lastName: 'Prof', roles: [] } });
    await db.membership.create({ data: { userId: teacher.id, organisationId: org.id, role: 'TEACHER' } });
    await db.centreMembership.create({ data: { userId: teacher.id, centreId: centre.id, role: 'STAFF' } });
    const learner = await db.user.create({
      data: { email: `a-eleve-${u}@t.fr`, passwordHash: 'x', firstName: 'Inès', lastName: 'Durand', roles: ['LEARNER'] },
    });
    const author = await db.user.create({
      data: { email: `a-auteur-${u}@t.fr`, passwordHash: 'x', firstName: 'Ana', lastName: 'Auteur', roles: ['AUTHOR', 'LEARNER'] },
    });

    expect(await viewerOfUser(db, teacher.id)).toMatchObject({
      id: teacher.id,
      roles: [],
      organisations: [{ id: org.id, name: org.name, role: 'TEACHER' }],
      centres: [{ id: centre.id, name: centre.name, role: 'STAFF' }],
    });
    expect(await landingPathOf(db, teacher.id)).toBe('/orga');
    expect(await landingPathOf(db, learner.id)).toBe('/profil');
    expect(await landingPathOf(db, author.id)).toBe('/creation');
  });

  it('lists the accounts people manage, without simulated learners', async () => {
    const db = testDb();
    const u = uid();
    const org = await db.organisation.create({ data: { name: `Collège ${u}`, type: 'SCO' } });
    // An address that sorts first, so that it is among the accounts shown whatever else is in the database.
    const admin = await db.user.create({ data: { email: `!admin-${u}@t.fr`, passwordHash: 'x', firstName: 'Ada', lastName: 'Admin', roles: ['ADMIN'] } });
    await db.membership.create({ data: { userId: admin.id, organisationId: org.id, role: 'ADMIN' } });
    const simulated = await db.user.create({
      data: { email: `!sim-${u}@t.fr`, passwordHash: 'x', firstName: 'S', lastName: 'Im', roles: ['LEARNER'], simulated: true },
    });
    const accounts = await listAccounts(db);
    expect(accounts.find((a) => a.id === admin.id)).toEqual({
      id: admin.id,
      email: admin.email,
      firstName: 'Ada',
      lastName: 'Admin',
      roles: ['ADMIN'],
      disabled: false,
      organisations: [{ name: org.name, role: 'ADMIN' }],
      centres: [],
    });
    expect(accounts.some((a) => a.id === simulated.id)).toBe(false);
  });
});
