/**
 * The persons' θ̂, SD and lz from the calibration's runner (calibrate's `rowScores`: once per pattern, on the
 * threads) against scorePersons and personFit computed afterwards on the rows, as the CLI's document did
 * (decision 021, addendum h35).
 */
import { describe, expect, it } from 'vitest';
import { calibrate, createLocalRunner, personFit, personFitOf, ResponseDataBuilder, scorePersons, type CalibrationResult, type ResponseData } from '.';
import { calibrateInThreads } from './parallel';
import { lsat7Data } from '../../tests/fixtures/lsat7';

function recomputed(data: ResponseData, result: CalibrationResult) {
  const { theta, sd } = scorePersons(data, result);
  const fit = personFit(data, result, { theta });
  return { theta, sd, lz: fit.lz, misfitting: fit.misfitting };
}

describe('row scores from the last pass', () => {
  it('LSAT7: equal bit for bit to scorePersons and personFit, in-process and on two threads, 2PL and Rasch', async () => {
    const data = lsat7Data();
    for (const model of ['2pl', 'rasch'] as const) {
      const local = await calibrate(data, { priors: false, model }, { rowScores: true });
      const threaded = await calibrateInThreads(data, { priors: false, model }, { threads: 2, minAnswersPerThread: 1, rowScores: true });
      for (const result of [local, threaded]) {
        const expected = recomputed(data, result);
        expect(result.rowScores).toBeDefined();
        expect(result.rowScores?.theta).toEqual(expected.theta);
        expect(result.rowScores?.sd).toEqual(expected.sd);
        expect(result.rowScores?.lz).toEqual(expected.lz);
        expect(personFitOf(result.rowScores?.lz as Float64Array, data.weights).misfitting).toBe(expected.misfitting);
      }
      // 1,000 persons, 32 patterns: every person got their pattern's scores.
      expect(new Set(local.rowScores?.theta).size).toBeLessThanOrEqual(32);
    }
    // Without the option, none.
    expect((await calibrate(data, { priors: false })).rowScores).toBeUndefined();
  });

  it('come from the final pass; a runner whose final pass ignores the option gives none (the caller scores the rows)', async () => {
    const data = lsat7Data();
    const reference = await calibrate(data, { priors: false }, { rowScores: true });
    const expected = recomputed(data, reference);
    expect(reference.rowScores?.theta).toEqual(expected.theta);
    // A runner whose final pass ignores the option: no row scores, and the same calibration.
    const ignored = await calibrate(
      data,
      { priors: false },
      {
        rowScores: true,
        createRunner: (prepared) => {
          const local = createLocalRunner(prepared);
          return { ...local, diagnostics: (params, quadrature) => local.diagnostics(params, quadrature) };
        },
      },
    );
    expect(ignored.rowScores).toBeUndefined();
    expect(ignored.logLik).toBe(reference.logLik);
    expect(ignored.parameters.a).toEqual(reference.parameters.a);
    // What the CLI's document then computes itself: the same values.
    const apart = recomputed(data, ignored);
    expect(apart.theta).toEqual(reference.rowScores?.theta);
    expect(apart.sd).toEqual(reference.rowScores?.sd);
    expect(apart.lz).toEqual(reference.rowScores?.lz);
  });

  it('rows in another item order, unanswered items, weights: equal to rounding (1e-12); a weight-0 row: none', async () => {
    const build = (zeroWeight: boolean) => {
      const ids = ['i1', 'i2', 'i3', 'i4'];
      const builder = new ResponseDataBuilder(ids);
      const rows = [
        ['i3', 1, 'i1', 0, 'i2', 1],
        ['i1', 1, 'i2', 1, 'i3', 0, 'i4', 1],
        ['i4', 0, 'i2', 0],
        ['i2', 1, 'i1', 1, 'i4', 1, 'i3', 1],
        ['i1', 0, 'i3', 0, 'i4', 0],
      ] as const;
      for (let k = 0; k < 60; k++) {
        const row = rows[k % rows.length] as readonly (string | number)[];
        builder.beginRow(zeroWeight && k === 3 ? 0 : 1 + (k % 3));
        for (let j = 0; j < row.length; j += 2) builder.addAnswer(ids.indexOf(row[j] as string), (row[j + 1] as number) ^ (k % 7 === 0 ? 1 : 0));
      }
      return builder.build();
    };
    const data = build(false);
    const result = await calibrate(data, {}, { rowScores: true });
    const expected = recomputed(data, result);
    const close = (x: Float64Array | undefined, y: Float64Array) => {
      expect(x?.length).toBe(y.length);
      for (let r = 0; r < y.length; r++)
        expect(Math.abs((x?.[r] as number) - (y[r] as number))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(y[r] as number)));
    };
    close(result.rowScores?.theta, expected.theta);
    close(result.rowScores?.sd, expected.sd);
    close(result.rowScores?.lz, expected.lz);
    expect((await calibrate(build(true), {}, { rowScores: true })).rowScores).toBeUndefined();
  });
});
