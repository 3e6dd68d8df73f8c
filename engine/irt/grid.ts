/** Equally spaced grids of θ values, used for EAP and for the quadrature of calibration. */

export interface GridSettings {
  /** Lowest node (default −6). */
  readonly min?: number;
  /** Highest node (default 6). */
  readonly max?: number;
  /** Number of nodes (default 121 for ability estimation, 61 for calibration). */
  readonly points?: number;
}

/** `points` equally spaced values from `min` to `max` inclusive. */
export function gridNodes(min: number, max: number, points: number): Float64Array {
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`a grid needs at least 2 points, got ${points}`);
  if (!(max > min)) throw new RangeError(`grid range [${min}, ${max}] is empty`);
  const nodes = new Float64Array(points);
  const step = (max - min) / (points - 1);
  for (let q = 0; q < points; q++) nodes[q] = min + q * step;
  return nodes;
}

/**
 * Normal N(mean, sd²) weights on the nodes, normalised to sum to 1 (the discrete prior that
 * fixed-quadrature EM and grid EAP both use).
 */
export function normalWeights(nodes: Float64Array, mean = 0, sd = 1): Float64Array {
  if (!(sd > 0)) throw new RangeError(`prior sd must be positive, got ${sd}`);
  const w = new Float64Array(nodes.length);
  let total = 0;
  for (let q = 0; q < nodes.length; q++) {
    const z = ((nodes[q] as number) - mean) / sd;
    const v = Math.exp(-0.5 * z * z);
    w[q] = v;
    total += v;
  }
  for (let q = 0; q < nodes.length; q++) w[q] = (w[q] as number) / total;
  return w;
}
