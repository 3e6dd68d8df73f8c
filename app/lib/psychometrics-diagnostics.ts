/**
 * The run page's diagnostics sections, what the address chooses (DIF variable and groups, exposure
 * period and order) and what the worker stored in the run summary (person fit, local dependence).
 * Shared by the loader and the components (no server code).
 */
import type { LocalDependenceReport, PersonFitDistribution } from '../../engine/calibration';

/** Learner attributes the platform stores, that DIF can be computed on (see the model for their source). */
export const DIF_VARIABLES = ['locale', 'birthYear', 'testType', 'organisation', 'division', 'campaign'] as const;
export type DifVariable = (typeof DIF_VARIABLES)[number];

export const EXPOSURE_SORTS = ['certification', 'positioning', 'campaign', 'b', 'key'] as const;
export type ExposureSort = (typeof EXPOSURE_SORTS)[number];

export const DIAGNOSTICS_PARAMS = {
  variable: 'dif',
  reference: 'dif-ref',
  focal: 'dif-focal',
  from: 'expo-du',
  to: 'expo-au',
  sort: 'expo-tri',
} as const;

/** Focal group "every other group" (the default). */
export const OTHER_GROUPS = '*';

export interface DiagnosticsQuery {
  difVariable: DifVariable | null;
  difReference: string | null;
  difFocal: string | null;
  /** YYYY-MM-DD, both days included; null: the run's answer period. */
  exposureFrom: string | null;
  exposureTo: string | null;
  exposureSort: ExposureSort;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(value: string | null): string | null {
  if (!value || !DAY.test(value)) return null;
  return Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? null : value;
}

export function parseDiagnosticsQuery(params: URLSearchParams): DiagnosticsQuery {
  const variable = params.get(DIAGNOSTICS_PARAMS.variable);
  const sort = params.get(DIAGNOSTICS_PARAMS.sort);
  return {
    difVariable: (DIF_VARIABLES as readonly string[]).includes(variable ?? '') ? (variable as DifVariable) : null,
    difReference: params.get(DIAGNOSTICS_PARAMS.reference) || null,
    difFocal: params.get(DIAGNOSTICS_PARAMS.focal) || null,
    exposureFrom: day(params.get(DIAGNOSTICS_PARAMS.from)),
    exposureTo: day(params.get(DIAGNOSTICS_PARAMS.to)),
    exposureSort: (EXPOSURE_SORTS as readonly string[]).includes(sort ?? '') ? (sort as ExposureSort) : 'certification',
  };
}

/** True when two addresses choose different diagnostics (the loader must run again). */
export function diagnosticsChanged(a: URL, b: URL): boolean {
  return Object.values(DIAGNOSTICS_PARAMS).some((name) => a.searchParams.get(name) !== b.searchParams.get(name));
}

function record(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** The worker's person-fit distribution, or null on runs before it was stored. */
export function storedPersonFit(summary: Record<string, unknown>): PersonFitDistribution | null {
  const v = record(summary['personFit']);
  const h = record(v?.['histogram']);
  if (!v || !h || typeof v['misfitting'] !== 'number' || typeof v['persons'] !== 'number' || !Array.isArray(h['counts'])) return null;
  return v as unknown as PersonFitDistribution;
}

/** The worker's local dependence report, or null on runs before it was stored. */
export function storedLocalDependence(summary: Record<string, unknown>): LocalDependenceReport | null {
  const v = record(summary['localDependence']);
  if (!v || !Array.isArray(v['pairs']) || typeof v['pairsComputed'] !== 'number') return null;
  return v as unknown as LocalDependenceReport;
}
