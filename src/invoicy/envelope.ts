// Reads a recepcao.Execute SOAP 1.1 request as legacy ERPs send it: any prefix, elements in the
// InvoiCy namespace or in none, Documento/Parametros escaped or in CDATA, optional Informacoes/
// EmpCO/Parametros, UTF-8 or (ANSI Delphi/VB6) Windows-1252 bytes. Texts are kept exactly as received
// because the EmpCK hash is computed over them.
import { loadLibxml2, parseText, type Libxml2, type LibxmlDocument } from '../xml/libxml2';
import { assertSafeMarkup, XmlInputError } from '../xml/parse';
import { decodeCp1252 } from './cp1252';
import { MAX_DOCUMENTS_PER_CALL, type RequestCode } from './codes';
import type { DadosItem, ExecuteRequest } from './types';

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const INVOICY_NS = 'InvoiCy';

export type EnvelopeError =
  /** Not a usable SOAP 1.1 call: answered with a SOAP Fault (HTTP 500). */
  | { kind: 'fault'; faultcode: 'SOAP-ENV:Client' | 'SOAP-ENV:VersionMismatch'; faultstring: string }
  /** A valid call the service refuses as a whole: InvoiCy request-level code, no documents. */
  | { kind: 'request'; code: RequestCode; descricao: string };

export type EnvelopeResult = { ok: true; request: ExecuteRequest } | { ok: false; error: EnvelopeError };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 when the bytes are valid UTF-8, else Windows-1252 (never fails). */
export function decodeBody(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    return decodeCp1252(body);
  }
}

const fault = (faultstring: string, faultcode: 'SOAP-ENV:Client' | 'SOAP-ENV:VersionMismatch' = 'SOAP-ENV:Client'): EnvelopeResult =>
  ({ ok: false, error: { kind: 'fault', faultcode, faultstring } });

const dtdFault = (): EnvelopeResult => fault('Requisição recusada: declarações DOCTYPE/ENTITY não são aceitas no envelope SOAP');

const requestError = (code: RequestCode, descricao: string): EnvelopeResult => ({ ok: false, error: { kind: 'request', code, descricao } });

type Element = InstanceType<Libxml2['XmlElement']>;

/**
 * Never the network or external entities, never an entity substituted into the tree (DTDs are
 * refused before parsing anyway); HUGE lifts libxml2's 10 MB cap on one text node, which a
 * Documento may pass under a raised body limit.
 */
function parseOptions({ ParseOption: o }: Libxml2): number {
  return o.XML_PARSE_NONET | o.XML_PARSE_NO_XXE | o.XML_PARSE_HUGE;
}

/** An element child with its name, read once (every read decodes a string out of wasm). */
interface Child {
  el: Element;
  name: string;
}

/** The element children of parent, walked once. */
function childrenOf(lib: Libxml2, parent: Element | undefined): Child[] {
  const found: Child[] = [];
  if (!parent) return found;
  for (let n = parent.firstChild; n; n = n.next) {
    if (n instanceof lib.XmlElement) found.push({ el: n, name: n.name });
  }
  return found;
}

/** The children named localName, in the InvoiCy namespace or none (or in ns when given); namespaces are read for those only. */
function named(kids: Child[], localName: string, ns?: string): Element[] {
  const inNs = (uri: string) => (ns === undefined ? uri === INVOICY_NS || uri === '' : uri === ns);
  return kids.filter((k) => k.name === localName && inNs(k.el.namespaceUri)).map((k) => k.el);
}

const text = (el: Element | undefined): string | undefined => el?.content;

/** Parses the raw HTTP body of a recepcao.Execute call. */
export async function parseExecuteEnvelope(body: Buffer | string): Promise<EnvelopeResult> {
  const xml = typeof body === 'string' ? body : decodeBody(body);
  const lib = await loadLibxml2();
  let doc: LibxmlDocument;
  try {
    // The scan steps over comments, PIs and CDATA as libxml2 will, so a DOCTYPE cannot hide from it;
    // what a CDATA section or escaped text holds is an inner document, judged as one (code 145).
    assertSafeMarkup(xml);
    // libxml2 checks well-formedness and namespaces in one pass (measured on a one-NF-e envelope:
    // ~135 µs, against ~200 µs for fast-xml-parser's validator plus xmldom).
    doc = parseText(lib, xml, parseOptions(lib));
  } catch (e) {
    if (e instanceof XmlInputError && e.kind === 'dtd') return dtdFault();
    if (e instanceof XmlInputError && e.kind === 'limit') return fault(`Requisição recusada: ${e.message}`);
    return fault('Requisição SOAP inválida: o conteúdo não é um XML bem formado');
  }
  // Should the scan ever miss one, a document libxml2 read a DTD into is still refused.
  if (doc.dtd) {
    doc.dispose();
    return dtdFault();
  }
  try {
    return readExecute(lib, doc.root);
  } finally {
    // The document lives in the wasm heap until disposed.
    doc.dispose();
  }
}

function readExecute(lib: Libxml2, root: Element): EnvelopeResult {
  const child = (parent: Element | undefined, localName: string): Element | undefined => named(childrenOf(lib, parent), localName)[0];
  if (root.name === 'Envelope' && root.namespaceUri === SOAP12_NS) {
    return fault('SOAP 1.2 não é suportado por este serviço; utilize SOAP 1.1', 'SOAP-ENV:VersionMismatch');
  }
  const soapBody = root.name === 'Envelope' && root.namespaceUri === SOAP11_NS ? named(childrenOf(lib, root), 'Body', SOAP11_NS)[0] : undefined;
  const execute = child(soapBody, 'recepcao.Execute');
  if (!execute) {
    return fault('Requisição SOAP inválida: esperado um Envelope SOAP 1.1 com Body/recepcao.Execute');
  }
  const recepcao = child(execute, 'Invoicyrecepcao');
  if (!recepcao) return fault('Requisição SOAP inválida: recepcao.Execute sem o elemento Invoicyrecepcao');

  const parts = childrenOf(lib, recepcao);
  const dadosItems = named(childrenOf(lib, named(parts, 'Dados')[0]), 'DadosItem');
  if (dadosItems.length === 0) {
    return requestError(145, 'Nenhum documento informado: envie de 1 a 50 DadosItem por chamada');
  }
  if (dadosItems.length > MAX_DOCUMENTS_PER_CALL) {
    return requestError(
      145,
      `Limite excedido: no máximo ${MAX_DOCUMENTS_PER_CALL} documentos por chamada (recebidos ${dadosItems.length}); nenhum documento foi processado`,
    );
  }
  const items: DadosItem[] = dadosItems.map((item) => {
    const fields = childrenOf(lib, item);
    const parametros = text(named(fields, 'Parametros')[0]);
    return { documento: text(named(fields, 'Documento')[0]) ?? '', ...(parametros === undefined ? {} : { parametros }) };
  });
  const cabecalho = childrenOf(lib, named(parts, 'Cabecalho')[0]);
  const empCO = text(named(cabecalho, 'EmpCO')[0]);
  const texto = text(child(named(parts, 'Informacoes')[0], 'Texto'));
  return {
    ok: true,
    request: {
      empPK: (text(named(cabecalho, 'EmpPK')[0]) ?? '').trim(),
      empCK: (text(named(cabecalho, 'EmpCK')[0]) ?? '').trim(),
      ...(empCO === undefined ? {} : { empCO }),
      ...(texto === undefined ? {} : { texto }),
      items,
    },
  };
}
