/**
 * Command-line entry: `npm run --silent cli -- <command> ...` (or `node --import tsx cli/main.ts …`).
 * The commands are in cli/run.ts; they start from a bundle cached in .cache/cli (cli/launch.mjs), not
 * from their TypeScript modules compiled one by one on every start.
 */
import { runCli } from './launch.mjs';

process.exitCode = await runCli(process.argv.slice(2));
