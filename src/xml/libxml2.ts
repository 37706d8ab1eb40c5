// libxml2-wasm, loaded once. The package is ESM-only with top-level await, so it is loaded with a
// real import() (tsconfig "module": "node16" keeps it) and every user awaits the same promise.
// typescript-eslint's parser cannot read the import attributes and types this as an error.
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
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

export type LibxmlDocument = InstanceType<Libxml2['XmlDocument']>;

/**
 * Parses already-decoded text as its UTF-8 bytes, so a declared encoding (ISO-8859-1…) is not
 * applied to it a second time. Through a Buffer because libxml2-wasm's fromString encodes the string
 * in a JavaScript loop (measured on a 10 KB NF-e: ~80 µs to parse this way, ~120 µs by fromString).
 */
export function parseText(lib: Libxml2, xml: string, option?: number): LibxmlDocument {
  return lib.XmlDocument.fromBuffer(Buffer.from(xml, 'utf8'), { encoding: 'utf-8', ...(option === undefined ? {} : { option }) });
}
