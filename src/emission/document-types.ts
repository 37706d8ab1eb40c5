// The document types the gateway issues, by InvoiCy modelo and by model code. A new kind is one
// line here plus its own folder.
import type { DocModel } from '../store/port';
import type { DocumentType } from './document-type';
import { nfeType } from './nfe';

const TYPES: readonly DocumentType<unknown>[] = [nfeType];

/** The type of an InvoiCy ModeloDocumento ("NFe", "NFCe"), or undefined when not issued here. */
export function documentTypeForModelo(modelo: string): DocumentType<unknown> | undefined {
  return TYPES.find((t) => t.modelos.includes(modelo));
}

/** The type of a stored document's model; throws for a model no type issues (such rows never exist). */
export function documentTypeOf(model: DocModel): DocumentType<unknown> {
  const type = TYPES.find((t) => t.models.includes(model));
  if (!type) throw new Error(`modelo ${model} sem tipo de documento`);
  return type;
}
