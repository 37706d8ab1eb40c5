// Parsers of SEFAZ answers (sefaz-nfe.md §3). They accept the ret… element alone or any document
// containing it (a whole SOAP envelope, an nfeProc). Fragments that proc documents embed (protNFe,
// retEvento, retInutNFe, procEventoNFe) are returned RAW, cut from the received text.
import { base, garbage, list, locate, opt, parseStatus, req, type Located, type Obj, type ResponseParseOptions, type RetBase, type RetStatus } from './answer-reader';
import { findElements, sliceOf, type ElementSpan } from './xml-text';

export type { ResponseParseOptions } from './answer-reader';

export interface ProtNFe {
  tpAmb: string;
  verAplic: string;
  chNFe: string;
  dhRecbto: string;
  nProt?: string;
  digVal?: string;
  cStat: string;
  xMotivo: string;
  cMsg?: string;
  xMsg?: string;
  /** The protNFe element exactly as received. */
  raw: string;
}

export interface RetEnviNFe extends RetBase {
  cUF: string;
  dhRecbto?: string;
  nRec?: string;
  tMed?: string;
  /** Synchronous answer (cStat 104): the protocol of the NF-e. */
  prot: ProtNFe[];
}

export interface RetConsReciNFe extends RetBase {
  nRec: string;
  cUF: string;
  dhRecbto?: string;
  cMsg?: string;
  xMsg?: string;
  prot: ProtNFe[];
}

export interface RetEvento {
  tpAmb: string;
  verAplic: string;
  cOrgao: string;
  cStat: string;
  xMotivo: string;
  chNFe?: string;
  tpEvento?: string;
  xEvento?: string;
  nSeqEvento?: string;
  dhRegEvento: string;
  nProt?: string;
  /** EPEC blocked (142): keys still pending reconciliation. */
  chNFePend: string[];
  /** The retEvento element exactly as received. */
  raw: string;
}

export interface ProcEventoNFe {
  retEvento: RetEvento;
  /** The procEventoNFe element exactly as received. */
  raw: string;
}

export interface RetConsSitNFe extends RetBase {
  cUF: string;
  dhRecbto?: string;
  chNFe?: string;
  prot?: ProtNFe;
  eventos: ProcEventoNFe[];
}

export type RetConsStatServ = RetStatus;

export interface RetInutNFe extends RetBase {
  cUF: string;
  ano?: string;
  CNPJ?: string;
  CPF?: string;
  mod?: string;
  serie?: string;
  nNFIni?: string;
  nNFFin?: string;
  dhRecbto?: string;
  nProt?: string;
  /** The retInutNFe element exactly as received. */
  raw: string;
}

export interface RetEnvEvento extends RetBase {
  idLote: string;
  cOrgao: string;
  retEventos: RetEvento[];
}

/** Elements that may repeat in NF-e answers (fast-xml-parser gives them as arrays always). */
const NFE_ARRAYS = ['protNFe', 'retEvento', 'procEventoNFe', 'chNFePend'];

function protList(l: Located, within: ElementSpan = l.root): ProtNFe[] {
  const spans = findElements(l.spans, 'protNFe', within);
  const objs = list(l.obj, 'protNFe');
  if (spans.length !== objs.length) throw garbage('protNFe inconsistente');
  return objs.map((p, i) => {
    const inf = p.infProt as Obj | undefined;
    if (!inf) throw garbage('protNFe sem infProt');
    return {
      tpAmb: req(inf, 'tpAmb', 'infProt'),
      verAplic: opt(inf, 'verAplic') ?? '',
      chNFe: req(inf, 'chNFe', 'infProt'),
      dhRecbto: req(inf, 'dhRecbto', 'infProt'),
      nProt: opt(inf, 'nProt'),
      digVal: opt(inf, 'digVal'),
      cStat: req(inf, 'cStat', 'infProt'),
      xMotivo: req(inf, 'xMotivo', 'infProt'),
      cMsg: opt(inf, 'cMsg'),
      xMsg: opt(inf, 'xMsg'),
      raw: sliceOf(l.text, spans[i]),
    };
  });
}

function retEvento(o: Obj, raw: string): RetEvento {
  const inf = o.infEvento as Obj | undefined;
  if (!inf) throw garbage('retEvento sem infEvento');
  const pend = inf.chNFePend;
  return {
    tpAmb: req(inf, 'tpAmb', 'retEvento'),
    verAplic: opt(inf, 'verAplic') ?? '',
    cOrgao: req(inf, 'cOrgao', 'retEvento'),
    cStat: req(inf, 'cStat', 'retEvento'),
    xMotivo: req(inf, 'xMotivo', 'retEvento'),
    chNFe: opt(inf, 'chNFe'),
    tpEvento: opt(inf, 'tpEvento'),
    xEvento: opt(inf, 'xEvento'),
    nSeqEvento: opt(inf, 'nSeqEvento'),
    dhRegEvento: req(inf, 'dhRegEvento', 'retEvento'),
    nProt: opt(inf, 'nProt'),
    chNFePend: Array.isArray(pend) ? pend.map((c) => String(c).trim()) : [],
    raw,
  };
}

