// NFeRecepcaoEvento4: envEvento → retEnvEvento 128 with one retEvento per evento. Common checks
// (signature/213, 252, 236, 572 Id, 574 author, 578 future dhEvento) then per type: 110111 cancel,
// 110110 CC-e, 110112 NFC-e cancel by substitution (all three: 577/579 dhEvento vs the NF-e),
// 110140 EPEC (AN only, answers 136, nProt 891…, 142 while older EPECs are unreconciled); at the AN
// also the destinatário's manifestação (210200/210210/210220/210240, fiscal/manifestacao.ts), which
// once registered feeds the DF-e distribution (dfe-feed.ts onManifestacao) and the core's listener.
import type { DocModel } from '../../fiscal/document-state';
import { chaveDv, isChaveFormat } from '../../fiscal/chave';
import { cnpjRoot } from '../../fiscal/cnpj';
import { parseDateTime } from '../../fiscal/datetime';
import { SEFAZ_LIMITS } from '../../fiscal/sefaz-limits';
import { isManifestacao, MANIFESTACAO, manifestacaoRejection } from '../../fiscal/manifestacao';
import { ufFromCode } from '../../fiscal/ufs';
import { servesUf } from '../authorizers';
import { reject, xMotivo, type Rejection } from '../cstat';
import { dhRecbto, nextProtocol, type ServiceContext, type SimulatorCore } from '../context';
import { feedNfeEvent, onManifestacao } from '../dfe-feed';
import { procEventoNFe, retEnvEvento, retEvento } from '../messages';
import { sliceElements } from '../soap';
import type { DocSummary, DocumentRecord } from '../state';
import { checkSignature, schemaError } from '../validation';
import { node, readRoot, text, type XmlNode } from '../xmlread';

/** Lote schema per event type (the generic envEvento leaves detEvento open). */
const SCHEMAS: Record<string, string> = {
  '110111': 'envEventoCancNFe_v1.00.xsd',
  '110110': 'envCCe_v1.00.xsd',
  '110112': 'envEventoCancSubst_v1.00.xsd',
  '110140': 'envEPEC_v1.00.xsd',
  ...Object.fromEntries(Object.keys(MANIFESTACAO).map((tp) => [tp, 'envConfRecebto_v1.00.xsd'])),
};

const MAX_EVENTOS_PER_LOTE = SEFAZ_LIMITS.NFeRecepcaoEvento4.maxDocuments;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** NT 2018.004 cancellation deadlines (sefaz-nfe.md §12). */
const CANCEL_DEADLINE_MS: Record<string, number> = { '55': 24 * HOUR, '65': 30 * MINUTE };
const SUBST_DEADLINE_MS = 168 * HOUR;
/** NT 2014.001: an EPEC whose NF-e has not reached the authorizer within 168 h blocks new EPECs (142). */
const EPEC_RECONCILE_MS = 168 * HOUR;
/** retEventoEPEC_v0.01.xsd: chNFePend maxOccurs 50. */
const MAX_CH_NFE_PEND = 50;

interface EventInput {
  xml: string;
  cOrgao: string;
  author: string;
  chave: string;
  tpEvento: string;
  nSeq: number;
  dhEvento: string;
  id: string;
  tpAmb: string;
  det: XmlNode;
}

/** A refused event; EPEC 142 also lists the pending keys. */
type Refusal = Rejection & { chNFePend?: string[] };
type Outcome = Refusal | { cStat: '135' | '136'; summary?: DocSummary; cancels?: boolean; destDoc?: string };

function readEvento(xml: string): EventInput {
  const inf = node(readRoot(xml, 'evento').infEvento);
  const f = (k: string) => text(inf[k]) ?? '';
  return {
    xml, cOrgao: f('cOrgao'), author: f('CNPJ') || f('CPF'), chave: f('chNFe'), tpEvento: f('tpEvento'),
    nSeq: Number(f('nSeqEvento')), dhEvento: f('dhEvento'), id: (inf['@_Id'] as string | undefined) ?? '', tpAmb: f('tpAmb'),
    det: node(inf.detEvento),
  };
}

