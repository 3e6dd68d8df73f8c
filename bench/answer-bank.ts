/**
 * A synthetic answer bank in a real database, for the pipeline benchmarks (calibration-pipeline.ts):
 * items as real Challenge rows of one competence in a release, persons as User and POSITIONING
 * Assessment rows, answers 2PL-simulated from seeded true parameters and streamed into "Answer" by
 * `COPY … FROM STDIN` (text format). For large banks the table's secondary indexes and foreign keys can
 * be dropped while loading and rebuilt after (`withoutAnswerIndexes`), as a bulk load is done.
 *
 * While streaming, the same answers can be written as the CLI's long CSV (person,item,score), so the CLI
 * reference calibrates exactly the data the pipeline reads, without reading it back from PostgreSQL.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type pg from 'pg';
import { newChallengeBody } from '../engine/challenges';
import { createRandom, normal } from '../engine/random';
import { createRelease } from '../app/models/release.server';
import { CopySubmittable } from '../app/models/calibration-snapshot.server';
import type { PrismaClient } from '../prisma/client';

export interface ItemBank {
  items: number;
  releaseId: string;
  /** True slope and difficulty of item i (challenge `bc<i>`). */
  a: Float64Array;
  b: Float64Array;
}

/** One competence with `items` QCU challenges (6 levels per tube), live in a new release. */
export async function createItemBank(client: pg.Client, db: PrismaClient, items: number, seed = 2026): Promise<ItemBank> {
  await client.query(`INSERT INTO "Area" (id, code, "titleFr", "titleEn") VALUES ('bench-area', 'B9', 'Banc', 'Bench')`);
  await client.query(`INSERT INTO "Competence" (id, code, "areaId", "titleFr", "titleEn") VALUES ('bench-competence', 'B9.1', 'bench-area', 'Banc', 'Bench')`);
  await client.query(`INSERT INTO "Thematic" (id, key, "competenceId", name) VALUES ('bench-thematic', 'bench', 'bench-competence', 'Banc')`);
  await client.query(
    `INSERT INTO "Tube" (id, name, "thematicId", "competenceId", title, description)
     SELECT 'bt' || t, '@bench' || t, 'bench-thematic', 'bench-competence', 'Sujet ' || t, 'Banc' FROM generate_series(0, $1::int - 1) t`,
    [Math.ceil(items / 6)],
  );
  await client.query(
    `INSERT INTO "Skill" (id, name, "tubeId", level, status, "updatedAt")
     SELECT 'bs' || i, '@bench' || (i / 6) || '_' || (i % 6 + 1), 'bt' || (i / 6), i % 6 + 1, 'actif', now() FROM generate_series(0, $1::int - 1) i`,
    [items],
  );
  await client.query(
    `INSERT INTO "Challenge" (id, key, "skillId", type, status, "updatedAt")
     SELECT 'bc' || i, 'bench-' || i, 'bs' || i, 'QCU', 'valide', now() FROM generate_series(0, $1::int - 1) i`,
    [items],
  );
  await client.query(
    `INSERT INTO "ChallengeVersion" (id, "challengeId", number, body) SELECT 'bv' || i, 'bc' || i, 1, $2::jsonb FROM generate_series(0, $1::int - 1) i`,
    [items, JSON.stringify(newChallengeBody('QCU', ['Banc']))],
  );
  await client.query(`UPDATE "Challenge" SET "currentVersionId" = 'bv' || substr(id, 3), "liveVersionId" = 'bv' || substr(id, 3) WHERE id LIKE 'bc%'`);
  const release = await db.$transaction((tx) => createRelease(tx, 'Banc', null), { timeout: 120_000 });
  const rng = createRandom(seed);
  const a = new Float64Array(items);
  const b = new Float64Array(items);
  for (let i = 0; i < items; i++) {
    a[i] = Math.exp(normal(rng, 0.2, 0.25));
    b[i] = ((i % 6) - 2.5) * 0.6 + normal(rng, 0, 0.5);
  }
  return { items, releaseId: release.id as string, a, b };
}

/**
 * A COPY … FROM STDIN as a pg "submittable": once the server is ready, `produce` writes the data through
 * `write` (which waits when the socket's buffer is full), then the copy ends.
 */
class CopyIn extends CopySubmittable {
  constructor(
    text: string,
    private readonly produce: (write: (chunk: Buffer) => Promise<void>) => Promise<void>,
  ) {
    super(text);
  }
  handleCopyInResponse(connection: {
    stream: Writable;
    sendCopyFromChunk: (chunk: Buffer) => void;
    endCopyFrom: () => void;
    sendCopyFail: (message: string) => void;
  }): void {
    const write = async (chunk: Buffer) => {
      connection.sendCopyFromChunk(chunk);
      if (connection.stream.writableNeedDrain) await once(connection.stream, 'drain');
    };
    this.produce(write).then(
      () => connection.endCopyFrom(),
      (error: unknown) => {
        this.error = error instanceof Error ? error : new Error(String(error));
        connection.sendCopyFail(this.error.message);
      },
    );
  }
}

