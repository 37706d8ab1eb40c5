// Recording what SEFAZ said about one document (of any type: document-type.ts): authorisation or denial (its distribution document stored), rejection,
// duplicity (204/539 → the truth is fetched by key), unknown fate (108 + contingency entry, or pending
// when SEFAZ is up) and the local 214 of a message over SEFAZ's limit. Shared by the synchronous
// path, the lotes, the recibo polling and the settling of "necessita interação".
import type { DocumentPatch, DocumentRecord } from '../store/port';
import type { DocStatus } from '../fiscal/document-state';
import { DOC_STATUS } from '../fiscal/document-state';
import { SefazTransportError, type SefazMessageTooLarge } from '../sefaz/errors';
import { parseDateTime } from '../fiscal/datetime';
import { kilobytes } from '../fiscal/sefaz-limits';
import { UNKNOWN_FATE_WAIT_MS } from '../contingency/policy';
import { ufFromCode } from '../fiscal/ufs';
import type { DocumentOutcome } from '../invoicy/types';
import type { CompanyContext } from './context';
import { AUTHORISED_CSTATS, DENIAL_CSTATS, SitCodigo, TEXT } from './codes';
import { answerXmlFields, documentOutcome, type AnswerXml } from './results';
import { logLine } from './document-noun';
import type { AuthorisationAnswer, Protocol } from './document-type';
import { documentTypeOf } from './document-types';
import { saveDocument } from './save';

/** Emitter UF of a document: the chave's cUF, else the company's. */
export function docUf(ctx: CompanyContext, doc: DocumentRecord): string {
  return (doc.chave && ufFromCode(doc.chave.slice(0, 2))) || ctx.company.uf;
}

export function sefazTarget(ctx: CompanyContext, doc: DocumentRecord) {
  return { uf: docUf(ctx, doc), model: doc.model, tpAmb: doc.tpAmb, log: ctx.log };
}

const ISSUED_IN_CONTINGENCY: readonly number[] = [DOC_STATUS.CONTINGENCIA_SVC, DOC_STATUS.EPEC, DOC_STATUS.CONTINGENCIA_OFFLINE];

/** The reply of a stored document, its XML read (answerXmlFields), with the request code its state implies. */
export async function resultOf(ctx: CompanyContext, doc: DocumentRecord): Promise<DocumentOutcome> {
  return answerOf(ctx, doc, await ctx.store.getDocumentXml(ctx.company.id, doc.id, answerXmlFields(doc)));
}

/** As resultOf, with the document's XML already read. */
export function answerOf(ctx: CompanyContext, doc: DocumentRecord, xml: AnswerXml | undefined): DocumentOutcome {
  const result = documentOutcome(doc, xml, ctx.offset);
  if (doc.docStatus === DOC_STATUS.NECESSITA_INTERACAO && doc.cStat === String(SitCodigo.entradaContingencia)) {
    return { ...result, requestCode: 108 };
  }
  // Pending because the scope is in contingency (never sent): 109. Awaiting a recibo: plain 100.
  if (doc.docStatus === DOC_STATUS.PENDENTE && doc.stage === 'signed') return { ...result, requestCode: 109 };
  // Issued in contingency (SVC, EPEC, off-line): an idempotent resend gets the first answer again.
  if (ISSUED_IN_CONTINGENCY.includes(doc.docStatus)) return { ...result, requestCode: 109 };
  return result;
}

/** Stores the document's answer and logs it. */
async function save(ctx: CompanyContext, doc: DocumentRecord, patch: DocumentPatch): Promise<DocumentRecord> {
  const updated = await saveDocument(ctx, doc, patch);
  ctx.log.add({ cStat: updated.cStat ?? undefined });
  ctx.log.info(logLine(documentTypeOf(updated.model), 'respondid'), { docStatus: updated.docStatus, cStat: updated.cStat });
  return updated;
}

