// CT-e in contingency (cte.md §4, §6.3; contingency-and-numbering.md §3.2): the numbered CT-e
// re-rendered with tpEmis 7 (SVC-RS), 8 (SVC-SP) or 4 (EPEC) — new key, dhCont + xJust, its QR code
// (signed key for EPEC, printed before any authorisation), re-signed and schema-checked — and the
// 110113 EPEC event built from that rendition, for the SVC serving the UF (never the Ambiente Nacional).
import { cteChave, renderCte, type CteDraft } from '../../layout';
import { CTE_TP_EVENTO, detEPECCTe, eventoCTe } from '../../sefaz/cte-messages';
import { cteAuthorizerFor } from '../../sefaz/endpoints';
import { cteQrCodeBaseUrl } from '../../sefaz/cte-qrcode-urls';
import { signXml, digestValueOf } from '../../signing/xmldsig';
import { signChaveForQr } from '../../signing/qr-sign';
import { buildCteQrCode, cteQrNeedsSign } from '../../fiscal/cte-qrcode';
import { formatDateTime } from '../../fiscal/datetime';
import { svcCOrgao, ufOffset } from '../../fiscal/ufs';
import { svcFor } from '../../contingency/policy';
import { parseXmlOrdered } from '../../xml/parse';
import type { DocumentRecord } from '../../store/port';
import type { CompanyContext } from '../context';
import { TEXT } from '../codes';
import type { ContingencyTpEmis, DocumentEpec, RenditionOutcome } from '../document-type';
import { epecCteSummary } from './events/epec';
import { cteSchemaErrors } from './schema';

/** tpEmis a CT-e has in contingency: 4 EPEC at the SVC, 7 SVC-RS, 8 SVC-SP (no off-line, no SVC-AN). */
const CTE_CONTINGENCY_TP_EMIS: readonly ContingencyTpEmis[] = ['4', '7', '8'];

export async function renderCteForContingency(
  ctx: CompanyContext, draft: CteDraft, doc: DocumentRecord, uf: string, tpEmis: ContingencyTpEmis,
): Promise<RenditionOutcome> {
  if (!CTE_CONTINGENCY_TP_EMIS.includes(tpEmis)) return { ok: false, unavailable: `CT-e não tem emissão com tpEmis ${tpEmis}` };
  if (!doc.dhEmi || !doc.cNF) return { ok: false, unavailable: 'documento sem dhEmi/cCT gravados' };
  // An SVC authorises only normal CT-e (517); EPEC has its own check (cteEpec.unavailable).
  if (tpEmis !== '4' && draft.tpCTe !== '0') return { ok: false, unavailable: 'a SVC só autoriza CT-e normal (tpCTe 0)' };
  // The QR code points at whoever authorises the re-keyed CT-e: the SVC (7/8) or, after an EPEC, the UF's authorizer.
  const authorizer = cteAuthorizerFor(uf, tpEmis);
  const baseUrl = cteQrCodeBaseUrl(authorizer, ctx.tpAmb);
  if (!baseUrl) return { ok: false, unavailable: `endereço do QR code do CT-e desconhecido para ${authorizer}` };
  const { cert } = await ctx.certificate();
  const dhEmi = formatDateTime(doc.dhEmi, draft.fusoHorario ?? ufOffset(uf));
  const nCT = String(doc.numero);
  const chave = cteChave(draft, { nCT, cCT: doc.cNF, dhEmi, tpEmis });
  const qrCodCTe = buildCteQrCode({ baseUrl, chave, tpAmb: ctx.tpAmb, tpEmis, sign: cteQrNeedsSign(tpEmis) ? signChaveForQr(chave, cert.keyPem) : undefined });
  const rendered = renderCte(draft, {
    nCT, cCT: doc.cNF, dhEmi, tpEmis, tpAmb: ctx.tpAmb, verProc: ctx.deps.verProc, qrCodCTe,
    dhCont: formatDateTime(ctx.now(), ufOffset(uf)), xJust: ctx.deps.contingency?.xJust ?? TEXT.xJustContingencia,
  });
  const xmlSigned = await signXml(rendered.xml, { tag: 'infCte', keyPem: cert.keyPem, certPem: cert.certPem });
  const invalid = await cteSchemaErrors(ctx, xmlSigned);
  if (invalid) return { ok: false, schema: invalid };
  return { ok: true, signed: { chave: rendered.chave, xmlSigned, digestValue: digestValueOf(xmlSigned) ?? null, dhEmi, tpEmis } };
}

export const cteEpec: DocumentEpec<CteDraft> = {
  tpEvento: CTE_TP_EVENTO.epec,
  unavailable(draft) {
    if (draft.tpCTe !== '0') return 'EPEC só para CT-e normal (tpCTe 0)';
    const t = draft.tomador;
    return t?.uf && (t.cnpj ?? t.cpf) ? undefined : 'EPEC exige o tomador do CT-e com CNPJ/CPF e UF';
  },
  event(ctx, _draft, signed, uf) {
    const summary = epecCteSummary(parseXmlOrdered(signed.xmlSigned));
    if ('missing' in summary) throw new Error(`EPEC do CT-e ${signed.chave}: resumo sem ${summary.missing}`);
    const svc = svcFor('57', uf, ctx.deps.contingency?.svcMaps);
    if (!svc) throw new Error('CT-e sem SVC para a EPEC');
    return eventoCTe({
      cOrgao: svcCOrgao(svc), tpAmb: ctx.tpAmb, cnpj: ctx.company.cnpj, chCTe: signed.chave, dhEvento: formatDateTime(ctx.now(), ctx.offset),
      tpEvento: CTE_TP_EVENTO.epec, nSeqEvento: 1,
      detEventoInnerXml: detEPECCTe({ ...summary, xJust: ctx.deps.contingency?.xJust ?? TEXT.xJustContingencia }),
    });
  },
};
