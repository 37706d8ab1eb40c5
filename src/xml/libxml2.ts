// libxml2-wasm, loaded once. The package is ESM-only with top-level await, so it is loaded with a
// real import() (tsconfig "module": "node16" keeps it) and every user awaits the same promise.
export type Libxml2 = typeof import('libxml2-wasm', { with: { 'resolution-mode': 'import' } });

let libxml2: Promise<Libxml2> | undefined;

export function loadLibxml2(): Promise<Libxml2> {
  libxml2 ??= (async () => {
    const lib = await import('libxml2-wasm');
    // Without the fs providers xs:include/xs:import of the sibling schema files cannot resolve.
    (await import('libxml2-wasm/lib/nodejs.mjs')).xmlRegisterFsInputProviders();
    return lib;
  })();
  return libxml2;
}
