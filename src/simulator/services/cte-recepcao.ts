// CTeRecepcaoSincV4: the signed CTe (already gunzipped by the envelope reader: 244 there) → retCTe.
// Order: schema 215, modal schema 580, signature (29x, 213), rules (239, 252, 226, 227/253, 515–517,
// 670, 212, 228), at an SVC the origin UF has not switched on 114, duplicity 204/539, a substitute's
// checks (cte-substitution.ts), an injected `reject`, then 100 with protCTe (fed to the DF-e
// distribution, dfe-feed.ts); a rejection repeated
// past the CI01 threshold is 678 (cte.md §8).
import type { Document } from '@xmldom/xmldom';
import { parseForVerification } from '../../signing/verify';
import { XmlInputError } from '../../xml/parse';
import { answerCuf } from '../authorizers';
import { dhRecbto, nextProtocol, type ServiceContext, type SimulatorCore } from '../context';
import { consumoIndevido } from '../cte-consumo';
import { cteReject, cteXMotivo } from '../cte-cstat';
import { protCTe, retCTe } from '../cte-messages';
import { checkCteRules, cteFacts, cteSummaryOf, type CteFacts } from '../cte-rules';
import { svcDisabled } from '../cte-svc';
import { substitutionProblem } from '../cte-substitution';
import type { Rejection } from '../cstat';
import { feedCte } from '../dfe-feed';
import type { DocumentRecord } from '../state';
import { checkSignature, schemaError } from '../validation';

/** The modal schema for each `modal` code (cte.md §13); infModal holds `xs:any` in the generic schema. */
const MODAL_SCHEMAS: Record<string, string> = {
  '01': 'cteModalRodoviario_v4.00.xsd',
  '02': 'cteModalAereo_v4.00.xsd',
  '03': 'cteModalAquaviario_v4.00.xsd',
  '04': 'cteModalFerroviario_v4.00.xsd',
  '05': 'cteModalDutoviario_v4.00.xsd',
  '06': 'cteMultiModal_v4.00.xsd',
};

const CTE_NS = 'http://www.portalfiscal.inf.br/cte';

/** 580: the element inside infModal against its modal's schema (it inherits the CT-e namespace). */
async function modalError(core: SimulatorCore, f: CteFacts, xml: string): Promise<string | undefined> {
  const inner = /<infModal\b[^>]*>([\s\S]*?)<\/infModal>/.exec(xml)?.[1];
  const schema = MODAL_SCHEMAS[f.modal];
  if (inner === undefined) return undefined; // complemento: no infModal
  if (!schema) return `modal ${f.modal} desconhecido`;
  const root = /^<([A-Za-z_][\w.-]*)/.exec(inner)?.[1];
  const own = root ? inner.replace(new RegExp(`^<${root}(?=[\\s>/])`), `<${root} xmlns="${CTE_NS}"`) : inner;
  return schemaError(core, schema, own, 'cte');
}

function duplicity(core: SimulatorCore, ctx: ServiceContext, f: CteFacts): Rejection | undefined {
  const same = core.state.getDocument(f.chave, ctx.tpAmb);
  if (same) return { cStat: '204', xMotivo: `${cteXMotivo('204')} [nProt:${same.nProt}][dhAut:${same.dhRecbto}]` };
  const other = core.state.findByNumber(ctx.tpAmb, f.emitDoc, f.mod, Number(f.serie), Number(f.nCT));
  if (other) return { cStat: '539', xMotivo: `${cteXMotivo('539')} [chCTe:${other.chave}][nProt:${other.nProt}][dhAut:${other.dhRecbto}]` };
  return undefined;
}

async function check(core: SimulatorCore, ctx: ServiceContext, xml: string, doc: Document, f: CteFacts): Promise<Rejection | { digVal: string }> {
  const schema = await schemaError(core, 'cte_v4.00.xsd', xml, 'cte');
  if (schema) return cteReject('215', schema);
  const modal = await modalError(core, f, xml);
  if (modal) return cteReject('580', modal);
  const sig = checkSignature(core, doc, 'infCte', f.emitDoc);
  if (!sig.ok) return sig.rejection;
  const problem = checkCteRules(f, ctx.auth, ctx.tpAmb, ctx.now) ?? svcDisabled(core, ctx, f.cUF) ?? duplicity(core, ctx, f) ??
    substitutionProblem(core, ctx, f);
  if (problem) return problem;
  const forced = ctx.takeFault(['reject']);
  if (forced) return cteReject(forced.cStat ?? '999');
  return { digVal: sig.digestValue };
}

export async function cteRecepcao(core: SimulatorCore, ctx: ServiceContext, xml: string): Promise<string> {
  let doc: Document;
  try {
    doc = parseForVerification(xml);
  } catch (e) {
    return retCTe(ctx, '215', cteReject('215', e instanceof XmlInputError ? e.message : undefined).xMotivo, answerCuf(ctx.auth));
  }
  const f = cteFacts(doc);
  const cUF = answerCuf(ctx.auth, f.cUF);
  const outcome = await check(core, ctx, xml, doc, f);
  if ('cStat' in outcome) {
    const limit = core.options.cteConsumo.authorisationRejections;
    const blocked = consumoIndevido(core, `CI01:${f.chave}:${outcome.cStat}`, limit, ctx.now.getTime());
    const r = blocked ? cteReject('678') : outcome;
    return retCTe(ctx, r.cStat, r.xMotivo, cUF);
  }
  const base = { chCTe: f.chave, dhRecbto: dhRecbto(ctx) };
  const nProt = nextProtocol(core, ctx, f.cUF);
  const prot = protCTe(ctx, { ...base, nProt, digVal: outcome.digVal, cStat: '100', xMotivo: cteXMotivo('100') });
  const record: DocumentRecord = {
    chave: f.chave, tpAmb: ctx.tpAmb, authorizer: ctx.auth.key, cnpj: f.emitDoc, mod: f.mod, serie: Number(f.serie),
    nNF: Number(f.nCT), status: 'authorized', cStat: '100', nProt, dhRecbto: base.dhRecbto, digVal: outcome.digVal,
    authorizedAtMs: ctx.now.getTime(), nfeXml: xml, protXml: prot,
    // The NF-e summary serves EPEC reconciliation of NF-e only; the CT-e's facts go to cte_summaries.
    summary: { dhEmi: f.dhEmi, tpNF: '', IE: '', vNF: '', vICMS: '', vST: '' },
  };
  core.state.insertDocument(record);
  feedCte(core, ctx.tpAmb, record, doc, f.tomaDoc);
  core.state.insertCteSummary(f.chave, ctx.tpAmb, cteSummaryOf(f));
  if (f.tpCTe === '3' && f.chCteSub) core.state.markCteSubstituted(f.chCteSub, ctx.tpAmb, f.chave);
  return retCTe(ctx, '100', cteXMotivo('100'), cUF, prot);
}
