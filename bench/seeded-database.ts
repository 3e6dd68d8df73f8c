/**
 * For the learner benchmarks: a fresh database (as `npm test` makes them) seeded like a fresh `npm start`
 * (framework, starter content, demo accounts and answers). Imported lazily, so that a benchmark may first
 * instrument the pg driver.
 */
import type { TestDatabase } from '../scripts/testdb';

export async function seededTestDatabase(): Promise<TestDatabase> {
  const { createTestDatabase } = await import('../scripts/testdb');
  const { createPrisma } = await import('../prisma/client');
  const { seed } = await import('../prisma/seed');
  const database = await createTestDatabase();
  const db = createPrisma(database.url);
  try {
    await seed(db, () => undefined);
  } finally {
    await db.$disconnect();
  }
  return database;
}
