/** For integration tests: a Prisma client on this run's fresh database. */
import { inject } from 'vitest';
import { createPrisma, type PrismaClient } from '../../prisma/client';

let client: PrismaClient | null = null;

export function testDatabaseUrl(): string {
  return inject('databaseUrl');
}

export function testDb(): PrismaClient {
  client ??= createPrisma(testDatabaseUrl());
  return client;
}