/**
 * Applies one protocol (from the synchronous answer, the recibo or a consulta) to the document.
 * 204/539 mean "that number/key is already known": the consulta by key tells whether it is ours.
 */
export async function applyProtocol(
  ctx: CompanyContext, doc: DocumentRecord, prot: Protocol,
  /** The status of an authorisation: Contingência SVC (15) for the SVC route, in the same write. */
  authorisedStatus: DocStatus = DOC_STATUS.AUTORIZADO,
): Promise<DocumentRecord> {
  const type = documentTypeOf(doc.model);
  const authorised = AUTHORISED_CSTATS.includes(prot.cStat);
  const denied = DENIAL_CSTATS.includes(prot.cStat);
  // The distribution document is the signed XML as sent plus the protocol as received.
  const signed = (authorised || denied) && doc.chave && type.attachable(prot, doc.chave, doc.digestValue ?? '')
    ? (await ctx.store.getDocumentXml(ctx.company.id, doc.id, ['xmlSigned']))?.xmlSigned
    : undefined;
  if (signed) {
    return save(ctx, doc, {
      docStatus: authorised ? authorisedStatus : DOC_STATUS.DENEGADO,
      stage: 'settled',
      cStat: prot.cStat,
      xMotivo: prot.xMotivo,
      nProt: prot.nProt ?? null,
      dhAut: prot.dhRecbto ? parseDateTime(prot.dhRecbto) ?? null : null,
      xmlProc: type.proc(signed, prot.raw),
      lastError: null,
    });
  }
  return isDuplicity(prot.cStat) ? settleDuplicity(ctx, doc, prot.cStat, prot.xMotivo) : recordRejection(ctx, doc, prot.cStat, prot.xMotivo);
}

/**
 * SEFAZ's answer to one document's transmission: its protocol when there is one; without, the message
 * was refused whole (e.g. 225, 215) — or, for a kind answered one document per message (CT-e), the
 * message's status is the document's, a duplicity included.
 */
export function applyAnswer(ctx: CompanyContext, doc: DocumentRecord, ret: AuthorisationAnswer, authorisedStatus?: DocStatus): Promise<DocumentRecord> {
  const prot = ret.protocols.find((p) => p.chave === doc.chave);
  if (prot) return applyProtocol(ctx, doc, prot, authorisedStatus);
  return isDuplicity(ret.cStat) ? settleDuplicity(ctx, doc, ret.cStat, ret.xMotivo) : recordRejection(ctx, doc, ret.cStat, ret.xMotivo);
}

/** 204/539: SEFAZ already knows that key or number. */
function isDuplicity(cStat: string): boolean {
  return cStat === '204' || cStat === '539';
}

/** A duplicity: the consulta by key tells whether the document SEFAZ holds is ours. */
async function settleDuplicity(ctx: CompanyContext, doc: DocumentRecord, cStat: string, xMotivo: string): Promise<DocumentRecord> {
  if (doc.chave) {
    const settled = await settleByConsulta(ctx, doc);
    if (settled && settled.docStatus !== DOC_STATUS.REJEITADO) return settled;
  }
  return recordRejection(ctx, doc, cStat, xMotivo);
}

/** A definitive rejection: the number stays with this document until the ERP resends it corrected. */
export function recordRejection(ctx: CompanyContext, doc: DocumentRecord, cStat: string, xMotivo: string): Promise<DocumentRecord> {
  return save(ctx, doc, { docStatus: DOC_STATUS.REJEITADO, stage: 'settled', cStat, xMotivo });
}

/**
 * Asks SEFAZ what happened to the document's key and adopts it: authorised/denied → stored with its
 * protocol; unknown to SEFAZ (217) → rejected, so the ERP may send the number again (§5.3) — unless
 * `notFound` is 'keep' (a transmission that may still sit in a SEFAZ queue).
 * Undefined when SEFAZ could not be reached or gave no definitive answer (state unchanged).
 */