function copyIn(client: pg.Client, text: string, produce: (write: (chunk: Buffer) => Promise<void>) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const copy = new CopyIn(text, produce);
    copy.callback = (error) => (error ? reject(error) : resolve());
    (client as unknown as { query: (q: CopyIn) => void }).query(copy);
  });
}

export interface PersonsOptions {
  bank: ItemBank;
  /** Persons `first` … `first + count − 1` (user `bu<p>`, assessment `ba<p>`). */
  first: number;
  count: number;
  perPerson: number;
  seed?: number;
  /** Also write every answer as `p<person>,bc<item>,<score>` lines (the CLI's long CSV). */
  csv?: Writable;
  /** Called after each block of persons with the answers inserted so far. */
  onBlock?: (answers: number) => void;
}

/**
 * Inserts the persons (one in ten with the English locale) and their answers: person p answers items
 * (7919·p + 131·k) mod items for k = 0 … perPerson − 1 (distinct while 131·perPerson < items), right
 * with the 2PL probability at a θ drawn from N(0, 1). Persons go in blocks of 50,000 whose answers
 * interleave (every person's k-th answer, then the (k+1)-th), as answers of learners do.
 */
export async function insertPersons(client: pg.Client, options: PersonsOptions): Promise<number> {
  const { bank, first, count, perPerson } = options;
  const block = 50_000;
  await client.query(
    `INSERT INTO "User" (id, email, "passwordHash", "firstName", "lastName", locale, roles, simulated)
     SELECT 'bu' || p, 'bu' || p || '@bench.test', '!', 'B', 'B', CASE WHEN p % 10 = 0 THEN 'en' ELSE 'fr' END, ARRAY['LEARNER']::"GlobalRole"[], true
     FROM generate_series($1::int, $2::int) p`,
    [first, first + count - 1],
  );
  await client.query(
    `INSERT INTO "Assessment" (id, "userId", type, state, "competenceId", "releaseId", "updatedAt")
     SELECT 'ba' || p, 'bu' || p, 'POSITIONING', 'COMPLETED', 'bench-competence', $3, now() FROM generate_series($1::int, $2::int) p`,
    [first, first + count - 1, bank.releaseId],
  );
  const rng = createRandom((options.seed ?? 20) * 1_000_003 + first);
  const theta = new Float64Array(block);
  let answers = 0;
  await copyIn(client, `COPY "Answer" ("assessmentId", "challengeId", "challengeVersionId", value, result) FROM STDIN`, async (write) => {
    for (let from = first; from < first + count; from += block) {
      const to = Math.min(first + count, from + block);
      for (let p = from; p < to; p++) theta[p - from] = normal(rng);
      for (let k = 0; k < perPerson; k++) {
        let copyText = '';
        let csvText = '';
        for (let p = from; p < to; p++) {
          const i = (p * 7919 + k * 131) % bank.items;
          const right = rng.next() < 1 / (1 + Math.exp(-(bank.a[i] as number) * ((theta[p - from] as number) - (bank.b[i] as number))));
          copyText += `ba${p}\tbc${i}\tbv${i}\t{}\t${right ? 'ok' : 'ko'}\n`;
          if (options.csv) csvText += `p${p},bc${i},${right ? 1 : 0}\n`;
        }
        await write(Buffer.from(copyText, 'latin1'));
        if (options.csv && !options.csv.write(csvText)) await once(options.csv, 'drain');
        answers += to - from;
      }
      options.onBlock?.(answers);
    }
  });
  return answers;
}

/**
 * Runs `load` with the Answer table's secondary indexes and foreign keys dropped (its primary key
 * kept), then rebuilds them (the foreign keys validated). Returns the seconds the rebuild took.
 */
export async function withoutAnswerIndexes(client: pg.Client, load: () => Promise<void>): Promise<number> {
  const indexes = await client.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE tablename = 'Answer' AND indexname <> 'Answer_pkey'`,
  );
  const keys = await client.query<{ name: string; definition: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = '"Answer"'::regclass AND contype = 'f'`,
  );
  const referencing = await client.query<{ name: string; tbl: string; definition: string }>(
    `SELECT conname AS name, conrelid::regclass::text AS tbl, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE confrelid = '"Answer"'::regclass AND contype = 'f'`,
  );
  for (const r of referencing.rows) await client.query(`ALTER TABLE ${r.tbl} DROP CONSTRAINT "${r.name}"`);
  for (const k of keys.rows) await client.query(`ALTER TABLE "Answer" DROP CONSTRAINT "${k.name}"`);
  for (const i of indexes.rows) await client.query(`DROP INDEX "${i.name}"`);
  await load();
  const started = performance.now();
  await client.query(`SET maintenance_work_mem = '1GB'`);
  for (const i of indexes.rows) await client.query(i.definition);
  for (const k of keys.rows) await client.query(`ALTER TABLE "Answer" ADD CONSTRAINT "${k.name}" ${k.definition}`);
  for (const r of referencing.rows) await client.query(`ALTER TABLE ${r.tbl} ADD CONSTRAINT "${r.name}" ${r.definition}`);
  return (performance.now() - started) / 1000;
}
