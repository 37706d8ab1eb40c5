// Parsers of the CT-e 4.00 answers (cte.md §2.1, §5.2): retCTe, retConsSitCTe, retConsStatServCTe,
// retEventoCTe. As for NF-e, the fragments distribution documents embed (protCTe, retEventoCTe,
// procEventoCTe) are returned RAW, cut from the received text.
import { base, garbage, list, locate, opt, parseStatus, req, type Located, type Obj, type ResponseParseOptions, type RetBase, type RetStatus } from './answer-reader';
import { findElements, sliceOf } from './xml-text';

export interface ProtCTe {
  tpAmb: string;
  verAplic: string;
  chCTe: string;
  dhRecbto: string;
  nProt?: string;
  digVal?: string;
  cStat: string;
  xMotivo: string;
  cMsg?: string;
  xMsg?: string;
  /** The protCTe element exactly as received. */
  raw: string;
}

export interface RetCTe extends RetBase {
  cUF: string;
  prot?: ProtCTe;
}

export interface RetEventoCTe {
  tpAmb: string;
  verAplic: string;
  cOrgao: string;
  cStat: string;
  xMotivo: string;
  chCTe?: string;
  tpEvento?: string;
  xEvento?: string;
  nSeqEvento?: string;
  /** Absent on refusals (retEventoCTe_v4.00.xsd makes it optional). */
  dhRegEvento?: string;
  nProt?: string;
  /** The retEventoCTe element exactly as received. */
  raw: string;
}

export interface ProcEventoCTe {
  retEvento: RetEventoCTe;
  /** The procEventoCTe element exactly as received. */
  raw: string;
}

export interface RetConsSitCTe extends RetBase {
  cUF: string;
  prot?: ProtCTe;
  eventos: ProcEventoCTe[];
}

export type RetConsStatServCTe = RetStatus;

const CTE_ARRAYS = ['procEventoCTe'];

function protCTe(l: Located): ProtCTe | undefined {
  const span = findElements(l.spans, 'protCTe', l.root)[0];
  const p = l.obj.protCTe as Obj | undefined;
  if (!span || !p) return undefined;
  const inf = p.infProt as Obj | undefined;
  if (!inf) throw garbage('protCTe sem infProt');
  const fisco = p.infFisco as Obj | undefined;
  return {
    tpAmb: req(inf, 'tpAmb', 'infProt'),
    verAplic: opt(inf, 'verAplic') ?? '',
    chCTe: req(inf, 'chCTe', 'infProt'),
    dhRecbto: req(inf, 'dhRecbto', 'infProt'),
    nProt: opt(inf, 'nProt'),
    digVal: opt(inf, 'digVal'),
    cStat: req(inf, 'cStat', 'infProt'),
    xMotivo: req(inf, 'xMotivo', 'infProt'),
    cMsg: opt(fisco, 'cMsg'),
    xMsg: opt(fisco, 'xMsg'),
    raw: sliceOf(l.text, span),
  };
}

function retEventoCTe(o: Obj, raw: string): RetEventoCTe {
  const inf = o.infEvento as Obj | undefined;
  if (!inf) throw garbage('retEventoCTe sem infEvento');
  return {
    tpAmb: req(inf, 'tpAmb', 'retEventoCTe'),
    verAplic: opt(inf, 'verAplic') ?? '',
    cOrgao: req(inf, 'cOrgao', 'retEventoCTe'),
    cStat: req(inf, 'cStat', 'retEventoCTe'),
    xMotivo: req(inf, 'xMotivo', 'retEventoCTe'),
    chCTe: opt(inf, 'chCTe'),
    tpEvento: opt(inf, 'tpEvento'),
    xEvento: opt(inf, 'xEvento'),
    nSeqEvento: opt(inf, 'nSeqEvento'),
    dhRegEvento: opt(inf, 'dhRegEvento'),
    nProt: opt(inf, 'nProt'),
    raw,
  };
}

export function parseRetCTe(xml: string, options: ResponseParseOptions = {}): RetCTe {
  const l = locate(xml, 'retCTe', options, CTE_ARRAYS);
  return { ...base(l.obj, 'retCTe'), cUF: req(l.obj, 'cUF', 'retCTe'), prot: protCTe(l) };
}

export function parseRetConsSitCTe(xml: string, options: ResponseParseOptions = {}): RetConsSitCTe {
  const l = locate(xml, 'retConsSitCTe', options, CTE_ARRAYS);
  const procSpans = findElements(l.spans, 'procEventoCTe', l.root);
  const procs = list(l.obj, 'procEventoCTe');
  if (procSpans.length !== procs.length) throw garbage('procEventoCTe inconsistente');
  const eventos = procs.map((p, i) => {
    const span = procSpans[i];
    const retSpan = findElements(l.spans, 'retEventoCTe', span)[0];
    const ret = p.retEventoCTe as Obj | undefined;
    if (!retSpan || !ret) throw garbage('procEventoCTe sem retEventoCTe');
    return { retEvento: retEventoCTe(ret, sliceOf(l.text, retSpan)), raw: sliceOf(l.text, span) };
  });
  return { ...base(l.obj, 'retConsSitCTe'), cUF: req(l.obj, 'cUF', 'retConsSitCTe'), prot: protCTe(l), eventos };
}

export function parseRetConsStatServCTe(xml: string, options: ResponseParseOptions = {}): RetConsStatServCTe {
  return parseStatus(xml, 'retConsStatServCTe', options);
}

export function parseRetEventoCTe(xml: string, options: ResponseParseOptions = {}): RetEventoCTe {
  const l = locate(xml, 'retEventoCTe', options, CTE_ARRAYS);
  return retEventoCTe(l.obj, sliceOf(l.text, l.root));
}
