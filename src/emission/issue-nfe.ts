// Envio of one NF-e/NFC-e up to "ready to transmit": layout → checks → number → key → persisted
// `numbered` → signed (+ NFC-e QR) → persisted `signed` → XSD. Then the synchronous transmission.
// Each step persists before its side effect (architecture principle 1).
import { nfeChave, parseNfeEnvio, renderNfe, type NfeDraft } from '../layout';
import { signXml, digestValueOf } from '../signing/xmldsig';
import { loadXsdValidator } from '../xml/xsd';
import { escapeText } from '../xml/parse';
import { buildQrCodeV2Online } from '../fiscal/qrcode';
import { randomCnf } from '../fiscal/chave';
import { formatDateTime, parseDateTime } from '../fiscal/datetime';
import { ufOffset } from '../fiscal/ufs';
import { qrCodeBaseUrl, urlChaveConsulta } from '../sefaz/endpoints';
import { SefazTransportError } from '../sefaz/errors';
import type { DocumentPatch, DocumentRecord } from '../store/port';
import type { DocModel } from '../fiscal/document-state';
import { DOC_STATUS } from '../fiscal/document-state';
import type { DocumentRequest, DocumentResult } from '../invoicy/types';
import path from 'node:path';
import { CertificateProblem, type CompanyContext } from './context';
import { FINAL_STATUSES, SitCodigo, TEXT } from './codes';
import { modeloName, rejectionReply } from './replies';
import { applyProtocol, markUnknownFate, recordRejection, resultOf, sefazTarget, settleByConsulta } from './outcome';
import { judgeTransportFailure, settleTransportFailure } from './outage';
import { issueInContingency } from './contingency/route';
import { saveDocument } from './save';
import { inFlightAnswer, storedAnswer } from './resend';

/** A signed, validated document waiting for transmission. */
export interface ReadyDocument {
  doc: DocumentRecord;
  signedXml: string;
}

/** `doc` accompanies a result when a document row was created for it (the focus transition needs it). */
export type Prepared = { ready: ReadyDocument } | { result: DocumentResult; doc?: DocumentRecord };

const HOMOLOGACAO_TEXT = { '1': 'produção (tpAmb 1)', '2': 'homologação (tpAmb 2)' } as const;

function reject(modelo: string, code: number | string, text: string, ids?: Parameters<typeof rejectionReply>[3]): Prepared {
  return { result: { modelo, replyXml: rejectionReply(modelo, code, text, ids) } };
}

/** dhEmi from the layout (+ fusoHorario, else the emitter UF's offset) or now at that offset. */
function emissionDateTime(ctx: CompanyContext, draft: NfeDraft, uf: string): string {
  const offset = draft.fusoHorario ?? ufOffset(uf);
  return draft.dhEmi ? `${draft.dhEmi}${offset}` : formatDateTime(ctx.now(), offset);
}

/** `infNFeSupl` goes between `</infNFe>` and `<Signature`: outside the signed part, by string insertion. */
export function insertInfNFeSupl(signedXml: string, qrCode: string, urlChave: string): string {
  const at = signedXml.indexOf('</infNFe>') + '</infNFe>'.length;
  const supl = `<infNFeSupl><qrCode>${escapeText(qrCode)}</qrCode><urlChave>${escapeText(urlChave)}</urlChave></infNFeSupl>`;
  return signedXml.slice(0, at) + supl + signedXml.slice(at);
}

/** What a number fixes: the random cNF and the access key, written with the number itself (stage `numbered`). */
type Numbered = (numero: number) => DocumentPatch;

/**
 * Resolves the document row for the requested number: a fresh allocation, a new row for a client
 * number, the re-use of a rejected row, or an answer from the stored state (idempotent resend).
 * A row it creates or re-uses is already `numbered`.
 */
