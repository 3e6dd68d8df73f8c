/** `calibrate --model 3pl [--guessing FILE]` as a user runs it (`node --import tsx cli/main.ts …`). */
import { describe, expect, it } from 'vitest';
import { cliHarness } from './test-harness';
import { simulate3pl } from '../engine/calibration/three-pl.fixture';
import { createRandom } from '../engine/random';

const { cli, file } = cliHarness('cli-3pl-');

const sim = simulate3pl(createRandom(4), { items: 8, persons: 2000 });
const lines = [sim.data.itemIds.join(',')];
for (let r = 0; r < sim.data.rowStart.length - 1; r++) {
  const cells: string[] = [];
  for (let j = sim.data.rowStart[r]!; j < sim.data.rowStart[r + 1]!; j++) cells.push(String(sim.data.scores[j]));
  lines.push(cells.join(','));
}
const wide = file('three-pl.csv', `${lines.join('\n')}\n`);

describe('cli calibrate --model 3pl', () => {
  it('prints c and its SE per item, the guessing prior, and says which prior the items got', async () => {
    const guessing = file('guessing.csv', `item,proposals,c\n${sim.items[0]!.id},4,\n${sim.items[1]!.id},,0.25\n`);
    const { code, stdout, stderr } = await cli('calibrate', wide, '--model', '3pl', '--guessing', guessing);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.model).toBe('3pl');
    expect(out.standardErrors).toBe('observed');
    expect(out.guessing).toEqual({ prior: 'beta', weight: 20, defaultMode: 0.2, modesGiven: 1, fixed: 1 });
    expect(out.parameters).toBe(8 * 3 - 1);
    expect(out.items[1].c).toBe(0.25);
    expect(out.items[1].se.c).toBeNull();
    expect(out.items[0].se.c).toBeGreaterThan(0);
    expect(out.items[0].sx2.df).toBe(out.items[1].sx2.df - 1);
    for (const item of out.items) expect(Object.keys(item).slice(0, 5)).toEqual(['item', 'a', 'd', 'b', 'c']);
    expect(stderr).toContain('6 item(s) not in');
    expect(stderr).toContain('boundary of the parameter space');
  }, 120_000);

  it('without --guessing says the default prior is centred on 0.2; a 2PL document has no c', async () => {
    const three = await cli('calibrate', wide, '--model', '3pl', '--standard-errors', 'observed');
    expect(three.code).toBe(0);
    expect(three.stderr).toContain('default prior Beta(20 × mode + 1, 20 × (1 − mode) + 1) centred on 0.2');
    const two = await cli('calibrate', wide);
    expect(two.code).toBe(0);
    const out = JSON.parse(two.stdout);
    expect(out.guessing).toBeUndefined();
    expect(out.items[0].c).toBeUndefined();
    expect(Object.keys(out.items[0].se)).toEqual(['a', 'd', 'b']);
  }, 120_000);

  it('refuses clearly: --guessing without 3pl, c without prior, a bad proposals cell', async () => {
    const guessing = file('g2.csv', 'item,proposals\nq1,4\n');
    const notThree = await cli('calibrate', wide, '--guessing', guessing);
    expect(notThree.code).toBe(2);
    expect(notThree.stderr).toContain('--guessing is for --model 3pl');
    const noPrior = await cli('calibrate', wide, '--model', '3pl', '--priors', 'off');
    expect(noPrior.code).not.toBe(0);
    expect(noPrior.stderr).toContain('prior on the lower asymptote');
    const bad = await cli('calibrate', wide, '--model', '3pl', '--guessing', file('g3.csv', 'item,proposals\nq1,1\n'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a whole number of proposals ≥ 2');
  }, 120_000);
});
