// SOAP envelope in and out, shaped by the service's descriptor (sefaz/services/): the wrapper and
// namespace it expects, the body encoding, the business root and version, the wrapper of the answer.
// The business XML is SLICED out of the request text (never re-serialised) because its signatures
// must be verified over the exact bytes the client sent.
import { assertXmlSafe, escapeText, XmlInputError } from '../xml/parse';
import { closeWrapper, decodeBody, openWrapper, type SoapService } from '../sefaz/services/descriptor';
import { NFE_NS } from './authorizers';
import { reject, type Rejection } from './cstat';

export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export type SoapVersion = '1.1' | '1.2';

/** Version from the envelope namespace, falling back to the content type (text/xml = 1.1). */
export function detectSoapVersion(body: string, contentType: string | undefined): SoapVersion {
  if (body.includes(SOAP12_NS)) return '1.2';
  if (body.includes(SOAP11_NS)) return '1.1';
  return /text\/xml/i.test(contentType ?? '') ? '1.1' : '1.2';
}

export type BodyResult = { ok: true; xml: string } | { ok: false; rejection: Rejection };

/** Start tag of a wrapper element (any prefix); built once per element name. */
const startTags = new Map<string, RegExp>();

function startTag(name: string): RegExp {
  let re = startTags.get(name);
  if (!re) {
    re = new RegExp(`<(?:([A-Za-z_][\\w.-]*):)?${name.replace(/\./g, '\\.')}\\b([^>]*)>`, 'g');
    startTags.set(name, re);
  }
  re.lastIndex = 0;
  return re;
}

/** CT-e's "Rejeição: Falha na descompactação da área de dados" (cte.md §2.1): a gzip+base64 body that does not decode. */
const DECOMPRESSION_FAILURE: Rejection = { cStat: '244', xMotivo: 'Rejeição: Falha na descompactação da área de dados' };

/**
 * Slices the business XML out of the service's request wrapper (nfeDadosMsg) and applies the
 * envelope-level checks in SEFAZ order: well-formed (243), the wrapper in the service's namespace
 * (242 — SEFAZ's "Cabeçalho - Falha no Schema XML" is what the SOAP layer answers), the body decoded
 * (244), business root (516), versao when the root carries one (517/239), data namespace (587),
 * prefixes (404).
 */
export function extractBusinessXml(text: string, service: SoapService): BodyResult {
  try {
    assertXmlSafe(text);
  } catch (e) {
    return { ok: false, rejection: reject('243', e instanceof XmlInputError ? e.message : undefined) };
  }
  const [outer, ...inner] = service.request.wrapper;
  const open = startTag(outer).exec(text);
  if (!open) return { ok: false, rejection: reject('242', `elemento ${outer} não encontrado no SOAP Body`) };
  let prefix = open[1];
  const nsAttr = prefix ? new RegExp(`xmlns:${prefix}="([^"]*)"`).exec(text)?.[1] : /\bxmlns="([^"]*)"/.exec(open[2] ?? '')?.[1];
  if (nsAttr !== service.namespace) {
    return { ok: false, rejection: reject('242', `namespace de ${outer} deve ser ${service.namespace}`) };
  }
  // Inner wrappers (DF-e: nfeDistDFeInteresse > nfeDadosMsg) inherit the namespace.
  let from = open.index + open[0].length;
  let name = outer;
  for (const child of inner) {
    const re = startTag(child);
    re.lastIndex = from;
    const m = re.exec(text);
    if (!m) return { ok: false, rejection: reject('242', `elemento ${child} não encontrado em ${name}`) };
    from = m.index + m[0].length;
    prefix = m[1];
    name = child;
  }
  const close = text.lastIndexOf(`</${prefix ? prefix + ':' : ''}${name}>`);
  let body = text.slice(from, close).trim();
  try {
    body = decodeBody(service, body);
  } catch {
    return { ok: false, rejection: DECOMPRESSION_FAILURE };
  }
  const xml = body.replace(/^<\?xml[^>]*\?>/, '');
  const rootTag = /^<([A-Za-z_][\w.:-]*)([^>]*)>/.exec(xml);
  const expected = service.request;
  if (!rootTag) return { ok: false, rejection: reject('516') };
  if (rootTag[1].includes(':')) return { ok: false, rejection: reject('404') };
  if (rootTag[1] !== expected.root) return { ok: false, rejection: reject('516', `esperado ${expected.root}`) };
  if (expected.versao !== undefined) {
    const versao = /\bversao="([^"]*)"/.exec(rootTag[2] ?? '')?.[1];
    if (versao === undefined) return { ok: false, rejection: reject('517') };
    if (versao !== expected.versao) return { ok: false, rejection: reject('239', `versão ${versao}, esperada ${expected.versao}`) };
  }
  if (/\bxmlns="([^"]*)"/.exec(rootTag[2] ?? '')?.[1] !== expected.dataNamespace) return { ok: false, rejection: reject('587') };
  if (/<[A-Za-z_][\w.-]*:[A-Za-z_]/.test(xml)) return { ok: false, rejection: reject('404') };
  return { ok: true, xml };
}

/** The answer in the service's reply wrapper (nfeResultMsg). */
export function soapEnvelope(version: SoapVersion, service: SoapService, retXml: string): string {
  const ns = version === '1.2' ? SOAP12_NS : SOAP11_NS;
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ns}"><soap:Body>` +
    `${openWrapper(service.namespace, service.reply.wrapper)}${retXml}${closeWrapper(service.reply.wrapper)}</soap:Body></soap:Envelope>`;
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
