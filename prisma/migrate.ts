/**
 * Applies and creates migrations without network, through Prisma's schema engine compiled to wasm
 * (see docs/decisions/001-database-migrations-and-redis.md). The migrations stay ordinary
 * prisma/migrations/<timestamp>_<name>/migration.sql files, compatible with the Prisma CLI.
 *
 *   npm run db:migrate             apply pending migrations to DATABASE_URL (or the embedded database)
 *   npm run db:diff -- <name>      write a new migration from the changes in schema.prisma
 *
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const migrationsDir = path.join(root, 'prisma', 'migrations');
const schemaPath = path.join(root, 'prisma', 'schema.prisma');
const lockfileName = 'migration_lock.toml';
const filters = { externalTables: [] as string[], externalEnums: [] as string[] };

function readMigrationsList() {
  fs.mkdirSync(migrationsDir, { recursive: true });
  const lockPath = path.join(migrationsDir, lockfileName);
  const directories = fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockfileName, content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: directories.map((name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: fs.existsSync(file) ? { tag: 'ok' as const, value: fs.readFileSync(file, 'utf8') } : { tag: 'error' as const, value: `missing ${file}` },
        },
      };
    }),
  };
}

function connectionFields(connectionString: string) {
  const u = new URL(connectionString);
  return {
    host: decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username) || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || undefined,
  };
}

type Fields = ReturnType<typeof connectionFields>;
type PrismaPgClass = typeof import('@prisma/adapter-pg').PrismaPg;

/**
 * Splits a migration script into statements at the semicolons that end them: not inside quotes, quoted
 * identifiers, dollar-quoted bodies (PL/pgSQL functions) or comments. The adapter's own executeScript cuts
 * at every semicolon, which breaks any function or trigger body.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  while (i < script.length) {
    const c = script[i]!;
    if (c === '-' && script[i + 1] === '-') {
      const end = script.indexOf('\n', i);
      i = end < 0 ? script.length : end + 1;
    } else if (c === '/' && script[i + 1] === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end < 0 ? script.length : end + 2;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < script.length && !(script[j] === c && script[j + 1] !== c)) j += script[j] === c ? 2 : 1;
      i = j + 1;
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(script.slice(i))?.[0];
      if (tag) {
        const end = script.indexOf(tag, i + tag.length);
        i = end < 0 ? script.length : end + tag.length;
      } else i++;
    } else if (c === ';') {
      statements.push(script.slice(start, i));
      start = ++i;
    } else i++;
  }
  statements.push(script.slice(start));
  return statements.map((s) => s.trim()).filter((s) => s.length > 0 && !/^(--[^\n]*(\n|$)|\s)*$/.test(s));
}

type Adapter = Awaited<ReturnType<InstanceType<PrismaPgClass>['connect']>>;

/** The adapter, running each statement of a script as splitSqlStatements cuts it. */
function withStatementAwareScripts<T extends Adapter>(adapter: T): T {
  adapter.executeScript = async (script: string) => {
    for (const sql of splitSqlStatements(script)) await adapter.executeRaw({ sql, args: [], argTypes: [] });
  };
  return adapter;
}

/**
 * The adapter's own shadow database drops the database before closing its pool, which PostgreSQL refuses;
 * this one closes the pool first and then drops the database.
 */
