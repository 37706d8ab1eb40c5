// Re-keying a document for a contingency route (tpEmis 4 EPEC, 6/7 SVC, 9 NFC-e off-line): same
// number, cNF and dhEmi as the stored row, a new key, dhCont/xJust, signed again (NFC-e: the off-line
// QR code, whose hash covers the new DigestValue) and checked against the schema.
import { renderNfe, type NfeDraft } from '../../layout';
import { signXml, digestValueOf } from '../../signing/xmldsig';
import { buildQrCodeV2Offline } from '../../fiscal/qrcode';
import { formatDateTime } from '../../fiscal/datetime';
import { ufOffset } from '../../fiscal/ufs';
import { qrCodeBaseUrl, urlChaveConsulta } from '../../sefaz/endpoints';
import type { DocumentRecord } from '../../store/port';
import type { CompanyContext } from '../context';
import { TEXT } from '../codes';
import { insertInfNFeSupl } from '../nfe/supplement';
import { schemaErrors } from '../nfe/schema';

export type ContingencyTpEmis = '4' | '6' | '7' | '9';

export interface Rendition {
  tpEmis: ContingencyTpEmis;
  chave: string;
  xmlSigned: string;
  digestValue: string | null;
  /** dhEmi exactly as written in the XML (the EPEC summary must repeat it). */
  dhEmi: string;
}

export type RenditionOutcome =
  | { ok: true; rendition: Rendition }
  /** The route cannot serve this document (e.g. no CSC for the off-line QR): try the next option. */
  | { ok: false; unavailable: string }
  /** The schema refuses the re-keyed document: a rejection no other route would change. */
  | { ok: false; schema: string[] };

export async function renderForContingency(ctx: CompanyContext, draft: NfeDraft, doc: DocumentRecord, uf: string, tpEmis: ContingencyTpEmis): Promise<RenditionOutcome> {
  if (!doc.dhEmi || !doc.cNF) return { ok: false, unavailable: 'documento sem dhEmi/cNF gravados' };
  const { cert } = await ctx.certificate();
  const dhEmi = formatDateTime(doc.dhEmi, draft.fusoHorario ?? ufOffset(uf));
  const rendered = renderNfe(draft, {
    nNF: String(doc.numero), cNF: doc.cNF, dhEmi, tpEmis, tpAmb: ctx.tpAmb, verProc: ctx.deps.verProc,
    dhCont: formatDateTime(ctx.now(), ufOffset(uf)), xJust: ctx.deps.contingency?.xJust ?? TEXT.xJustContingencia,
  });
  let signed = await signXml(rendered.xml, { tag: 'infNFe', keyPem: cert.keyPem, certPem: cert.certPem });
  const digestValue = digestValueOf(signed) ?? null;

  if (draft.modelo === '65') {
    const csc = await ctx.store.getCompanyCsc(ctx.company.id);
    const baseUrl = qrCodeBaseUrl(uf, ctx.tpAmb);
    const urlChave = draft.infSuplem?.urlChave ?? urlChaveConsulta(uf, ctx.tpAmb);
    if (!csc || !baseUrl || !urlChave || !digestValue) return { ok: false, unavailable: 'QR code off-line exige o CSC da empresa e os endereços de consulta da UF' };
    ctx.deps.onNfceCsc?.(ctx.company.cnpj, csc.cscId, csc.csc);
    const qrCode = buildQrCodeV2Offline({ baseUrl, chave: rendered.chave, tpAmb: ctx.tpAmb, idCsc: csc.cscId, csc: csc.csc, dhEmi, vNF: draft.vNF, digestValue });
    signed = insertInfNFeSupl(signed, qrCode, urlChave);
  }

  const invalid = await schemaErrors(ctx, signed);
  if (invalid) return { ok: false, schema: invalid };
  return { ok: true, rendition: { tpEmis, chave: rendered.chave, xmlSigned: signed, digestValue, dhEmi } };
}
