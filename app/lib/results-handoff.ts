/**
 * In the browser: the results a test's last answer brought back (routes/competences.$code.evaluation's
 * clientAction), kept for the results page's clientLoader, which opens the page with them instead of
 * asking the server again. Taken once; any other visit of the page asks the server as before.
 */
const handed = new Map<string, unknown>();

/** Keeps `data` for the next load of the page at `path`. */
export function handOver(path: string, data: unknown): void {
  handed.clear();
  handed.set(path, data);
}

/** The data handed over for the page at `path` (once), or undefined. */
export function takeHandedOver(path: string): unknown {
  const data = handed.get(path);
  handed.delete(path);
  return data;
}

/** Whether data waits for the page at `path` (the root then has nothing to reload on the way there). */
export function isHandedOver(path: string): boolean {
  return handed.has(path);
}

/** The form field by which a page with JavaScript asks the test's last answer to bring its results. */
export const BRING_RESULTS_FIELD = 'avecResultats';
