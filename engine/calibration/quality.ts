/**
 * The figures a reviewer signs a run on, computed once for the CLI and the calibration worker alike:
 * information criteria, reliability (marginal and empirical) and S-X² item fit.
 */
import type { ResponseData } from './data';
import type { CalibrationResult } from './em';
import { empiricalReliability } from './diagnostics';
import { sx2ItemFit, type ItemSx2 } from './item-fit';

export interface ModelQuality {
  readonly logLik: number;
  readonly parameterCount: number;
  readonly aic: number;
  readonly bic: number;
  readonly marginalReliability: number;
  /** Null with fewer than 2 persons or no spread of θ̂. */
  readonly empiricalReliability: number | null;
  /** Per item of the run, in its order; null on sparse designs (no common summed score). */
  readonly sx2: (ItemSx2 | null)[];
}

/**
 * `abilities`: the persons' EAP θ̂ and posterior SD on `data` (scorePersons), passed in because the
 * caller usually has them already. `sx2`: S-X² already computed on `data` at the run's final parameters and
 * quadrature (the CLI computes it while the threads finish the final pass), else computed here.
 */
export function modelQuality(
  result: CalibrationResult,
  data: ResponseData,
  abilities: { theta: ArrayLike<number>; sd: ArrayLike<number> },
  sx2?: (ItemSx2 | null)[],
): ModelQuality {
  return {
    logLik: result.logLik,
    parameterCount: result.parameterCount,
    aic: result.aic,
    bic: result.bic,
    marginalReliability: result.marginalReliability,
    empiricalReliability: empiricalReliability(abilities.theta, abilities.sd, data.weights),
    sx2: sx2 ?? sx2ItemFit(data, result.parameters, result.quadrature, parametersPerItem(result)),
  };
}

/** Parameters estimated per item, for S-X²'s degrees of freedom: 1 (Rasch), 2 (2PL), 3 where a 3PL estimates c. */
export function parametersPerItem(result: CalibrationResult): number | number[] {
  const guessing = result.guessing;
  if (guessing !== undefined) return Array.from(guessing.free, (f) => (f === 1 ? 3 : 2));
  return result.model === 'rasch' ? 1 : 2;
}
