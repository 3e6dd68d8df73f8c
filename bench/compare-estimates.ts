/**
 * The largest differences between two runs' results written by `calibration-10m.ts --estimates-out FILE`
 * (e.g. an old tree's and a new one's): per path of keys (arrays' indices left out), the maximum absolute and relative difference over every
 * number under that key. Run: node --import tsx bench/compare-estimates.ts old.json new.json
 */
import { readFileSync } from 'node:fs';

const [oldFile, newFile] = process.argv.slice(2);
if (oldFile === undefined || newFile === undefined) throw new Error('usage: compare-estimates.ts old.json new.json');
const read = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const worst = new Map<string, { absolute: number; relative: number; count: number }>();

function walk(x: unknown, y: unknown, key: string): void {
  if (typeof x === 'number' && typeof y === 'number') {
    const entry = worst.get(key) ?? { absolute: 0, relative: 0, count: 0 };
    const absolute = x === y || (Number.isNaN(x) && Number.isNaN(y)) ? 0 : Math.abs(x - y);
    entry.absolute = Math.max(entry.absolute, absolute);
    entry.relative = Math.max(entry.relative, absolute === 0 ? 0 : absolute / Math.max(Math.abs(x), Math.abs(y)));
    entry.count++;
    worst.set(key, entry);
  } else if (Array.isArray(x) && Array.isArray(y)) {
    x.forEach((value, k) => walk(value, y[k], key));
  } else if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object') {
    for (const [name, value] of Object.entries(x)) walk(value, (y as Record<string, unknown>)[name], key === '' ? name : `${key}.${name}`);
  }
}

walk(read(oldFile), read(newFile), '');
for (const [key, { absolute, relative, count }] of [...worst].sort()) {
  console.log(`${key.padEnd(24)} ${String(count).padStart(8)} numbers  max |Δ| ${absolute.toExponential(2)}  max relative ${relative.toExponential(2)}`);
}
