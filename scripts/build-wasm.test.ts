/** The committed WebAssembly bytes of every kernel are what its committed .wat compiles to. */
import { describe, expect, it } from 'vitest';
import { compileWat, wasmKernelSources } from './build-wasm';

describe('WebAssembly kernel bytes', () => {
  const sources = wasmKernelSources();

  it('cover the E-step and the Louis pass kernels', () => {
    expect(sources.map((source) => source.name)).toEqual(expect.arrayContaining(['estep', 'louis']));
  });

  it.each(sources.map((source) => [source.name, source] as const))(
    '%s: the committed bytes are what wabt makes from the .wat (run `npm run build:wasm` after editing it)',
    async (_name, source) => {
      const compiled = await compileWat(source);
      const committed = (await import(source.bytesModulePath)) as Record<string, unknown>;
      expect(Buffer.from(compiled).toString('base64')).toBe(committed[source.exportName]);
      expect(WebAssembly.validate(Uint8Array.from(compiled))).toBe(true);
    },
  );
});