export function parseRetEnviNFe(xml: string, options: ResponseParseOptions = {}): RetEnviNFe {
  const l = locate(xml, 'retEnviNFe', options, NFE_ARRAYS);
  const infRec = l.obj.infRec as Obj | undefined;
  return {
    ...base(l.obj, 'retEnviNFe'),
    cUF: req(l.obj, 'cUF', 'retEnviNFe'),
    dhRecbto: opt(l.obj, 'dhRecbto'),
    nRec: opt(infRec, 'nRec'),
    tMed: opt(infRec, 'tMed'),
    prot: protList(l),
  };
}

export function parseRetConsReciNFe(xml: string, options: ResponseParseOptions = {}): RetConsReciNFe {
  const l = locate(xml, 'retConsReciNFe', options, NFE_ARRAYS);
  return {
    ...base(l.obj, 'retConsReciNFe'),
    nRec: req(l.obj, 'nRec', 'retConsReciNFe'),
    cUF: req(l.obj, 'cUF', 'retConsReciNFe'),
    dhRecbto: opt(l.obj, 'dhRecbto'),
    cMsg: opt(l.obj, 'cMsg'),
    xMsg: opt(l.obj, 'xMsg'),
    prot: protList(l),
  };
}

export function parseRetConsSitNFe(xml: string, options: ResponseParseOptions = {}): RetConsSitNFe {
  const l = locate(xml, 'retConsSitNFe', options, NFE_ARRAYS);
  const procSpans = findElements(l.spans, 'procEventoNFe', l.root);
  const procs = list(l.obj, 'procEventoNFe');
  if (procSpans.length !== procs.length) throw garbage('procEventoNFe inconsistente');
  const eventos = procs.map((p, i) => {
    const span = procSpans[i];
    const retSpan = findElements(l.spans, 'retEvento', span)[0];
    const ret = list(p, 'retEvento')[0];
    if (!retSpan || !ret) throw garbage('procEventoNFe sem retEvento');
    return { retEvento: retEvento(ret, sliceOf(l.text, retSpan)), raw: sliceOf(l.text, span) };
  });
  return {
    ...base(l.obj, 'retConsSitNFe'),
    cUF: req(l.obj, 'cUF', 'retConsSitNFe'),
    dhRecbto: opt(l.obj, 'dhRecbto'),
    chNFe: opt(l.obj, 'chNFe'),
    prot: protList(l)[0],
    eventos,
  };
}

export function parseRetConsStatServ(xml: string, options: ResponseParseOptions = {}): RetConsStatServ {
  return parseStatus(xml, 'retConsStatServ', options);
}

export function parseRetInutNFe(xml: string, options: ResponseParseOptions = {}): RetInutNFe {
  const l = locate(xml, 'retInutNFe', options, NFE_ARRAYS);
  const inf = l.obj.infInut as Obj | undefined;
  if (!inf) throw garbage('retInutNFe sem infInut');
  return {
    ...base(inf, 'retInutNFe'),
    cUF: req(inf, 'cUF', 'retInutNFe'),
    ano: opt(inf, 'ano'),
    CNPJ: opt(inf, 'CNPJ'),
    CPF: opt(inf, 'CPF'),
    mod: opt(inf, 'mod'),
    serie: opt(inf, 'serie'),
    nNFIni: opt(inf, 'nNFIni'),
    nNFFin: opt(inf, 'nNFFin'),
    dhRecbto: opt(inf, 'dhRecbto'),
    nProt: opt(inf, 'nProt'),
    raw: sliceOf(l.text, l.root),
  };
}

export function parseRetEnvEvento(xml: string, options: ResponseParseOptions = {}): RetEnvEvento {
  const l = locate(xml, 'retEnvEvento', options, NFE_ARRAYS);
  const spans = findElements(l.spans, 'retEvento', l.root);
  const rets = list(l.obj, 'retEvento');
  if (spans.length !== rets.length) throw garbage('retEvento inconsistente');
  return {
    ...base(l.obj, 'retEnvEvento'),
    idLote: opt(l.obj, 'idLote') ?? '',
    cOrgao: req(l.obj, 'cOrgao', 'retEnvEvento'),
    retEventos: rets.map((r, i) => retEvento(r, sliceOf(l.text, spans[i]))),
  };
}
