// NFeAutorizacao4: enviNFe → retEnviNFe. Lote-level checks, then per NF-e: signature (297/298/29x,
// 213), business rules, NFC-e QR (394/397/398/462/464), EPEC reconciliation (467/468), duplicity
// (635/204/205/539/206), configured denial (301/302) or authorisation (100, or 150 when late), which
// feeds the DF-e distribution (dfe-feed.ts).
import type { Document } from '@xmldom/xmldom';
import { parseForVerification } from '../../signing/verify';
import { XmlInputError } from '../../xml/parse';
import { digestValueHex, parseQrCodeV2, verifyQrHashV2 } from '../../fiscal/qrcode';
import { SEFAZ_LIMITS } from '../../fiscal/sefaz-limits';
import { answerCuf } from '../authorizers';
import { reject, xMotivo, type Rejection } from '../cstat';
import { dhRecbto, nextProtocol, nextRecibo, type ServiceContext, type SimulatorCore } from '../context';
import { infRec, protNFe, retEnviNFe } from '../messages';
import { authorisedCStat, checkNfeRules, epecDivergence, nfeFacts, summaryOf, type NfeFacts } from '../nfe-rules';
import { nfeRuleFacts } from '../../sefaz/nfe-rule-facts';
import { totalsRejection } from '../nfe-amounts';
import { sliceElements } from '../soap';
import { feedNfe } from '../dfe-feed';
import type { DocumentRecord, LoteNumber } from '../state';
import { checkSignature, schemaError } from '../validation';

const MAX_NFE_PER_LOTE = SEFAZ_LIMITS.NFeAutorizacao4.maxDocuments;

function checkQrCode(core: SimulatorCore, f: NfeFacts, digestValue: string): Rejection | undefined {
  if (!f.qrCode) return reject('394');
  if (!f.urlChave) return reject('878', 'urlChave não informada');
  const qr = parseQrCodeV2(f.qrCode);
  if (!qr) return reject('398');
  if (qr.chave !== f.chave) return reject('397');
  const csc = core.state.getCsc(f.emitDoc, Number(qr.idCsc));
  if (csc === undefined) return reject('462');
  if (!verifyQrHashV2(qr, csc)) return reject('464');
  if (qr.offline && qr.digValHex?.toLowerCase() !== digestValueHex(digestValue)) return reject('464', 'digVal do QR-Code difere da assinatura');
  return undefined;
}

/**
 * Duplicity against the shared base (sefaz-nfe.md §5.4): same number inside an async lote still
 * processing 635, same key 204/205, same number 539, inutilizado 206. 635 goes first because the
 * simulator decides and stores a lote's outcome at receipt; until readyAtMs (when the recibo answers
 * 104) SEFAZ would still be "aguardando processamento".
 */
function checkDuplicity(core: SimulatorCore, ctx: ServiceContext, f: NfeFacts): Rejection | undefined {
  const { state } = core;
  if (state.numberInProcessing(ctx.tpAmb, numberOf(f), ctx.now.getTime())) return reject('635');
  const same = state.getDocument(f.chave, ctx.tpAmb);
  if (same?.status === 'denied') {
    return { cStat: '205', xMotivo: `Rejeição: NF-e está denegada na base de dados da SEFAZ [nProt:${same.nProt}][dhDeneg:${same.dhRecbto}]` };
  }
  if (same) return { cStat: '204', xMotivo: `Rejeição: Duplicidade de NF-e [nProt:${same.nProt}][dhAut:${same.dhRecbto}]` };
  const other = state.findByNumber(ctx.tpAmb, f.emitDoc, f.mod, Number(f.serie), Number(f.nNF));
  if (other) return { cStat: '539', xMotivo: `Rejeição: Duplicidade de NF-e com diferença na Chave de Acesso [chNFe:${other.chave}]` };
  if (state.inutilizacoesOverlapping(ctx.tpAmb, f.emitDoc, f.mod, Number(f.serie), Number(f.nNF), Number(f.nNF)).length > 0) return reject('206');
  return undefined;
}

function numberOf(f: NfeFacts): LoteNumber {
  return { cnpj: f.emitDoc, mod: f.mod, serie: Number(f.serie), nNF: Number(f.nNF) };
}

