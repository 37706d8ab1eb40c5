// Reading SEFAZ answers, shared by the NF-e and CT-e parsers: find the ret… element by local name in
// whatever contains it (the element alone, a SOAP envelope, a …Proc), parse just that element, and
// read its leaves. A malformed answer is a transport failure of kind `garbage` (the request was sent).
import { assertXmlSafe, parseXml } from '../xml/parse';
import { SefazTransportError } from './errors';
import { findElements, scanElements, sliceOf, type ElementSpan } from './xml-text';

export type Obj = Record<string, unknown>;

/** The leaves every ret… carries. */
export interface RetBase {
  tpAmb: string;
  verAplic: string;
  cStat: string;
  xMotivo: string;
}

export function garbage(detail: string): SefazTransportError {
  return new SefazTransportError('garbage', `Resposta da SEFAZ inválida: ${detail}`, { requestSent: true });
}

/** Text of a leaf (attributes make fast-xml-parser wrap it in an object). */
export function opt(o: Obj | undefined, name: string): string | undefined {
  const v = o?.[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') {
    const t = (v as Obj)['#text'];
    return t === undefined ? undefined : String(t).trim();
  }
  return String(v).trim();
}

export function req(o: Obj | undefined, name: string, where: string): string {
  const v = opt(o, name);
  if (v === undefined || v === '') throw garbage(`${where} sem ${name}`);
  return v;
}

export interface Located {
  text: string;
  spans: ElementSpan[];
  root: ElementSpan;
  obj: Obj;
}

export interface ResponseParseOptions {
  /** The text is an element cut whole from an answer that already passed assertXmlSafe (the transport's). */
  checked?: boolean;
}

/** Finds the expected root by local name and parses just that element; `arrays` are the elements that may repeat. */
export function locate(xml: string, rootName: string, options: ResponseParseOptions, arrays: readonly string[]): Located {
  let spans: ElementSpan[];
  let obj: Obj;
  try {
    if (!options.checked) assertXmlSafe(xml);
    spans = scanElements(xml);
  } catch (e) {
    throw garbage((e as Error).message);
  }
  const root = findElements(spans, rootName)[0];
  if (!root) throw garbage(`elemento ${rootName} não encontrado`);
  const text = sliceOf(xml, root);
  try {
    // A whole element of the text checked above.
    obj = (parseXml(text, { removeNSPrefix: true, checked: true, arrays })[rootName] ?? {}) as Obj;
  } catch (e) {
    throw garbage((e as Error).message);
  }
  return { text: xml, spans, root, obj };
}

export function base(o: Obj, where: string): RetBase {
  return { tpAmb: req(o, 'tpAmb', where), verAplic: opt(o, 'verAplic') ?? '', cStat: req(o, 'cStat', where), xMotivo: req(o, 'xMotivo', where) };
}

export function list(o: Obj, name: string): Obj[] {
  const v = o[name];
  return Array.isArray(v) ? (v as Obj[]) : [];
}

/** A status service's answer: retConsStatServ (NF-e) and retConsStatServCTe carry the same leaves. */
export interface RetStatus extends RetBase {
  cUF: string;
  dhRecbto?: string;
  tMed?: string;
  dhRetorno?: string;
  xObs?: string;
}

export function parseStatus(xml: string, rootName: string, options: ResponseParseOptions): RetStatus {
  const l = locate(xml, rootName, options, []);
  return {
    ...base(l.obj, rootName),
    cUF: req(l.obj, 'cUF', rootName),
    dhRecbto: opt(l.obj, 'dhRecbto'),
    tMed: opt(l.obj, 'tMed'),
    dhRetorno: opt(l.obj, 'dhRetorno'),
    xObs: opt(l.obj, 'xObs'),
  };
}
