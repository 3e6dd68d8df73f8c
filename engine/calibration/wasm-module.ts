/**
 * The hand-written WebAssembly kernels' modules (louis.wat, dots.wat), compiled synchronously from
 * their committed base64 bytes on first use, once per thread; null where this runtime cannot compile
 * them (no WebAssembly SIMD), so callers fall back to the JavaScript reference.
 */
export function lazyWasmModule(base64: string): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}
