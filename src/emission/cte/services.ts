// The CT-e 4.00 SEFAZ services (CTeStatusServicoV4, CTeRecepcaoSincV4, CTeConsultaV4,
// CTeRecepcaoEventoV4) as a document type's services: the client's answers reduced to the generic
// shapes, the protocol read back (protCTe) and the distribution document (cteProc). CT-e 4.00 is
// synchronous and one document per call: no lote, no recibo.
import type { CteTarget, SefazTarget } from '../../sefaz/client';
import type { ProtCTe, RetEventoCTe } from '../../sefaz/cte-responses';
import { cteProc, protMatches } from '../../sefaz/proc';
import type { DocumentServices, EventAnswer, Protocol } from '../document-type';

function protocolOf(p: ProtCTe): Protocol {
  return { chave: p.chCTe, cStat: p.cStat, xMotivo: p.xMotivo, nProt: p.nProt, dhRecbto: p.dhRecbto, digVal: p.digVal, raw: p.raw };
}

function eventAnswerOf(r: RetEventoCTe): EventAnswer {
  return {
    cStat: r.cStat, xMotivo: r.xMotivo, tpEvento: r.tpEvento, nSeq: r.nSeqEvento === undefined ? undefined : Number(r.nSeqEvento),
    nProt: r.nProt, dhRegEvento: r.dhRegEvento ?? '', raw: r.raw,
  };
}

/** The CT-e client's target: the model is implied by the service. */
function cteTarget(t: SefazTarget): CteTarget {
  return { uf: t.uf, tpAmb: t.tpAmb, authorizer: t.authorizer, timeouts: t.timeouts, log: t.log };
}

function onlyOne(xmls: readonly string[], what: string): string {
  if (xmls.length !== 1) throw new Error(`CT-e 4.00: um ${what} por chamada à SEFAZ (recebidos ${xmls.length})`);
  return xmls[0];
}

/** What a processed event lote (128) is for NF-e, one answered eventoCTe is for CT-e (no lote wrapper). */
const EVENT_PROCESSED = { cStat: '128', xMotivo: 'Evento processado' };

export const cteServices: DocumentServices = {
  async status(sefaz, target, credentials) {
    const ret = await sefaz.cteStatusServico(cteTarget(target), credentials);
    return { cStat: ret.cStat, xMotivo: ret.xMotivo };
  },
  async authorize(ctx, target, credentials, lote) {
    const ret = await ctx.sefaz.cteRecepcao(cteTarget(target), credentials, onlyOne(lote.signedXmls, 'CT-e'));
    return { cStat: ret.cStat, xMotivo: ret.xMotivo, protocols: ret.prot ? [protocolOf(ret.prot)] : [] };
  },
  recibo() {
    return Promise.reject(new Error('CT-e 4.00 é autorizado de forma síncrona: não há recibo a consultar'));
  },
  async consult(ctx, target, credentials, chave) {
    const ret = await ctx.sefaz.cteConsulta(cteTarget(target), credentials, chave);
    return {
      cStat: ret.cStat, xMotivo: ret.xMotivo, protocol: ret.prot && protocolOf(ret.prot),
      events: ret.eventos.map((e) => ({ answer: eventAnswerOf(e.retEvento), proc: e.raw })),
    };
  },
  async sendEvents(ctx, target, credentials, signedEventXmls) {
    const ret = await ctx.sefaz.cteRecepcaoEvento(cteTarget(target), credentials, onlyOne(signedEventXmls, 'evento'));
    return { ...EVENT_PROCESSED, events: [eventAnswerOf(ret)] };
  },
};

export const cteProtocol = {
  attachable: (prot: Protocol, chave: string, digestValue: string): boolean => protMatches({ ...prot, chNFe: prot.chave }, chave, digestValue),
  proc: cteProc,
};
