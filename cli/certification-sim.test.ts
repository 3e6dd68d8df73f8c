import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureCommand } from '../tests/setup/capture-command';
import { runCertificationSim } from './certification-sim-command';

const run = (argv: string[]) => captureCommand(runCertificationSim, argv);

afterEach(() => vi.restoreAllMocks());

describe('certification-sim', () => {
  it('prints the validity and test–retest figures with the oracle, the same for the same seed', async () => {
    const argv = ['--candidates', '8', '--seed', '5', '--calibration-learners', '300', '--calibration-answers', '8'];
    const first = await run(argv);
    expect(first.code).toBe(0);
    const parsed = JSON.parse(first.out) as Record<string, number> & { oracle: Record<string, number> };
    expect(Object.keys(parsed)).toEqual([
      'levelAccuracy',
      'withinOneLevelRate',
      'inflatedProfilesLowered',
      'honestKeptOrWithinOneRate',
      'levelAgreement',
      'scoreWithin32Rate',
      'meanQuestions',
      'maxExposure',
      'meanAbsThetaError',
      'seenFamilyServed',
      'oracle',
    ]);
    for (const key of [
      'levelAccuracy',
      'withinOneLevelRate',
      'inflatedProfilesLowered',
      'honestKeptOrWithinOneRate',
      'levelAgreement',
      'scoreWithin32Rate',
      'maxExposure',
    ]) {
      expect(parsed[key]).toBeGreaterThanOrEqual(0);
      expect(parsed[key]).toBeLessThanOrEqual(1);
    }
    expect(parsed.meanAbsThetaError).toBeGreaterThan(0);
    expect(parsed.seenFamilyServed).toBe(0);
    expect(parsed.meanQuestions).toBeGreaterThanOrEqual(20);
    expect(Object.keys(parsed.oracle)).toEqual(['levelAccuracy', 'withinOneLevelRate', 'meanQuestions']);
    expect(first.out.endsWith('}\n')).toBe(true);
    expect((await run(argv)).out).toBe(first.out);
  }, 120_000);

  it('runs on the pix-scale bank (80 tubes): at most 32 questions, no family seen before', async () => {
    // Fewer calibration learners leave some of the 1,680 challenges unanswered (the calibration refuses them).
    const { code, out } = await run(['--candidates', '6', '--seed', '11', '--bank', 'pix-scale', '--calibration-learners', '1000']);
    expect(code).toBe(0);
    expect(out).not.toMatch(/NaN|null/);
    const parsed = JSON.parse(out) as Record<string, number>;
    expect(parsed.seenFamilyServed).toBe(0);
    expect(parsed.meanQuestions).toBeGreaterThanOrEqual(20);
    expect(parsed.meanQuestions).toBeLessThanOrEqual(32);
    expect(parsed.withinOneLevelRate).toBeGreaterThan(0.8);
    expect((await run(['--bank', 'huge'])).code).toBe(2);
  }, 300_000);

  it('refuses bad options with status 2', async () => {
    const bad = await run(['--candidates', '0']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--candidates/);
    const se = await run(['--target-se', '-1']);
    expect(se.code).toBe(2);
    expect(se.err).toMatch(/--target-se/);
  });
});
