import { createPrisma, type PrismaClient } from '../../prisma/client';
import { env } from './env.server';

/** The database client type of the server layer; code outside it names this, never the Prisma client. */
export type Db = PrismaClient;

/** A client of its own on `url` (the workers, scripts); the web process uses db(). */
export function createDb(url: string): Db {
  return createPrisma(url);
}

/** DATABASE_URL (set by the start script to the embedded or given server). */
export function databaseUrl(): string {
  const url = env().DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL manquant : démarrez le workbench avec npm start.');
  return url;
}

let client: Db | null = null;

/** The process's Prisma client on DATABASE_URL. */
export function db(): Db {
  client ??= createDb(databaseUrl());
  return client;
}
