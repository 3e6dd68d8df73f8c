/**
 * The calibration data at the speed of the disk: the answers streamed out of PostgreSQL by one
 * `COPY … TO STDOUT (FORMAT binary)` (no pages, no ORM, no text parsing), coded to dense integers on the
 * way (challenge, assessment and user ids become indices into dictionaries), and kept in a compact,
 * versioned snapshot file in the data folder (`WORKBENCH_DATA_DIR/calibration/*.calsnap`) that the next
 * run extends with only the answers that arrived since (answers are append-only: decision 006).
 *
 * The snapshot holds every answer (all challenges, all assessments) with only what never changes about
 * it: its id, its assessment, its challenge and its result, plus each assessment's user and type. What
 * may change after an answer was written is looked up again at every build: which challenges are live
 * (and their competence), which users hold a staff role, which users have a non-French locale, which
 * answers were neutralised. Building the run's matrix from a snapshot therefore gives exactly what
 * `readCalibrationData` (the paged reader) gives on the same bound; db tests hold the two equal.
 *
 * File layout (format version 1, little-endian):
 *   "CALSNAP\n" · u32 format version · u32 header length · header JSON (padded to 8)
 *   · dictionaries: challenge ids, user ids, assessment ids (UTF-8, "\n"-joined, padded to 4)
 *   · per assessment: user index (i32), type (u8, padded to 4)
 *   · per answer: id − previous id (u32), assessment index (i32), challenge index (i32), result (u8)
 *   · CRC-32 of every byte before it (u32).
 * The header records the format version, the last answer read (id, time, assessment, challenge: checked
 * against the database before extending, so a snapshot of a dropped and re-created database is never
 * extended) and the counts.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import type pg from 'pg';
import { env } from '../lib/env.server';
import type { ResponseData } from '../../engine/calibration';
import {
  assembleCalibrationData,
  emptyReadCounts,
  latestAnswerId,
  rowsByPerson,
  type CalibrationData,
  type LiveChallenge,
  type ReadCounts,
} from './calibration-data.server';

export const SNAPSHOT_FORMAT_VERSION = 1;
const MAGIC = Buffer.from('CALSNAP\n', 'latin1');

/** Result codes in the snapshot (the AnswerResult enum): ok 0, ko 1, skipped 2, timedout 3, aband 4. */
/** Assessment types in the snapshot: what the data rules need to know of them. */
const TYPE_OTHER = 0;
const TYPE_CERTIFICATION = 1;
const TYPE_PREVIEW = 2;

const STAFF_ROLES = `ARRAY['ADMIN','AUTHOR','REVIEWER','PSYCHOMETRICIAN']::"GlobalRole"[]`;

/**
 * THE answer scan of the calibration pipeline, the one place its SQL lives: every answer with an id in
 * (afterId, upToId], in id order, with what the snapshot keeps of it. A filter on which answers a
 * calibration reads belongs here (and in the data rules of calibration-data.server.ts).
 */
export function answerScanSql(afterId: string, upToId: string): string {
  if (!/^\d+$/.test(afterId) || !/^\d+$/.test(upToId)) throw new Error(`answer ids must be integers: ${afterId}, ${upToId}`);
  // COPY takes no bind parameters: the two bounds are checked integers.
  // No join: looking the assessment up for every answer costs PostgreSQL more than the scan itself;
  // the assessments first seen are looked up once each afterwards (assessmentsSql).
  return `COPY (
    SELECT a.id, a."assessmentId", a."challengeId", a.result
    FROM "Answer" a
    WHERE a.id > ${afterId} AND a.id <= ${upToId}
    ORDER BY a.id
  ) TO STDOUT (FORMAT binary)`;
}

/** The user and type of the assessments given ($1, an array of ids). */
export const assessmentsSql = 'SELECT id, "userId", type::text AS type FROM "Assessment" WHERE id = ANY($1::text[])';

// ── The snapshot in memory ──────────────────────────────────────────────────────────────────

class Growing<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array> {
  length = 0;
  constructor(
    public array: T,
    private readonly make: (n: number) => T,
  ) {}
  ensure(extra: number): void {
    if (this.length + extra <= this.array.length) return;
    // Doubling while small; beyond 16M entries by a quarter, so a large column's slack (and the copy's
    // moment of both) stays a fraction of it.
    const factor = this.array.length < 1 << 24 ? 2 : 1.25;
    let size = Math.max(1024, Math.ceil(this.array.length * factor));
    while (size < this.length + extra) size = Math.ceil(size * factor);
    const next = this.make(size);
    next.set(this.array.subarray(0, this.length) as never);
    this.array = next;
  }
  view(): T {
    return this.array.subarray(0, this.length) as T;
  }
}

/** A dictionary of ids to dense indices, in order of first sight. */
class Dictionary {
  readonly ids: string[];
  readonly index = new Map<string, number>();
  constructor(ids: string[] = []) {
    this.ids = ids;
    for (let k = 0; k < ids.length; k++) this.index.set(ids[k] as string, k);
  }
  code(id: string): number {
    let k = this.index.get(id);
    if (k === undefined) {
      k = this.ids.length;
      this.ids.push(id);
      this.index.set(id, k);
    }
    return k;
  }
}

