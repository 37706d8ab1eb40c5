// One recepcao.Execute call after the envelope is read: authenticate → admit → classify → backend →
// reply grouped per model. Request-level codes (MensagemItem/Codigo) and document-level codes
// (Situacao/SitCodigo) stay apart.
//
// No document is parsed for a caller that is not authenticated, and only the first one before EmpCK
// is checked: EmpPK is a lookup over the envelope's text, so an unknown partner gets 173 without any
// document being read. EmpCK, though, is keyed by the company, and the company is named only inside
// the first document (emitter CNPJ, and tpAmb picks the environment). Checking EmpCK before that
// parse would mean trying every company of the partner, each against every tolerant candidate of
// empck.ts (up to 20 texts × 3 encodings, an MD5 pass over the whole document each): for a partner
// with hundreds of companies and a document of megabytes, far more work than the one parse it would
// save, which the XML parser's caps and the body limit bound. So: partner → the first document alone
// → company → EmpCK → the other documents, only for a caller holding the company's key.
import { REQUEST_CODES, type RequestCode } from './codes';
import { classifyDocument, toDocumentRequest, type ClassifiedDocument } from './dispatch';
import { verifyEmpCK } from './empck';
import type { PartnerLimits } from './partner-limits';
import { buildExecuteResponse, buildRequestError, type ReplyMessage } from './reply';
import { writeResult } from './reply-documents';
import type { AuthenticatedCompany, CallContext, DocumentKind, DocumentRequest, DocumentResult, ExecuteRequest, InvoicyBackend } from './types';

export interface ExecuteOptions {
  backend: InvoicyBackend;
  /** EmpCK over the exact received text only (no whitespace/encoding tolerance). */
  strictEmpCK?: boolean;
  /** Per-partner concurrency and rate limits, applied once a call is authenticated. */
  limits?: PartnerLimits;
}

export interface ExecuteOutcome {
  xml: string;
  /** Kinds of document in the call, e.g. "Envio" or "Envio,EnvioEvento" ("none" when refused as a whole). */
  kind: string;
  documents: number;
  /** Request-level codes, one per MensagemItem. */
  codes: number[];
  /** Document-level codes (SitCodigo / DocSitCodigo), one per document, for the log and request log. */
  docCodes?: string[];
  company?: AuthenticatedCompany;
  /** Name of the EmpCK candidate that matched (never the key). */
  keyMatch?: string;
}

const KIND_DESCRICAO: Record<DocumentKind, string> = {
  Envio: 'Documentos processados',
  EnvioEvento: 'Eventos processados',
  Inutilizacao: 'Inutilização processada',
  Consulta: 'Consulta processada',
  DescartarDocumento: 'Descarte processado',
  ConsultaCadastro: 'Consulta de cadastro processada',
  PuloNumeracao: 'Consulta de pulos de numeração processada',
  DistribuicaoDFe: 'Consulta de distribuição DF-e processada',
};

// Same answer for every authentication failure, so callers cannot probe partners or companies.
const INVALID_KEY: RequestCode = 173;
// InvoiCy's "uso indevido … bloqueada temporariamente": what ERPs already treat as "retry later".
const TOO_MANY: RequestCode = 179;

function limitDescricao(limits: PartnerLimits, reason: 'concurrency' | 'rate', retryAfterSeconds: number): string {
  return reason === 'concurrency'
    ? `Uso indevido: limite de ${limits.config.maxConcurrent} chamadas simultâneas do parceiro atingido; nenhum documento foi processado. Tente novamente quando as chamadas em andamento terminarem`
    : `Uso indevido: limite de ${limits.config.ratePerMinute} chamadas por minuto do parceiro atingido; nenhum documento foi processado. Tente novamente em ${retryAfterSeconds} s`;
}

function requestLevel(code: RequestCode, documents: number, descricao: string = REQUEST_CODES[code]): ExecuteOutcome {
  return { xml: buildRequestError(code, descricao), kind: 'none', documents, codes: [code] };
}

function rejection(doc: ClassifiedDocument, code: number, descricao: string): DocumentResult {
  return { kind: 'unprocessed', modelo: doc.modelo, code, text: descricao, requestCode: 100 };
}

/** 108 (this call detected the outage) wins over 109 (already in contingency) wins over 100. */
function groupCode(results: readonly DocumentResult[]): RequestCode {
  const codes = new Set(results.map((r) => r.requestCode));
  return codes.has(108) ? 108 : codes.has(109) ? 109 : 100;
}

function groupDescricao(code: RequestCode, kinds: readonly (DocumentKind | undefined)[]): string {
  if (code !== 100) return REQUEST_CODES[code];
  const known = new Set(kinds.filter((k): k is DocumentKind => k !== undefined));
  return known.size === 1 ? KIND_DESCRICAO[[...known][0]] : REQUEST_CODES[100];
}

