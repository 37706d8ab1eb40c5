// The `focus` transition mode (contingency-and-numbering.md §7.4): a document whose transmission to
// the normal authorizer ended with unknown fate (108, DocStatus 4) is re-issued at once through the
// company's contingency options under the NEXT number of the gateway's own sequence in the reserved
// série — never the ERP's number, which may already be authorised — and the original is marked for
// discard with that substitute, so the discard job cancels or voids it.
import { type DocumentRecord } from '../store/port';
import { DOC_STATUS } from '../fiscal/document-state';
import type { DocumentResult } from '../invoicy/types';
import type { CompanyContext } from './context';
import { SitCodigo } from './codes';
import { prepareDraft, sendSync } from './issue';
import { documentTypeOf } from './document-types';

/** The reserved série of the focus mode, or undefined (invoicy mode, or a configuration to fix). */
export function focusSerie(ctx: CompanyContext, doc: DocumentRecord): number | undefined {
  const settings = ctx.company.contingency[doc.model];
  if (settings?.transitionMode !== 'focus') return undefined;
  const serie = settings.transitionSerie;
  if (serie === undefined || !Number.isInteger(serie) || serie < 0 || serie > 999 || serie === doc.serie) {
    ctx.log.error('contingência: modo focus sem série reservada válida (distinta da série do documento); respondendo 108', { transitionSerie: serie, serie: doc.serie });
    return undefined;
  }
  return serie;
}

/**
 * Re-issues a document that has just been answered 108 when the company uses the focus mode;
 * undefined leaves the 108 answer (invoicy mode).
 */
export async function reissueInReservedSerie(callCtx: CompanyContext, original: DocumentRecord): Promise<DocumentResult | undefined> {
  if (original.docStatus !== DOC_STATUS.NECESSITA_INTERACAO || original.cStat !== String(SitCodigo.entradaContingencia)) return undefined;
  const serie = focusSerie(callCtx, original);
  if (serie === undefined) return undefined;
  const layoutXml = (await callCtx.store.getDocumentXml(callCtx.company.id, original.id, ['layoutXml']))?.layoutXml;
  if (!layoutXml) return undefined;
  const type = documentTypeOf(original.model);
  const read = type.read(layoutXml, undefined, callCtx.company.unknownFields);
  if (!read.ok) return undefined;
  const ctx = callCtx.withLog({ serie: String(serie), numeroOriginal: String(original.numero) });
  const prepared = await prepareDraft(ctx, type, type.withSerie(read.draft, serie), layoutXml);
  // The scope has just entered contingency, so the substitute is routed there; should another
  // process have left contingency meanwhile, it goes to the normal authorizer instead.
  const result = 'ready' in prepared ? await sendSync(ctx, prepared.ready) : prepared.result;
  const substitute = 'ready' in prepared ? prepared.ready.doc : prepared.doc;
  if (!substitute) return undefined; // refused before a number was taken: the 108 answer stands
  await ctx.store.updateDocument(ctx.company.id, original.id, {
    discardRequested: true, substituteNumero: substitute.numero, substituteSerie: substitute.serie,
  });
  ctx.log.info('contingência (modo focus): documento reemitido na série reservada', { numero: substitute.numero, serie: substitute.serie });
  return result;
}
