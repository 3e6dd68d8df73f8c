/** A small command-line option parser: `--name value` and `--name=value`, plus positionals. */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly options: Map<string, string>;
}

export function parseArgs(argv: readonly string[], known: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string>();
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k] as string;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      const next = argv[k + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`option --${name} needs a value`);
      value = next;
      k++;
    }
    if (options.has(name)) throw new UsageError(`option --${name} given twice`);
    options.set(name, value);
  }
  return { positionals, options };
}

export function choice<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[], fallback: T): T {
  const value = args.options.get(name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

export function integer(args: ParsedArgs, name: string, min: number, fallback?: number): number {
  const value = args.options.get(name);
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

export function positiveNumber(args: ParsedArgs, name: string, fallback: number): number {
  const value = args.options.get(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

export function required(args: ParsedArgs, name: string): string {
  const value = args.options.get(name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}