export async function executeRequest(req: ExecuteRequest, options: ExecuteOptions, call: CallContext): Promise<ExecuteOutcome> {
  const total = req.items.length;
  const partnerId = req.empPK ? await options.backend.findPartner(req.empPK) : undefined;
  if (partnerId === undefined) return requestLevel(INVALID_KEY, total);

  const first = classifyDocument(req.items[0], 0);
  // Without a parseable first document and its emitter CNPJ the company (and its key) is unknown.
  if (first.problem?.code === 145) return requestLevel(145, total, first.problem.descricao);
  if (first.cnpj === undefined) {
    return first.problem
      ? requestLevel(first.problem.code, total, first.problem.descricao)
      : requestLevel(145, total, 'Erro na estrutura do XML: CNPJ/CPF do emitente não encontrado no primeiro documento');
  }

  const company = await options.backend.findCompany(partnerId, first.cnpj, first.tpAmb);
  const keyMatch = company && company.cnpj === first.cnpj ? verifyEmpCK(company.accessKey, first.documentXml, req.empCK, { strict: options.strictEmpCK }) : undefined;
  if (!company || !keyMatch) return requestLevel(INVALID_KEY, total);
  call.log.add({ partner: company.partnerId, cnpj: company.cnpj });
  if (!company.enabled) return { ...requestLevel(606, total), company, keyMatch };

  // Admitted only now: a caller without the company's key cannot spend the partner's quota. What ran
  // before (the envelope, one document) is bounded by the connection cap, body limit and parser caps.
  const limits = options.limits;
  const admission = limits?.admit(company.partnerId);
  if (limits && admission && !admission.ok) {
    call.log.warn('chamada recusada pelo limite do parceiro', { reason: admission.reason, retryAfterSeconds: admission.retryAfterSeconds });
    return { ...requestLevel(TOO_MANY, total, limitDescricao(limits, admission.reason, admission.retryAfterSeconds)), company, keyMatch };
  }
  try {
    const docs = [first, ...req.items.slice(1).map((item, i) => classifyDocument(item, i + 1))];
    return { ...(await processDocuments(docs, company, options, call)), company, keyMatch };
  } finally {
    if (admission?.ok) admission.release();
  }
}

async function processDocuments(docs: ClassifiedDocument[], company: AuthenticatedCompany, options: ExecuteOptions, call: CallContext): Promise<ExecuteOutcome> {
  // A company only touches its own documents: any other emitter is rejected, never processed.
  const results = new Map<number, DocumentResult>();
  const accepted: DocumentRequest[] = [];
  for (const doc of docs) {
    if (doc.problem) results.set(doc.index, rejection(doc, doc.problem.code, doc.problem.descricao));
    else if (doc.cnpj === undefined) results.set(doc.index, rejection(doc, 145, 'Erro na estrutura do XML: CNPJ/CPF do emitente não informado'));
    else if (doc.cnpj !== company.cnpj) {
      results.set(doc.index, rejection(doc, 173, `Documento não processado: o emitente ${doc.cnpj} não é a empresa autenticada nesta chamada`));
    } else if (doc.kind === undefined) throw new Error(`documento ${doc.index} classificado sem problema e sem tipo`);
    else accepted.push(toDocumentRequest({ ...doc, kind: doc.kind, cnpj: doc.cnpj }));
  }
  if (accepted.length) {
    const processed = await options.backend.process(company, accepted, call);
    if (processed.length !== accepted.length) {
      throw new Error(`backend devolveu ${processed.length} resultados para ${accepted.length} documentos`);
    }
    accepted.forEach((d, i) => results.set(d.index, processed[i]));
  }
  // Every document got its result above: rejected here or processed by the backend.
  const resultOf = (doc: ClassifiedDocument): DocumentResult => {
    const result = results.get(doc.index);
    if (!result) throw new Error(`documento ${doc.index} sem resultado`);
    return result;
  };

  // One MensagemItem per model, in order of first appearance; one DocumentosItem per document.
  const groups = new Map<string, { results: DocumentResult[]; kinds: (DocumentKind | undefined)[] }>();
  for (const doc of docs) {
    const result = resultOf(doc);
    const key = result.modelo || doc.modelo;
    const g = groups.get(key) ?? { results: [], kinds: [] };
    g.results.push(result);
    g.kinds.push(doc.problem ? undefined : doc.kind);
    groups.set(key, g);
  }
  const messages: ReplyMessage[] = [...groups.values()].map((g) => {
    const codigo = groupCode(g.results);
    return { codigo, descricao: groupDescricao(codigo, g.kinds), documentos: g.results.map(writeResult) };
  });
  const kinds = [...new Set(docs.map((d) => d.kind).filter((k) => k !== undefined))];
  return {
    docCodes: docs.map((d) => String(resultOf(d).code)),
    xml: buildExecuteResponse(messages),
    kind: kinds.join(',') || 'none',
    documents: docs.length,
    codes: messages.map((m) => m.codigo),
  };
}
