/**
 * Exact standard errors of a bank spanning several factorisation steps: in-process and on two worker
 * threads, against the reference (one-thread Louis pass, dense inverse).
 */
import { describe, expect, it } from 'vitest';
import { calibrate, collapsePatterns, type CalibrationResult } from '.';
import { calibrateInThreads, createThreadedRunner } from './parallel';
import { louisObservedInformation } from './information';
import { invertSymmetricPositiveDefinite } from './linalg';
import { itemErrorsFromCovariance, itemErrorsFromGroupCovariance } from './standard-errors';
import { createRandom } from '../random';
import { simulateCalibrationData } from '../simulation';

describe('exact standard errors of a bank', () => {
  it('are the same in-process, on worker threads and by the reference pass and dense inverse (to 1e-9 relative); a threaded fit takes them', async () => {
    const sim = simulateCalibrationData(createRandom(31), { items: 150, persons: 12_000, design: { kind: 'random', perPerson: 12 } });
    const local = await calibrate(sim.data);
    // minAnswersPerThread 1: really on two threads.
    const threaded = await calibrateInThreads(sim.data, {}, { threads: 2, minAnswersPerThread: 1 });
    expect(local.parameterCount).toBe(300);
    expect(local.standardErrors).toBe('observed');
    expect(threaded.standardErrors).toBe('observed');
    expect(local.standardErrorsNote).toMatch(/Louis' identity.*Cholesky/);

    const settings = { model: local.model, priors: local.settings.priors, free: new Uint8Array(150).fill(1), estimateMean: false, estimateSd: false };
    const reference = louisObservedInformation(collapsePatterns(sim.data).data, local.parameters, settings, local.quadrature.nodes);
    const errors = itemErrorsFromCovariance(150, reference.parameters, invertSymmetricPositiveDefinite(reference.information, 300));
    const worst = (result: CalibrationResult, pick: (i: number) => number, key: 'a' | 'd') =>
      Math.max(...result.items.map((item, i) => Math.abs(item.se[key]! / pick(i) - 1)));
    const localWorst = Math.max(
      worst(local, (i) => errors.seA[i]!, 'a'),
      worst(local, (i) => errors.seD[i]!, 'd'),
    );
    // The same matrix work on two threads, at the same parameters.
    const runner = await createThreadedRunner(collapsePatterns(sim.data).data, { threads: 2, minAnswersPerThread: 1 });
    expect(runner.threads).toBe(2);
    const onThreads = await runner.exactCovariance!(local.parameters, settings, local.quadrature.nodes);
    await runner.close?.();
    const threadErrors = itemErrorsFromGroupCovariance(150, onThreads.parameters, onThreads.band);
    let threadWorst = 0;
    for (let i = 0; i < 150; i++) {
      threadWorst = Math.max(threadWorst, Math.abs(threadErrors.seA[i]! / errors.seA[i]! - 1), Math.abs(threadErrors.seD[i]! / errors.seD[i]! - 1));
      threadWorst = Math.max(threadWorst, Math.abs(threadErrors.covAD[i]! - errors.covAD[i]!) / (errors.seA[i]! * errors.seD[i]!));
    }
    console.log(
      `exact SEs, worst relative difference: in-process vs reference ${localWorst.toExponential(2)}, threads vs reference ${threadWorst.toExponential(2)}`,
    );
    expect(localWorst).toBeLessThan(1e-9);
    expect(threadWorst).toBeLessThan(1e-9);
  }, 120_000);
});
