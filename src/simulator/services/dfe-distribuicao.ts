// NFeDistribuicaoDFe and CTeDistribuicaoDFe at the Ambiente Nacional: distDFeInt → retDistDFeInt.
// Order: schema 215 (NF-e's XSD; CT-e's NSUs checked by hand), 252, the certificate against the
// interested party (593 CNPJ base, 472 CPF), then the query through the rules of dfe-rules.ts with
// the consumer's shared position (distNSU: the co-consumer fault may move it first).
import { chaveDv, isChaveFormat } from '../../fiscal/chave';
import { cnpjRoot } from '../../fiscal/cnpj';
import { isNsu } from '../../fiscal/nsu';
import { reject } from '../cstat';
import type { ServiceContext, SimulatorCore } from '../context';
import { DFE_SCHEMA, DFE_XMOTIVO, procOf, retDistDFeInt, type RetDistFields } from '../dfe-documents';
import { coConsumerInstant } from '../dfe-coconsumer';
import { activityBase, resNFeOf } from '../dfe-feed';
import type { DfeEntry, DfeFamily } from '../dfe-lists';
import { admitKeyQuery, consChaveRefusal, decideConsNsu, decideDistNsu, type DistDecision, type ListFacts } from '../dfe-rules';
import { schemaError } from '../validation';
import { node, readRoot, text } from '../xmlread';

interface DistQuery {
  tpAmb: string;
  doc: string;
  distNSU?: string;
  consNSU?: string;
  chave?: string;
}

function readQuery(xml: string): DistQuery {
  const r = readRoot(xml, 'distDFeInt');
  return {
    tpAmb: text(r.tpAmb) ?? '',
    doc: text(r.CNPJ) ?? text(r.CPF) ?? '',
    distNSU: text(node(r.distNSU).ultNSU),
    consNSU: text(node(r.consNSU).NSU),
    chave: text(node(r.consChNFe).chNFe),
  };
}

function facts(list: readonly DfeEntry[]): ListFacts {
  return {
    maxNSU: list.length,
    after(after, sinceMs, limit) {
      const out: number[] = [];
      for (let i = after; i < list.length && out.length < limit; i++) if (list[i].receivedAtMs >= sinceMs) out.push(i + 1);
      return out;
    },
    available: (nsu, sinceMs) => nsu <= list.length && list[nsu - 1].receivedAtMs >= sinceMs,
  };
}

function fields(d: DistDecision, list: readonly DfeEntry[]): RetDistFields {
  switch (d.cStat) {
    case '138':
      return { cStat: '138', xMotivo: DFE_XMOTIVO['138'], ultNSU: d.ultNSU, maxNSU: d.maxNSU, docs: d.nsus.map((n) => ({ nsu: n, schema: list[n - 1].schema, xml: list[n - 1].render() })) };
    case '137':
      return { cStat: '137', xMotivo: DFE_XMOTIVO['137'], ultNSU: d.ultNSU, maxNSU: d.maxNSU };
    case '656':
      return { cStat: '656', xMotivo: d.xMotivo, ...(d.ultNSU === undefined ? {} : { ultNSU: d.ultNSU, maxNSU: 0 }) };
    case '589':
      return { cStat: '589', xMotivo: DFE_XMOTIVO['589'], maxNSU: d.maxNSU };
  }
}

/** The interested party against the TLS client certificate (plain HTTP trusts the message). */
function certificateRefusal(ctx: ServiceContext, doc: string): '593' | '472' | undefined {
  const t = ctx.transmitter;
  if (t === undefined) return undefined;
  if (doc.length === 11) return t === doc ? undefined : '472';
  return t.length === 14 && cnpjRoot(t) === cnpjRoot(doc) ? undefined : '593';
}

