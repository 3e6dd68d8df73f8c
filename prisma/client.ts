import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

export type { PrismaClient };
export * as Db from './generated/client';

/** A Prisma client on the given PostgreSQL, through the pg driver adapter (no native query engine). */
export function createPrisma(connectionString: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
}
