// The CT-e events the ERP sends through EnvioEvento (cte.md §6, §9): 110111 cancelamento, 110110 carta
// de correção (InvoiCy's CC-e layout: the corrected CT-e), 110180 comprovante de entrega and 110181 its
// cancellation, by the emitter; 610110 prestação em desacordo and 610111 its cancellation, by the
// tomador (./events-tomador). Each is checked as SEFAZ would (../../fiscal/cte/event-rules over
// ./events-facts) before anything is signed; the request is read by ./events/input, the messages are
// written by ../../sefaz/cte-messages.
import { parseDateTime } from '../../fiscal/datetime';
import { cteEventOrgao } from '../../fiscal/cte/event-orgao';
import {
  comprovanteToCancel, cteCancelRefusal, cteCceRefusal, cteComprovanteRefusal, cteDhEventoRefusal, cteMaxSeqEvento, cteSeqRefusal,
  desacordoRefusal, desacordoToCancel, CTE_EVENT, type CteFacts,
} from '../../fiscal/cte/event-rules';
import { eventProtocol } from '../../fiscal/event-rules';
import {
  detCancCECTe, detCancCTe, detCancPrestDesacordo, detCCeCTe, detCECTe, detPrestDesacordo, eventoCTe,
} from '../../sefaz/cte-messages';
import { procEventoCTe } from '../../sefaz/proc';
import type { DocumentRecord } from '../../store/port';
import type { CompanyContext } from '../context';
import { SitCodigo, TEXT } from '../codes';
import type { DocumentEvents, EventHandler, EventHeader, EventPlan, Refusal } from '../document-type';
import { comprovanteHash, readCteEvento, type CteEventoInput } from './events/input';
import { cceFor } from './events-cce';
import { authorisedXml, cteFactsOf } from './events-facts';
import { isForeign, tomadorCte } from './events-tomador';

/** xObs when the ERP sends no Observacao: mandatory in the XSD (15–255), optional in InvoiCy's layout (cte.md §6.6). */
export const DEFAULT_DESACORDO_XOBS = 'Prestacao do servico em desacordo com o informado no CT-e';

/** A CT-e request: the generic header and the event's own fields. */
export type CteEvent = CteEventoInput & EventHeader;
type Of<T extends CteEvent['tpEvento']> = Extract<CteEvent, { tpEvento: T }>;

function layout(problem: string): Refusal {
  return { code: SitCodigo.layout, text: `Erro no layout do evento: ${problem}` };
}

/** The request's narrowing to its own event (the handlers are chosen by tpEvento, so it always holds). */
function as<T extends CteEvent['tpEvento']>(input: CteEvent, tpEvento: T): Of<T> {
  if (input.tpEvento !== tpEvento) throw new Error(`evento ${input.tpEvento} entregue ao tratamento do ${tpEvento}`);
  return input as Of<T>;
}

function seqFields(input: CteEvent): Refusal | undefined {
  return input.nSeq === undefined ? undefined : cteSeqRefusal(input.tpEvento, input.nSeq);
}

/** 632: the emitter's events only for the company's own CT-e (not its reference to another's). */
function emitterRefusal(ctx: CompanyContext, doc: DocumentRecord): Refusal | undefined {
  if (!isForeign(ctx, doc)) return undefined;
  return { code: 632, text: `Rejeição: O autor do evento (${ctx.company.cnpj}) não é o emitente do CT-e (${doc.chave?.slice(6, 20) ?? ''})` };
}

function datesRefusal(ctx: CompanyContext, doc: DocumentRecord, at: Date): Refusal | undefined {
  return cteDhEventoRefusal(at, { now: ctx.now(), dhEmi: doc.dhEmi, dhAut: doc.dhAut, tpEmis: doc.tpEmis, offset: ctx.offset });
}

function protocolOf(given: string | undefined, doc: DocumentRecord): { nProt: string } | Refusal {
  const p = eventProtocol(given, doc.nProt);
  return 'problem' in p ? layout(p.problem) : p;
}

/** The emitter's events: the company's own CT-e, then the event's rule over the CT-e's facts, then the dates. */
function emitterState(rule: (facts: CteFacts, ctx: CompanyContext, input: CteEvent) => Refusal | undefined): EventHandler<CteEvent>['checkState'] {
  return async (ctx, doc, at, input) => emitterRefusal(ctx, doc) ?? rule(await cteFactsOf(ctx, doc), ctx, input) ?? datesRefusal(ctx, doc, at);
}

