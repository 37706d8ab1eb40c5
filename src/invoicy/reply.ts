// The SOAP 1.1 reply envelope, byte for byte in InvoiCy's shape (contract §5): SOAP-ENV prefix with
// the four namespace declarations of the official sample, no Header, unprefixed children under a
// default InvoiCy namespace, inner documents in CDATA. Regex clients read the first <Codigo>,
// <Descricao> and <Documento> literally, so nothing here may be reordered or indented.
import { escapeText } from '../xml/parse';

const XML_DECL = '<?xml version="1.0" encoding="utf-8"?>';
const ENVELOPE_OPEN =
  '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema"' +
  ' xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">';
const ENVELOPE_CLOSE = '</SOAP-ENV:Envelope>';

export interface ReplyMessage {
  codigo: number;
  descricao: string;
  /** Inner reply documents, one DocumentosItem each; empty for request-level errors. */
  documentos: readonly string[];
}

/** Wraps text in CDATA; a literal "]]>" is split across two sections so it survives intact. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

function mensagemItem(m: ReplyMessage): string {
  const docs = m.documentos.length
    ? `<Documentos>${m.documentos.map((d) => `<DocumentosItem><Documento>${cdata(d)}</Documento></DocumentosItem>`).join('')}</Documentos>`
    : '<Documentos/>';
  return `<MensagemItem><Codigo>${m.codigo}</Codigo><Descricao>${escapeText(m.descricao)}</Descricao>${docs}</MensagemItem>`;
}

/** The recepcao.ExecuteResponse envelope. */
export function buildExecuteResponse(messages: readonly ReplyMessage[]): string {
  return (
    `${XML_DECL}${ENVELOPE_OPEN}<SOAP-ENV:Body><recepcao.ExecuteResponse xmlns="InvoiCy"><Invoicyretorno><Mensagem>` +
    messages.map(mensagemItem).join('') +
    `</Mensagem></Invoicyretorno></recepcao.ExecuteResponse></SOAP-ENV:Body>${ENVELOPE_CLOSE}`
  );
}

/** A request-level answer: one MensagemItem with the code and an empty <Documentos/>. */
export function buildRequestError(codigo: number, descricao: string): string {
  return buildExecuteResponse([{ codigo, descricao, documentos: [] }]);
}

/** SOAP 1.1 Fault (only for calls that are not a usable SOAP request); never carries a stack. */
export function buildSoapFault(faultstring: string, faultcode = 'SOAP-ENV:Client'): string {
  return (
    `${XML_DECL}${ENVELOPE_OPEN}<SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>${escapeText(faultcode)}</faultcode>` +
    `<faultstring>${escapeText(faultstring)}</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body>${ENVELOPE_CLOSE}`
  );
}
