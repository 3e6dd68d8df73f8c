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
    expect(detail.competences[0]!.tubes[0]).toMatchObject({ validated: 2, targeted: 4, reached: 2 });
    const bytes = new Uint8Array(await new Response(await campaignExportStream(db, campaign.id)).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual(expect.arrayContaining(['Durand', 'Inès', 'O', 'Milieu', '50 %']));
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
