/** `cli qti import` without --dry-run: proposals in the database given, in the name of the account given. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePackage } from '../tests/fixtures/qti';
import { testDatabaseUrl, testDb } from '../tests/setup/db';
import { makeSkill, makeUser } from '../tests/setup/authoring-fixtures';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cli-qti-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli qti import', () => {
  it('writes the supported items as proposals submitted for review, and reports the others', async () => {
    const db = testDb();
    const skill = await makeSkill(db);
    const user = await makeUser(db, ['AUTHOR'], 'Ines');
    const file = join(dir, 'outil.zip');
    writeFileSync(file, fixturePackage('other-tool-qti3'));
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', 'qti', 'import', file, '--skill', skill.name, '--as', user.email, '--database', testDatabaseUrl()],
      { cwd: repoRoot },
    );
    const report = JSON.parse(stdout);
    expect(report.imported.map((i: { identifier: string }) => i.identifier)).toEqual(['choice-browser', 'choice-formats', 'text-capital']);
    expect(report.refused).toEqual([{ identifier: 'match-pairs', reason: expect.stringMatching(/non prise en charge/) }]);
    const rows = await db.challenge.findMany({ where: { skillId: skill.id }, include: { currentVersion: true } });
    expect(rows.map((r) => r.status)).toEqual(['submitted', 'submitted', 'submitted']);
    expect(rows.every((r) => r.currentVersion?.authorId === user.id)).toBe(true);
  }, 60_000);
});