async function claimNumber(ctx: CompanyContext, draft: NfeDraft, model: DocModel, layoutXml: string, numbered: Numbered): Promise<DocumentRecord | DocumentResult> {
  const modelo = modeloName(model);
  const serie = Number(draft.serie);
  const base = { tpAmb: ctx.tpAmb, model, serie, tpEmis: '1', docStatus: DOC_STATUS.PENDENTE, layoutXml };
  if (draft.nNF === undefined) return ctx.store.allocateAndInsertDocument(ctx.company.id, base, numbered);

  const numero = Number(draft.nNF);
  const existing = await ctx.store.findDocumentByNumber(ctx.company.id, ctx.tpAmb, model, serie, numero);
  if (!existing) {
    if (await ctx.store.isNumberInutilizado(ctx.company.id, ctx.tpAmb, model, serie, numero)) {
      return { modelo, replyXml: rejectionReply(modelo, 206, `Rejeição: número ${numero} da série ${serie} já está inutilizado`, { numero, serie }) };
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
    return { modelo, replyXml: rejectionReply(modelo, 206, `Rejeição: número ${numero} da série ${serie} já está inutilizado`, { numero, serie }) };
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

export async function prepareEnvio(ctx: CompanyContext, req: DocumentRequest): Promise<Prepared> {
  const parsed = parseNfeEnvio(req.documentXml, req.parsed);
  if (!parsed.ok) {
    return reject(req.modelo, SitCodigo.layout, `Erro no layout de integração: ${parsed.errors.map((e) => e.message).join('; ')}`);
  }
  return prepareDraft(ctx, parsed.draft, req.documentXml);
}

/** The schema errors of a signed NF-e/NFC-e; undefined when valid or when no schemas are configured. */
export async function schemaErrors(ctx: CompanyContext, signedXml: string): Promise<string[] | undefined> {
  if (!ctx.deps.schemasDir) return undefined;
  const validator = await loadXsdValidator(path.join(ctx.deps.schemasDir, 'nfe', 'nfe_v4.00.xsd'));
  const v = validator.validate(signedXml);
  return v.ok ? undefined : v.errors;
}

/** From a parsed layout on (also used to re-issue a document under another série/number). */
export async function prepareDraft(ctx: CompanyContext, draft: NfeDraft, layoutXml: string): Promise<Prepared> {
  const model: DocModel = draft.modelo;
  const modelo = modeloName(model);
  const ids = { numero: draft.nNF, serie: draft.serie };
  if (draft.tpAmb !== ctx.tpAmb) {
    return reject(modelo, 252, `Rejeição: ambiente do documento (${HOMOLOGACAO_TEXT[draft.tpAmb as '1' | '2'] ?? `tpAmb ${draft.tpAmb}`}) diverge do ambiente da empresa (${HOMOLOGACAO_TEXT[ctx.tpAmb]})`, ids);
  }
  let cert;
  try {
    cert = await ctx.certificate();
  } catch (err) {
    if (err instanceof CertificateProblem) return reject(modelo, err.code, err.message, ids);
    throw err;
  }
  const uf = draft.emitUf ?? ctx.company.uf;
  let qr: { qrCode?: string; urlChave: string; csc?: { cscId: string; csc: string } } | undefined;
  if (model === '65') {
    const urlChave = draft.infSuplem?.urlChave ?? urlChaveConsulta(uf, ctx.tpAmb);
    const csc = draft.infSuplem?.qrCode ? undefined : await ctx.store.getCompanyCsc(ctx.company.id);
    if (!draft.infSuplem?.qrCode && !csc) {
      return reject(modelo, 796, 'Rejeição: empresa sem CSC (Código de Segurança do Contribuinte) cadastrado para NFC-e; cadastre o CSC da empresa', ids);
    }
    if (!urlChave || (!draft.infSuplem?.qrCode && !qrCodeBaseUrl(uf, ctx.tpAmb))) {
      return reject(modelo, 999, `Endereço de consulta da NFC-e (QR code/urlChave) desconhecido para a UF ${uf}`, ids);
    }
    qr = { qrCode: draft.infSuplem?.qrCode, urlChave, csc };
  }

  const dhEmi = emissionDateTime(ctx, draft, uf);
  const numbered: Numbered = (n) => {
    const cNF = randomCnf(String(n));
    return {
      stage: 'numbered', chave: nfeChave(draft, { nNF: String(n), cNF, dhEmi, tpEmis: '1' }), cNF, tpEmis: '1', dhEmi: parseDateTime(dhEmi) ?? null,
      destDoc: draft.destDoc?.cnpj ?? draft.destDoc?.cpf ?? draft.destDoc?.idEstrangeiro ?? null,
      destName: draft.destDoc?.xNome ?? null, totalValue: draft.vNF ?? null,
    };
  };
  const claimed = await claimNumber(ctx, draft, model, layoutXml, numbered);
  if (!isRecord(claimed)) return { result: claimed };
  ctx.claim(claimed);
  let doc = claimed;
  const numero = String(doc.numero);
  ctx.log.add({ numero, serie: String(doc.serie), modelo, chave: doc.chave ?? undefined });
  ctx.log.info('nf-e numerada');

  const rendered = renderNfe(draft, { nNF: numero, cNF: doc.cNF!, dhEmi, tpEmis: '1', tpAmb: ctx.tpAmb, verProc: ctx.deps.verProc });
  if (rendered.chave !== doc.chave) throw new Error(`chave renderizada ${rendered.chave} difere da numerada ${doc.chave}`);

  let signed = await signXml(rendered.xml, { tag: 'infNFe', keyPem: cert.cert.keyPem, certPem: cert.cert.certPem });
  const digestValue = digestValueOf(signed);
  if (qr) {
    let qrCode = qr.qrCode;
    if (!qrCode && qr.csc) {
      ctx.deps.onNfceCsc?.(ctx.company.cnpj, qr.csc.cscId, qr.csc.csc);
      qrCode = buildQrCodeV2Online({ baseUrl: qrCodeBaseUrl(uf, ctx.tpAmb)!, chave: rendered.chave, tpAmb: ctx.tpAmb, idCsc: qr.csc.cscId, csc: qr.csc.csc });
    }
    signed = insertInfNFeSupl(signed, qrCode!, qr.urlChave);
  }
  doc = await saveDocument(ctx, doc, { stage: 'signed', xmlSigned: signed, digestValue });
  ctx.log.info('nf-e assinada');

  const invalid = await schemaErrors(ctx, signed);
  if (invalid) {
    doc = await saveDocument(ctx, doc, {
      docStatus: DOC_STATUS.REJEITADO, stage: 'settled', cStat: String(SitCodigo.schema),
      xMotivo: `Rejeição: Falha no Schema XML da NF-e: ${invalid.slice(0, 3).join('; ')}`,
    });
    ctx.log.info('nf-e rejeitada na validação de schema');
    return { result: resultOf(ctx, doc), doc };
  }

  if (await ctx.contingency.isInContingency({ tpAmb: ctx.tpAmb, uf, model })) {
    // Never sent to the normal authorizer: it keeps the ERP's number and walks the company's options.
    return issueInContingency(ctx, { doc, draft, uf });
  }
  return { ready: { doc, signedXml: signed } };
}

/** Random 15-digit lote id (SEFAZ only requires it numeric). */
export function newIdLote(): string {
  return String(Date.now()).slice(-12) + String(Math.floor(Math.random() * 1000)).padStart(3, '0');
}

/**
 * Synchronous transmission (indSinc 1) of one document. A transport failure is judged first (outage →
 * 108 and contingency; SEFAZ up → pending; a message over SEFAZ's limit → 214, never sent).
 */
export async function sendSync(ctx: CompanyContext, ready: ReadyDocument): Promise<DocumentResult> {
  let doc = await saveDocument(ctx, ready.doc, { stage: 'sending', attempts: ready.doc.attempts + 1 });
  const { credentials } = await ctx.certificate();
  ctx.log.info('nf-e enviada', { indSinc: 1 });
  let ret;
  try {
    ret = await ctx.sefaz.autorizar(sefazTarget(ctx, doc), credentials, { idLote: newIdLote(), indSinc: '1', signedNfeXmls: [ready.signedXml] });
  } catch (err) {
    if (!(err instanceof SefazTransportError)) throw err;
    return resultOf(ctx, await settleTransportFailure(ctx, doc, err, await judgeTransportFailure(ctx, doc, err)));
  }
  if (ret.cStat === '108' || ret.cStat === '109') {
    return resultOf(ctx, await markUnknownFate(ctx, doc, `${ret.cStat} - ${ret.xMotivo}`));
  }
  const prot = ret.prot.find((p) => p.chNFe === doc.chave);
  // Without a protocol the lote itself was refused (e.g. 225, 215): that is the document's answer.
  doc = prot ? await applyProtocol(ctx, doc, prot) : await recordRejection(ctx, doc, ret.cStat, ret.xMotivo);
  return resultOf(ctx, doc);
}
