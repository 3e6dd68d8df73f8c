/**
 * Putting an earlier parameter set back in force, as the demo psychometrician: the seeded set (the first
 * approved one) is replaced by a real calibration of every demo answer, approved here through the model;
 * then, on the first set's page, she asks to put it back, reads what changes (parameters, challenges that
 * stop being calibrated, cut scores), gives a reason and confirms. A new version in force points to the
 * restored set on both pages, the audit log has the entry, and the set in force holds the first set's parameters.
 */
import { expect, test } from '@playwright/test';
import { createPrisma, type PrismaClient } from '../../prisma/client';
import { approveRun } from '../../app/models/parameter-set.server';
import { runDemoCalibration } from '../setup/demo-run';
import { expectAccessible, signIn } from './helpers';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let db: PrismaClient;
let oldVersion: number;
let replacedVersion: number;

test.beforeAll(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL (set by scripts/test.ts) is needed for the demo run');
  db = createPrisma(url);
  const seeded = await db.parameterSet.findFirstOrThrow({ where: { restoredFromVersion: null }, orderBy: { version: 'asc' } });
  oldVersion = seeded.version;
  const runId = await runDemoCalibration(db, url);
  const psychometrician = await db.user.findUniqueOrThrow({ where: { email: 'psychometre@exemple.fr' } });
  const estimated = await db.calibrationItemResult.findMany({ where: { runId, anchored: false }, select: { challengeId: true } });
  const approval = await approveRun(db, {
    runId,
    userId: psychometrician.id,
    items: estimated.map((i) => i.challengeId),
    note: 'Calibration de toutes les réponses',
  });
  if (!approval.ok) throw new Error(`Approbation impossible : ${approval.refusal}`);
  replacedVersion = approval.version;
});

test.afterAll(async () => {
  await db?.$disconnect();
});

test('a psychometrician puts the first parameter set back in force, with a reason, after reading what changes', async ({ page }) => {
  const reason = 'Les nouvelles difficultés des niveaux 5 et 6 sont à vérifier';
  await signIn(page, 'psychometre@exemple.fr');
  await page.goto(`/psychometrie/parametres/${oldVersion}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Paramètres, version ${oldVersion}`);
  await page.getByRole('link', { name: 'Remettre cette version en vigueur…' }).click();

  const confirmation = page.getByTestId('restore-confirmation');
  await expect(confirmation.getByRole('heading', { name: `Remettre la version ${oldVersion} en vigueur` })).toBeVisible();
  await expect(confirmation).toContainText(`La version ${replacedVersion}, en vigueur, sera remplacée`);
  // Parameters that change, and the recent challenges the first set never calibrated (back to pretest).
  await expect(page.getByTestId('restore-changed').locator('li').first()).toContainText(/b [−-]?\d+,\d\d → [−-]?\d+,\d\d/);
  await expect(page.getByTestId('restore-dropped').locator('li').first()).toContainText('→ non calibrée');
  await expect(page.getByTestId('restore-cuts').locator('tbody tr').first()).toBeVisible();
  await expectAccessible(page);

  // The reason is required.
  const field = page.getByLabel('Raison de la remise en vigueur (obligatoire)');
  await expect(field).toHaveAttribute('required', '');
  await field.fill(reason);
  await page.getByRole('button', { name: 'Confirmer la remise en vigueur' }).click();

  // A new version in force, pointing to the restored one: who, when, why.
  await expect(page.getByRole('status')).toContainText(`La version ${oldVersion} est remise en vigueur`);
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toContainText('En vigueur');
  const newVersion = Number((await heading.textContent())!.match(/version (\d+)/)![1]);
  expect(newVersion).toBeGreaterThan(replacedVersion);
  await expect(page.getByTestId('restore-events')).toContainText(`Cette version remet en vigueur la version ${oldVersion}`);
  await expect(page.getByTestId('restore-events')).toContainText('par Paula Psychométricienne');
  await expect(page.getByTestId('restore-events')).toContainText(reason);
  await expectAccessible(page);

  // The restored set's page tells it too, and the list of sets.
  await page.goto(`/psychometrie/parametres/${oldVersion}`);
  await expect(page.getByTestId('restore-events')).toContainText(`Version ${newVersion} : remise en vigueur de la version ${oldVersion}`);
  await page.goto('/psychometrie/parametres');
  await expect(page.getByRole('row', { name: new RegExp(`^Version ${newVersion} En vigueur`) })).toContainText(`Remise en vigueur de la version ${oldVersion}`);

  // What is served: the set in force (read by every new positioning and certification session) has the first set's parameters.
  const active = await db.parameterSet.findFirstOrThrow({ where: { active: true }, include: { items: true } });
  expect(active.version).toBe(newVersion);
  const old = await db.parameterSet.findUniqueOrThrow({ where: { version: oldVersion }, include: { items: true } });
  const values = (items: typeof old.items) => items.map((p) => `${p.challengeId}:${p.a}:${p.d}:${p.versionId}`).sort();
  expect(values(active.items)).toEqual(values(old.items));
});

test('the audit log shows the restore to an administrator', async ({ page }) => {
  await signIn(page, 'admin@exemple.fr');
  await page.goto('/admin/journal?action=parameters.restore');
  const row = page.locator('tbody tr').first();
  await expect(row).toContainText('Jeu de paramètres remis en vigueur');
  await expect(row).toContainText('psychometre@exemple.fr');
  await expect(row).toContainText(`restoredFromVersion : ${oldVersion}`);
  await expect(row).toContainText('reason : Les nouvelles difficultés');
});
