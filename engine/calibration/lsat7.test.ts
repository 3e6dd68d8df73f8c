/**
 * LSAT section 7 (Bock & Lieberman, 1970) against the published mirt results listed in
 * tests/fixtures/lsat7/README.md: 61 quadrature points on [−6, 6], tolerance 1e-4, no priors.
 */
import { describe, expect, it } from 'vitest';
import { calibrate } from '.';
import { lsat7Data } from '../../tests/fixtures/lsat7';

const published = {
  a: [0.988, 1.081, 1.706, 0.7651, 0.7358],
  d: [1.8561, 0.808, 1.8043, 0.486, 1.8545],
  seA: [0.177, 0.169, 0.321, 0.134, 0.151],
  seD: [0.131, 0.091, 0.205, 0.075, 0.114],
  logLik: -2658.805,
  raschD: [1.868, 0.791, 1.461, 0.521, 1.993],
};

describe('LSAT7 reproduces the published 2PL and Rasch estimates', () => {
  for (const acceleration of ['squarem', 'none'] as const) {
    it(`2PL without priors (acceleration: ${acceleration})`, async () => {
      const result = await calibrate(lsat7Data(), { priors: false, acceleration });
      console.log(
        `LSAT7 2PL (${acceleration}): logLik ${result.logLik.toFixed(4)}, ${result.iterations} cycles\n` +
          result.items
            .map(
              (i) =>
                `  ${i.item}: a ${i.a.toFixed(4)} (${i.se.a?.toFixed(4)})  d ${i.d.toFixed(4)} (${i.se.d?.toFixed(4)})  b ${i.b.toFixed(4)} (${i.se.b?.toFixed(4)})`,
            )
            .join('\n'),
      );
      expect(result.converged).toBe(true);
      expect(result.persons).toBe(1000);
      expect(result.answers).toBe(5000);
      expect(Math.abs(result.logLik - published.logLik)).toBeLessThan(0.01);
      result.items.forEach((item, i) => {
        expect(Math.abs(item.a - published.a[i]!)).toBeLessThan(0.01);
        expect(Math.abs(item.d - published.d[i]!)).toBeLessThan(0.01);
        // Observed information (full matrix): within 0.005 of mirt's SEs.
        expect(result.standardErrors).toBe('observed');
        expect(Math.abs(item.se.a! - published.seA[i]!)).toBeLessThan(0.005);
        expect(Math.abs(item.se.d! - published.seD[i]!)).toBeLessThan(0.005);
        expect(item.flags).toEqual([]);
      });
    });
  }

  it('Rasch (slopes 1, latent variance estimated)', async () => {
    const result = await calibrate(lsat7Data(), { priors: false, model: 'rasch' });
    console.log(
      `LSAT7 Rasch: d ${result.items.map((i) => i.d.toFixed(4)).join(', ')}; latent SD ${result.latent.sd.toFixed(4)}; logLik ${result.logLik.toFixed(4)}`,
    );
    expect(result.converged).toBe(true);
    result.items.forEach((item, i) => {
      expect(item.a).toBe(1);
      expect(item.se.a).toBeNull();
      expect(Math.abs(item.d - published.raschD[i]!)).toBeLessThan(0.01);
    });
    expect(result.latent.mean).toBe(0);
    expect(result.latent.sd).toBeGreaterThan(0.9);
  });

  it('Louis per-item blocks understate the full observed SEs only slightly', async () => {
    const result = await calibrate(lsat7Data(), { priors: false, standardErrors: 'louis-block' });
    result.items.forEach((item, i) => {
      expect(item.se.a!).toBeLessThanOrEqual(published.seA[i]! + 0.001);
      expect(Math.abs(item.se.a! - published.seA[i]!)).toBeLessThan(0.03);
      expect(Math.abs(item.se.d! - published.seD[i]!)).toBeLessThan(0.02);
    });
  });

  it('reports progress every cycle and can be cancelled', async () => {
    const progress: { cycle: number; logLik: number; maxChange: number }[] = [];
    await calibrate(lsat7Data(), { priors: false }, { hooks: { onProgress: (p) => progress.push(p) } });
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.map((p) => p.cycle)).toEqual(progress.map((_, k) => k + 1));
    expect(progress.at(-1)!.maxChange).toBeLessThan(1e-4);

    let asked = 0;
    await expect(calibrate(lsat7Data(), { priors: false }, { hooks: { shouldCancel: () => ++asked > 3 } })).rejects.toMatchObject({
      name: 'CalibrationCancelledError',
    });

    // Cancelled once the EM has converged: the run stops before the exact standard errors (a long step on a bank).
    let calls = 0;
    await calibrate(lsat7Data(), { priors: false, standardErrors: 'none' }, { hooks: { shouldCancel: () => (calls++, false) } });
    let late = 0;
    await expect(calibrate(lsat7Data(), { priors: false }, { hooks: { shouldCancel: () => ++late > calls } })).rejects.toMatchObject({
      name: 'CalibrationCancelledError',
    });
  });

  it('says so when it does not converge', async () => {
    const result = await calibrate(lsat7Data(), { priors: false, maxCycles: 3 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(3);
    for (const item of result.items) expect(item.flags).toContain('not_converged');
  });

  it('reports seconds only from an injected clock', async () => {
    let t = 1000;
    const result = await calibrate(lsat7Data(), { priors: false }, { hooks: { now: () => (t += 250) } });
    expect(result.seconds).toBe(0.25);
    expect((await calibrate(lsat7Data(), { priors: false })).seconds).toBeNull();
  });
});