/** consChNFe: the NF-e itself (resNFe to a destinatário that has not manifested), with its NSU in the requester's list if any. */
function byKey(core: SimulatorCore, ctx: ServiceContext, q: DistQuery, chave: string, list: readonly DfeEntry[]): RetDistFields {
  const rec = core.state.getDocument(chave, ctx.tpAmb);
  const p = core.dfe.partiesOf(ctx.tpAmb, chave);
  const isDest = p?.dest === q.doc;
  const refusal = consChaveRefusal({
    exists: !!rec && rec.mod === '55' && p?.family === 'nfe', status: rec?.status, authorizedAtMs: rec?.authorizedAtMs,
    isEmitter: rec?.cnpj === q.doc, related: isDest || !!p?.full.includes(q.doc),
  }, ctx.now.getTime(), core.options.dfe);
  if (refusal || !rec) return { cStat: refusal ?? '217', xMotivo: DFE_XMOTIVO[refusal ?? '217'] };
  const summary = isDest && !p?.released;
  const schema = summary ? DFE_SCHEMA.resNFe : DFE_SCHEMA.procNFe;
  let nsu: number | undefined;
  for (let i = list.length - 1; i >= 0; i--) if (list[i].chave === chave && list[i].schema === schema) { nsu = i + 1; break; }
  const xml = summary ? resNFeOf(rec) : procOf('nfe', rec.nfeXml, rec.protXml);
  return { cStat: '138', xMotivo: DFE_XMOTIVO['138'], ultNSU: nsu, maxNSU: list.length, docs: [{ nsu, schema, xml }] };
}

async function answer(core: SimulatorCore, ctx: ServiceContext, family: DfeFamily, xml: string): Promise<RetDistFields> {
  const refused = (cStat: string, detail?: string): RetDistFields => ({ cStat, xMotivo: detail ? reject(cStat, detail).xMotivo : (DFE_XMOTIVO[cStat] ?? reject(cStat).xMotivo) });
  if (family === 'nfe') {
    const schema = await schemaError(core, 'distDFeInt_v1.01.xsd', xml);
    if (schema) return refused('215', schema);
  }
  const q = readQuery(xml);
  const nsuText = q.distNSU ?? q.consNSU;
  // CT-e's distDFeInt 1.00 has no XSD beside the project and no key query: its NSU is checked here.
  if (family === 'cte' && (nsuText === undefined || !isNsu(nsuText) || !q.doc)) return refused('215', 'distNSU/ultNSU ou consNSU/NSU com 15 dígitos');
  if (q.tpAmb !== ctx.tpAmb) return refused('252');
  const cert = certificateRefusal(ctx, q.doc);
  if (cert) return refused(cert);
  const nowMs = ctx.now.getTime();
  core.dfe.touch(activityBase(q.doc), nowMs);
  const limits = core.options.dfe;
  const list = core.dfe.list(ctx.tpAmb, family, q.doc);
  if (q.distNSU !== undefined) {
    core.dfeCoConsumer.beforeDistNsu(core.dfe, ctx.tpAmb, family, q.doc, coConsumerInstant(nowMs, limits.holdMs));
    const d = decideDistNsu(core.dfe.consumer(ctx.tpAmb, family, q.doc), Number(q.distNSU), facts(list), nowMs, limits);
    core.dfe.setConsumer(ctx.tpAmb, family, q.doc, d.next);
    return fields(d.answer, list);
  }
  const admitted = admitKeyQuery(core.dfe.consumer(ctx.tpAmb, family, q.doc), nowMs, limits);
  core.dfe.setConsumer(ctx.tpAmb, family, q.doc, admitted.next);
  if ('answer' in admitted) return fields(admitted.answer, list);
  if (q.consNSU !== undefined) return fields(decideConsNsu(Number(q.consNSU), facts(list), nowMs, limits), list);
  const chave = q.chave ?? '';
  if (!isChaveFormat(chave) || chaveDv(chave.slice(0, 43)) !== chave[43]) return refused('236');
  return byKey(core, ctx, q, chave, list);
}

export function dfeDistribuicao(family: DfeFamily) {
  return async (core: SimulatorCore, ctx: ServiceContext, xml: string): Promise<string> => retDistDFeInt(ctx, family, await answer(core, ctx, family, xml));
}