/** Processes one NF-e and returns its protNFe. */
function processNfe(core: SimulatorCore, ctx: ServiceContext, nfeXml: string, nfeDoc: Document, f: NfeFacts, forced?: string): string {
  const base = { chNFe: f.chave, dhRecbto: dhRecbto(ctx) };
  const sig = checkSignature(core, nfeDoc, 'infNFe', f.emitDoc);
  if (!sig.ok) return protNFe(ctx, { ...base, ...sig.rejection });
  const digVal = sig.digestValue;
  if (forced) return protNFe(ctx, { ...base, digVal, cStat: forced, xMotivo: xMotivo(forced) });
  const problem =
    checkNfeRules(f, nfeRuleFacts(nfeDoc), ctx.auth, ctx.tpAmb, ctx.now, core.options) ??
    totalsRejection(nfeDoc) ??
    (f.mod === '65' ? checkQrCode(core, f, digVal) : undefined) ??
    checkEpec(core, ctx, f) ??
    checkDuplicity(core, ctx, f);
  if (problem) return protNFe(ctx, { ...base, digVal, ...problem });

  const denial = core.state.denialFor(f.emitDoc, f.destDoc);
  const cStat = denial?.cStat ?? authorisedCStat(f, ctx.now);
  const nProt = nextProtocol(core, ctx, f.cUF);
  const prot = protNFe(ctx, { ...base, nProt, digVal, cStat, xMotivo: xMotivo(cStat) });
  const record: DocumentRecord = {
    chave: f.chave, tpAmb: ctx.tpAmb, authorizer: ctx.auth.key, cnpj: f.emitDoc, mod: f.mod,
    serie: Number(f.serie), nNF: Number(f.nNF), status: denial ? 'denied' : 'authorized', cStat, nProt,
    dhRecbto: base.dhRecbto, digVal, authorizedAtMs: ctx.now.getTime(), nfeXml, protXml: prot, summary: summaryOf(f),
  };
  core.state.insertDocument(record);
  feedNfe(core, ctx.tpAmb, record, nfeDoc);
  return prot;
}

function checkEpec(core: SimulatorCore, ctx: ServiceContext, f: NfeFacts): Rejection | undefined {
  if (f.tpEmis !== '4') return undefined;
  const epec = core.state.eventsOf(f.chave, ctx.tpAmb, '110140')[0];
  if (!epec?.summary) return reject('468');
  const field = epecDivergence(summaryOf(f), epec.summary);
  return field ? reject('467', `campo ${field}`) : undefined;
}

export async function autorizacao(core: SimulatorCore, ctx: ServiceContext, xml: string): Promise<string> {
  const nfes = sliceElements(xml, 'NFe');
  // Each NF-e is parsed once: the facts are read from, and the signature verified on, the same tree.
  let docs: Document[];
  try {
    docs = nfes.map(parseForVerification);
  } catch (e) {
    return retEnviNFe(ctx, '225', reject('225', e instanceof XmlInputError ? e.message : undefined).xMotivo, answerCuf(ctx.auth));
  }
  const facts = docs.map(nfeFacts);
  const cUF = answerCuf(ctx.auth, facts[0]?.cUF);
  const lote = (cStat: string, detail?: string) => retEnviNFe(ctx, cStat, reject(cStat, detail).xMotivo, cUF);
  const schema = await schemaError(core, 'enviNFe_v4.00.xsd', xml);
  if (schema) return lote('225', schema);
  if (nfes.length === 0 || nfes.length > MAX_NFE_PER_LOTE) return lote('225', `lote deve ter de 1 a ${MAX_NFE_PER_LOTE} NF-e`);
  const indSinc = /<indSinc>([^<]*)<\/indSinc>/.exec(xml)?.[1];
  if (indSinc === '1' && nfes.length > 1) return lote('764');
  if (indSinc !== '1' && nfes.length === 1) return lote('452');
  if (new Set(facts.map((f) => f.mod)).size > 1) return lote('765');

  const rejectFault = ctx.takeFault(['reject']);
  const forced = rejectFault ? (rejectFault.cStat ?? '999') : undefined;
  const prots = nfes.map((nfe, i) => processNfe(core, ctx, nfe, docs[i], facts[i], forced));
  if (indSinc === '1') return retEnviNFe(ctx, '104', xMotivo('104'), cUF, prots[0]);

  const nRec = nextRecibo(core, ctx, cUF);
  const delay = core.options.processingDelayMs;
  core.state.insertLote({
    nRec, tpAmb: ctx.tpAmb, authorizer: ctx.auth.key, cUF, transmitter: ctx.transmitter ?? facts[0].emitDoc,
    receivedAtMs: ctx.now.getTime(), readyAtMs: ctx.now.getTime() + delay, protXmls: prots,
  }, facts.map(numberOf));
  return retEnviNFe(ctx, '103', xMotivo('103'), cUF, infRec(nRec, tMedSeconds(delay)));
}

/** tMed in whole seconds, minimum 1 (sefaz-nfe.md §5.3). */
export function tMedSeconds(delayMs: number): number {
  return Math.max(1, Math.ceil(delayMs / 1000));
}