export async function settleByConsulta(ctx: CompanyContext, doc: DocumentRecord, notFound: 'reject' | 'keep' = 'reject'): Promise<DocumentRecord | undefined> {
  if (!doc.chave) return undefined;
  const { credentials } = await ctx.certificate();
  let ret;
  try {
    ret = await documentTypeOf(doc.model).services.consult(ctx, sefazTarget(ctx, doc), credentials, doc.chave);
  } catch (err) {
    if (err instanceof SefazTransportError) {
      ctx.log.warn('consulta por chave falhou', { error: err.message });
      return undefined;
    }
    throw err;
  }
  const prot = ret.protocol;
  if (prot && prot.chave === doc.chave && [...AUTHORISED_CSTATS, ...DENIAL_CSTATS].includes(prot.cStat)) {
    return applyProtocol(ctx, doc, prot);
  }
  if (ret.cStat === '217' && notFound === 'reject') {
    return recordRejection(ctx, doc, ret.cStat, ret.xMotivo);
  }
  return undefined;
}

/**
 * A confirmed outage of the normal authorizer (failureVerdict 'outage': SEFAZ 108/109, or a transport
 * failure its status service confirmed): the document gets 108 / DocStatus 4 and the scope enters
 * contingency (contingency-and-numbering.md §2.2). Its fate may be unknown, so it is never re-sent
 * under this number by the gateway.
 */
export async function markUnknownFate(ctx: CompanyContext, doc: DocumentRecord, cause: string): Promise<DocumentRecord> {
  const updated = await save(ctx, doc, {
    docStatus: DOC_STATUS.NECESSITA_INTERACAO,
    cStat: String(SitCodigo.entradaContingencia),
    xMotivo: `Entrada da SEFAZ em contingência: ${cause}`,
    lastError: cause,
  });
  await ctx.contingency.enterContingency({ tpAmb: doc.tpAmb, uf: docUf(ctx, doc), model: doc.model }, cause, doc.id, ctx.log);
  return updated;
}

/**
 * A transport failure while SEFAZ is up (failureVerdict 'sefaz-up'): the fate is unknown but the scope
 * stays normal. The document is persisted pending (105) with stage `sending` first, then SEFAZ is asked
 * by key once (authorised/denied → adopted, e.g. a lost reply). Otherwise it waits for the pending-retry
 * job, which consults again after the queue wait and re-sends the SAME key only on 217
 * (settleUnknownFate): never lost, never authorised twice, no new number.
 */
export async function markUnknownFateSefazUp(ctx: CompanyContext, doc: DocumentRecord, cause: string): Promise<DocumentRecord> {
  const wait = ctx.deps.unknownFateWaitMs ?? UNKNOWN_FATE_WAIT_MS;
  const pending = await save(ctx, doc, {
    docStatus: DOC_STATUS.PENDENTE, stage: 'sending', cStat: String(SitCodigo.pendente), xMotivo: TEXT.semResposta,
    lastError: cause, nextAttemptAt: new Date(ctx.now().getTime() + wait),
  });
  return (await settleByConsulta(ctx, pending, 'keep')) ?? pending;
}

/**
 * Never sent: the message would exceed SEFAZ's size limit, which SEFAZ answers with 214. Settled as
 * that rejection, so the ERP may correct the document and send the number again.
 */
export function refuseOversized(ctx: CompanyContext, doc: DocumentRecord, err: SefazMessageTooLarge): Promise<DocumentRecord> {
  ctx.log.warn(`${logLine(documentTypeOf(doc.model), 'não enviad')}: mensagem acima do limite da SEFAZ`, { servico: err.operation, bytes: err.messageBytes, limite: err.limitBytes });
  return recordRejection(ctx, doc, '214', TEXT.mensagemExcedeLimite(documentTypeOf(doc.model), kilobytes(err.messageBytes), kilobytes(err.limitBytes)));
}
