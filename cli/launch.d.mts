/** Runs the command line on `argv` from its cached bundle (cli/launch.mjs); resolves to the exit status. */
export function runCli(argv: readonly string[]): Promise<number>;
