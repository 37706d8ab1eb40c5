// The NF-e 4.00 SEFAZ services (NFeAutorizacao4, NFeRetAutorizacao4, NFeConsultaProtocolo4,
// NFeRecepcaoEvento4) as a document type's services: the client's answers reduced to the generic
// shapes, the protocol read back (protNFe), and the distribution documents (nfeProc, procEventoNFe).
import { nfeProc, procEventoNFe, protMatches } from '../../sefaz/proc';
import type { ProtNFe, RetEvento } from '../../sefaz/responses';
import { detCancelamento, evento, TP_EVENTO } from '../../sefaz/messages';
import type { DocumentEvents, DocumentServices, EventAnswer, Protocol } from '../document-type';
import { newIdLote } from '../id-lote';

export function protocolOf(p: ProtNFe): Protocol {
  return { chave: p.chNFe, cStat: p.cStat, xMotivo: p.xMotivo, nProt: p.nProt, dhRecbto: p.dhRecbto, digVal: p.digVal, raw: p.raw };
}

function eventAnswerOf(r: RetEvento): EventAnswer {
  return {
    cStat: r.cStat, xMotivo: r.xMotivo, tpEvento: r.tpEvento, nSeq: r.nSeqEvento === undefined ? undefined : Number(r.nSeqEvento),
    nProt: r.nProt, dhRegEvento: r.dhRegEvento, raw: r.raw,
  };
}

export const nfeServices: DocumentServices = {
  async authorize(ctx, target, credentials, lote) {
    const ret = await ctx.sefaz.autorizar(target, credentials, { idLote: newIdLote(), indSinc: lote.indSinc, signedNfeXmls: lote.signedXmls });
    return { cStat: ret.cStat, xMotivo: ret.xMotivo, nRec: ret.nRec, tMed: ret.tMed, protocols: ret.prot.map(protocolOf) };
  },
  async recibo(ctx, target, credentials, nRec) {
    const ret = await ctx.sefaz.retAutorizacao(target, credentials, nRec);
    return { cStat: ret.cStat, xMotivo: ret.xMotivo, nRec: ret.nRec, protocols: ret.prot.map(protocolOf) };
  },
  async consult(ctx, target, credentials, chave) {
    const ret = await ctx.sefaz.consultaProtocolo(target, credentials, chave);
    return {
      cStat: ret.cStat, xMotivo: ret.xMotivo, protocol: ret.prot && protocolOf(ret.prot),
      events: ret.eventos.map((e) => ({ answer: eventAnswerOf(e.retEvento), proc: e.raw })),
    };
  },
  async sendEvents(ctx, target, credentials, signedEventXmls) {
    const ret = await ctx.sefaz.recepcaoEvento(target, credentials, { idLote: newIdLote(), signedEventoXmls: signedEventXmls });
    return { cStat: ret.cStat, xMotivo: ret.xMotivo, events: ret.retEventos.map(eventAnswerOf) };
  },
};

export const nfeProtocol = {
  attachable: (prot: Protocol, chave: string, digestValue: string): boolean => protMatches({ ...prot, chNFe: prot.chave }, chave, digestValue),
  proc: nfeProc,
};

export const nfeEvents: DocumentEvents = {
  accepted: [TP_EVENTO.cancelamento, TP_EVENTO.cartaCorrecao, TP_EVENTO.cancelamentoSubstituicao],
  // Manifestação, prorrogação … of InvoiCy's NF-e/NFC-e event layout.
  notYetSupported: [
    '210200', '210210', '210220', '210240', '111500', '111501', '111502', '111503', '910111', '910112',
    '110150', '110130', '110131', '110192', '110193', '110750', '110751',
  ],
  unsigned: (p) => evento({
    cOrgao: p.cOrgao, tpAmb: p.tpAmb, cnpj: p.cnpj, chNFe: p.chave, dhEvento: p.dhEvento,
    tpEvento: p.tpEvento, nSeqEvento: p.nSeq, detEventoInnerXml: p.det,
  }),
  signedTag: 'infEvento',
  cancelling: [TP_EVENTO.cancelamento, TP_EVENTO.cancelamentoSubstituicao],
  cancellation: (p) => ({ tpEvento: TP_EVENTO.cancelamento, det: detCancelamento(p) }),
  proc: procEventoNFe,
};
