/** Shared by the calibration and CLI tests: where the repository is, and LSAT7 as response data. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResponseDataBuilder, type ResponseData } from './data';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const lsat7Path = resolve(repoRoot, '..', 'shared', 'data', 'lsat7.csv');

/** LSAT7 `pattern,count` rows. */
export function lsat7Patterns(): { pattern: string; count: number }[] {
  return readFileSync(lsat7Path, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => {
      const [pattern, count] = line.split(',');
      return { pattern: pattern as string, count: Number(count) };
    });
}

/** LSAT7 as weighted response data, items "item1".."item5". */
export function lsat7Data(): ResponseData {
  const builder = new ResponseDataBuilder(['item1', 'item2', 'item3', 'item4', 'item5']);
  for (const { pattern, count } of lsat7Patterns()) {
    builder.beginRow(count);
    for (let i = 0; i < 5; i++) builder.addAnswer(i, pattern[i] === '1' ? 1 : 0);
  }
  return builder.build();
}

/** LSAT7 as the CLI's wide CSV with a weight column. */
export function lsat7WideCsv(): string {
  const rows = lsat7Patterns().map(({ pattern, count }) => `${pattern.split('').join(',')},${count}`);
  return `item1,item2,item3,item4,item5,weight\n${rows.join('\n')}\n`;
}
