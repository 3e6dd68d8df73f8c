/**
 * Seeds a fresh database: the framework and the starter content pack, the demo organisation and
 * certification centre, and one demo account per role. Safe to run again: nothing is duplicated.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrisma, type PrismaClient } from './client';
import { importContent, type ImportReport } from '../content/import';
import { hashPassword } from '../app/lib/password.server';
import { DEMO_ACCOUNTS, DEMO_CENTRE, DEMO_ORGANISATION, DEMO_PASSWORD } from './demo';
import { seedDemoAnswers } from './demo-answers';
import { seedDemoCertification } from './demo-certification';
import { seedDemoOtherTenants } from './demo-tenants';

export async function isSeeded(db: PrismaClient): Promise<boolean> {
  return (await db.user.count({ where: { email: DEMO_ACCOUNTS[0]!.email } })) > 0 && (await db.competence.count()) > 0;
}

export async function seedDemoAccounts(db: PrismaClient): Promise<void> {
  const organisation =
    (await db.organisation.findUnique({ where: { externalId: DEMO_ORGANISATION.externalId } })) ?? (await db.organisation.create({ data: DEMO_ORGANISATION }));
  const centre =
    (await db.certificationCentre.findFirst({ where: { name: DEMO_CENTRE.name } })) ?? (await db.certificationCentre.create({ data: DEMO_CENTRE }));
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const account of DEMO_ACCOUNTS) {
    const user = await db.user.upsert({
      where: { email: account.email },
      create: { email: account.email, firstName: account.firstName, lastName: account.lastName, roles: account.roles, passwordHash },
      update: {},
    });
    if (account.organisationRole) {
      await db.membership.upsert({
        where: { userId_organisationId: { userId: user.id, organisationId: organisation.id } },
        create: { userId: user.id, organisationId: organisation.id, role: account.organisationRole },
        // A database seeded before the demo teacher became the organisation's administrator gets the role too.
        update: { role: account.organisationRole },
      });
    }
    if (account.centreRole) {
      await db.centreMembership.upsert({
        where: { userId_centreId: { userId: user.id, centreId: centre.id } },
        create: { userId: user.id, centreId: centre.id, role: account.centreRole },
        update: {},
      });
    }
  }
}

export async function seed(
  db: PrismaClient,
  log: (line: string) => void = console.log,
  options: { databaseUrl?: string; demoAnswers?: boolean } = {},
): Promise<ImportReport> {
  const report = await importContent(db);
  log(
    `Contenu importé : ${report.competences} compétences, ${report.tubes} sujets, ${report.skills} acquis, ` +
      `${report.challengesCreated} épreuves créées, ${report.challengesUpdated} mises à jour` +
      (report.challengesKeptAsEdited ? `, ${report.challengesKeptAsEdited} modifiées dans le workbench et laissées telles quelles` : '') +
      `, ${report.tutorials} tutoriels` +
      (report.release ? `, version publiée n° ${report.release}` : ''),
  );
  await seedDemoAccounts(db);
  log(`Comptes de démonstration prêts (${DEMO_ACCOUNTS.length}).`);
  await seedDemoCertification(db);
  log('Certification de démonstration : deux candidats certifiables, un second centre.');
  const databaseUrl = options.databaseUrl;
  if (options.demoAnswers !== false && databaseUrl) {
    const started = Date.now();
    const demo = await seedDemoAnswers(db, { databaseUrl, log });
    if (!demo.skipped) {
      log(
        `Réponses de démonstration : ${demo.learners} apprenants simulés, ${demo.assessments} positionnements, ${demo.answers} réponses` +
          (demo.parameterSetVersion ? ` ; paramètres v${demo.parameterSetVersion} approuvés` : '') +
          ` (${((Date.now() - started) / 1000).toFixed(1)} s).`,
      );
    } else if (demo.parameterSetVersion) {
      log(`Paramètres v${demo.parameterSetVersion} approuvés à partir des réponses de démonstration.`);
    }
  }
  // After the demo answers: the second centre's session freezes the parameter set they approved.
  await seedDemoOtherTenants(db);
  log('Second établissement : Collège de Quimper (enseignant2@exemple.fr, une campagne) ; une session au centre de Rennes.');
  return report;
}

async function main() {
  const { withDatabase } = await import('../scripts/database');
  const { applyMigrations } = await import('./migrate');
  await withDatabase(async (url) => {
    await applyMigrations(url);
    const db = createPrisma(url);
    try {
      await seed(db, console.log, { databaseUrl: url });
    } finally {
      await db.$disconnect();
    }
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
