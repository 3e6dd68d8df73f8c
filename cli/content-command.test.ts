/** The content commands as a CI job drives them, on the starter pack and the hand-written QTI packages. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePackage } from '../tests/fixtures/qti';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cli-content-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const packs = readdirSync(join(repoRoot, 'content/pack'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => join('content/pack', f));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
      cwd: repoRoot,
      maxBuffer: 1 << 26,
      env: { ...process.env, DATABASE_URL: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('cli qti', () => {
  it('exports the starter pack as a QTI 3.0 package, which a dry-run import reads back whole without a database', async () => {
    const out = join(dir, 'starter.zip');
    const exported = await cli('qti', 'export', ...packs, '--out', out);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const summary = JSON.parse(exported.stdout);
    expect(summary.items).toBeGreaterThan(200);
    const imported = await cli('qti', 'import', out, '--dry-run');
    expect(imported.code).toBe(0);
    expect(imported.stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(imported.stdout);
    expect(Object.keys(report)).toEqual(['imported', 'refused']);
    expect(report.refused).toEqual([]);
    expect(report.imported).toHaveLength(summary.items);
    expect(Object.keys(report.imported[0])).toEqual(['identifier', 'type', 'title']);
    expect(new Set(report.imported.map((i: { type: string }) => i.type))).toEqual(new Set(['QCU', 'QCM', 'QROC', 'QROCM-ind', 'QROCM-dep']));
  }, 60_000);

  it('reports what a package made elsewhere holds, and refuses a bad package naming the file', async () => {
    const file = join(dir, 'outil.zip');
    writeFileSync(file, fixturePackage('other-tool-qti3'));
    const { code, stdout } = await cli('qti', 'import', file, '--dry-run');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      imported: [
        { identifier: 'choice-browser', type: 'QCU', title: 'Navigateur libre' },
        { identifier: 'choice-formats', type: 'QCM', title: 'Formats ouverts' },
        { identifier: 'text-capital', type: 'QROC', title: 'Extension d’un fichier' },
      ],
      refused: [{ identifier: 'match-pairs', reason: expect.stringMatching(/qti-match-interaction non prise en charge/) }],
    });
    const notZip = join(dir, 'vide.zip');
    writeFileSync(notZip, 'PK pas vraiment');
    const bad = await cli('qti', 'import', notZip, '--dry-run');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual({ imported: [], refused: [{ identifier: 'vide.zip', reason: expect.stringMatching(/archive zip illisible/) }] });
    const noDb = await cli('qti', 'import', file);
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toMatch(/--skill is required/);
  }, 60_000);
});

describe('cli pack check', () => {
  it('accepts the starter pack', async () => {
    const { code, stdout, stderr } = await cli('pack', 'check', ...packs);
    expect(stdout).toBe('');
    expect(stderr).toBe('16 paquet(s) conforme(s)\n');
    expect(code).toBe(0);
  }, 30_000);

  it('prints each problem with file, path and reason, in French or English, and exits 1', async () => {
    const pack = JSON.parse(readFileSync(join(repoRoot, 'content/pack/1.1.json'), 'utf8'));
    const challenge = pack.thematics[0].tubes[0].skills[0].challenges[0];
    challenge.type = 'QCU';
    challenge.answer = { proposals: ['a', 'b'], correct: 5 };
    delete pack.thematics[0].tubes[0].title;
    const file = join(dir, '1.1-casse.json');
    writeFileSync(file, JSON.stringify(pack));
    const fr = await cli('pack', 'check', file);
    expect(fr.code).toBe(1);
    const lines = fr.stdout.trim().split('\n');
    expect(lines).toContain(`${file} › thematics[0].tubes[0].title : champ obligatoire absent (string attendu)`);
    expect(lines.some((l) => l.startsWith(`${file} › thematics[0].tubes[0].skills[0].challenges[0].answer : `) && /bonne réponse|proposition/i.test(l))).toBe(
      true,
    );
    const en = await cli('pack', 'check', file, '--lang', 'en');
    expect(en.code).toBe(1);
    expect(en.stdout).toContain(`${file} › thematics[0].tubes[0].title : required field missing (string expected)`);
    expect(en.stdout).toContain(
      `${file} › thematics[0].tubes[0].skills[0].challenges[0].answer : answer: the right answer must be the number of a proposal (0 to 1)`,
    );
    expect(en.stderr).toMatch(/problem\(s\)/);
  }, 30_000);
});
