import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

export type { PrismaClient };
export * as Db from './generated/client';

/** The pg pool under each client made here: the hot statements go through it without Prisma (rawRows). */
const pools = new WeakMap<PrismaClient, pg.Pool>();

/**
 * A Prisma client on the given PostgreSQL, through the pg driver adapter (no native query engine). The
 * pool is the adapter's (one set of connections): `poolOf` hands it to the few statements that skip
 * Prisma's runtime (docs/decisions/021, learners).
 */
export function createPrisma(connectionString: string): PrismaClient {
  const pool = new pg.Pool({ connectionString });
  // Until Prisma connects (and after), an idle connection's error must not end the process.
  pool.on('error', () => undefined);
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(client, pool);
  return client;
}

/** The pg pool of a client made by createPrisma, while it is open; null for a transaction's client or an ended pool. */
export function poolOf(client: object): pg.Pool | null {
  const pool = pools.get(client as PrismaClient);
  return pool && !pool.ending ? pool : null;
}