const cancelamento: EventHandler<CteEvent> = {
  maxSeq: cteMaxSeqEvento(CTE_EVENT.cancelamento),
  checkFields: seqFields,
  plan(_ctx, { input, doc }) {
    const i = as(input, CTE_EVENT.cancelamento);
    const nProt = protocolOf(i.nProt, doc);
    if ('code' in nProt) return Promise.resolve(nProt);
    return Promise.resolve({ tpEvento: CTE_EVENT.cancelamento, nSeq: 1, det: detCancCTe({ nProt: nProt.nProt, xJust: i.xJust }) });
  },
  checkState: emitterState((facts, ctx) => cteCancelRefusal(facts, { now: ctx.now(), offset: ctx.offset })),
};

const cartaCorrecao: EventHandler<CteEvent> = {
  maxSeq: cteMaxSeqEvento(CTE_EVENT.cartaCorrecao),
  checkFields: seqFields,
  async plan(ctx, { input, doc }) {
    const i = as(input, CTE_EVENT.cartaCorrecao);
    const events = await ctx.store.listEvents(ctx.company.id, doc.id);
    const cce = cceFor({ layout: i.layout, doc, authorisedXml: await authorisedXml(ctx, doc), events, tpEvento: CTE_EVENT.cartaCorrecao, verProc: ctx.deps.verProc });
    if ('code' in cce) return cce;
    return { tpEvento: CTE_EVENT.cartaCorrecao, nSeq: i.nSeq, det: detCCeCTe(cce.corrections) };
  },
  checkState: emitterState((facts) => cteCceRefusal(facts)),
  repeatable: { duplicateHint: '; para uma nova correção envie a Carta de Correção sem EvenSeq (ela repete as correções anteriores)' },
};

const comprovante: EventHandler<CteEvent> = {
  maxSeq: cteMaxSeqEvento(CTE_EVENT.comprovanteEntrega),
  checkFields: seqFields,
  plan(_ctx, { input, doc }) {
    const c = as(input, CTE_EVENT.comprovanteEntrega).comprovante;
    const chave = doc.chave ?? '';
    const hash = comprovanteHash(c, chave);
    if ('problem' in hash) return Promise.resolve(layout(hash.problem));
    const nProt = protocolOf(c.nProt, doc);
    if ('code' in nProt) return Promise.resolve(nProt);
    const det = detCECTe({
      nProt: nProt.nProt, dhEntrega: c.dhEntrega, nDoc: c.nDoc, xNome: c.xNome, latitude: c.latitude, longitude: c.longitude,
      hashEntrega: hash.hashEntrega, dhHashEntrega: c.dhHashEntrega, chNFe: c.chNFe,
    });
    return Promise.resolve({ tpEvento: CTE_EVENT.comprovanteEntrega, nSeq: input.nSeq, det });
  },
  checkState: emitterState((facts, ctx, input) => {
    const c = as(input, CTE_EVENT.comprovanteEntrega).comprovante;
    const [dhEntrega, dhHashEntrega] = [parseDateTime(c.dhEntrega), parseDateTime(c.dhHashEntrega)];
    if (!dhEntrega || !dhHashEntrega) return layout('CompEntrega: data de entrega ou do hash inválida');
    return cteComprovanteRefusal(facts, { now: ctx.now(), offset: ctx.offset, dhEntrega, dhHashEntrega, chNFe: c.chNFe });
  }),
};

const cancComprovante: EventHandler<CteEvent> = {
  maxSeq: cteMaxSeqEvento(CTE_EVENT.cancComprovanteEntrega),
  checkFields: seqFields,
  async plan(ctx, { input, doc }) {
    const i = as(input, CTE_EVENT.cancComprovanteEntrega);
    if (!doc.nProt) return layout('protocolo de autorização do CT-e não encontrado');
    // Without nProtCE: the CT-e's only active comprovante.
    const ce = i.nProtCE === undefined ? comprovanteToCancel(await cteFactsOf(ctx, doc), undefined) : { nProtCE: i.nProtCE };
    if ('code' in ce) return ce;
    return { tpEvento: CTE_EVENT.cancComprovanteEntrega, nSeq: i.nSeq, det: detCancCECTe({ nProt: doc.nProt, nProtCE: ce.nProtCE }) };
  },
  checkState: emitterState((facts, _ctx, input) => {
    const given = as(input, CTE_EVENT.cancComprovanteEntrega).nProtCE;
    const r = comprovanteToCancel(facts, given);
    return 'code' in r ? r : undefined;
  }),
};

/**
 * The tomador's events: the CT-e as the rules see it. One the gateway did not issue has no XML here,
 * so its tomador is the author as far as the gateway knows: SEFAZ answers 755 otherwise.
 */