function shadowSafeFactory(PrismaPg: PrismaPgClass, fields: Fields) {
  const factory = new PrismaPg(fields);
  const connect = factory.connect.bind(factory);
  return Object.assign(factory, {
    async connect() {
      return withStatementAwareScripts(await connect());
    },
    async connectToShadowDb() {
      const { default: pg } = await import('pg');
      const name = `workbench_shadow_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
      const admin = new pg.Client(fields);
      await admin.connect();
      await admin.query(`create database "${name}"`);
      const adapter = withStatementAwareScripts(await new PrismaPg({ ...fields, database: name }).connect());
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await admin.query(`drop database if exists "${name}" with (force)`);
        await admin.end();
      };
      return adapter;
    },
  });
}

type SchemaEngineModule = typeof import('@prisma/schema-engine-wasm');
let schemaEngineModule: Promise<SchemaEngineModule> | null = null;

/**
 * The package's entry imports its .wasm file as an ES module, which Node only allows behind
 * --experimental-wasm-modules. We instantiate the same file ourselves instead, so that migrations
 * run from any Node process (the start script, vitest, the test runner).
 */
function loadSchemaEngine(): Promise<SchemaEngineModule> {
  schemaEngineModule ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const bindings = (await import(pathToFileURL(path.join(dir, 'schema_engine_bg.js')).href)) as SchemaEngineModule & {
      __wbg_set_wasm: (exports: WebAssembly.Exports) => void;
    };
    const bytes = fs.readFileSync(path.join(dir, 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bindings as unknown as WebAssembly.ModuleImports });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  return schemaEngineModule;
}

async function openEngine(connectionString: string) {
  const { SchemaEngine } = await loadSchemaEngine();
  const { bindMigrationAwareSqlAdapterFactory } = await import('@prisma/driver-adapter-utils');
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const schema = fs.readFileSync(schemaPath, 'utf8');
  const logs: string[] = [];
  const engine = await SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    (message: string) => logs.push(message),
    // Explicit fields rather than a connection string: the adapter makes its shadow database by
    // overriding `database`, which a connection string would take precedence over.
    bindMigrationAwareSqlAdapterFactory(shadowSafeFactory(PrismaPg, connectionFields(connectionString))),
  );
  return { engine, schema };
}

/** Applies every migration not yet recorded in _prisma_migrations. Returns the names applied. */
export async function applyMigrations(connectionString: string): Promise<string[]> {
  const { engine } = await openEngine(connectionString);
  try {
    const output = await engine.applyMigrations({ migrationsList: readMigrationsList(), filters });
    return output.appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/**
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes the schema of the last
 * migration to the current schema.prisma. Each migration keeps a copy of the schema it leads to
 * (schema.prisma beside migration.sql), so the diff is between two datamodels and needs no shadow
 * database: the wasm engine cannot introspect PostgreSQL through the driver adapter.
 */
export async function diffMigration(connectionString: string, name: string): Promise<string | null> {
  const { engine, schema } = await openEngine(connectionString);
  try {
    const list = readMigrationsList();
    const last = list.migrationDirectories.at(-1);
    const snapshot = last ? path.join(migrationsDir, last.path, 'schema.prisma') : null;
    if (snapshot && !fs.existsSync(snapshot)) {
      throw new Error(`La migration ${last?.path} n'a pas de copie du schéma (schema.prisma) : impossible de calculer la différence.`);
    }
    const from = snapshot
      ? { tag: 'schemaDatamodel' as const, files: [{ path: snapshot, content: fs.readFileSync(snapshot, 'utf8') }] }
      : { tag: 'empty' as const };
    const result = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters,
    });
    const sql = (result.stdout ?? '').trim();
    if (sql === '' || /^-- This is an empty migration\.?$/.test(sql)) return null;
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const safe = name.replace(/[^a-zA-Z0-9_]+/g, '_').toLowerCase();
    const dir = path.join(migrationsDir, `${stamp}_${safe}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'migration.sql'), sql + '\n');
    fs.writeFileSync(path.join(dir, 'schema.prisma'), schema);
    const lockPath = path.join(migrationsDir, lockfileName);
    if (!fs.existsSync(lockPath)) {
      fs.writeFileSync(
        lockPath,
        '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
      );
    }
    return dir;
  } finally {
    engine.free();
  }
}

async function main() {
  const [command, name] = process.argv.slice(2);
  const { withDatabase } = await import('../scripts/database');
  await withDatabase(async (url) => {
    if (command === 'apply') {
      const applied = await applyMigrations(url);
      console.log(applied.length ? `Migrations appliquées : ${applied.join(', ')}` : 'Base à jour : aucune migration à appliquer.');
    } else if (command === 'diff') {
      if (!name) throw new Error('Usage : npm run db:diff -- <nom>');
      const dir = await diffMigration(url, name);
      console.log(dir ? `Nouvelle migration : ${path.relative(root, dir)}` : 'Aucun changement de schéma : pas de migration écrite.');
    } else {
      throw new Error(`Commande inconnue « ${command ?? ''} » (apply ou diff).`);
    }
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