export interface SnapshotHeader {
  formatVersion: number;
  /** current_database() and its oid when the snapshot was made (the file's name comes from them). */
  database: string;
  firstAnswerId: string;
  lastAnswerId: string;
  lastAnswerAt: string | null;
  lastAssessmentId: string | null;
  lastChallengeId: string | null;
  answers: number;
  challenges: number;
  users: number;
  assessments: number;
  writtenAt: string;
}

/** The response matrix of every answer up to `lastAnswerId`, coded. */
export class CalibrationSnapshot {
  firstAnswerId = '0';
  lastAnswerId = '0';
  lastAnswerAt: string | null = null;
  readonly challenges: Dictionary;
  readonly users: Dictionary;
  readonly assessments: Dictionary;
  readonly assessmentUser: Growing<Int32Array>;
  readonly assessmentType: Growing<Uint8Array>;
  readonly idDelta: Growing<Uint32Array>;
  readonly answerAssessment: Growing<Int32Array>;
  readonly answerChallenge: Growing<Int32Array>;
  readonly answerResult: Growing<Uint8Array>;

  constructor(
    readonly database: string,
    init?: {
      challenges: string[];
      users: string[];
      assessments: string[];
      assessmentUser: Int32Array;
      assessmentType: Uint8Array;
      idDelta: Uint32Array;
      answerAssessment: Int32Array;
      answerChallenge: Int32Array;
      answerResult: Uint8Array;
    },
  ) {
    this.challenges = new Dictionary(init?.challenges);
    this.users = new Dictionary(init?.users);
    this.assessments = new Dictionary(init?.assessments);
    const grown = <T extends Int32Array | Uint32Array | Uint8Array>(array: T | undefined, make: (n: number) => T) => {
      const g = new Growing(array ?? make(1024), make);
      g.length = array?.length ?? 0;
      return g;
    };
    this.assessmentUser = grown(init?.assessmentUser, (n) => new Int32Array(n));
    this.assessmentType = grown(init?.assessmentType, (n) => new Uint8Array(n));
    this.idDelta = grown(init?.idDelta, (n) => new Uint32Array(n));
    this.answerAssessment = grown(init?.answerAssessment, (n) => new Int32Array(n));
    this.answerChallenge = grown(init?.answerChallenge, (n) => new Int32Array(n));
    this.answerResult = grown(init?.answerResult, (n) => new Uint8Array(n));
  }

  get answers(): number {
    return this.idDelta.length;
  }

  /** Room for `extra` more answers in every column at once (a scan that knows about how many it will read). */
  reserve(extra: number): void {
    for (const column of [this.idDelta, this.answerAssessment, this.answerChallenge, this.answerResult]) column.ensure(extra);
  }

  /** Bytes the snapshot holds in memory (its columns). */
  get bytes(): number {
    return this.answers * 13 + this.assessmentUser.length * 5;
  }
}

// ── COPY … TO STDOUT (FORMAT binary) ────────────────────────────────────────────────────────

/**
 * A pg "submittable" for a COPY: sends the statement, and settles (callback) once the server is ready
 * again or the connection fails. Subclasses handle the data (CopyOut here; the benchmarks' COPY FROM STDIN).
 */
export class CopySubmittable {
  callback?: (error: Error | null) => void;
  protected error: Error | null = null;
  private settled = false;
  constructor(readonly text: string) {}
  submit(connection: { query: (text: string) => void }): void {
    connection.query(this.text);
  }
  handleCopyData(_message: { chunk: Buffer }): void {}
  /** A server error (ReadyForQuery follows) or a lost connection (nothing follows): settle now either way. */
  handleError(error: Error): void {
    this.error ??= error;
    this.settle();
  }
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleReadyForQuery(): void {
    this.settle();
  }
  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.callback?.(this.error);
  }
}

/**
 * A COPY TO STDOUT that hands every chunk to `onData` synchronously (the driver reuses its buffers: a
 * chunk must be consumed before the next arrives).
 */
export class CopyOut extends CopySubmittable {
  constructor(
    text: string,
    private readonly onData: (chunk: Buffer) => void,
  ) {
    super(text);
  }
  override handleCopyData(message: { chunk: Buffer }): void {
    if (this.error) return;
    try {
      this.onData(message.chunk);
    } catch (error) {
      this.error = error instanceof Error ? error : new Error(String(error));
    }
  }
}

function runCopy(client: pg.ClientBase, text: string, onData: (chunk: Buffer) => void): { done: Promise<void>; abort: (error: unknown) => void } {
  let fail: (error: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    fail = reject;
    const copy = new CopyOut(text, onData);
    copy.callback = (error) => (error ? reject(error) : resolve());
    (client as unknown as { query: (q: CopyOut) => void }).query(copy);
  });
  return {
    done,
    abort: (error) => {
      fail(error);
      // Ends the COPY: the server stops sending when the connection goes (the client is unusable after).
      (client as unknown as { connection?: { stream?: { destroy: () => void } } }).connection?.stream?.destroy();
    },
  };
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Decodes the binary COPY stream of answerScanSql into the snapshot, row by row, across chunk
 * boundaries. Returns a function to feed chunks and the number of rows seen so far.
 */
