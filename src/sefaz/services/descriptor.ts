// A SEFAZ web service declared once: its operation and namespaces, how its message sits in the SOAP
// Body (wrapper elements, inline XML or gzip+base64), its size limit, and the functions that build its
// message and read its answer. The gateway's transport writes requests and the simulator reads them
// (and writes answers) from the same declaration, so the two sides cannot drift. Pure data and pure
// functions: the simulator may import this folder; nothing here imports the transport or a use case.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { MessageLimits } from '../../fiscal/sefaz-limits';
import type { ResponseParseOptions } from '../responses';

/** `xml`: the business XML inline (NF-e); `gzip-base64`: base64 of its gzip, as text (CT-e 4.00 recepção). */
export type BodyEncoding = 'xml' | 'gzip-base64';

/** Element names, outermost first; the namespace is declared on the outermost, the others inherit it. */
export type Wrapper = readonly [string, ...string[]];

/** What both ends of the wire need to know about a service. */
export interface SoapService {
  /** WSDL operation, e.g. NFeAutorizacao4: the last segment of the namespace and of the simulator's path. */
  operation: string;
  /** WSDL method, e.g. nfeAutorizacaoLote (soapAction `${namespace}/${method}`; an endpoint table may publish another). */
  method: string;
  /** WSDL namespace, declared on the outermost wrapper of the request and of the answer. */
  namespace: string;
  request: {
    /** Elements around the message, outermost first: ['nfeDadosMsg']; DF-e ['nfeDistDFeInteresse', 'nfeDadosMsg']. */
    wrapper: Wrapper;
    encoding: BodyEncoding;
    /** Business root and its data namespace (checked by the simulator: 516, 587). */
    root: string;
    dataNamespace: string;
    /** `versao` of the root (517/239); absent when the root carries none (CT-e's CTe: it is on infCte). */
    versao?: string;
  };
  reply: {
    /** Elements around the answer, outermost first: ['nfeResultMsg']. */
    wrapper: Wrapper;
    /** Root of the answer (ret…): the element the transport returns, found by local name in the Body whatever wraps it. */
    root: string;
  };
  /** The whole SOAP message may not exceed it (fiscal/sefaz-limits.ts). */
  limits: MessageLimits;
}

/** A service as the gateway calls it: the wire facts plus its message builder and answer parser. */
export interface ServiceDescriptor<In, Out> extends SoapService {
  /** Name of the service in the published endpoint tables (sefaz-nfe.md Appendix A), e.g. NfeAutorizacao. */
  service: string;
  build: (input: In) => string;
  parse: (xml: string, options: ResponseParseOptions) => Out;
}

/** Start tags of `wrapper`, the namespace declared on the outermost. */
export function openWrapper(namespace: string, wrapper: Wrapper): string {
  return wrapper.map((name, i) => (i === 0 ? `<${name} xmlns="${namespace}">` : `<${name}>`)).join('');
}

export function closeWrapper(wrapper: Wrapper): string {
  return wrapper.map((name) => `</${name}>`).reverse().join('');
}

/** The text put inside the innermost request wrapper (base64 needs no escaping). */
export function encodeBody(service: SoapService, xml: string): string {
  return service.request.encoding === 'xml' ? xml : gzipSync(Buffer.from(xml, 'utf8')).toString('base64');
}

/** The business XML back from that text; throws when it does not decode (CT-e answers 244). */
export function decodeBody(service: SoapService, text: string): string {
  if (service.request.encoding === 'xml') return text;
  const compressed = Buffer.from(text.trim(), 'base64');
  if (compressed.length === 0) throw new Error('área de dados vazia');
  return gunzipSync(compressed).toString('utf8');
}
