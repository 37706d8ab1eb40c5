// XSD validation with libxml2-wasm; a compiled schema is reused for the life of the process because
// compiling the NF-e set costs far more than validating a document.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadLibxml2, parseText, type Libxml2, type LibxmlDocument } from './libxml2';

export type XsdResult = { ok: true } | { ok: false; errors: string[] };

export interface XsdValidator {
  /** Validates one XML document; errors come back as "linha N: message". */
  validate(xml: string): XsdResult;
}

const cache = new Map<string, Promise<XsdValidator>>();

/** Compiles (once per path, the promise is cached) the schema at xsdPath. */
export function loadXsdValidator(xsdPath: string): Promise<XsdValidator> {
  const key = path.resolve(xsdPath);
  let entry = cache.get(key);
  if (!entry) {
    entry = compile(key);
    // A failed compilation must not poison the cache forever (e.g. a path fixed on disk later).
    entry.catch(() => cache.delete(key));
    cache.set(key, entry);
  }
  return entry;
}

async function compile(xsdPath: string): Promise<XsdValidator> {
  const lib = await loadLibxml2();
  const { XmlDocument, XsdValidator: LibXsdValidator, XmlLibError } = lib;
  // Read as a Buffer: some official schemas (xmldsig) start with a UTF-8 BOM.
  const schemaDoc = XmlDocument.fromBuffer(readFileSync(xsdPath), { url: xsdPath });
  let validator: InstanceType<Libxml2['XsdValidator']>;
  try {
    validator = LibXsdValidator.fromDoc(schemaDoc);
  } finally {
    schemaDoc.dispose();
  }
  return {
    validate(xml: string): XsdResult {
      let doc: LibxmlDocument | undefined;
      try {
        doc = parseText(lib, xml);
        validator.validate(doc);
        return { ok: true };
      } catch (err) {
        if (err instanceof XmlLibError && err.details.length > 0) {
          return { ok: false, errors: err.details.map((d) => `linha ${d.line}: ${d.message.trim()}`) };
        }
        return { ok: false, errors: [err instanceof Error ? err.message.trim() : String(err)] };
      } finally {
        // Each document lives in the wasm heap; without dispose() memory grows without bound.
        doc?.dispose();
      }
    },
  };
}
