export type { SimulatedItem, ItemBankSettings, AbilitySettings, SimulationDesign, CalibrationDataSettings, SimulatedCalibrationData } from './simulate';
export { simulateItemBank, simulateAbilities, simulateResponses, simulateCalibrationData } from './simulate';
