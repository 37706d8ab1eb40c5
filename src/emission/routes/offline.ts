// Off-line route (NFC-e: tpEmis 9, contingency-and-numbering.md §3.2): re-keyed, signed, off-line QR
// code, stored as DocStatus 11 at stage `signed` with the signed NFC-e in `xmlSigned`, which is what
// the transmission job sends later. Nothing goes to SEFAZ now; the ERP gets the signed NFC-e.
import { DOC_STATUS } from '../../fiscal/document-state';
import { offlineAllowed } from '../../contingency/policy';
import type { CompanyContext } from '../context';
import { TEXT } from '../codes';
import { saveDocument } from '../save';
import { type RouteInput, type RouteOutcome } from './common';

export async function issueOffline(ctx: CompanyContext, input: RouteInput): Promise<RouteOutcome> {
  if (!offlineAllowed(input.doc.model, input.uf)) {
    return { next: `contingência off-line não permitida para este documento na UF ${input.uf}` };
  }
  const r = await input.type.renderForContingency(ctx, input.draft, input.doc, input.uf, '9');
  if (!r.ok) return 'schema' in r ? { schema: r.schema } : { next: r.unavailable };
  const rendition = r.signed;
  const doc = await saveDocument(ctx, input.doc, {
    docStatus: DOC_STATUS.CONTINGENCIA_OFFLINE, stage: 'signed', tpEmis: '9', chave: rendition.chave,
    xmlSigned: rendition.xmlSigned, digestValue: rendition.digestValue, cStat: '100', xMotivo: TEXT.offline,
  });
  ctx.log.info('nfc-e emitida em contingência off-line');
  return { done: doc };
}
