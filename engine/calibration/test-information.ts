/**
 * Test information curves: for each group of items (a competence), I(θ) = Σ a²·P(θ)(1 − P(θ)) over
 * the group's items on a θ grid, and the standard error of measurement 1/√I(θ) a person would have if
 * they answered every item of the group (the lower bound of the SE of any score on that group).
 */
import { gridNodes, itemInformation, type ItemParameters } from '../irt';

export interface InformationGrid {
  readonly min: number;
  readonly max: number;
  readonly points: number;
}

export const INFORMATION_GRID: InformationGrid = { min: -4, max: 4, points: 81 };

export interface InformationCurve {
  readonly group: string;
  /** Items summed. */
  readonly items: number;
  /** I(θ) at each grid node. */
  readonly information: number[];
  /** 1/√I(θ) at each node (null where I = 0). */
  readonly se: (number | null)[];
}

/**
 * One curve per group, in order of first appearance of the group in `groups` (index-aligned with
 * `parameters`). Items whose group is null are left out.
 */
export function testInformationCurves(
  parameters: readonly ItemParameters[],
  groups: readonly (string | null)[],
  grid: InformationGrid = INFORMATION_GRID,
): { theta: number[]; curves: InformationCurve[] } {
  if (groups.length !== parameters.length) throw new RangeError('testInformationCurves: one group per item');
  const theta = Array.from(gridNodes(grid.min, grid.max, grid.points));
  const byGroup = new Map<string, { items: number; information: number[] }>();
  parameters.forEach((item, i) => {
    const group = groups[i];
    if (group === null || group === undefined) return;
    let entry = byGroup.get(group);
    if (!entry) {
      entry = { items: 0, information: new Array<number>(theta.length).fill(0) };
      byGroup.set(group, entry);
    }
    entry.items++;
    for (let q = 0; q < theta.length; q++) entry.information[q] = (entry.information[q] as number) + itemInformation(item, theta[q] as number);
  });
  const curves = [...byGroup].map(([group, { items, information }]) => ({
    group,
    items,
    information,
    se: information.map((v) => (v > 0 ? 1 / Math.sqrt(v) : null)),
  }));
  return { theta, curves };
}
