// SOAP envelope in and out. The business XML is SLICED out of the request text (never re-serialised)
// because its signatures must be verified over the exact bytes the client sent.
import { assertXmlSafe, escapeText, XmlInputError } from '../xml/parse';
import { NFE_NS, WSDL_NS_BASE, type Operation } from './authorizers';
import { reject, type Rejection } from './cstat';

export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export type SoapVersion = '1.1' | '1.2';

/** Expected business root and data version per operation (sefaz-nfe.md §1). */
export const BUSINESS_ROOT: Record<Operation, { root: string; versao: string }> = {
  NFeStatusServico4: { root: 'consStatServ', versao: '4.00' },
  NFeAutorizacao4: { root: 'enviNFe', versao: '4.00' },
  NFeRetAutorizacao4: { root: 'consReciNFe', versao: '4.00' },
  NFeConsultaProtocolo4: { root: 'consSitNFe', versao: '4.00' },
  NFeInutilizacao4: { root: 'inutNFe', versao: '4.00' },
  NFeRecepcaoEvento4: { root: 'envEvento', versao: '1.00' },
};

/** Version from the envelope namespace, falling back to the content type (text/xml = 1.1). */
export function detectSoapVersion(body: string, contentType: string | undefined): SoapVersion {
  if (body.includes(SOAP12_NS)) return '1.2';
  if (body.includes(SOAP11_NS)) return '1.1';
  return /text\/xml/i.test(contentType ?? '') ? '1.1' : '1.2';
}

export type BodyResult = { ok: true; xml: string } | { ok: false; rejection: Rejection };

/**
 * Slices the business XML out of `nfeDadosMsg` and applies the envelope-level checks in SEFAZ order:
 * well-formed (243), nfeDadosMsg in the operation namespace (242 — SEFAZ's "Cabeçalho - Falha no
 * Schema XML" is what the SOAP layer answers), business root (516), versao (517/239), default
 * namespace (587), prefixes (404).
 */
export function extractBusinessXml(text: string, operation: Operation): BodyResult {
  try {
    assertXmlSafe(text);
  } catch (e) {
    return { ok: false, rejection: reject('243', e instanceof XmlInputError ? e.message : undefined) };
  }
  const open = /<(?:([A-Za-z_][\w.-]*):)?nfeDadosMsg\b([^>]*)>/.exec(text);
  if (!open) return { ok: false, rejection: reject('242', 'elemento nfeDadosMsg não encontrado no SOAP Body') };
  const prefix = open[1];
  const nsAttr = prefix ? new RegExp(`xmlns:${prefix}="([^"]*)"`).exec(text)?.[1] : /\bxmlns="([^"]*)"/.exec(open[2] ?? '')?.[1];
  if (nsAttr !== WSDL_NS_BASE + operation) {
    return { ok: false, rejection: reject('242', `namespace de nfeDadosMsg deve ser ${WSDL_NS_BASE + operation}`) };
  }
  const close = text.lastIndexOf(`</${prefix ? prefix + ':' : ''}nfeDadosMsg>`);
  const xml = text.slice(open.index + open[0].length, close).trim().replace(/^<\?xml[^>]*\?>/, '');
  const rootTag = /^<([A-Za-z_][\w.:-]*)([^>]*)>/.exec(xml);
  const expected = BUSINESS_ROOT[operation];
  if (!rootTag) return { ok: false, rejection: reject('516') };
  if (rootTag[1]!.includes(':')) return { ok: false, rejection: reject('404') };
  if (rootTag[1] !== expected.root) return { ok: false, rejection: reject('516', `esperado ${expected.root}`) };
  const versao = /\bversao="([^"]*)"/.exec(rootTag[2] ?? '')?.[1];
  if (versao === undefined) return { ok: false, rejection: reject('517') };
  if (versao !== expected.versao) return { ok: false, rejection: reject('239', `versão ${versao}, esperada ${expected.versao}`) };
  if (/\bxmlns="([^"]*)"/.exec(rootTag[2] ?? '')?.[1] !== NFE_NS) return { ok: false, rejection: reject('587') };
  if (/<[A-Za-z_][\w.-]*:[A-Za-z_]/.test(xml)) return { ok: false, rejection: reject('404') };
  return { ok: true, xml };
}

export function soapEnvelope(version: SoapVersion, operation: Operation, retXml: string): string {
  const ns = version === '1.2' ? SOAP12_NS : SOAP11_NS;
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ns}"><soap:Body>` +
    `<nfeResultMsg xmlns="${WSDL_NS_BASE + operation}">${retXml}</nfeResultMsg></soap:Body></soap:Envelope>`;
}

export function soapFault(version: SoapVersion, reason: string): string {
  const text = escapeText(reason);
  if (version === '1.1') {
    return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP11_NS}"><soap:Body><soap:Fault>` +
      `<faultcode>soap:Server</faultcode><faultstring>${text}</faultstring></soap:Fault></soap:Body></soap:Envelope>`;
  }
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP12_NS}"><soap:Body><soap:Fault>` +
    `<soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang="pt-BR">${text}</soap:Text>` +
    `</soap:Reason></soap:Fault></soap:Body></soap:Envelope>`;
}

export function soapContentType(version: SoapVersion): string {
  return version === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8';
}

/**
 * The signed child elements (NFe, evento) exactly as sent. A child that inherits the default namespace
 * from its parent gets it declared on its own start tag: inclusive C14N of the signed element renders
 * the inherited namespace anyway, so the digest is unchanged and the fragment verifies on its own.
 */
export function sliceElements(xml: string, name: string): string[] {
  const re = new RegExp(`<${name}(?=[\\s>])[^>]*>[\\s\\S]*?</${name}>`, 'g');
  return [...xml.matchAll(re)].map((m) => {
    const fragment = m[0];
    const startEnd = fragment.indexOf('>');
    const startTag = fragment.slice(0, startEnd);
    return /\bxmlns="/.test(startTag) ? fragment : `<${name} xmlns="${NFE_NS}"${startTag.slice(name.length + 1)}${fragment.slice(startEnd)}`;
  });
}
