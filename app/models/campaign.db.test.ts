import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { testDb } from '../../tests/setup/db';
import { ensureCompetence, uniqueLetters } from '../../tests/setup/framework';
import { importClassList, previewClassList, requireMembership } from './organisation.server';
import { createTargetProfile, targetProfileEditor, targetProfileOf } from './target-profile.server';
import { checkCampaignCode, createCampaign, setCampaignArchived, shareParticipation, startParticipation } from './campaign.server';
import { campaignAggregate, campaignOfViewer, campaignParticipants, campaignParticipantsPage, participantDetail } from './campaign-dashboard.server';
import { MalformedJsonColumnError } from '../lib/json-column';
import { campaignExportStream } from './campaign-export.server';
import { parseCsv } from '../../engine/campaigns';
import { createRelease } from './release.server';
import { newChallengeBody } from '../../engine/challenges';

async function fixture() {
  const db = testDb();
  const suffix = uniqueLetters(8);
  const competence = await ensureCompetence(db, '4.1');
  const thematic = await db.thematic.create({ data: { key: `t-${suffix}`, competenceId: competence.id, name: 'Thématique de test' } });
  const tube = await db.tube.create({
    data: { name: `@camp${suffix}`, thematicId: thematic.id, competenceId: competence.id, title: 'Mots de passe (test)', description: '' },
  });
  const skills = await Promise.all(
    [1, 2, 3, 4].map((level) => db.skill.create({ data: { name: `@camp${suffix}${level}`, tubeId: tube.id, level, status: 'actif' } })),
  );
  const org = await db.organisation.create({ data: { name: `Lycée ${suffix}`, type: 'SCO' } });
  const other = await db.organisation.create({ data: { name: `Collège ${suffix}`, type: 'SCO' } });
  const teacher = await db.user.create({ data: { email: `prof-${suffix}@exemple.fr`, firstName: 'Paul', lastName: 'Prof', passwordHash: 'x' } });
  const learner = await db.user.create({
    data: { email: `eleve-${suffix}@exemple.fr`, firstName: 'Inès', lastName: 'Durand', passwordHash: 'x', roles: ['LEARNER'] },
  });
  const viewer = { organisations: [{ id: org.id, name: org.name, role: 'TEACHER' as const }] };
  const outsider = { organisations: [{ id: other.id, name: other.name, role: 'ADMIN' as const }] };
  return { db, competence, tube, skills, org, other, teacher, learner, viewer, outsider };
}