/** Checks on the NF-e an emitter event refers to (cancel family): 217/218/573/580/222. */
function checkCancellable(core: SimulatorCore, ctx: ServiceContext, e: EventInput): Rejection | { authorizedAtMs: number } {
  const doc = core.state.getDocument(e.chave, ctx.tpAmb);
  if (!doc || (ctx.auth.kind === 'svc' && doc.authorizer !== ctx.auth.key)) return reject('217');
  if (doc.status === 'cancelled') {
    const same = core.state.eventsOf(e.chave, ctx.tpAmb, e.tpEvento).some((x) => x.nSeqEvento === e.nSeq);
    return same ? reject('573') : reject('218');
  }
  if (doc.status !== 'authorized') return reject('580');
  if (text(e.det.nProt) !== doc.nProt) return reject('222');
  return checkEventDates(doc, e) ?? { authorizedAtMs: doc.authorizedAtMs };
}

/**
 * dhEvento vs the NF-e (sefaz-nfe.md §12): not before dhEmi (577) and, for an NF-e not issued in
 * contingency (key tpEmis 1, as the MOC text of 579 says), not before its authorisation — compared with
 * dhRecbto, which has the same one-second precision as dhEvento.
 */
function checkEventDates(doc: DocumentRecord, e: EventInput): Rejection | undefined {
  const dhEvento = parseDateTime(e.dhEvento);
  if (!dhEvento) return undefined; // checkCommon already answered 578
  const dhEmi = parseDateTime(doc.summary.dhEmi);
  if (dhEmi && dhEvento < dhEmi) return reject('577');
  const dhAut = parseDateTime(doc.dhRecbto);
  if (e.chave[34] === '1' && dhAut && dhEvento < dhAut) return reject('579');
  return undefined;
}

function cancel(core: SimulatorCore, ctx: ServiceContext, e: EventInput): Outcome {
  if (e.nSeq !== 1) return reject('594');
  const ok = checkCancellable(core, ctx, e);
  if ('cStat' in ok) return ok;
  const limit = CANCEL_DEADLINE_MS[e.chave.slice(20, 22)] ?? CANCEL_DEADLINE_MS['55'];
  if (!core.options.lenientCancelDeadline && ctx.now.getTime() - ok.authorizedAtMs > limit) return reject('501');
  return { cStat: '135', cancels: true };
}

function cancelBySubstitution(core: SimulatorCore, ctx: ServiceContext, e: EventInput): Outcome {
  if (e.chave.slice(20, 22) !== '65') return reject('491', 'cancelamento por substituição só para NFC-e');
  if (e.nSeq !== 1) return reject('594');
  const ok = checkCancellable(core, ctx, e);
  if ('cStat' in ok) return ok;
  const refKey = text(e.det.chNFeRef) ?? '';
  const ref = core.state.getDocument(refKey, ctx.tpAmb);
  // [I] The substitute must be another authorised NFC-e of the same emitter; code 217 with detail.
  if (!ref || refKey === e.chave || ref.status !== 'authorized' || ref.mod !== '65' || ref.cnpj !== e.chave.slice(6, 20)) {
    return reject('217', 'NFC-e substituta (chNFeRef) não autorizada para o emitente');
  }
  if (!core.options.lenientCancelDeadline && ctx.now.getTime() - ok.authorizedAtMs > SUBST_DEADLINE_MS) return reject('501');
  return { cStat: '135', cancels: true };
}

function cartaCorrecao(core: SimulatorCore, ctx: ServiceContext, e: EventInput): Outcome {
  if (e.chave.slice(20, 22) === '65') return reject('784');
  if (!(e.nSeq >= 1 && e.nSeq <= 20)) return reject('594');
  const doc = core.state.getDocument(e.chave, ctx.tpAmb);
  if (!doc) return reject('217');
  if (doc.status !== 'authorized') return reject('580');
  const dates = checkEventDates(doc, e);
  if (dates) return dates;
  // 573 is a duplicate (cOrgao + tpEvento + chNFe + nSeqEvento), not an order rule: CC-e sent at once
  // may arrive in any order, and the highest sequence is the one in force.
  if (core.state.eventsOf(e.chave, ctx.tpAmb, '110110').some((x) => x.nSeqEvento === e.nSeq)) return reject('573');
  return { cStat: '135' };
}

