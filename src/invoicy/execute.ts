// One recepcao.Execute call after the envelope is read: classify → authenticate (company by EmpPK +
// emitter CNPJ of the first document, EmpCK over that document) → backend → reply grouped per model.
// Request-level codes (MensagemItem/Codigo) and document-level codes (Situacao/SitCodigo) stay apart.
import { REQUEST_CODES, type RequestCode } from './codes';
import { classifyDocument, toDocumentRequest, type ClassifiedDocument } from './dispatch';
import { verifyEmpCK } from './empck';
import { buildExecuteResponse, buildRequestError, type ReplyMessage } from './reply';
import { buildDocumentoReply } from './reply-documents';
import type { AuthenticatedCompany, CallContext, DocumentKind, DocumentRequest, DocumentResult, ExecuteRequest, InvoicyBackend } from './types';

export interface ExecuteOptions {
  backend: InvoicyBackend;
  /** EmpCK over the exact received text only (no whitespace/encoding tolerance). */
  strictEmpCK?: boolean;
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
};

// Same answer for every authentication failure, so callers cannot probe partners or companies.
const INVALID_KEY: RequestCode = 173;

function requestLevel(code: RequestCode, documents: number, descricao: string = REQUEST_CODES[code]): ExecuteOutcome {
  return { xml: buildRequestError(code, descricao), kind: 'none', documents, codes: [code] };
}

function rejection(doc: ClassifiedDocument, code: number, descricao: string): DocumentResult {
  return {
    modelo: doc.modelo,
    replyXml: buildDocumentoReply({ DocModelo: doc.modelo, Situacao: { SitCodigo: code, SitDescricao: descricao } }),
  };
}

// The reply documents are built by us, so their first code element is found by a plain scan.
const DOC_CODE_RE = /<(?:Doc)?SitCodigo>([^<]*)<\//;

function documentCode(replyXml: string): string {
  return DOC_CODE_RE.exec(replyXml)?.[1] ?? '';
}

/** 108 (this call detected the outage) wins over 109 (already in contingency) wins over 100. */
function groupCode(results: readonly DocumentResult[]): RequestCode {
  const codes = new Set(results.map((r) => r.requestCode ?? 100));
  return codes.has(108) ? 108 : codes.has(109) ? 109 : 100;
}

function groupDescricao(code: RequestCode, kinds: readonly (DocumentKind | undefined)[]): string {
  if (code !== 100) return REQUEST_CODES[code];
  const known = new Set(kinds.filter((k): k is DocumentKind => k !== undefined));
  return known.size === 1 ? KIND_DESCRICAO[[...known][0]!] : REQUEST_CODES[100];
}

export async function executeRequest(req: ExecuteRequest, options: ExecuteOptions, call: CallContext): Promise<ExecuteOutcome> {
  const docs = req.items.map(classifyDocument);
  const first = docs[0]!;
  // Without a parseable first document and its emitter CNPJ the company (and its key) is unknown.
  if (first.problem?.code === 145) return requestLevel(145, docs.length, first.problem.descricao);
  if (first.cnpj === undefined) {
    return first.problem
      ? requestLevel(first.problem.code, docs.length, first.problem.descricao)
      : requestLevel(145, docs.length, 'Erro na estrutura do XML: CNPJ/CPF do emitente não encontrado no primeiro documento');
  }

  const company = req.empPK ? await options.backend.findCompany(req.empPK, first.cnpj, first.tpAmb) : undefined;
  const keyMatch = company && company.cnpj === first.cnpj ? verifyEmpCK(company.accessKey, first.documentXml, req.empCK, { strict: options.strictEmpCK }) : undefined;
  if (!company || !keyMatch) return requestLevel(INVALID_KEY, docs.length);
  call.log.add({ partner: company.partnerId, cnpj: company.cnpj });
  if (!company.enabled) return { ...requestLevel(606, docs.length), company, keyMatch };

  // A company only touches its own documents: any other emitter is rejected, never processed.
  const results = new Map<number, DocumentResult>();
  const accepted: DocumentRequest[] = [];
  for (const doc of docs) {
    if (doc.problem) results.set(doc.index, rejection(doc, doc.problem.code, doc.problem.descricao));
    else if (doc.cnpj === undefined) results.set(doc.index, rejection(doc, 145, 'Erro na estrutura do XML: CNPJ/CPF do emitente não informado'));
    else if (doc.cnpj !== company.cnpj) {
      results.set(doc.index, rejection(doc, 173, `Documento não processado: o emitente ${doc.cnpj} não é a empresa autenticada nesta chamada`));
    } else accepted.push(toDocumentRequest({ ...doc, kind: doc.kind!, cnpj: doc.cnpj }));
  }
  if (accepted.length) {
    const processed = await options.backend.process(company, accepted, call);
    if (processed.length !== accepted.length) {
      throw new Error(`backend devolveu ${processed.length} resultados para ${accepted.length} documentos`);
    }
    accepted.forEach((d, i) => results.set(d.index, processed[i]!));
  }

  // One MensagemItem per model, in order of first appearance; one DocumentosItem per document.
  const groups = new Map<string, { results: DocumentResult[]; kinds: (DocumentKind | undefined)[] }>();
  for (const doc of docs) {
    const result = results.get(doc.index)!;
    const key = result.modelo || doc.modelo;
    const g = groups.get(key) ?? { results: [], kinds: [] };
    g.results.push(result);
    g.kinds.push(doc.problem ? undefined : doc.kind);
    groups.set(key, g);
  }
  const messages: ReplyMessage[] = [...groups.values()].map((g) => {
    const codigo = groupCode(g.results);
    return { codigo, descricao: groupDescricao(codigo, g.kinds), documentos: g.results.map((r) => r.replyXml) };
  });
  const kinds = [...new Set(docs.map((d) => d.kind).filter((k) => k !== undefined))];
  return {
    docCodes: docs.map((d) => documentCode(results.get(d.index)!.replyXml)),
    xml: buildExecuteResponse(messages),
    kind: kinds.join(',') || 'none',
    documents: docs.length,
    codes: messages.map((m) => m.codigo),
    company,
    keyMatch,
  };
}