describe('class list import', () => {
  it('previews without writing, then imports only the valid rows and reports the others', async () => {
    const { db, org } = await fixture();
    const csv = 'Nom;Prénom;Classe;Numéro étudiant;Date de naissance\nDurand;Inès;2nde A;N1;05/03/2009\nMartin;Léo;2nde A;N2;32/01/2009\n';
    const preview = await previewClassList(db, org.id, csv);
    expect(preview.valid).toHaveLength(1);
    expect(preview.rejected[0]).toMatchObject({ line: 3, label: 'Martin Léo' });
    expect(await db.organisationLearner.count({ where: { organisationId: org.id } })).toBe(0);
    const { created } = await importClassList(db, org.id, csv);
    expect(created).toBe(1);
    // Importing the same file again: the learner is already there, nothing is duplicated.
    const again = await importClassList(db, org.id, csv);
    expect([again.created, again.updated, again.present]).toEqual([0, 0, 1]);
    expect(again.check.rejected.map((r) => r.line)).toEqual([3]);
    expect(await db.organisationLearner.count({ where: { organisationId: org.id } })).toBe(1);
  });

  it('counts apart, on a list imported again, the learners created, updated, already present and refused', async () => {
    const { db, org } = await fixture();
    const first = [
      'Nom;Prénom;Classe;Numéro étudiant;Date de naissance',
      'Durand;Inès;2nde A;R1;05/03/2009',
      'Martin;Léo;2nde A;R2;31/01/2009',
      'Petit;Paul;2nde A;R3;02/02/2009',
    ].join('\r\n');
    expect(await importClassList(db, org.id, first)).toMatchObject({ created: 3, updated: 0, present: 0 });
    // The school's next export: Léo changed class, Paul's number now comes with another person, Zoé arrives.
    const next = [
      'Nom;Prénom;Classe;Numéro étudiant;Date de naissance',
      'Durand;Inès;2nde A;R1;05/03/2009',
      'Martin;Léo;1re B;R2;31/01/2009',
      'Petit;Paula;2nde A;R3;02/02/2009',
      'Roux;Zoé;2nde A;R4;04/04/2009',
      'Roux;Zoé;2nde A;R4;04/04/2009',
    ].join('\r\n');
    const preview = await previewClassList(db, org.id, next);
    expect(preview.valid.map((l) => [l.studentNumber, l.status])).toEqual([
      ['R1', 'present'],
      ['R2', 'update'],
      ['R4', 'new'],
    ]);
    const result = await importClassList(db, org.id, preview.text);
    expect([result.created, result.updated, result.present]).toEqual([1, 1, 1]);
    expect(result.check.rejected.map((r) => [r.line, r.errors.map((e) => e.code)])).toEqual([
      [4, ['numberTaken']],
      [6, ['duplicateNumber']],
    ]);
    const rows = await db.organisationLearner.findMany({ where: { organisationId: org.id }, orderBy: { studentNumber: 'asc' } });
    expect(rows.map((l) => [l.studentNumber, l.firstName, l.division])).toEqual([
      ['R1', 'Inès', '2nde A'],
      ['R2', 'Léo', '1re B'],
      ['R3', 'Paul', '2nde A'],
      ['R4', 'Zoé', '2nde A'],
    ]);
    // And the same export once more: all present, the other two still refused.
    const third = await importClassList(db, org.id, next);
    expect([third.created, third.updated, third.present, third.check.rejected.length]).toEqual([0, 0, 3, 2]);
  });

  it('reads an uploaded Excel CSV in Windows-1252 and hands back the text to import', async () => {
    const { db, org } = await fixture();
    const bytes = new Uint8Array(readFileSync(new URL('../../tests/fixtures/class-lists/excel-point-virgule-windows-1252.csv', import.meta.url)));
    const preview = await previewClassList(db, org.id, bytes);
    expect(preview.fileError).toBeNull();
    expect(preview.source).toMatchObject({ encoding: 'Windows-1252', separator: ';' });
    const result = await importClassList(db, org.id, preview.text);
    expect(result.created).toBe(5);
    expect(await db.organisationLearner.count({ where: { organisationId: org.id, lastName: 'Dubœuf' } })).toBe(1);
  });
});

