// The NF-e 4.00 SEFAZ services (NFeStatusServico4, NFeAutorizacao4, NFeRetAutorizacao4,
// NFeConsultaProtocolo4, NFeRecepcaoEvento4) as a document type's services: the client's answers
// reduced to the generic shapes, the protocol read back (protNFe) and the distribution document (nfeProc).
import { nfeProc, protMatches } from '../../sefaz/proc';
import type { ProtNFe, RetEvento } from '../../sefaz/responses';
import type { DocumentServices, EventAnswer, Protocol } from '../document-type';
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
  async status(sefaz, target, credentials) {
    const ret = await sefaz.statusServico(target, credentials);
    return { cStat: ret.cStat, xMotivo: ret.xMotivo };
  },
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
