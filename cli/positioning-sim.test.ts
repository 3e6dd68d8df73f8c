import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureCommand } from '../tests/setup/capture-command';
import { runPositioningSim } from './positioning-sim-command';

const run = (argv: string[]) => captureCommand(runPositioningSim, argv);

afterEach(() => vi.restoreAllMocks());

describe('positioning-sim', () => {
  it('prints the two policies with their figures and the evidence checks, the same for the same seed', async () => {
    const first = await run(['--learners', '15', '--seed', '7']);
    expect(first.code).toBe(0);
    const parsed = JSON.parse(first.out) as { policies: Record<string, Record<string, number>>; evidenceOracle: { exactLevelRateByLength: number[] } };
    expect(Object.keys(parsed)).toEqual(['policies', 'evidenceOracle']);
    expect(Object.keys(parsed.policies)).toEqual(['irt', 'smartRandom']);
    expect(parsed.evidenceOracle.exactLevelRateByLength.length).toBeGreaterThan(1);
    for (const policy of Object.values(parsed.policies)) {
      expect(Object.keys(policy)).toEqual([
        'exactLevelRate',
        'withinOneLevelRate',
        'meanQuestions',
        'p95Questions',
        'maxExposure',
        'wronglyValidatedSkills',
        'levelAccuracyVsOracle',
        'allWrongLevelZeroRate',
        'perfectTopLevelRate',
      ]);
      // The evidence rules (decision 017): no skill answered wrong is validated, all-wrong learners get
      // level 0, learners who answer everything right reach the bank's top level.
      expect(policy.wronglyValidatedSkills).toBe(0);
      expect(policy.allWrongLevelZeroRate).toBe(1);
      expect(policy.perfectTopLevelRate).toBe(1);
      expect(policy.levelAccuracyVsOracle).toBeGreaterThan(0);
      for (const rate of [policy.exactLevelRate, policy.withinOneLevelRate, policy.maxExposure]) {
        expect(rate).toBeGreaterThanOrEqual(0);
        expect(rate).toBeLessThanOrEqual(1);
      }
      expect(policy.withinOneLevelRate).toBeGreaterThanOrEqual(policy.exactLevelRate!);
      expect(policy.meanQuestions).toBeGreaterThan(0);
      expect(policy.p95Questions).toBeGreaterThanOrEqual(1);
    }
    expect(first.out.endsWith('}\n')).toBe(true);
    expect((await run(['--learners', '15', '--seed', '7'])).out).toBe(first.out);
    expect((await run(['--learners', '15', '--seed', '8'])).out).not.toBe(first.out);
  }, 120_000);

  it('runs the engine on parameters estimated from simulated answers, never on the truth', async () => {
    const { out } = await run(['--learners', '5', '--seed', '7', '--details', 'on']);
    const details = (JSON.parse(out) as { details: Record<string, { calibration: { rmseA: number; rmseB: number }; challenges: number }> }).details;
    expect(Object.keys(details)).toHaveLength(16);
    for (const competence of Object.values(details)) {
      // Estimated, so not exactly the truth; but close to it.
      expect(competence.calibration.rmseB).toBeGreaterThan(0);
      expect(competence.calibration.rmseB).toBeLessThan(0.5);
    }
  }, 120_000);

  it('runs on the pix-scale bank: 16 competences × 5 tubes × levels 1–7 × 3 challenges', async () => {
    const { code, out } = await run(['--learners', '3', '--seed', '7', '--bank', 'pix-scale', '--details', 'on']);
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { policies: Record<string, Record<string, number>>; details: Record<string, { skills: number; challenges: number }> };
    expect(Object.keys(parsed.details)).toHaveLength(16);
    for (const competence of Object.values(parsed.details)) expect(competence).toMatchObject({ skills: 35, challenges: 105 });
    for (const policy of Object.values(parsed.policies)) expect(policy.wronglyValidatedSkills).toBe(0);
  }, 300_000);

  it('says what is wrong with the options, with status 2', async () => {
    expect(await run(['--bank', 'huge'])).toMatchObject({ code: 2, err: expect.stringContaining('--bank') });
    expect(await run(['--learners', 'beaucoup'])).toMatchObject({ code: 2, err: expect.stringContaining('--learners') });
    expect(await run(['--unknown', '1'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown option --unknown') });
  });
});
