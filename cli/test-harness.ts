/**
 * What the CLI's tests share: running the command as a user does (`node --import tsx cli/main.ts …`
 * from the repository's root) and writing input files in a temporary folder removed after the file's tests.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect } from 'vitest';

const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Call at the top of a test file: returns the runner and a file writer bound to a fresh folder. */
export function cliHarness(prefix: string): { dir: string; cli: (...args: string[]) => Promise<CliOutcome>; file: (name: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = async (...args: string[]): Promise<CliOutcome> => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { cwd: repoRoot, maxBuffer: 1 << 26 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  return { dir, cli, file };
}

/** Each outcome is a refusal as the CLI promises one: status 2, nothing on stdout, one line on stderr matching its pattern. */
export function expectRefusals(outcomes: readonly CliOutcome[], cases: readonly (readonly [string, ...unknown[]])[], patterns: readonly RegExp[]): void {
  cases.forEach(([name], k) => {
    const r = outcomes[k] as CliOutcome;
    expect(r.code, name).toBe(2);
    expect(r.stdout, name).toBe('');
    expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
    expect(r.stderr, name).toMatch(patterns[k] as RegExp);
  });
}