function scanDecoder(snapshot: CalibrationSnapshot, startAfter: number) {
  let pending: Buffer | null = null;
  let headerDone = false;
  let lastId = startAfter;
  let rows = 0;
  let ended = false;
  const { challenges, users, assessments, assessmentUser, assessmentType, idDelta, answerAssessment, answerChallenge, answerResult } = snapshot;
  const feed = (chunk: Buffer) => {
    let buf = chunk;
    if (pending !== null) {
      buf = Buffer.concat([pending, chunk]);
      pending = null;
    }
    let at = 0;
    if (!headerDone) {
      if (buf.length < 19) {
        pending = Buffer.from(buf);
        return;
      }
      if (!buf.subarray(0, 11).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
      const extension = buf.readUInt32BE(15);
      at = 19 + extension;
      headerDone = true;
    }
    const end = buf.length;
    // Room for the rows this chunk may hold (at least ~40 bytes each).
    const room = Math.ceil((end - at) / 40) + 1;
    idDelta.ensure(room);
    answerAssessment.ensure(room);
    answerChallenge.ensure(room);
    answerResult.ensure(room);
    const deltas = idDelta.array;
    const rowAssessment = answerAssessment.array;
    const rowChallenge = answerChallenge.array;
    const rowResult = answerResult.array;
    let n = idDelta.length;
    while (at + 2 <= end) {
      const fields = buf.readInt16BE(at);
      if (fields === -1) {
        ended = true;
        at += 2;
        break;
      }
      // A whole row: 4 fields (id, assessment, challenge, result), each a length and its bytes.
      if (fields !== 4) throw new Error(`unexpected row of ${fields} fields in the COPY stream`);
      const idAt = at + 6;
      if (idAt + 8 > end) break;
      const assessmentAt = idAt + 12;
      if (assessmentAt > end) break;
      const assessmentEnd = assessmentAt + buf.readInt32BE(assessmentAt - 4);
      const challengeAt = assessmentEnd + 4;
      if (challengeAt > end) break;
      const challengeEnd = challengeAt + buf.readInt32BE(assessmentEnd);
      const resultAt = challengeEnd + 4;
      if (resultAt > end) break;
      const resultEnd = resultAt + buf.readInt32BE(challengeEnd);
      if (resultEnd > end) break;
      const p = resultEnd;
      const id = buf.readUInt32BE(idAt) * 4294967296 + buf.readUInt32BE(idAt + 4);
      const delta = id - lastId;
      if (delta > 0xffffffff || delta <= 0) throw new Error(`answer ids out of order or too far apart: ${lastId} then ${id}`);
      lastId = id;
      const assessmentKey = buf.toString('latin1', assessmentAt, assessmentEnd);
      let assessment = assessments.index.get(assessmentKey);
      if (assessment === undefined) {
        // Its user and type are looked up after the scan (resolveAssessments).
        assessment = assessments.code(assessmentKey);
        assessmentUser.ensure(1);
        assessmentType.ensure(1);
        assessmentUser.array[assessmentUser.length++] = -1;
        assessmentType.array[assessmentType.length++] = TYPE_OTHER;
      }
      const challenge = challenges.code(buf.toString('latin1', challengeAt, challengeEnd));
      // ok, ko, skipped, timedout, aband: told apart by their first letter.
      const first = buf[resultAt];
      const result = first === 111 ? 0 : first === 107 ? 1 : first === 115 ? 2 : first === 116 ? 3 : first === 97 ? 4 : -1;
      if (result < 0 || resultEnd - resultAt < 2) throw new Error('unknown answer result in the COPY stream');
      deltas[n] = delta;
      rowAssessment[n] = assessment;
      rowChallenge[n] = challenge;
      rowResult[n] = result;
      n++;
      rows++;
      at = p;
    }
    idDelta.length = n;
    answerAssessment.length = n;
    answerChallenge.length = n;
    answerResult.length = n;
    if (at < end && !ended) pending = Buffer.from(buf.subarray(at));
  };
  return {
    feed,
    rows: () => rows,
    lastId: () => lastId,
  };
}

export interface ScanOptions {
  /** Called about every 250 ms with the share of the id range read and the answers read; may throw to stop. */
  onProgress?: (fraction: number, read: number) => void | Promise<void>;
}

/**
 * Streams the answers (snapshot.lastAnswerId, upToId] into the snapshot. Returns the rows read. A
 * progress hook that throws stops the scan (the connection is closed: the caller's client is then
 * unusable) and its error is thrown.
 */
export async function extendSnapshot(client: pg.ClientBase, snapshot: CalibrationSnapshot, upToId: string, options: ScanOptions = {}): Promise<number> {
  const after = snapshot.lastAnswerId;
  if (BigInt(upToId) <= BigInt(after)) return 0;
  const from = Number(after);
  const span = Math.max(1, Number(upToId) - from);
  // The columns sized once for the answers to come (ids are a sequence: at most the span of ids, and
  // about the table's estimated rows) instead of grown by copies along the scan.
  const estimate = await client.query<{ rows: number }>(`SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = '"Answer"'::regclass`);
  const expected = Math.min(Number(upToId) - from, Math.max(0, Number(estimate.rows[0]?.rows ?? 0) - snapshot.answers));
  if (expected > 0 && expected < 2 ** 31) snapshot.reserve(Math.ceil(expected * 1.02) + 1024);
  const decoder = scanDecoder(snapshot, from);
  const firstBefore = snapshot.answers;
  const assessmentsBefore = snapshot.assessments.ids.length;
  const copy = runCopy(client, answerScanSql(after, upToId), decoder.feed);
  let timer: ReturnType<typeof setInterval> | null = null;
  if (options.onProgress) {
    let busy = false;
    timer = setInterval(() => {
      if (busy) return;
      busy = true;
      Promise.resolve(options.onProgress?.(Math.min(1, (decoder.lastId() - from) / span), decoder.rows()))
        .catch((error: unknown) => copy.abort(error))
        .finally(() => (busy = false));
    }, 250);
  }
  try {
    await copy.done;
  } finally {
    if (timer) clearInterval(timer);
  }
  const rows = decoder.rows();
  await resolveAssessments(client, snapshot, assessmentsBefore);
  if (rows > 0) {
    if (firstBefore === 0) snapshot.firstAnswerId = String(from + (snapshot.idDelta.array[0] as number));
    snapshot.lastAnswerId = String(decoder.lastId());
    const last = await client.query<{ at: Date }>('SELECT "createdAt" AS at FROM "Answer" WHERE id = $1::bigint', [snapshot.lastAnswerId]);
    snapshot.lastAnswerAt = last.rows[0]?.at.toISOString() ?? null;
  }
  await options.onProgress?.(1, rows);
  return rows;
}

/** Looks up the user and type of the assessments from index `from` on (those the last scan met first). */
async function resolveAssessments(client: pg.ClientBase, snapshot: CalibrationSnapshot, from: number): Promise<void> {
  const ids = snapshot.assessments.ids;
  for (let at = from; at < ids.length; at += 20_000) {
    const batch = ids.slice(at, at + 20_000);
    const found = await client.query({ text: assessmentsSql, values: [batch], rowMode: 'array' });
    for (const [id, userId, type] of found.rows as [string, string, string][]) {
      const k = snapshot.assessments.index.get(id) as number;
      snapshot.assessmentUser.array[k] = snapshot.users.code(userId);
      snapshot.assessmentType.array[k] = type === 'CERTIFICATION' ? TYPE_CERTIFICATION : type === 'PREVIEW' ? TYPE_PREVIEW : TYPE_OTHER;
    }
  }
  for (let k = from; k < ids.length; k++) {
    if ((snapshot.assessmentUser.array[k] as number) < 0) throw new Error(`assessment ${ids[k]} of an answer not found`);
  }
}

// ── From the snapshot to the run's matrix ───────────────────────────────────────────────────

/**
 * What may change after an answer was written, as the database holds it now: the users with a staff role,
 * those with a non-French locale, the neutralised answers up to the bound (numerically sorted). Read once
 * by the run; a worker building a shard of it (buildPersonRange) gets the same lists from the run.
 */
export interface SnapshotRules {
  staff: string[];
  focal: { id: string; locale: string }[];
  neutralised: string[];
}

export async function readSnapshotRules(client: pg.ClientBase, maxAnswerId: string): Promise<SnapshotRules> {
  const staff = await client.query<{ id: string }>(`SELECT id FROM "User" WHERE roles && ${STAFF_ROLES}`);
  const focal = await client.query<{ id: string; locale: string }>(
    `SELECT id, locale FROM "User" WHERE NOT (lower(locale) = 'fr' OR lower(locale) LIKE 'fr-%')`,
  );
  const neutralised = await client.query<{ id: string }>('SELECT "answerId"::text AS id FROM "Neutralisation" WHERE "answerId" <= $1::bigint ORDER BY 1', [
    maxAnswerId,
  ]);
  return { staff: staff.rows.map((r) => r.id), focal: focal.rows, neutralised: neutralised.rows.map((r) => r.id) };
}

/**
 * The run's data from the snapshot, with the data rules of decision 006 applied now: only the live
 * challenges given, answers up to `maxAnswerId`, staff users, locales and neutralisations as they are in
 * the database now. Equal to readCalibrationData's result on the same bound.
 */
export async function buildFromSnapshot(
  client: pg.ClientBase,
  snapshot: CalibrationSnapshot,
  challenges: readonly LiveChallenge[],
  maxAnswerId: string,
): Promise<CalibrationData & { rules: SnapshotRules }> {
  const rules = await readSnapshotRules(client, maxAnswerId);
  const kept = scanSnapshot(snapshot, challenges, maxAnswerId, rules, false);
  return {
    ...assembleCalibrationData(challenges, {
      ...kept,
      personOfAnswer: kept.personOfAnswer.view(),
      itemOfAnswer: kept.itemOfAnswer.view(),
      scores: kept.scores.view(),
    }),
    rules,
  };
}

/** The latest numbering of a snapshot's answers (buildPersonRange): a process building several shards of a run scans once. */
let numbered: { snapshot: CalibrationSnapshot; key: string; scan: ReturnType<typeof scanSnapshot> } | null = null;

/**
 * The rows of persons from … to − 1 of the matrix buildFromSnapshot gives with these rules (persons are
 * numbered in the order of their first answer, so every answer is scanned — once per snapshot, bound and
 * rules in a process — then the range's answers taken), items numbered as there (challenges with at least
 * one kept answer, in the challenges' order). What a worker process builds its shard from (decision 021,
 * h37): the same rows, bit for bit, as the run's matrix's.
 */
export function buildPersonRange(
  snapshot: CalibrationSnapshot,
  challenges: readonly LiveChallenge[],
  maxAnswerId: string,
  rules: SnapshotRules,
  from: number,
  to: number,
): { data: ResponseData; persons: number } {
  const key = JSON.stringify([maxAnswerId, challenges.map((c) => [c.id, c.competenceId]), rules]);
  if (numbered?.snapshot !== snapshot || numbered.key !== key) numbered = { snapshot, key, scan: scanSnapshot(snapshot, challenges, maxAnswerId, rules, true) };
  const kept = numbered.scan;
  const personAt = kept.personAt as Int32Array;
  let count = 0;
  for (let k = 0; k < personAt.length; k++) {
    const p = personAt[k] as number;
    if (p >= from && p < to) count++;
  }
  const personOfAnswer = new Int32Array(count);
  const itemOfAnswer = new Int32Array(count);
  const scores = new Uint8Array(count);
  const rowChallenge = snapshot.answerChallenge.array;
  const rowResult = snapshot.answerResult.array;
  let n = 0;
  for (let k = 0; k < personAt.length; k++) {
    const p = personAt[k] as number;
    if (p < from || p >= to) continue;
    personOfAnswer[n] = p;
    itemOfAnswer[n] = kept.itemOfCode[rowChallenge[k] as number] as number;
    scores[n] = rowResult[k] === 0 ? 1 : 0;
    n++;
  }
  const rows = rowsByPerson({ answers: count, personOfAnswer, itemOfAnswer, scores }, from, Math.max(from, Math.min(to, kept.persons)), challenges.length);
  const newIndex = new Int32Array(challenges.length).fill(-1);
  const itemIds: string[] = [];
  challenges.forEach((c, i) => {
    if ((kept.answered[i] as number) > 0) {
      newIndex[i] = itemIds.length;
      itemIds.push(c.id);
    }
  });
  const used = rows.rowStart[rows.rowStart.length - 1] as number;
  const items = rows.items.subarray(0, used);
  for (let j = 0; j < used; j++) items[j] = newIndex[items[j] as number] as number;
  return { data: { itemIds, rowStart: rows.rowStart, items, scores: rows.scores.subarray(0, used), weights: null }, persons: kept.persons };
}

/**
 * THE scan of the snapshot under the data rules (one place for buildFromSnapshot and buildPersonRange):
 * every answer up to the bound, on a live challenge, not a preview, not of staff, not neutralised; persons
 * numbered in order of their first such answer. `numbering`: instead of the kept answers, the person of
 * each answer of the snapshot (−1: left out), for person ranges to be taken from.
 */
function scanSnapshot(snapshot: CalibrationSnapshot, challenges: readonly LiveChallenge[], maxAnswerId: string, rules: SnapshotRules, numbering: boolean) {
  const bound = Number(maxAnswerId);
  const neutralisedIds = Float64Array.from(rules.neutralised, (id) => Number(id)).sort();
  const userCount = snapshot.users.ids.length;
  const userStaff = new Uint8Array(userCount);
  for (const id of rules.staff) {
    const u = snapshot.users.index.get(id);
    if (u !== undefined) userStaff[u] = 1;
  }
  const userLocale = new Map<number, string>();
  for (const { id, locale } of rules.focal) {
    const u = snapshot.users.index.get(id);
    if (u !== undefined) userLocale.set(u, locale);
  }
  const itemOfCode = new Int32Array(snapshot.challenges.ids.length).fill(-1);
  const competences = new Map<string, number>();
  const competenceOfItem = new Int32Array(challenges.length);
  challenges.forEach((c, i) => {
    const code = snapshot.challenges.index.get(c.id);
    if (code !== undefined) itemOfCode[code] = i;
    let k = competences.get(c.competenceId);
    if (k === undefined) competences.set(c.competenceId, (k = competences.size));
    competenceOfItem[i] = k;
  });
  const competenceCount = Math.max(1, competences.size);

  const counts = emptyReadCounts();
  const answers = snapshot.answers;
  const size = numbering ? 0 : answers;
  const personAt = numbering ? new Int32Array(answers).fill(-1) : null;
  const personOfAnswer = new Growing(new Int32Array(size), (n) => new Int32Array(n));
  // Items on 16 bits while there are at most 65,536 challenges (100M answers: 200 MB less).
  const itemOfAnswer =
    challenges.length <= 0x10000 ? new Growing(new Uint16Array(size), (n) => new Uint16Array(n)) : new Growing(new Int32Array(size), (n) => new Int32Array(n));
  const scores = new Growing(new Uint8Array(size), (n) => new Uint8Array(n));
  const answered = new Uint8Array(challenges.length);
  const personIndex = new Map<number, number>();
  const personLocale: string[] = [];
  const deltas = snapshot.idDelta.array;
  const rowAssessment = snapshot.answerAssessment.array;
  const rowChallenge = snapshot.answerChallenge.array;
  const rowResult = snapshot.answerResult.array;
  const assessmentUser = snapshot.assessmentUser.array;
  const assessmentType = snapshot.assessmentType.array;
  let id = Number(snapshot.firstAnswerId) - (answers > 0 ? (deltas[0] as number) : 0);
  let nextNeutralised = 0;
  let kept = 0;
  for (let k = 0; k < answers; k++) {
    id += deltas[k] as number;
    if (id > bound) break;
    const item = itemOfCode[rowChallenge[k] as number] as number;
    if (item < 0) continue;
    counts.read++;
    const assessment = rowAssessment[k] as number;
    const type = assessmentType[assessment] as number;
    if (type === TYPE_PREVIEW) {
      counts.excluded.preview++;
      continue;
    }
    const user = assessmentUser[assessment] as number;
    if (userStaff[user] === 1) {
      counts.excluded.staff++;
      continue;
    }
    if (nextNeutralised < neutralisedIds.length) {
      while (nextNeutralised < neutralisedIds.length && (neutralisedIds[nextNeutralised] as number) < id) nextNeutralised++;
      if (neutralisedIds[nextNeutralised] === id) {
        counts.excluded.neutralised++;
        continue;
      }
    }
    const key = type === TYPE_CERTIFICATION ? -1 - assessment : user * competenceCount + (competenceOfItem[item] as number);
    let person = personIndex.get(key);
    if (person === undefined) {
      person = personIndex.size;
      personIndex.set(key, person);
      if (!numbering) personLocale.push(userLocale.get(user) ?? 'fr');
      if (type === TYPE_CERTIFICATION) counts.certificationCandidates++;
      else counts.learnerCompetences++;
    }
    answered[item] = 1;
    const result = rowResult[k] as number;
    if (result === 2) counts.scoredWrong.skipped++;
    else if (result === 3) counts.scoredWrong.timedout++;
    else if (result === 4) counts.scoredWrong.aband++;
    if (personAt !== null) {
      personAt[k] = person;
      continue;
    }
    personOfAnswer.array[kept] = person;
    itemOfAnswer.array[kept] = item;
    scores.array[kept] = result === 0 ? 1 : 0;
    kept++;
  }
  personOfAnswer.length = itemOfAnswer.length = scores.length = kept;
  return { answers: kept, personOfAnswer, itemOfAnswer, scores, personLocale, counts, maxAnswerId, answered, persons: personIndex.size, personAt, itemOfCode };
}

// ── The file ────────────────────────────────────────────────────────────────────────────────

const pad = (n: number, to: number) => (n + to - 1) & ~(to - 1);

function bytesOf(array: Int32Array | Uint32Array | Uint8Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** Writes the snapshot to `path` (a temporary file renamed over it: readers never see half a file). */
export function writeSnapshot(path: string, snapshot: CalibrationSnapshot): { bytes: number } {
  const strings = [snapshot.challenges.ids, snapshot.users.ids, snapshot.assessments.ids].map((ids) => Buffer.from(ids.join('\n'), 'utf8'));
  const header: SnapshotHeader & { stringBytes: number[] } = {
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    database: snapshot.database,
    firstAnswerId: snapshot.firstAnswerId,
    lastAnswerId: snapshot.lastAnswerId,
    lastAnswerAt: snapshot.lastAnswerAt,
    lastAssessmentId: snapshot.answers > 0 ? (snapshot.assessments.ids[snapshot.answerAssessment.array[snapshot.answers - 1] as number] ?? null) : null,
    lastChallengeId: snapshot.answers > 0 ? (snapshot.challenges.ids[snapshot.answerChallenge.array[snapshot.answers - 1] as number] ?? null) : null,
    answers: snapshot.answers,
    challenges: snapshot.challenges.ids.length,
    users: snapshot.users.ids.length,
    assessments: snapshot.assessments.ids.length,
    writtenAt: new Date().toISOString(),
    stringBytes: strings.map((b) => b.length),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(pad(16 + json.length, 8));
  MAGIC.copy(head, 0);
  head.writeUInt32LE(SNAPSHOT_FORMAT_VERSION, 8);
  head.writeUInt32LE(json.length, 12);
  json.copy(head, 16);
  const parts: Buffer[] = [head];
  let length = head.length;
  const push = (b: Buffer, align = 1) => {
    parts.push(b);
    length += b.length;
    const padded = pad(length, align);
    if (padded > length) {
      parts.push(Buffer.alloc(padded - length));
      length = padded;
    }
  };
  for (const s of strings) push(s);
  push(Buffer.alloc(0), 4);
  push(bytesOf(snapshot.assessmentUser.view()));
  push(bytesOf(snapshot.assessmentType.view()), 4);
  push(bytesOf(snapshot.idDelta.view()));
  push(bytesOf(snapshot.answerAssessment.view()));
  push(bytesOf(snapshot.answerChallenge.view()));
  push(bytesOf(snapshot.answerResult.view()));
  let crc = 0;
  for (const part of parts) crc = crc32(part, crc);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32LE(crc >>> 0, 0);
  parts.push(trailer);
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  // Part by part: the columns are not copied into one buffer first (100M answers: 1.3 GB more).
  const fd = openSync(temporary, 'w');
  try {
    for (const part of parts) {
      for (let at = 0; at < part.length;) at += writeSync(fd, part, at, part.length - at);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  return { bytes: length + 4 };
}

/** Reads a snapshot file; null when it is missing, of another format version, or damaged (checksum). */
export function readSnapshot(path: string): CalibrationSnapshot | null {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return null;
  }
  if (file.length < 20 || !file.subarray(0, 8).equals(MAGIC)) return null;
  if (file.readUInt32LE(8) !== SNAPSHOT_FORMAT_VERSION) return null;
  const body = file.subarray(0, file.length - 4);
  if (crc32(body) >>> 0 !== file.readUInt32LE(file.length - 4)) return null;
  const jsonLength = file.readUInt32LE(12);
  const header = JSON.parse(file.toString('utf8', 16, 16 + jsonLength)) as SnapshotHeader & { stringBytes: number[] };
  let at = pad(16 + jsonLength, 8);
  const strings = header.stringBytes.map((n) => {
    const ids = n === 0 ? [] : file.toString('utf8', at, at + n).split('\n');
    at += n;
    return ids;
  });
  at = pad(at, 4);
  // Copies, so the columns can grow (and be aligned whatever the buffer's offset).
  const take = <T extends Int32Array | Uint32Array | Uint8Array>(make: (n: number) => T, count: number, size: number): T => {
    const out = make(count);
    new Uint8Array(out.buffer).set(file.subarray(at, at + count * size));
    at += count * size;
    return out;
  };
  const assessmentUser = take((n) => new Int32Array(n), header.assessments, 4);
  const assessmentType = take((n) => new Uint8Array(n), header.assessments, 1);
  at = pad(at, 4);
  const idDelta = take((n) => new Uint32Array(n), header.answers, 4);
  const answerAssessment = take((n) => new Int32Array(n), header.answers, 4);
  const answerChallenge = take((n) => new Int32Array(n), header.answers, 4);
  const answerResult = take((n) => new Uint8Array(n), header.answers, 1);
  const [challenges = [], users = [], assessments = []] = strings;
  if (challenges.length !== header.challenges || users.length !== header.users || assessments.length !== header.assessments) return null;
  const snapshot = new CalibrationSnapshot(header.database, {
    challenges,
    users,
    assessments,
    assessmentUser,
    assessmentType,
    idDelta,
    answerAssessment,
    answerChallenge,
    answerResult,
  });
  snapshot.firstAnswerId = header.firstAnswerId;
  snapshot.lastAnswerId = header.lastAnswerId;
  snapshot.lastAnswerAt = header.lastAnswerAt;
  return snapshot;
}

// ── The pipeline's reader ───────────────────────────────────────────────────────────────────

/** Folder of the snapshot files: WORKBENCH_DATA_DIR/calibration, or null (none) when CALIBRATION_SNAPSHOTS=0. */
export function defaultSnapshotDir(): string | null {
  return env().CALIBRATION_SNAPSHOTS === 1 ? join(resolve(env().WORKBENCH_DATA_DIR), 'calibration') : null;
}

/** The snapshot a process used last, kept for the next run in the same process. */
let kept: { path: string; snapshot: CalibrationSnapshot } | null = null;

/** Forgets the snapshot kept in memory (tests; a process short of memory). */
export function forgetKeptSnapshot(): void {
  kept = null;
}

export interface PipelineReadOptions extends ScanOptions {
  /** Read answers with id ≤ this (default: the latest answer at the start). */
  maxAnswerId?: string | null;
  /** Folder of the snapshot files; null: no file (the answers are streamed each time). */
  snapshotDir?: string | null;
  /** Keep the snapshot in this process's memory for the next run (default true). */
  keepInMemory?: boolean;
}

export interface PipelineRead {
  read: CalibrationData;
  /** Where the snapshot came from. */
  source: 'memory' | 'file' | 'none';
  /** Answers streamed from PostgreSQL by this read (the new ones when a snapshot was extended). */
  streamed: number;
  /** Answers in the snapshot after this read. */
  snapshotAnswers: number;
  /** The data rules' lists the matrix was built with (the run's shards are built with the same). */
  rules: SnapshotRules;
  seconds: { load: number; stream: number; write: number; build: number };
}

async function databaseIdentity(client: pg.ClientBase): Promise<string> {
  const r = await client.query<{ name: string; oid: string }>(
    'SELECT current_database() AS name, oid::text AS oid FROM pg_database WHERE datname = current_database()',
  );
  const row = r.rows[0];
  return `${row?.name ?? 'db'}-${row?.oid ?? '0'}`;
}

/** Whether the snapshot's last answer is still, in this database, the answer it read. */
async function stillValid(client: pg.ClientBase, snapshot: CalibrationSnapshot): Promise<boolean> {
  if (snapshot.answers === 0) return true;
  const r = await client.query<{ assessmentId: string; challengeId: string }>('SELECT "assessmentId", "challengeId" FROM "Answer" WHERE id = $1::bigint', [
    snapshot.lastAnswerId,
  ]);
  const row = r.rows[0];
  const k = snapshot.answers - 1;
  return (
    row !== undefined &&
    row.assessmentId === snapshot.assessments.ids[snapshot.answerAssessment.array[k] as number] &&
    row.challengeId === snapshot.challenges.ids[snapshot.answerChallenge.array[k] as number]
  );
}

/**
 * The calibration data of a run through the snapshot: the kept (or stored) snapshot extended with the
 * answers after it, up to the run's bound, saved back, then the run's matrix built from it.
 */
export function readCalibrationDataFromSnapshot(
  client: pg.ClientBase,
  challenges: readonly LiveChallenge[],
  options: PipelineReadOptions = {},
): Promise<PipelineRead> {
  // One read at a time in a process: two runs at once must not extend the same snapshot together.
  const read = reading.then(() => readThroughSnapshot(client, challenges, options));
  reading = read.then(
    () => undefined,
    () => undefined,
  );
  return read;
}

let reading: Promise<void> = Promise.resolve();

async function readThroughSnapshot(client: pg.ClientBase, challenges: readonly LiveChallenge[], options: PipelineReadOptions): Promise<PipelineRead> {
  const maxAnswerId = options.maxAnswerId ?? (await latestAnswerId(client)) ?? '0';
  const { snapshot, source, streamed, seconds } = await snapshotThrough(client, maxAnswerId, options);
  const t = performance.now();
  const { rules, ...read } = await buildFromSnapshot(client, snapshot, challenges, maxAnswerId);
  seconds.build = (performance.now() - t) / 1000;
  return { read, rules, source, streamed, snapshotAnswers: snapshot.answers, seconds };
}

/**
 * The snapshot holding every answer up to `maxAnswerId`: the one kept in this process's memory, else its
 * file, else a new one; extended with the answers after it (and saved back to its file). What a run reads
 * its data through, and what a worker process builds its shards from (decision 021, h37: a worker on
 * another machine keeps its own, in its own data folder).
 */
export function snapshotUpTo(client: pg.ClientBase, maxAnswerId: string, options: Omit<PipelineReadOptions, 'maxAnswerId'> = {}): Promise<CalibrationSnapshot> {
  const read = reading.then(() => snapshotThrough(client, maxAnswerId, options));
  reading = read.then(
    () => undefined,
    () => undefined,
  );
  return read.then((r) => r.snapshot);
}

async function snapshotThrough(
  client: pg.ClientBase,
  maxAnswerId: string,
  options: Omit<PipelineReadOptions, 'maxAnswerId'>,
): Promise<{ snapshot: CalibrationSnapshot; source: PipelineRead['source']; streamed: number; seconds: PipelineRead['seconds'] }> {
  const seconds = { load: 0, stream: 0, write: 0, build: 0 };
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const s = (now - t) / 1000;
    t = now;
    return s;
  };
  const database = await databaseIdentity(client);
  const path = options.snapshotDir ? join(options.snapshotDir, `${database.replace(/[^\w.-]/g, '_')}.calsnap`) : null;
  let source: PipelineRead['source'] = 'none';
  let snapshot: CalibrationSnapshot | null = null;
  if (path && kept?.path === path && kept.snapshot.database === database) {
    snapshot = kept.snapshot;
    source = 'memory';
  } else if (path) {
    try {
      statSync(path);
      snapshot = readSnapshot(path);
      if (snapshot && snapshot.database === database) source = 'file';
      else snapshot = null;
    } catch {
      snapshot = null;
    }
  }
  if (snapshot && !(await stillValid(client, snapshot))) {
    snapshot = null;
    source = 'none';
  }
  snapshot ??= new CalibrationSnapshot(database);
  seconds.load = lap();
  const streamed = await extendSnapshot(client, snapshot, maxAnswerId, options);
  seconds.stream = lap();
  if (path && streamed > 0) {
    mkdirSync(options.snapshotDir as string, { recursive: true });
    writeSnapshot(path, snapshot);
  }
  seconds.write = lap();
  kept = path && options.keepInMemory !== false && snapshot.bytes <= env().CALIBRATION_SNAPSHOT_KEEP_MB * 1048576 ? { path, snapshot } : null;
  return { snapshot, source, streamed, seconds };
}