describe('campaigns', () => {
  it('draws another code when the first one is taken', async () => {
    const { db, org, teacher, tube } = await fixture();
    const profile = await createTargetProfile(db, org.id, {
      name: 'Profil',
      description: '',
      tubes: [{ tubeId: tube.id, maxLevel: 3 }],
      stages: [],
      badges: [],
    });
    const input = {
      name: 'C',
      type: 'ASSESSMENT' as const,
      targetProfileId: profile.id,
      title: null,
      landingText: null,
      externalIdLabel: null,
      multipleSendings: false,
    };
    // A generator that repeats its first code once: the second campaign must get another one.
    const seq = (start: number) => {
      let i = start;
      return () => (i++ * 0.137) % 1;
    };
    const first = await createCampaign(db, org.id, teacher.id, input, seq(0));
    const second = await createCampaign(db, org.id, teacher.id, input, seq(0));
    expect(second.code).not.toBe(first.code);
    expect(second.code).toMatch(/^[A-HJKMNP-Z]{6}[2-9]{3}$/);
  });

  it('joins by code, computes mastery from knowledge elements, shares, and feeds dashboards and export', async () => {
    const { db, org, teacher, tube, skills, learner, competence, viewer } = await fixture();
    const profile = await createTargetProfile(db, org.id, {
      name: 'Sécurité',
      description: '',
      tubes: [{ tubeId: tube.id, maxLevel: 4 }],
      stages: [
        { threshold: 0, title: 'Départ', message: '' },
        { threshold: 50, title: 'Milieu', message: '' },
      ],
      badges: [{ title: 'Mots de passe', message: '', criteria: [{ tubeId: tube.id, minPercent: 50 }] }],
    });
    const campaign = await createCampaign(db, org.id, teacher.id, {
      name: 'Rentrée',
      type: 'ASSESSMENT',
      targetProfileId: profile.id,
      title: null,
      landingText: null,
      externalIdLabel: null,
      multipleSendings: true,
    });
    for (const s of skills.slice(0, 2))
      await db.knowledgeElement.create({ data: { userId: learner.id, skillId: s.id, competenceId: competence.id, status: 'validated', source: 'direct' } });
    expect(await checkCampaignCode(db, 'abc')).toMatchObject({ ok: false });
    expect(await checkCampaignCode(db, 'ZZZZZZ999')).toMatchObject({
      ok: false,
      reason: 'unknown',
      error: 'Aucune campagne n’a le code ZZZZZZ999. Vérifiez-le auprès de votre enseignant.',
    });
    expect(await checkCampaignCode(db, ` ${campaign.code.toLowerCase()} `)).toEqual({ ok: true, code: campaign.code });
    // The tube has no challenge in the release: the campaign test has nothing to ask and ends at once.
    await db.$transaction((tx) => createRelease(tx, `Campagnes ${uniqueLetters(6)}`, null));
    const started = await startParticipation(db, learner.id, campaign.code, null);
    expect(started).toMatchObject({ ok: true, testing: false });
    const shared = await shareParticipation(db, learner.id, campaign.code);
    expect(shared.ok).toBe(true);
    const list = await campaignParticipants(db, campaign.id, { band: 'fragile' });
    expect(list.rows).toEqual([
      expect.objectContaining({ lastName: 'Durand', masteryPercent: 50, stageIndex: 1, badges: ['Mots de passe'], status: 'SHARED' }),
    ]);
    const { data } = await campaignAggregate(db, campaign.id);
    expect(data.totals).toMatchObject({ participants: 1, shared: 1 });
    expect(data.recommendations).toHaveLength(1);
    // reached 2, validated 2 of 4, campaign top level 4: 40/4·2 + 30/4·4 + 20/4·2 + 10/3·2 = 66.67 → 2 dots
    expect(data.recommendations[0]!.score).toBeCloseTo(66.667, 2);
    expect(data.recommendations[0]!.dots).toBe(2);
    const detail = await participantDetail(db, campaign.id, started.ok ? started.participationId : '');
    expect(detail.shared && detail.competences[0]!.tubes[0]).toMatchObject({ validated: 2, targeted: 4, reached: 2 });
    const bytes = new Uint8Array(await new Response(await campaignExportStream(db, campaign.id)).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual(expect.arrayContaining(['Durand', 'Inès', 'O', 'Milieu', '50 %']));
    // The English variant with one column per skill: English headers, names and values; each skill's state when shared.
    const english = parseCsv(await new Response(await campaignExportStream(db, campaign.id, { language: 'en', skillColumns: true })).text());
    const skillHeaders = skills.map((s) => `Skill ${s.name}`);
    expect(english[0]).toEqual(expect.arrayContaining(['Participant last name', 'Shared (Y/N)', ...skillHeaders]));
    expect(english[0]!.some((h) => h.includes(`competence 4.1 ${competence.titleEn}`))).toBe(true);
    expect(english[1]!.slice(-4)).toEqual(['OK', 'OK', 'Not tested', 'Not tested']);
    expect(english[1]).toEqual(expect.arrayContaining(['Durand', 'Y']));
    expect(data.byCompetence[0]!.title).toEqual({ titleFr: competence.titleFr, titleEn: competence.titleEn });
    expect((await targetProfileOf(db, org.id, profile.id))!.stages).toHaveLength(2);
    // The participants page in one read: the page, the classes, the stage titles by threshold.
    const page = await campaignParticipantsPage(db, viewer, campaign.id, { band: 'fragile' });
    expect(page.list.rows).toEqual(list.rows);
    expect(page.stages).toEqual(['Départ', 'Milieu']);
    expect(page.divisions).toEqual(data.divisions);
    // The profile's edit page counts the campaign that locks it.
    expect((await targetProfileEditor(db, org.id, profile.id))!.profile.campaigns).toBe(1);
  });

  it('says which row is malformed when a stored JSON column has the wrong shape', async () => {
    const { db, org, teacher, tube, learner } = await fixture();
    const profile = await createTargetProfile(db, org.id, {
      name: 'Badges',
      description: '',
      tubes: [{ tubeId: tube.id, maxLevel: 2 }],
      stages: [],
      badges: [{ title: 'B', message: '', criteria: [{ tubeId: tube.id, minPercent: 50 }] }],
    });
    const campaign = await createCampaign(db, org.id, teacher.id, {
      name: 'Abîmée',
      type: 'PROFILES_COLLECTION',
      targetProfileId: profile.id,
      title: null,
      landingText: null,
      externalIdLabel: null,
      multipleSendings: false,
    });
    const started = await startParticipation(db, learner.id, campaign.code, null);
    expect(started.ok).toBe(true);
    const participationId = started.ok ? started.participationId : '';
    // (Sent first: the detail of results not sent yet reads none of them.)
    expect(await shareParticipation(db, learner.id, campaign.code)).toMatchObject({ ok: true });
    await db.campaignParticipantResult.update({ where: { participationId }, data: { tubes: { [tube.id]: 'beaucoup' } } });
    const error = await participantDetail(db, campaign.id, participationId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedJsonColumnError);
    expect((error as Error).message).toContain(`CampaignParticipantResult.tubes of row ${participationId}`);
    const badge = await db.targetProfileBadge.findFirstOrThrow({ where: { targetProfileId: profile.id } });
    await db.targetProfileBadge.update({ where: { id: badge.id }, data: { criteria: { tubeId: tube.id } } });
    await expect(targetProfileOf(db, org.id, profile.id)).rejects.toThrow(`TargetProfileBadge.criteria of row ${badge.id}`);
    await db.targetProfileBadge.update({ where: { id: badge.id }, data: { criteria: [{ tubeId: tube.id, minPercent: 50 }] } });
    // A stored aggregate of another shape is a stale cache: recomputed, not an error.
    await db.campaignParticipantResult.update({ where: { participationId }, data: { tubes: {} } });
    await campaignAggregate(db, campaign.id);
    await db.campaignAggregate.update({ where: { campaignId: campaign.id }, data: { data: { totals: 'old shape' } } });
    const again = await campaignAggregate(db, campaign.id);
    expect(again).toMatchObject({ fresh: false, data: { totals: { participants: 1 } } });
  });
});

describe('who joins a campaign', () => {
  it('refuses every account that is more than a learner’s, in French, and links none of them to the class list', async () => {
    const { db, org, other, teacher, tube, learner } = await fixture();
    const profile = await createTargetProfile(db, org.id, { name: 'P', description: '', tubes: [{ tubeId: tube.id, maxLevel: 2 }], stages: [], badges: [] });
    const campaign = await createCampaign(db, org.id, teacher.id, {
      name: 'Ouverte',
      type: 'ASSESSMENT',
      targetProfileId: profile.id,
      title: null,
      landingText: null,
      externalIdLabel: null,
      multipleSendings: false,
    });
    const suffix = uniqueLetters(8);
    const centre = await db.certificationCentre.create({ data: { name: `Centre ${suffix}`, type: 'SCO' } });
    const account = (tag: string, roles: ('ADMIN' | 'AUTHOR' | 'REVIEWER' | 'PSYCHOMETRICIAN' | 'LEARNER')[]) =>
      db.user.create({ data: { email: `${tag}-${suffix}@exemple.fr`, firstName: 'Alice', lastName: `Cible${tag}`, passwordHash: 'x', roles } });
    await db.membership.create({ data: { userId: teacher.id, organisationId: org.id, role: 'TEACHER' } });
    const admin = await account('admin', ['ADMIN']);
    const adminLearner = await account('adminlearner', ['LEARNER', 'ADMIN']);
    const author = await account('autrice', ['AUTHOR']);
    const psychometrician = await account('psy', ['LEARNER', 'PSYCHOMETRICIAN']);
    const otherTeacher = await account('prof', ['LEARNER']);
    await db.membership.create({ data: { userId: otherTeacher.id, organisationId: other.id, role: 'TEACHER' } });
    const staff = await account('centre', ['LEARNER']);
    await db.centreMembership.create({ data: { userId: staff.id, centreId: centre.id, role: 'STAFF' } });
    for (const user of [teacher, admin, adminLearner, author, psychometrician, otherTeacher, staff]) {
      // A row of the class list with the account's name: joining would have linked it.
      const row = await db.organisationLearner.create({ data: { organisationId: org.id, firstName: user.firstName, lastName: user.lastName } });
      const refused = await startParticipation(db, user.id, campaign.code, null);
      expect(refused, user.email).toMatchObject({ ok: false, code: 'not_learner' });
      if (!refused.ok) expect(refused.error).toBe('Seul un compte élève peut participer à une campagne : connectez-vous avec un compte élève.');
      expect(await db.campaignParticipation.count({ where: { userId: user.id } })).toBe(0);
      expect(await db.organisationLearner.count({ where: { userId: user.id } })).toBe(0);
      expect((await db.organisationLearner.findUniqueOrThrow({ where: { id: row.id } })).userId).toBeNull();
    }
    // A learner-only account joins.
    await db.$transaction((tx) => createRelease(tx, `Rejoindre ${uniqueLetters(6)}`, null));
    expect(await startParticipation(db, learner.id, campaign.code, null)).toMatchObject({ ok: true });
  });
});

describe('joining a campaign finds the learner on the imported class list', () => {
  async function openCampaign(type: 'SCO' | 'SUP') {
    const f = await fixture();
    const { db, org, teacher, tube } = f;
    await db.organisation.update({ where: { id: org.id }, data: { type } });
    const profile = await createTargetProfile(db, org.id, {
      name: 'Liste',
      description: '',
      tubes: [{ tubeId: tube.id, maxLevel: 2 }],
      stages: [],
      badges: [],
    });
    const campaign = await createCampaign(db, org.id, teacher.id, {
      name: 'Liste',
      type: 'PROFILES_COLLECTION',
      targetProfileId: profile.id,
      title: null,
      landingText: null,
      externalIdLabel: null,
      multipleSendings: false,
    });
    const pupil = (firstName: string, lastName: string, birthDate: string | null) =>
      db.user.create({
        data: {
          email: `${uniqueLetters(10)}@exemple.fr`,
          firstName,
          lastName,
          passwordHash: 'x',
          roles: ['LEARNER'],
          birthDate: birthDate ? new Date(`${birthDate}T00:00:00Z`) : null,
        },
      });
    return { ...f, campaign, pupil };
  }

  it('in a school: name (accents and case folded) and birth date, asked when the account has none; a wrong date makes no duplicate', async () => {
    const { db, org, campaign, pupil } = await openCampaign('SCO');
    const csv = 'Nom;Prénom;Classe;Numéro étudiant;Date de naissance\nDurand;Inès;2nde A;N1;05/03/2009\nMartin;Léo;2nde A;N2;31/01/2009\n';
    await importClassList(db, org.id, csv);
    const rows = () => db.organisationLearner.findMany({ where: { organisationId: org.id }, orderBy: { lastName: 'asc' } });
    // The account has the birth date: matched at once, the row is linked, no new row.
    const ines = await pupil('INES', 'durand', '2009-03-05');
    expect(await startParticipation(db, ines.id, campaign.code, null)).toMatchObject({ ok: true });
    expect((await rows()).map((r) => [r.lastName, r.userId])).toEqual([
      ['Durand', ines.id],
      ['Martin', null],
    ]);
    // No birth date on the account: asked; a wrong one is refused (no duplicate row); the right one links.
    const leo = await pupil('Leo', 'MARTIN', null);
    expect(await startParticipation(db, leo.id, campaign.code, null)).toMatchObject({ ok: false, code: 'birth_date_needed' });
    expect(await startParticipation(db, leo.id, campaign.code, null, new Date(), { answers: { birthDate: '2009-02-01' } })).toMatchObject({
      ok: false,
      code: 'birth_date_wrong',
    });
    expect(await startParticipation(db, leo.id, campaign.code, null, new Date(), { answers: { birthDate: '2009-01-31' } })).toMatchObject({ ok: true });
    expect((await rows()).map((r) => r.userId)).toEqual([ines.id, leo.id]);
    // Someone not on the list joins too: a row of their own.
    const zoe = await pupil('Zoé', 'Nouvelle', '2009-05-05');
    expect(await startParticipation(db, zoe.id, campaign.code, null)).toMatchObject({ ok: true });
    expect(await db.organisationLearner.count({ where: { organisationId: org.id } })).toBe(3);
  });

  it('in higher education: the student number is checked after name and birth date', async () => {
    const { db, org, campaign, pupil } = await openCampaign('SUP');
    await importClassList(db, org.id, 'Nom;Prénom;Classe;Numéro étudiant;Date de naissance\nDurand;Inès;L1;E-123;05/03/2004\n');
    const ines = await pupil('Inès', 'Durand', '2004-03-05');
    expect(await startParticipation(db, ines.id, campaign.code, null)).toMatchObject({ ok: false, code: 'student_number_needed' });
    expect(await startParticipation(db, ines.id, campaign.code, null, new Date(), { answers: { studentNumber: 'E-999' } })).toMatchObject({
      ok: false,
      code: 'student_number_wrong',
    });
    expect(await db.campaignParticipation.count({ where: { userId: ines.id } })).toBe(0);
    expect(await startParticipation(db, ines.id, campaign.code, null, new Date(), { answers: { studentNumber: ' e-123 ' } })).toMatchObject({ ok: true });
    const rows = await db.organisationLearner.findMany({ where: { organisationId: org.id } });
    expect(rows.map((r) => [r.studentNumber, r.userId])).toEqual([['E-123', ines.id]]);
  });
});

describe('results not sent yet', () => {
  it('stay out of every teacher’s read: participants page, detail, collective results, per-question figures and export', async () => {
    const { db, org, teacher, tube, skills, competence, viewer } = await fixture();
    const profile = await createTargetProfile(db, org.id, {
      name: 'Confidentiel',
      description: '',
      tubes: [{ tubeId: tube.id, maxLevel: 4 }],
      stages: [
        { threshold: 0, title: 'Départ', message: '' },
        { threshold: 50, title: 'Milieu', message: '' },
      ],
      badges: [{ title: 'Mots de passe', message: '', criteria: [{ tubeId: tube.id, minPercent: 50 }] }],
    });
    const campaign = await createCampaign(db, org.id, teacher.id, {
      name: 'Confidentielle',
      type: 'ASSESSMENT',
      targetProfileId: profile.id,
      title: null,
      landingText: null,
      externalIdLabel: null,
      multipleSendings: false,
    });
    const suffix = uniqueLetters(8);
    const learner = (lastName: string) =>
      db.user.create({ data: { email: `${lastName.toLowerCase()}-${suffix}@exemple.fr`, firstName: 'Eva', lastName, passwordHash: 'x', roles: ['LEARNER'] } });
    const sender = await learner('Envoie');
    const keeper = await learner('Garde');
    // The keeper validated 3 skills of 4 (a stage and the badge); the sender 1.
    for (const [user, n] of [
      [keeper, 3],
      [sender, 1],
    ] as const)
      for (const s of skills.slice(0, n))
        await db.knowledgeElement.create({ data: { userId: user.id, skillId: s.id, competenceId: competence.id, status: 'validated', source: 'direct' } });
    await db.$transaction((tx) => createRelease(tx, `Confidentiel ${uniqueLetters(6)}`, null));
    const sent = await startParticipation(db, sender.id, campaign.code, null);
    const kept = await startParticipation(db, keeper.id, campaign.code, null);
    if (!sent.ok || !kept.ok) throw new Error('participation not started');
    expect(await shareParticipation(db, sender.id, campaign.code)).toMatchObject({ ok: true });
    expect(await db.campaignParticipation.findUniqueOrThrow({ where: { id: kept.participationId } })).toMatchObject({ status: 'TO_SHARE' });
    // Each answered one question of their own.
    const questions = [];
    for (const [i, participationId] of [sent.participationId, kept.participationId].entries()) {
      const challenge = await db.challenge.create({ data: { key: `conf-${suffix}-${i}`, skillId: skills[i]!.id, type: 'QCU', status: 'valide' } });
      const version = await db.challengeVersion.create({ data: { challengeId: challenge.id, number: 1, body: newChallengeBody('QCU', ['Test']) as object } });
      const participation = await db.campaignParticipation.findUniqueOrThrow({ where: { id: participationId } });
      const assessment =
        (await db.assessment.findFirst({ where: { participationId } })) ??
        (await db.assessment.create({ data: { userId: participation.userId, type: 'CAMPAIGN', participationId } }));
      await db.answer.create({ data: { assessmentId: assessment.id, challengeId: challenge.id, challengeVersionId: version.id, value: {}, result: 'ok' } });
      questions.push(challenge.id);
    }

    // The participants page (what the loader sends): the keeper with their status only.
    const page = await campaignParticipantsPage(db, viewer, campaign.id, {});
    const keeperRow = page.list.rows.find((r) => r.participationId === kept.participationId)!;
    expect(keeperRow).toMatchObject({ lastName: 'Garde', status: 'TO_SHARE', masteryPercent: null, stageIndex: null, badges: [] });
    expect(page.list.rows.find((r) => r.participationId === sent.participationId)).toMatchObject({ status: 'SHARED', masteryPercent: 25, stageIndex: 0 });
    // Filtering by band finds only shared results.
    expect((await campaignParticipants(db, campaign.id, { band: 'satisfactory' })).rows).toEqual([]);

    // The detail: who and in which state, nothing else.
    expect(await participantDetail(db, campaign.id, kept.participationId)).toEqual({
      name: 'Eva Garde',
      division: null,
      status: 'TO_SHARE',
      shared: false,
    });

    // Collective results and per-question figures: the sender's only.
    const { data } = await campaignAggregate(db, campaign.id);
    expect(data.totals).toMatchObject({ participants: 2, toShare: 1, shared: 1 });
    expect(data.questions.map((q) => q.challengeId)).toEqual([questions[0]]);
    expect(data.stages.map((s) => s.count)).toEqual([1, 0]);
    expect(data.badges).toEqual([{ title: 'Mots de passe', count: 0 }]);
    expect(Object.values(data.bands).reduce((a, b) => a + b, 0)).toBe(1);
    expect(data.byTube[0]!.masteryRate).toBeCloseTo(0.25, 5);

    // The export: the keeper's line says not sent, with no result.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(
      new Uint8Array(await new Response(await campaignExportStream(db, campaign.id)).arrayBuffer()),
    );
    const rows = parseCsv(text);
    const header = rows[0]!;
    const line = rows.find((r) => r.includes('Garde'))!;
    const cell = (name: string) => line[header.findIndex((h) => h.startsWith(name))];
    expect(line).not.toContain('Milieu');
    expect(line).not.toContain('75 %');
    expect(line.filter((c) => c === 'O')).toEqual([]);
    expect(cell('Palier')).toBe('NA');
    expect(line.some((c) => /^\d+ %$/.test(c) && c !== '100 %')).toBe(false);
  });
});

