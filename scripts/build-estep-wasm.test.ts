/** The committed WebAssembly bytes are what the committed .wat compiles to. */
import { describe, expect, it } from 'vitest';
import { ESTEP_WASM_BASE64 } from '../engine/calibration/estep-wasm-bytes';
import { compileEstepWat } from './build-estep-wasm';

describe('E-step WebAssembly bytes', () => {
  it('are the bytes wabt makes from engine/calibration/estep.wat (run `npm run build:estep-wasm` after editing it)', async () => {
    const compiled = await compileEstepWat();
    expect(Buffer.from(compiled).toString('base64')).toBe(ESTEP_WASM_BASE64);
    expect(WebAssembly.validate(Uint8Array.from(compiled))).toBe(true);
  });
});