function epec(core: SimulatorCore, ctx: ServiceContext, e: EventInput): Outcome {
  if (e.chave[34] !== '4') return reject('484');
  if (e.nSeq !== 1) return reject('594');
  const { state } = core;
  const pending = state.pendingEpecs(ctx.tpAmb, e.chave.slice(6, 20), ctx.now.getTime() - EPEC_RECONCILE_MS, MAX_CH_NFE_PEND);
  if (pending.length > 0) return { ...reject('142'), chNFePend: pending };
  if (state.eventsOf(e.chave, ctx.tpAmb, '110140').length > 0) return reject('573');
  if (state.epecByNumber(ctx.tpAmb, e.chave)) return reject('485');
  const [cnpj, mod, serie, nNF] = [e.chave.slice(6, 20), e.chave.slice(20, 22), Number(e.chave.slice(22, 25)), Number(e.chave.slice(25, 34))];
  if (state.getDocument(e.chave, ctx.tpAmb) || state.findByNumber(ctx.tpAmb, cnpj, mod, serie, nNF)) return reject('661');
  if (state.inutilizacoesOverlapping(ctx.tpAmb, cnpj, mod, serie, nNF, nNF).length > 0) return reject('662');
  const d = e.det;
  const dest = node(d.dest);
  // leiauteEPEC_v1.00.xsd places vNF/vICMS/vST inside dest; accept them after dest as well.
  const value = (k: string) => text(dest[k]) ?? text(d[k]) ?? '';
  const summary: DocSummary = {
    dhEmi: text(d.dhEmi) ?? '', tpNF: text(d.tpNF) ?? '', IE: text(d.IE) ?? '',
    destDoc: text(dest.CNPJ) ?? text(dest.CPF) ?? text(dest.idEstrangeiro), destUF: text(dest.UF), destIE: text(dest.IE),
    vNF: value('vNF'), vICMS: value('vICMS'), vST: value('vST'),
  };
  const dhEmi = parseDateTime(summary.dhEmi);
  if (!dhEmi || ctx.now.getTime() - dhEmi.getTime() > 24 * HOUR) return reject('228');
  return { cStat: '136', summary };
}

/** The destinatário's manifestação (AN only): every rule of fiscal/manifestacao.ts against the shared base. */
function manifestacao(core: SimulatorCore, ctx: ServiceContext, e: EventInput): Outcome {
  const doc = core.state.getDocument(e.chave, ctx.tpAmb);
  if (!doc) return reject('217');
  const destDoc = doc.summary.destDoc;
  const cStat = manifestacaoRejection({
    tpEvento: e.tpEvento, nSeq: e.nSeq, now: ctx.now, authorIsDestinatario: destDoc === e.author,
    nfeStatus: doc.status, authorizedAt: new Date(doc.authorizedAtMs),
    registered: core.state.eventsOf(e.chave, ctx.tpAmb).filter((x) => isManifestacao(x.tpEvento)).map((x) => ({ tpEvento: x.tpEvento, nSeq: x.nSeqEvento })),
  });
  return cStat ? reject(cStat) : { cStat: '135', destDoc };
}

function checkCommon(core: SimulatorCore, ctx: ServiceContext, e: EventInput): Rejection | undefined {
  const sig = checkSignature(core, e.xml, 'infEvento', e.author);
  if (!sig.ok) return sig.rejection;
  if (e.tpAmb !== ctx.tpAmb) return reject('252');
  if (!isChaveFormat(e.chave) || chaveDv(e.chave.slice(0, 43)) !== e.chave[43]) return reject('236');
  if (e.id !== `ID${e.tpEvento}${e.chave}${String(e.nSeq).padStart(2, '0')}`) return reject('572');
  // The destinatário authors a manifestação: its own rule (575) replaces the emitter's.
  if (!isManifestacao(e.tpEvento) && cnpjRoot(e.author) !== cnpjRoot(e.chave.slice(6, 20))) return reject('574');
  const dhEvento = parseDateTime(e.dhEvento);
  if (!dhEvento || dhEvento.getTime() > ctx.now.getTime() + 5 * MINUTE) return reject('578');
  if (ctx.auth.kind === 'an') {
    if (e.tpEvento !== '110140' && !isManifestacao(e.tpEvento)) return reject('491');
    return e.cOrgao === '91' ? undefined : reject('226');
  }
  if (e.tpEvento === '110140' || isManifestacao(e.tpEvento) || (ctx.auth.kind === 'svc' && e.tpEvento !== '110111')) return reject('491');
  if (e.cOrgao !== e.chave.slice(0, 2)) return reject('226');
  if (!servesUf(ctx.auth, ufFromCode(e.cOrgao), e.chave.slice(20, 22) as DocModel)) return reject('226');
  return undefined;
}

