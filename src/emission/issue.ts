// The emission of one document of any kind (document-type.ts) up to "ready to transmit": layout →
// checks → number → key → persisted `numbered` → rendered, signed (+ supplement) → persisted `signed`
// → schema → route (normal, or the contingency routes when the scope is in contingency). Then the
// synchronous transmission. Each step persists before its side effect (architecture principle 1).
import { SefazTransportError } from '../sefaz/errors';
import type { DocumentPatch, DocumentRecord } from '../store/port';
import type { DocModel } from '../fiscal/document-state';
import { DOC_STATUS } from '../fiscal/document-state';
import type { DocumentRequest, DocumentResult } from '../invoicy/types';
import { CertificateProblem, type CompanyContext } from './context';
import { FINAL_STATUSES, SitCodigo } from './codes';
import { modeloName, refusal } from './results';
import { applyAnswer, markUnknownFate, recordRejection, resultOf, sefazTarget, settleByConsulta } from './outcome';
import { saveDocument } from './save';
import { judgeTransportFailure, settleTransportFailure } from './outage';
import { issueInContingency } from './routes/route';
import { inFlightAnswer, storedAnswer } from './resend';
import { logLine, ofThe } from './document-noun';
import { isRefusal, type DocumentType } from './document-type';
import { documentTypeOf } from './document-types';

/** A signed, validated document waiting for transmission. */
export interface ReadyDocument {
  doc: DocumentRecord;
  signedXml: string;
}

/** `doc` accompanies a result when a document row was created for it (the focus transition needs it). */
export type Prepared = { ready: ReadyDocument } | { result: DocumentResult; doc?: DocumentRecord };

const HOMOLOGACAO_TEXT = { '1': 'produção (tpAmb 1)', '2': 'homologação (tpAmb 2)' } as const;

function reject(modelo: string, code: number | string, text: string, ids?: Parameters<typeof refusal>[3]): Prepared {
  return { result: refusal(modelo, code, text, ids) };
}

/** What a number fixes (the kind's key and its parts), written with the number itself (stage `numbered`). */
type Numbered = (numero: number) => DocumentPatch;

/**
 * Resolves the document row for the requested number: a fresh allocation, a new row for a client
 * number, the re-use of a rejected row, or an answer from the stored state (idempotent resend).
 * A row it creates or re-uses is already `numbered`.
 */
async function claimNumber(ctx: CompanyContext, facts: { serie: string; numero?: string }, model: DocModel, layoutXml: string, numbered: Numbered): Promise<DocumentRecord | DocumentResult> {
  const modelo = modeloName(model);
  const serie = Number(facts.serie);
  const base = { tpAmb: ctx.tpAmb, model, serie, tpEmis: '1', docStatus: DOC_STATUS.PENDENTE, layoutXml };
  if (facts.numero === undefined) return ctx.store.allocateAndInsertDocument(ctx.company.id, base, numbered);

  const numero = Number(facts.numero);
  const existing = await ctx.store.findDocumentByNumber(ctx.company.id, ctx.tpAmb, model, serie, numero);
  if (!existing) {
    if (await ctx.store.isNumberInutilizado(ctx.company.id, ctx.tpAmb, model, serie, numero)) {
      return refusal(modelo, 206, `Rejeição: número ${numero} da série ${serie} já está inutilizado`, { numero, serie });
    }
    try {
      return await ctx.store.insertDocument(ctx.company.id, { ...base, ...numbered(numero), numero });
    } catch (err) {
      // Another call inserted the same number meanwhile: its answer is this call's too.
      const raced = await ctx.store.findDocumentByNumber(ctx.company.id, ctx.tpAmb, model, serie, numero);
      if (!raced) throw err;
      return inFlightAnswer(ctx, raced, layoutXml);
    }
  }
  ctx.log.add({ numero: String(numero), serie: String(serie), chave: existing.chave ?? undefined });
  if (FINAL_STATUSES.includes(existing.docStatus)) return storedAnswer(ctx, existing, layoutXml);
  if (existing.docStatus === DOC_STATUS.INUTILIZADO) {
    return refusal(modelo, 206, `Rejeição: número ${numero} da série ${serie} já está inutilizado`, { numero, serie });
  }
  if (existing.docStatus === DOC_STATUS.REJEITADO && existing.stage === 'settled') {
    // A rejected number may be sent again after correction; the guard makes one resend win.
    const reused = await ctx.store.updateDocument(
      ctx.company.id, existing.id,
      { ...base, cStat: null, xMotivo: null, nProt: null, dhAut: null, xmlSigned: null, xmlProc: null, digestValue: null, nRec: null, ...numbered(numero) },
      { docStatus: [DOC_STATUS.REJEITADO], stage: ['settled'] },
    );
    if (reused) return reused;
  }
  if (existing.docStatus === DOC_STATUS.NECESSITA_INTERACAO && !existing.discardRequested) {
    // Fate unknown: ask SEFAZ before answering (authorised → adopt; unknown → rejected, resend allowed).
    // A document referenced for discard is left to the discard job (cancel/void, §5.3).
    const settled = await settleByConsulta(ctx, existing);
    return storedAnswer(ctx, settled ?? existing, layoutXml);
  }
  // Answered before (pending, awaiting its recibo…): the stored answer; still in flight: its answer.
  return inFlightAnswer(ctx, existing, layoutXml);
}

function isRecord(v: DocumentRecord | DocumentResult): v is DocumentRecord {
  return (v as DocumentRecord).id !== undefined;
}

