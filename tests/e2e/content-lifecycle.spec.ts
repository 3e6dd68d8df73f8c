/**
 * The content lifecycle (issue 16, docs/decisions/020-content-lifecycle.md) as an administrator, a reviewer,
 * an author and a psychometrician would live it: a rollback that an import does not undo, a live edit that
 * waits for someone else's validation, an answer-key change that leaves the calibrated bank until a
 * psychometrician marks it.
 */
import fs from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { createPrisma, type PrismaClient } from '../../prisma/client';
import { applicableParameters } from '../../app/models/parameter-set.server';
import { expectAccessible, signedInPage } from './helpers';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let db: PrismaClient;
test.beforeAll(() => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL (set by scripts/test.ts) is needed');
  db = createPrisma(url);
});
test.afterAll(async () => {
  await db?.$disconnect();
});

/** The release page after a publication or a rollback (the list page's intro also says « version publiée. »). */
async function expectPublished(page: Page) {
  await expect(page).toHaveURL(/\/creation\/versions-publiees\/\d+\?publiee=1$/);
  await expect(page.getByText('Version publiée.', { exact: true })).toBeVisible();
}

async function latestReleaseNumber(page: Page): Promise<string> {
  await page.goto('/creation/versions-publiees');
  return (await page.getByTestId('release-row').first().getByRole('link').textContent())!.trim();
}

/** A live QROC of an active skill with nothing waiting; calibrated on its live version in the set in force, or not, or either (null). */
async function liveQroc(calibrated: boolean | null, notIn: string[] = []) {
  const active = await db.parameterSet.findFirst({ where: { active: true }, select: { id: true, items: { select: { challengeId: true, versionId: true } } } });
  const params = new Map((active?.items ?? []).map((p) => [p.challengeId, p.versionId]));
  const rows = await db.challenge.findMany({
    where: { status: 'valide', type: 'QROC', proposalStatus: null, skill: { status: 'actif' }, key: { notIn } },
    select: { id: true, key: true, liveVersionId: true },
    orderBy: { key: 'asc' },
  });
  const hit = rows.find((r) => (calibrated === null ? true : calibrated ? params.get(r.id) === r.liveVersionId : !params.has(r.id)));
  if (!hit) throw new Error(`no live QROC ${calibrated === false ? 'uncalibrated ' : calibrated ? 'calibrated ' : ''}in the demo bank`);
  return hit;
}