const HANDLERS: Record<string, (core: SimulatorCore, ctx: ServiceContext, e: EventInput) => Outcome> = {
  '110111': cancel,
  '110110': cartaCorrecao,
  '110112': cancelBySubstitution,
  '110140': epec,
  ...Object.fromEntries(Object.keys(MANIFESTACAO).map((tp) => [tp, manifestacao])),
};

/** Events of an NF-e that reach its parties through the DF-e distribution. */
const DISTRIBUTED = new Set(['110111', '110110']);

const X_EVENTO: Record<string, string> = {
  '110111': 'Cancelamento registrado',
  '110110': 'Carta de Correção registrada',
  '110112': 'Cancelamento por substituição registrado',
  '110140': 'EPEC registrado',
  '210200': 'Confirmacao da Operacao',
  '210210': 'Ciencia da Operacao',
  '210220': 'Desconhecimento da Operacao',
  '210240': 'Operacao nao Realizada',
};

function processEvento(core: SimulatorCore, ctx: ServiceContext, e: EventInput): string {
  const handler = HANDLERS[e.tpEvento];
  const outcome: Outcome = checkCommon(core, ctx, e) ?? (handler ? handler(core, ctx, e) : reject('491'));
  const base = {
    cOrgao: e.cOrgao, chNFe: e.chave, tpEvento: e.tpEvento, nSeqEvento: String(e.nSeq), dhRegEvento: dhRecbto(ctx),
  };
  if (outcome.cStat !== '135' && outcome.cStat !== '136') return retEvento(ctx, { ...base, ...(outcome as Refusal) });
  const nProt = nextProtocol(core, ctx, e.chave.slice(0, 2));
  const ret = retEvento(ctx, { ...base, cStat: outcome.cStat, xMotivo: xMotivo(outcome.cStat), xEvento: X_EVENTO[e.tpEvento], nProt });
  const registered = outcome as Exclude<Outcome, Refusal>;
  const procXml = procEventoNFe(e.xml, ret);
  core.state.insertEvent({
    tpAmb: ctx.tpAmb, chave: e.chave, tpEvento: e.tpEvento, nSeqEvento: e.nSeq, nProt, dhRegEvento: base.dhRegEvento,
    procXml, summary: registered.summary, createdAtMs: ctx.now.getTime(),
  });
  if (registered.cancels) core.state.setStatus(e.chave, ctx.tpAmb, 'cancelled');
  if (DISTRIBUTED.has(e.tpEvento)) {
    feedNfeEvent(core, ctx.tpAmb, {
      cOrgao: e.cOrgao, author: e.author, chNFe: e.chave, dhEvento: e.dhEvento, tpEvento: e.tpEvento, nSeqEvento: String(e.nSeq),
      xEvento: X_EVENTO[e.tpEvento], dhRecbto: base.dhRegEvento, nProt, procXml,
    }, ctx.now.getTime());
  }
  if (registered.destDoc !== undefined) {
    onManifestacao(core, { tpAmb: ctx.tpAmb, chave: e.chave, tpEvento: e.tpEvento, author: registered.destDoc, procEventoXml: procXml, atMs: ctx.now.getTime() });
    core.listeners.manifestacaoRegistered?.({ tpAmb: ctx.tpAmb, chave: e.chave, destDoc: registered.destDoc, tpEvento: e.tpEvento, procEventoXml: procXml });
  }
  return ret;
}

export async function recepcaoEvento(core: SimulatorCore, ctx: ServiceContext, xml: string): Promise<string> {
  const idLote = text(readRoot(xml, 'envEvento').idLote) ?? '0';
  const eventos = sliceElements(xml, 'evento').map(readEvento);
  const cOrgao = ctx.auth.kind === 'an' ? '91' : (eventos[0]?.cOrgao || ctx.auth.defaultCuf);
  const lote = (cStat: string, detail?: string) => retEnvEvento(ctx, idLote, cOrgao, cStat, reject(cStat, detail).xMotivo);
  const schema = await schemaError(core, SCHEMAS[eventos[0]?.tpEvento ?? ''] ?? 'envEvento_v1.00.xsd', xml);
  if (schema) return lote('215', schema);
  if (eventos.length === 0 || eventos.length > MAX_EVENTOS_PER_LOTE) return lote('215', `lote deve ter de 1 a ${MAX_EVENTOS_PER_LOTE} eventos`);
  return retEnvEvento(ctx, idLote, cOrgao, '128', xMotivo('128'), eventos.map((e) => processEvento(core, ctx, e)));
}
