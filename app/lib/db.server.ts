import { createPrisma, type PrismaClient } from '../../prisma/client';

let client: PrismaClient | null = null;

/** The process's Prisma client on DATABASE_URL (set by the start script to the embedded or given server). */
export function db(): PrismaClient {
  if (!client) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL manquant : démarrez le workbench avec npm start.');
    client = createPrisma(url);
  }
  return client;
}
