/**
 * `score FILE --parameters PARAMS.csv [--method eap|map|ml] [--latent-mean M] [--latent-sd S] [--quadpts N]`
 *
 * θ of each person of FILE (wide or long, as `calibrate` reads) under fixed item parameters (a CSV with
 * item,a,d columns: the parameter export or an anchors file). Prints CSV `person,theta,se,answers`.
 * EAP: posterior mean and SD on the calibration's quadrature (N points on [−6, 6], default 61) with the
 * N(M, S²) latent distribution (default N(0, 1)); MAP: posterior mode, SE from the curvature; ML: maximum
 * likelihood, SE = 1/√I(θ̂). An all-right or all-wrong pattern has no finite ML estimate: its theta is
 * written `Inf` or `-Inf` and its se `Inf` (what R's read.csv reads as infinite); a person without an
 * answer to a known item gets `NA` under ML.
 */
import { estimateEap, estimateMap, estimateMl, type ItemResponse } from '../engine/irt';
import { integer, parseArgs, positiveNumber, required, UsageError } from './args';
import { readAnchorsCsv, readResponseCsv, separatorName } from './csv';

const OPTIONS = ['parameters', 'method', 'latent-mean', 'latent-sd', 'quadpts'] as const;
const METHODS = ['eap', 'map', 'ml'] as const;
export type ScoreMethod = (typeof METHODS)[number];

function finiteNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got ${JSON.stringify(value)}`);
  return n;
}

/** A number as the CSV writes it: full precision, Inf/-Inf for infinite, NA for undefined. */
function csvNumber(x: number): string {
  if (Number.isNaN(x)) return 'NA';
  if (x === Infinity) return 'Inf';
  if (x === -Infinity) return '-Inf';
  return String(x);
}

function csvText(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One person's θ and SE by the given method (the engine's estimators). */
export function scoreResponses(
  responses: readonly ItemResponse[],
  method: ScoreMethod,
  latent: { mean: number; sd: number },
  points: number,
): { theta: number; se: number } {
  if (method === 'eap') {
    const e = estimateEap(responses, { prior: latent, grid: { min: -6, max: 6, points } });
    return { theta: e.theta, se: e.sd };
  }
  if (method === 'map') {
    const e = estimateMap(responses, { prior: latent });
    return { theta: e.theta, se: e.se };
  }
  const e = estimateMl(responses);
  if (e.status === 'no-answers') return { theta: NaN, se: NaN };
  if (e.status === 'upper-bound') return { theta: Infinity, se: Infinity };
  if (e.status === 'lower-bound') return { theta: -Infinity, se: Infinity };
  return { theta: e.theta, se: e.se };
}

export async function scoreCommand(argv: readonly string[]): Promise<{ csv: string; warnings: string[] }> {
  const args = parseArgs(argv, OPTIONS);
  if (args.positionals.length !== 1) throw new UsageError('score takes exactly one data file (and --parameters PARAMS.csv)');
  const file = args.positionals[0] as string;
  const parametersFile = required(args, 'parameters');
  const methodText = args.options.get('method') ?? 'eap';
  if (!(METHODS as readonly string[]).includes(methodText.toLowerCase())) {
    throw new UsageError(`--method must be eap, map or ml, got ${JSON.stringify(methodText)}`);
  }
  const method = methodText.toLowerCase() as ScoreMethod;
  const latent = { mean: finiteNumber(args.options.get('latent-mean'), 'latent-mean', 0), sd: positiveNumber(args, 'latent-sd', 1) };
  const points = integer(args, 'quadpts', 5, 61);

  const parameters = await readAnchorsCsv(parametersFile);
  const { data, separator, persons, notes } = await readResponseCsv(file, { personIds: true, calibrationChecks: false });
  const unknown = data.itemIds.filter((id) => !parameters.has(id));
  if (unknown.length > 0) {
    const shown = unknown
      .slice(0, 10)
      .map((id) => JSON.stringify(id))
      .join(', ');
    throw new UsageError(
      `${file}: ${unknown.length} item(s) without parameters in ${parametersFile}: ${shown}${unknown.length > 10 ? ', …' : ''} (every item of the data needs a row item,a,d)`,
    );
  }
  const warnings: string[] = [];
  if (separator !== ',') warnings.push(`note: ${file} read as ${separatorName(separator)}-separated (the separator of its header line)`);
  warnings.push(...notes);
  const itemParameters = data.itemIds.map((id) => parameters.get(id) as { a: number; d: number });
  const lines = ['person,theta,se,answers'];
  const rows = data.rowStart.length - 1;
  let infinite = 0;
  for (let r = 0; r < rows; r++) {
    const responses: ItemResponse[] = [];
    for (let j = data.rowStart[r] as number; j < (data.rowStart[r + 1] as number); j++) {
      const p = itemParameters[data.items[j] as number] as { a: number; d: number };
      responses.push({ a: p.a, d: p.d, score: data.scores[j] === 1 ? 1 : 0 });
    }
    const { theta, se } = scoreResponses(responses, method, latent, points);
    if (!Number.isFinite(theta)) infinite++;
    lines.push(`${csvText(persons?.[r] ?? `p${r + 1}`)},${csvNumber(theta)},${csvNumber(se)},${responses.length}`);
  }
  if (method === 'ml' && infinite > 0) {
    warnings.push(`note: ${infinite} person(s) have no finite ML estimate (all right: Inf, all wrong: -Inf, no answer: NA); EAP or MAP give finite scores`);
  }
  return { csv: `${lines.join('\n')}\n`, warnings };
}
