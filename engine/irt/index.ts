export type { ItemModel, ItemParameters, ItemResponse } from './model';
export {
  logistic,
  logLogistic,
  probability,
  difficulty,
  interceptFromDifficulty,
  itemInformation,
  testInformation,
  logLikelihood,
  logLikelihoodDerivatives,
} from './model';
export type { GridSettings } from './grid';
export { gridNodes, normalWeights } from './grid';
export type { NormalPrior, EapSettings, EapEstimate, Posterior, PointEstimate, MapSettings, MlSettings } from './ability';
export { DEFAULT_EAP_GRID, posteriorOnGrid, updatePosterior, summarisePosterior, estimateEap, estimateMap, estimateMl } from './ability';