describe('sending results', () => {
  it('changes the status and recomputes the results in one transaction: a failure leaves the participation waiting to be sent', async () => {
    const { db, org, teacher, tube, learner } = await fixture();
    const profile = await createTargetProfile(db, org.id, {
      name: 'Envoi',
      description: '',
      tubes: [{ tubeId: tube.id, maxLevel: 2 }],
      stages: [],
      badges: [{ title: 'B', message: '', criteria: [{ tubeId: tube.id, minPercent: 50 }] }],
    });
    const campaign = await createCampaign(db, org.id, teacher.id, {
      name: 'Envoi',
      type: 'PROFILES_COLLECTION',
      targetProfileId: profile.id,
      title: null,
      landingText: null,
      externalIdLabel: null,
      multipleSendings: false,
    });
    const started = await startParticipation(db, learner.id, campaign.code, null);
    if (!started.ok) throw new Error('not started');
    // The recomputation fails (a badge's stored criteria are damaged): nothing of the sending is kept.
    const badge = await db.targetProfileBadge.findFirstOrThrow({ where: { targetProfileId: profile.id } });
    await db.targetProfileBadge.update({ where: { id: badge.id }, data: { criteria: { tubeId: tube.id } } });
    await expect(shareParticipation(db, learner.id, campaign.code)).rejects.toThrow('TargetProfileBadge.criteria');
    expect(await db.campaignParticipation.findUniqueOrThrow({ where: { id: started.participationId } })).toMatchObject({ status: 'TO_SHARE', sharedAt: null });
    expect(await db.campaignParticipantResult.findUniqueOrThrow({ where: { participationId: started.participationId } })).toMatchObject({
      status: 'TO_SHARE',
      sharedAt: null,
    });
    // Repaired, the sending goes through: status and results together.
    await db.targetProfileBadge.update({ where: { id: badge.id }, data: { criteria: [{ tubeId: tube.id, minPercent: 50 }] } });
    expect(await shareParticipation(db, learner.id, campaign.code)).toMatchObject({ ok: true });
    const result = await db.campaignParticipantResult.findUniqueOrThrow({ where: { participationId: started.participationId } });
    expect(result.status).toBe('SHARED');
    expect(result.sharedAt).not.toBeNull();
    expect(await db.campaignParticipation.findUniqueOrThrow({ where: { id: started.participationId } })).toMatchObject({ status: 'SHARED' });
  });
});

