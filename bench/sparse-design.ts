/**
 * The 10.5M bench's design for the benches of one pass (the Louis pass, the fused final + Louis pass): 2,000
 * items (or `items`), `persons` persons answering 15 of them at random, 2PL at the simulation's true parameters (standing for
 * the estimates), the quadrature of 61 nodes on [−6, 6], every item free, no latent mean or SD estimated.
 */
import { normalWeights } from '../engine/irt/grid';
import { DEFAULT_PRIORS, type MStepSettings } from '../engine/calibration/mstep';
import { createRandom } from '../engine/random';
import { simulateCalibrationData } from '../engine/simulation';

export function sparseDesign(persons: number, items = 2000) {
  const nodes = Float64Array.from({ length: 61 }, (_, q) => -6 + q * 0.2);
  const quadrature = { nodes, weights: normalWeights(nodes, 0, 1) };
  const sim = simulateCalibrationData(createRandom(20240602), { items, persons, design: { kind: 'random', perPerson: 15 } });
  const state = { a: Float64Array.from(sim.items, (item) => item.a), d: Float64Array.from(sim.items, (item) => item.d), mean: 0, sd: 1 };
  const settings: MStepSettings = { model: '2pl', priors: DEFAULT_PRIORS, free: new Uint8Array(items).fill(1), estimateMean: false, estimateSd: false };
  return { items, nodes, quadrature, sim, data: sim.data, state, params: { a: state.a, d: state.d }, settings };
}