async function tomadorFacts(ctx: CompanyContext, doc: DocumentRecord): Promise<CteFacts> {
  const facts = await cteFactsOf(ctx, doc);
  return facts.known ? facts : { ...facts, tomador: ctx.company.cnpj };
}

const desacordo: EventHandler<CteEvent> = {
  maxSeq: cteMaxSeqEvento(CTE_EVENT.prestDesacordo),
  checkFields: seqFields,
  locate: (ctx, input) => tomadorCte(ctx, input.chave, { fetch: true }),
  plan(ctx, { input }) {
    const i = as(input, CTE_EVENT.prestDesacordo);
    const plan: EventPlan = {
      tpEvento: CTE_EVENT.prestDesacordo, nSeq: i.nSeq, det: detPrestDesacordo({ xObs: i.xObs ?? DEFAULT_DESACORDO_XOBS }), author: ctx.company.cnpj,
    };
    return Promise.resolve(plan);
  },
  async checkState(ctx, doc, at) {
    const r = desacordoRefusal(await tomadorFacts(ctx, doc), { author: ctx.company.cnpj, now: ctx.now(), offset: ctx.offset });
    return r ?? datesRefusal(ctx, doc, at);
  },
};

const cancDesacordo: EventHandler<CteEvent> = {
  maxSeq: cteMaxSeqEvento(CTE_EVENT.cancPrestDesacordo),
  checkFields: seqFields,
  locate: (ctx, input) => tomadorCte(ctx, input.chave, { fetch: false }),
  async plan(ctx, { input, doc }) {
    const i = as(input, CTE_EVENT.cancPrestDesacordo);
    // Without the protocol: this tomador's only active desacordo.
    const given = i.nProtEvPrestDes;
    const d = given === undefined ? desacordoToCancel(await tomadorFacts(ctx, doc), { author: ctx.company.cnpj, given }) : { nProtEvPrestDes: given };
    if ('code' in d) return d;
    return { tpEvento: CTE_EVENT.cancPrestDesacordo, nSeq: i.nSeq, det: detCancPrestDesacordo(d), author: ctx.company.cnpj };
  },
  async checkState(ctx, doc, at, input) {
    const given = as(input, CTE_EVENT.cancPrestDesacordo).nProtEvPrestDes;
    const r = desacordoToCancel(await tomadorFacts(ctx, doc), { author: ctx.company.cnpj, given });
    return ('code' in r ? r : undefined) ?? datesRefusal(ctx, doc, at);
  },
};

export const cteEvents: DocumentEvents<CteEvent> = {
  read(xml, o) {
    const r = readCteEvento(xml, o);
    if (!r.ok) return { ok: false, problems: r.errors };
    // The generic header: EveDh as the local date-time and its offset, resolved by the reader.
    return { ok: true, input: { ...r.input, modelo: 'CTe', eveDh: r.input.dhEvento.slice(0, 19), eveFuso: r.input.dhEvento.slice(19) } };
  },
  handlers: {
    [CTE_EVENT.cancelamento]: cancelamento,
    [CTE_EVENT.cartaCorrecao]: cartaCorrecao,
    [CTE_EVENT.comprovanteEntrega]: comprovante,
    [CTE_EVENT.cancComprovanteEntrega]: cancComprovante,
    [CTE_EVENT.prestDesacordo]: desacordo,
    [CTE_EVENT.cancPrestDesacordo]: cancDesacordo,
  },
  // The reader refuses every EveTp outside InvoiCy's layout (the EPEC included: the service registers it itself).
  unhandled: (tpEvento) => ({ code: SitCodigo.naoDisponivel, text: TEXT.operacaoNaoSuportada(`Evento ${tpEvento} do CT-e`) }),
  unsigned: (p) => eventoCTe({
    // The authorizer that holds the CT-e (SVRS 43, SVSP 35, an SVC), not always the key's UF.
    cOrgao: cteEventOrgao(p.chave), tpAmb: p.tpAmb, ...(p.cnpj.length === 11 ? { cpf: p.cnpj } : { cnpj: p.cnpj }),
    chCTe: p.chave, dhEvento: p.dhEvento, tpEvento: p.tpEvento, nSeqEvento: p.nSeq, detEventoInnerXml: p.det,
  }),
  signedTag: 'infEvento',
  cancelling: [CTE_EVENT.cancelamento],
  cancellation: (p) => ({ tpEvento: CTE_EVENT.cancelamento, det: detCancCTe(p) }),
  proc: procEventoCTe,
};