/** An Envio of a kind this gateway issues (the caller picked `type` from the modelo). */
export async function prepareEnvio(ctx: CompanyContext, type: DocumentType<unknown>, req: DocumentRequest): Promise<Prepared> {
  const read = type.read(req.documentXml, req.parsed, ctx.company.unknownFields);
  if (!read.ok) return reject(req.modelo, SitCodigo.layout, `Erro no layout de integração: ${read.errors.join('; ')}`);
  if (read.tolerated) {
    const facts = type.facts(read.draft);
    ctx.log.info('layout: campos tolerados', { modelo: modeloName(facts.model), serie: facts.serie, numero: facts.numero, tolerados: read.tolerated });
  }
  return prepareDraft(ctx, type, read.draft, req.documentXml);
}

/** From a parsed layout on (also used to re-issue a document under another série/number). */
export async function prepareDraft<D>(ctx: CompanyContext, type: DocumentType<D>, draft: D, layoutXml: string): Promise<Prepared> {
  const facts = type.facts(draft);
  const model = facts.model;
  const modelo = modeloName(model);
  const ids = { numero: facts.numero, serie: facts.serie };
  if (facts.tpAmb !== ctx.tpAmb) {
    return reject(modelo, 252, `Rejeição: ambiente do documento (${HOMOLOGACAO_TEXT[facts.tpAmb as '1' | '2'] ?? `tpAmb ${facts.tpAmb}`}) diverge do ambiente da empresa (${HOMOLOGACAO_TEXT[ctx.tpAmb]})`, ids);
  }
  try {
    await ctx.certificate();
  } catch (err) {
    if (err instanceof CertificateProblem) return reject(modelo, err.code, err.message, ids);
    throw err;
  }
  const uf = facts.uf ?? ctx.company.uf;
  const plan = await type.plan(ctx, draft, uf);
  if (isRefusal(plan)) return reject(modelo, plan.code, plan.text, ids);

  const claimed = await claimNumber(ctx, facts, model, layoutXml, (n) => ({ stage: 'numbered', ...plan.numbered(n) }));
  if (!isRecord(claimed)) return { result: claimed };
  ctx.claim(claimed);
  let doc = claimed;
  ctx.log.add({ numero: String(doc.numero), serie: String(doc.serie), modelo, chave: doc.chave ?? undefined });
  ctx.log.info(logLine(type, 'numerad'));

  if (plan.rejection) {
    doc = await saveDocument(ctx, doc, { docStatus: DOC_STATUS.REJEITADO, stage: 'settled', cStat: String(plan.rejection.code), xMotivo: plan.rejection.text });
    ctx.log.info(`${logLine(type, 'rejeitad')} antes do envio (${plan.rejection.code})`);
    return { result: await resultOf(ctx, doc), doc };
  }

  const signed = await plan.sign(doc);
  doc = await saveDocument(ctx, doc, { stage: 'signed', xmlSigned: signed.xmlSigned, digestValue: signed.digestValue ?? undefined });
  ctx.log.info(logLine(type, 'assinad'));

  const invalid = await type.validate(ctx, signed.xmlSigned);
  if (invalid) {
    doc = await saveDocument(ctx, doc, {
      docStatus: DOC_STATUS.REJEITADO, stage: 'settled', cStat: String(SitCodigo.schema),
      xMotivo: `Rejeição: Falha no Schema XML ${ofThe(type)}: ${invalid.slice(0, 3).join('; ')}`,
    });
    ctx.log.info(`${logLine(type, 'rejeitad')} na validação de schema`);
    return { result: await resultOf(ctx, doc), doc };
  }

  // Rejected here as SEFAZ would, without the round trip: same status, stage and code, number reusable.
  const broken = type.precheck?.(signed.xmlSigned, { model, now: ctx.now() });
  if (broken) {
    doc = await recordRejection(ctx, doc, broken.cStat, broken.xMotivo);
    ctx.log.info(`${logLine(type, 'rejeitad')} no pré-teste do gateway (regra da SEFAZ ${broken.cStat}), sem envio`);
    return { result: await resultOf(ctx, doc), doc };
  }

  if (await ctx.contingency.isInContingency({ tpAmb: ctx.tpAmb, uf, model })) {
    // Never sent to the normal authorizer: it keeps the ERP's number and walks the company's options.
    return issueInContingency(ctx, { type, doc, signedXml: signed.xmlSigned, draft, uf });
  }
  return { ready: { doc, signedXml: signed.xmlSigned } };
}

/**
 * Synchronous transmission (indSinc 1) of one document. A transport failure is judged first (outage →
 * 108 and contingency; SEFAZ up → pending; a message over SEFAZ's limit → 214, never sent).
 */
export async function sendSync(ctx: CompanyContext, ready: ReadyDocument): Promise<DocumentResult> {
  const doc = await saveDocument(ctx, ready.doc, { stage: 'sending', attempts: ready.doc.attempts + 1 });
  const { credentials } = await ctx.certificate();
  ctx.log.info(logLine(documentTypeOf(doc.model), 'enviad'), { indSinc: 1 });
  let ret;
  try {
    ret = await documentTypeOf(doc.model).services.authorize(ctx, sefazTarget(ctx, doc), credentials, { indSinc: '1', signedXmls: [ready.signedXml] });
  } catch (err) {
    if (!(err instanceof SefazTransportError)) throw err;
    return resultOf(ctx, await settleTransportFailure(ctx, doc, err, await judgeTransportFailure(ctx, doc, err)));
  }
  if (ret.cStat === '108' || ret.cStat === '109') {
    return resultOf(ctx, await markUnknownFate(ctx, doc, `${ret.cStat} - ${ret.xMotivo}`));
  }
  return resultOf(ctx, await applyAnswer(ctx, doc, ret));
}
