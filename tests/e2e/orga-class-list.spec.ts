import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { createPrisma } from '../../prisma/client';
import { hashPassword } from '../../app/lib/password.server';
import { expectAccessible, signIn, PASSWORD } from './helpers';

test.describe.configure({ timeout: 120_000 });

/** A teacher of an organisation of their own: the fixtures' student numbers are free there on every run. */
const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const teacherEmail = `prof-listes-${suffix}@exemple.fr`;
const fixture = (name: string) => readFileSync(new URL(`../fixtures/class-lists/${name}`, import.meta.url));

test.beforeAll(async () => {
  const db = createPrisma(process.env.DATABASE_URL!);
  const organisation = await db.organisation.create({ data: { name: `Lycée des listes ${suffix}`, type: 'SCO' } });
  await db.user.create({
    data: {
      email: teacherEmail,
      firstName: 'Camille',
      lastName: 'Listes',
      passwordHash: await hashPassword(PASSWORD),
      roles: [],
      memberships: { create: { organisationId: organisation.id, role: 'ADMIN' } },
    },
  });
  await db.$disconnect();
});

test('a teacher imports the CSV Excel saves in Windows-1252, an .xlsx and an .ods, then the same CSV again: already present', async ({ page }) => {
  await signIn(page, teacherEmail);
  await page.goto('/orga/eleves');
  const file = page.getByLabel('Liste de la classe (CSV, .xlsx ou .ods)');
  const check = page.getByRole('button', { name: 'Vérifier le fichier' });

  // 1. Excel's "CSV (séparateur : point-virgule)": Windows-1252, CRLF.
  await file.setInputFiles({ name: 'liste 2nde A.csv', mimeType: 'text/csv', buffer: fixture('excel-point-virgule-windows-1252.csv') });
  await check.click();
  await expect(page.getByText('Fichier lu : fichier CSV, séparateur point-virgule « ; », encodage Windows-1252.')).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('5 à créer, 0 à mettre à jour, 0 déjà présent(s), 0 refusée(s).');
  const valid = page.getByRole('table', { name: 'Lignes valides' });
  await expect(valid).toContainText('Dubœuf');
  await expect(valid).toContainText('N’Diaye');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Importer : 5 à créer, 0 à mettre à jour' }).click();
  await expect(page.getByRole('status')).toHaveText('Import terminé : 5 créé(s), 0 mis à jour, 0 déjà présent(s), 0 refusé(s).');
  const list = page.getByRole('table', { name: 'Élèves de l’organisation' });
  for (const name of ['Lefèvre', 'N’Diaye', 'Dubœuf', 'Noël', 'Martin']) await expect(list.getByRole('cell', { name, exact: true })).toBeVisible();

  // 2. An Excel workbook of another class.
  await file.setInputFiles({
    name: 'liste 2nde B.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: fixture('excel-2nde-b.xlsx'),
  });
  await check.click();
  await expect(page.getByText('Fichier lu : classeur .xlsx, feuille « Feuil1 ».')).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('3 à créer, 0 à mettre à jour, 0 déjà présent(s), 0 refusée(s).');
  await page.getByRole('button', { name: 'Importer : 3 à créer, 0 à mettre à jour' }).click();
  await expect(page.getByRole('status')).toHaveText('Import terminé : 3 créé(s), 0 mis à jour, 0 déjà présent(s), 0 refusé(s).');
  await expect(page.getByRole('heading', { name: 'Élèves de l’organisation (8)' })).toBeVisible();
  await expect(list.getByRole('row').filter({ hasText: 'Mathéo' })).toContainText('03/06/2009');

  // 3. A LibreOffice .ods of a third class.
  await file.setInputFiles({ name: 'liste 2nde C.ods', mimeType: 'application/vnd.oasis.opendocument.spreadsheet', buffer: fixture('libreoffice-2nde-c.ods') });
  await check.click();
  await expect(page.getByText('Fichier lu : classeur .ods, feuille « Feuille1 ».')).toBeVisible();
  await page.getByRole('button', { name: 'Importer : 3 à créer, 0 à mettre à jour' }).click();
  await expect(page.getByRole('heading', { name: 'Élèves de l’organisation (11)' })).toBeVisible();

  // 4. The same CSV again: every row is already there, none refused, nothing to import.
  await file.setInputFiles({ name: 'liste 2nde A.csv', mimeType: 'text/csv', buffer: fixture('excel-point-virgule-windows-1252.csv') });
  await check.click();
  await expect(page.getByRole('status')).toHaveText('0 à créer, 0 à mettre à jour, 5 déjà présent(s), 0 refusée(s).');
  await expect(page.getByRole('table', { name: 'Lignes valides' }).getByText('déjà présent', { exact: true })).toHaveCount(5);
  await expect(page.getByText('Rien à importer : les lignes valides sont toutes déjà présentes.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Lignes refusées' })).toHaveCount(0);
  await expectAccessible(page);
});

test('the campaign page copies its code and says so; the activity chart labels each day once', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const db = createPrisma(process.env.DATABASE_URL!);
  const campaign = await db.campaign.findFirstOrThrow({ where: { code: 'QMPRDM234' }, select: { id: true } });
  await db.$disconnect();
  await signIn(page, 'enseignant2@exemple.fr');
  await page.goto(`/orga/campagnes/${campaign.id}`);
  await expect(page.getByTestId('campaign-code')).toHaveText('QMPRDM234');
  await page.getByRole('button', { name: 'Copier le code' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Code copié' })).toHaveText('Code copié dans le presse-papiers.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('QMPRDM234');
  const days = await page.getByTestId('activity-day').allTextContents();
  expect(new Set(days).size).toBe(days.length);
  await expectAccessible(page);
});
