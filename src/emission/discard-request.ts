// Discard requests (contract §11.6, contingency-and-numbering.md §5): `SubstituirDocumento` in the
// Parametros of a new Envio and the stand-alone `DescartarDocumento`. Both only MARK the referenced
// document (`discardRequested` + substitute number); the discard job later consults SEFAZ and cancels
// or voids it. The company's own documents only: lookups are company-scoped.
import { normalizeCnpj } from '../fiscal/cnpj';
import { XmlInputError } from '../xml/parse';
import { type DocumentRecord } from '../store/port';
import { DOC_STATUS, type DocModel } from '../fiscal/document-state';
import type { DocumentRequest, DocumentResult } from '../invoicy/types';
import type { CompanyContext } from './context';
import { alternatives, SitCodigo, TEXT } from './codes';
import { InputError, readDescartarDocumento, readSubstituirDocumento, type DescarteInput } from './inputs';
import { modelCode, modeloName, refusal } from './results';
import { documentTypeForModel, issuedModelos, modelRefusal } from './document-types';

export type DiscardMark =
  /** Marked (or already marked): the discard job settles it. */
  | { kind: 'scheduled'; doc: DocumentRecord }
  /** Nothing left to discard: already cancelled, voided or denied. */
  | { kind: 'settled'; doc?: DocumentRecord; code: string; text: string }
  | { kind: 'refused'; code: number; text: string };

/** Marks the referenced document of the company for discard, or says why it cannot. */
export async function requestDiscard(ctx: CompanyContext, model: DocModel, ref: DescarteInput): Promise<DiscardMark> {
  if (ref.cnpj && normalizeCnpj(ref.cnpj) !== ctx.company.cnpj) {
    return { kind: 'refused', code: 173, text: `Rejeição: o documento a descartar pertence ao emitente ${ref.cnpj}, não à empresa autenticada` };
  }
  if (ref.numeroSubstituta === ref.numero && (ref.serieSubstituta ?? ref.serie) === ref.serie) {
    return { kind: 'refused', code: SitCodigo.layout, text: 'Rejeição: o documento substituto não pode ser o próprio documento descartado' };
  }
  const doc = await ctx.store.findDocumentByNumber(ctx.company.id, ctx.tpAmb, model, ref.serie, ref.numero);
  if (!doc) {
    if (await ctx.store.isNumberInutilizado(ctx.company.id, ctx.tpAmb, model, ref.serie, ref.numero)) {
      return { kind: 'settled', code: '102', text: TEXT.jaInutilizado };
    }
    return { kind: 'refused', code: SitCodigo.naoEncontrado, text: TEXT.descarteNaoLocalizado(ref.numero, ref.serie) };
  }
  switch (doc.docStatus) {
    case DOC_STATUS.CANCELADO:
      return { kind: 'settled', doc, code: '101', text: doc.cStat === '101' && doc.xMotivo ? doc.xMotivo : TEXT.jaCancelado };
    case DOC_STATUS.INUTILIZADO:
      return { kind: 'settled', doc, code: '102', text: doc.cStat === '102' && doc.xMotivo ? doc.xMotivo : TEXT.jaInutilizado };
    case DOC_STATUS.DENEGADO:
      // A denied number is consumed at SEFAZ: there is nothing to cancel or void.
      return { kind: 'settled', doc, code: doc.cStat ?? '', text: doc.xMotivo ?? '' };
  }
  const marked = await ctx.store.updateDocument(ctx.company.id, doc.id, {
    discardRequested: true,
    substituteNumero: ref.numeroSubstituta ?? doc.substituteNumero,
    substituteSerie: ref.numeroSubstituta === undefined ? doc.substituteSerie : (ref.serieSubstituta ?? ref.serie),
  });
  ctx.log.info('descarte agendado', { descartado: `${doc.numero}/${doc.serie}`, chaveDescartada: doc.chave, substituto: ref.numeroSubstituta });
  return { kind: 'scheduled', doc: marked ?? doc };
}

/** The stand-alone DescartarDocumento: the discarded number's final code, 105 while pending, or a refusal. */
export async function processDescarte(ctx: CompanyContext, req: DocumentRequest): Promise<DocumentResult> {
  let input: DescarteInput;
  try {
    input = readDescartarDocumento(req.documentXml);
  } catch (err) {
    if (err instanceof InputError || err instanceof XmlInputError) {
      return refusal(req.modelo, SitCodigo.layout, `Erro no layout do descarte: ${err.message}`);
    }
    throw err;
  }
  const modelo = req.modelo || input.modelo;
  const model = modelCode(modelo);
  const ids = { numero: input.numero, serie: input.serie };
  if (!model) {
    const r = modelRefusal(modelo);
    return refusal(modelo, r.code, r.text, ids);
  }
  const mark = await requestDiscard(ctx, model, input);
  const name = modeloName(model);
  if (mark.kind === 'refused') return refusal(name, mark.code, mark.text, ids);
  const withKey = { ...ids, chave: mark.doc?.chave ?? undefined };
  if (mark.kind === 'settled') return refusal(name, mark.code, mark.text, withKey);
  return refusal(name, SitCodigo.pendente, TEXT.descarteAgendado(input.numero, input.serie, documentTypeForModel(model)?.inutilizacao === 'local'), withKey);
}

/**
 * `SubstituirDocumento` in the Parametros of an Envio: marks the referenced document. A malformed
 * one refuses the Envio (145, saying what is wrong) rather than emitting it without the discard the
 * ERP asked for; a well-formed reference the discard cannot apply to is only logged, and the Envio
 * is processed.
 */
export async function applySubstituirDocumento(ctx: CompanyContext, req: DocumentRequest): Promise<DocumentResult | undefined> {
  if (!req.parametrosXml || !/SubstituirDocumento/i.test(req.parametrosXml)) return undefined;
  const refuse = (why: string): DocumentResult =>
    refusal(req.modelo, SitCodigo.layout, `Erro no layout do SubstituirDocumento (Parametros): ${why}`);
  let ref: DescarteInput | undefined;
  try {
    ref = readSubstituirDocumento(req.parametrosXml);
  } catch (err) {
    if (err instanceof InputError || err instanceof XmlInputError) return refuse(err.message);
    throw err;
  }
  if (!ref) return undefined;
  const model = modelCode(ref.modelo || req.modelo);
  if (!model) return refuse(`modelo: valor inválido "${ref.modelo}" (use ${alternatives(issuedModelos())})`);
  const mark = await requestDiscard(ctx, model, ref);
  if (mark.kind === 'refused') ctx.log.warn('SubstituirDocumento recusado', { motivo: mark.text });
  return undefined;
}