test('after a rollback, a pack import publishes nothing: the changes wait as proposals in the importer’s name', async ({ browser }) => {
  const admin = await signedInPage(browser, 'admin@exemple.fr');
  await admin.goto('/creation/versions-publiees');
  await admin.getByLabel('Message de la version (obligatoire)').fill('Avant le retour arrière (cycle de vie)');
  await admin.getByRole('button', { name: 'Publier' }).click();
  await expectPublished(admin);
  await admin.goto('/creation/versions-publiees');
  const rollback = admin.getByRole('form', { name: 'Revenir à une version publiée antérieure' });
  await rollback.getByLabel('Raison (obligatoire)').fill('Erreur dans la dernière publication');
  await rollback.getByRole('button', { name: 'Rétablir' }).click();
  await expectPublished(admin);
  await expect(admin.getByTestId('release-kind')).toContainText('retour arrière');
  await expect(admin.getByTestId('authoring-changes')).toContainText('non confirmé');
  await expectAccessible(admin);
  const rolledBack = await latestReleaseNumber(admin);

  // A reviewer exports competence 1.1, edits one statement and imports it back.
  const reviewer = await signedInPage(browser, 'relecteur@exemple.fr');
  await reviewer.goto('/creation/echanges');
  const download = reviewer.waitForEvent('download');
  await reviewer.getByRole('link', { name: 'Compétence 1.1' }).click();
  const pack = JSON.parse(fs.readFileSync((await (await download).path())!, 'utf8')) as {
    thematics: { tubes: { skills: { challenges: { key: string; instruction: string; rich?: unknown }[] }[] }[] }[];
  };
  const target = pack.thematics[0]!.tubes[0]!.skills.flatMap((s) => s.challenges)[0]!;
  target.instruction = `${target.instruction} (modifiée par import)`;
  delete target.rich;
  await reviewer.getByLabel(/^Fichier/).setInputFiles({ name: '1.1.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(pack)) });
  await reviewer.getByRole('button', { name: 'Importer' }).click();
  await expect(reviewer.getByText(/1 mises à jour/)).toBeVisible();
  await expect(reviewer.getByText(/Version publiée n°/)).toHaveCount(0);

  // Nothing was published: the rollback is still the release in force.
  expect(await latestReleaseNumber(reviewer)).toBe(rolledBack);
  // The preview of the next publication does not contain the imported change (nobody validated it).
  await expect(reviewer.getByTestId('release-preview')).not.toContainText(target.key);
  // The change waits in the review queue, submitted by the reviewer who imported it.
  await reviewer.goto('/creation/relecture');
  const row = reviewer.getByTestId('review-row').filter({ hasText: target.key });
  await expect(row).toContainText('Rémi Relecteur');
  await expectAccessible(reviewer);

  // A reviewer confirms the rollback; the page says so no more.
  await reviewer.goto('/creation/versions-publiees');
  await reviewer.getByRole('button', { name: 'Confirmer le retour arrière' }).click();
  await expect(reviewer.getByRole('form', { name: 'Confirmer le retour arrière' })).toHaveCount(0);
});

test('an author edits a validated challenge: learners keep the live version until another person validates', async ({ browser }) => {
  const challenge = await liveQroc(null);
  const author = await signedInPage(browser, 'autrice@exemple.fr');
  await author.goto(`/creation/epreuves/${challenge.id}`);
  await expect(author.getByTestId('live-edit-note')).toBeVisible();
  const accepted = author.getByLabel('Réponses acceptées (une par ligne)');
  await accepted.fill(`${await accepted.inputValue()}\nréponse ajoutée`);
  await author.getByLabel(/^Message de version/).fill('Une formulation de plus');
  await author.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
  await expect(author.getByTestId('proposal-notice')).toContainText('les apprenants reçoivent la version n°');
  await expectAccessible(author);

  // The author cannot validate it; the live version stays what a release would serve.
  await author.goto(`/creation/epreuves/${challenge.id}/statut`);
  await expect(author.getByTestId('proposal-notice')).toBeVisible();
  await expect(author.getByRole('button', { name: 'Valider l’épreuve' })).toHaveCount(0);
  const reviewer = await signedInPage(browser, 'relecteur@exemple.fr');
  await reviewer.goto('/creation/versions-publiees');
  await expect(reviewer.getByTestId('release-preview')).not.toContainText(challenge.key);

  // Another person validates: the next publication serves it, and says what changes.
  await reviewer.goto(`/creation/epreuves/${challenge.id}/statut`);
  const validate = reviewer.getByRole('form', { name: 'Valider (mettre en service)' });
  await validate.getByLabel('Message expliquant le changement (obligatoire)').fill('Relue : formulation juste.');
  await validate.getByRole('button', { name: 'Valider l’épreuve' }).click();
  await expect(reviewer.getByText('Nouvelle version validée : elle sera servie à partir de la prochaine publication.')).toBeVisible();
  await reviewer.goto('/creation/versions-publiees');
  await expect(reviewer.getByTestId('preview-changed')).toContainText(challenge.key);
  await expectAccessible(reviewer);
  await reviewer.getByLabel('Message de la version (obligatoire)').fill('Formulation ajoutée');
  await reviewer.getByRole('button', { name: 'Publier' }).click();
  await expectPublished(reviewer);
  await expect(reviewer.getByRole('region', { name: /Épreuves modifiées/ })).toContainText(challenge.key);
});

test('an answer-key change on a calibrated challenge leaves positioning uncalibrated until a psychometrician marks it', async ({ browser }) => {
  const challenge = await liveQroc(true);
  const author = await signedInPage(browser, 'autrice@exemple.fr');
  await author.goto(`/creation/epreuves/${challenge.id}`);
  await expect(author.getByTestId('calib-version')).toContainText('ils s’appliquent à la version en service');
  await author.getByLabel('Réponses acceptées (une par ligne)').fill('une tout autre réponse');
  await author.getByLabel(/^Message de version/).fill('Nouvelle clé');
  await author.getByRole('button', { name: 'Enregistrer une nouvelle version' }).click();
  await expect(author.getByTestId('proposal-notice')).toBeVisible();

  const reviewer = await signedInPage(browser, 'relecteur@exemple.fr');
  await reviewer.goto(`/creation/epreuves/${challenge.id}/statut`);
  const validate = reviewer.getByRole('form', { name: 'Valider (mettre en service)' });
  await validate.getByLabel('Message expliquant le changement (obligatoire)').fill('Clé corrigée');
  await validate.getByRole('button', { name: 'Valider l’épreuve' }).click();
  await expect(reviewer.getByText(/Nouvelle version validée/)).toBeVisible();
  // Before publishing, the preview says a calibrated challenge leaves the calibrated bank.
  await reviewer.goto('/creation/versions-publiees');
  await expect(reviewer.getByTestId('preview-changed').getByRole('listitem').filter({ hasText: challenge.key })).toContainText(
    'calibrée : quitte la banque calibrée',
  );
  await reviewer.getByLabel('Message de la version (obligatoire)').fill('Clé corrigée');
  await reviewer.getByRole('button', { name: 'Publier' }).click();
  await expectPublished(reviewer);

  // Positioning reads the release in force: the new version has no parameters that apply.
  const inForce = async () => {
    const release = await db.release.findFirstOrThrow({ orderBy: { number: 'desc' } });
    const item = await db.releaseChallenge.findUniqueOrThrow({ where: { releaseId_challengeId: { releaseId: release.id, challengeId: challenge.id } } });
    const set = await db.parameterSet.findFirstOrThrow({ where: { active: true } });
    return (await applicableParameters(db, set.id, [{ challengeId: challenge.id, versionId: item.versionId }])).has(challenge.id);
  };
  expect(await inForce()).toBe(false);

  const psy = await signedInPage(browser, 'psychometre@exemple.fr');
  await psy.goto(`/psychometrie/items/${challenge.id}`);
  const section = psy.getByTestId('parameter-version');
  await expect(section).toContainText('réponses et propositions');
  await expect(section).toContainText('non calibrée (prétest) pour le positionnement et la certification');
  await expectAccessible(psy);
  await section.getByRole('button', { name: 'Enregistrer la marque' }).click();
  await expect(section.getByRole('alert')).toContainText('Indiquez la raison');
  await section.getByLabel('Raison (obligatoire)').fill('Même difficulté : correction d’une faute de frappe dans la clé');
  await section.getByRole('button', { name: 'Enregistrer la marque' }).click();
  await expect(psy.getByText('Marque enregistrée : les paramètres s’appliquent à la version en service.')).toBeVisible();
  await expect(psy.getByTestId('difficulty-marks')).toContainText('correction d’une faute de frappe');
  expect(await inForce()).toBe(true);
});
