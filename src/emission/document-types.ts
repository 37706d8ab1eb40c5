// The document types the gateway issues, by InvoiCy modelo and by model code. A new kind is one
// line here plus its own folder.
import type { DocModel } from '../fiscal/document-state';
import type { DocumentType } from './document-type';
import { SitCodigo, TEXT } from './codes';
import { nfeType } from './nfe';
import { cteType } from './cte';

const TYPES: readonly DocumentType<unknown>[] = [nfeType, cteType];

/** InvoiCy models (contract §8) this service does not emit yet. */
const MODELS_NOT_YET_SUPPORTED = ['mdfe', 'nfse', 'nfcom'];

/** The ModeloDocumento names issued here, in registry order ("NFe", "NFCe", "CTe"). */
export function issuedModelos(): string[] {
  return TYPES.flatMap((t) => Object.keys(t.modelos));
}

/** Refusal of a ModeloDocumento this service does not handle: unknown (176) or not offered yet (607). */
export function modelRefusal(modelo: string): { code: number; text: string } {
  if (MODELS_NOT_YET_SUPPORTED.includes(modelo.toLowerCase())) return { code: SitCodigo.naoDisponivel, text: TEXT.modeloNaoSuportado(modelo) };
  return { code: SitCodigo.tipoNaoIdentificado, text: TEXT.modeloNaoIdentificado(modelo, issuedModelos()) };
}

/** The type of an Envio's ModeloDocumento ("NFe", "NFCe", as spelled by the layout), or undefined when not issued here. */
export function documentTypeForModelo(modelo: string): DocumentType<unknown> | undefined {
  return TYPES.find((t) => Object.hasOwn(t.modelos, modelo));
}

/** The model code of a modelo name in any case ("nfce" → 65), or undefined when no type issues it. */
export function modelOfModelo(modelo: string): DocModel | undefined {
  const m = modelo.toLowerCase();
  for (const t of TYPES) for (const [name, model] of Object.entries(t.modelos)) if (name.toLowerCase() === m) return model;
  return undefined;
}

/** The type of a model, or undefined when no type issues it yet. */
export function documentTypeForModel(model: DocModel): DocumentType<unknown> | undefined {
  return TYPES.find((t) => Object.values(t.modelos).includes(model));
}

/** The type of a stored document's model; throws for a model no type issues (such rows never exist). */
export function documentTypeOf(model: DocModel): DocumentType<unknown> {
  const type = documentTypeForModel(model);
  if (!type) throw new Error(`modelo ${model} sem tipo de documento`);
  return type;
}