describe('isolation between organisations', () => {
  it('another organisation’s teacher cannot read or change a campaign, a profile or learners', async () => {
    const { db, org, teacher, tube, outsider, viewer } = await fixture();
    const profile = await createTargetProfile(db, org.id, { name: 'P', description: '', tubes: [{ tubeId: tube.id, maxLevel: 2 }], stages: [], badges: [] });
    const campaign = await createCampaign(db, org.id, teacher.id, {
      name: 'Privée',
      type: 'ASSESSMENT',
      targetProfileId: profile.id,
      title: null,
      landingText: null,
      externalIdLabel: null,
      multipleSendings: false,
    });
    await expect(campaignOfViewer(db, viewer, campaign.id)).resolves.toMatchObject({ id: campaign.id });
    await expect(campaignOfViewer(db, outsider, campaign.id)).rejects.toMatchObject({ status: 404 });
    await expect(setCampaignArchived(db, outsider, campaign.id, true)).rejects.toMatchObject({ status: 404 });
    expect(await targetProfileOf(db, outsider.organisations[0]!.id, profile.id)).toBeNull();
    expect(await targetProfileEditor(db, outsider.organisations[0]!.id, profile.id)).toBeNull();
    expect((await targetProfileEditor(db, org.id, profile.id))!.profile).toMatchObject({ id: profile.id, campaigns: 1 });
    await expect(campaignParticipantsPage(db, viewer, campaign.id, {})).resolves.toMatchObject({ list: { total: 0 } });
    await expect(campaignParticipantsPage(db, outsider, campaign.id, {})).rejects.toMatchObject({ status: 404 });
    expect(() => requireMembership(outsider, org.id)).toThrow();
    await expect(
      createCampaign(db, outsider.organisations[0]!.id, teacher.id, {
        name: 'x',
        type: 'ASSESSMENT',
        targetProfileId: profile.id,
        title: null,
        landingText: null,
        externalIdLabel: null,
        multipleSendings: false,
      }),
    ).rejects.toMatchObject({ status: 404 });
    expect((await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).archivedAt).toBeNull();
  });
});
