// Readers for the small InvoiCy request layouts the emission layer answers directly: EnvioEvento
// (contract §11.3), Inutilizacao (§11.4), Consulta/Consultar + ParametrosConsulta (§11.5) and
// PuloNumeracao ("Consultar Pulos de Numeração").
// Element names are matched case-insensitively (ERPs copy either spelling); values are trimmed.
import { parseXml } from '../xml/parse';

type Node = Record<string, unknown>;

export class InputError extends Error {}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Child element by local name, case-insensitive (first occurrence when repeated). */
function child(node: Node | undefined, name: string): unknown {
  if (!node) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(node)) {
    if (k.toLowerCase() === lower) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

function childNode(node: Node | undefined, name: string): Node | undefined {
  const v = child(node, name);
  return isNode(v) ? v : undefined;
}

/** Trimmed text of a child; undefined when absent or blank. */
function text(node: Node | undefined, name: string): string | undefined {
  const v = child(node, name);
  const s = typeof v === 'string' ? v : isNode(v) && typeof v['#text'] === 'string' ? v['#text'] : undefined;
  const t = s?.trim();
  return t ? t : undefined;
}

function root(xml: string, name: string): Node {
  const doc = parseXml(xml, { removeNSPrefix: true });
  const r = childNode(doc, name);
  if (!r) throw new InputError(`elemento raiz ${name} não encontrado`);
  return r;
}

function integer(value: string, field: string): number;
function integer(value: string | undefined, field: string): number | undefined;
function integer(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new InputError(`${field}: valor inválido "${value}" (esperado número inteiro)`);
  return Number(value);
}

// ------------------------------------------------------------------ EnvioEvento

export interface EventoInput {
  modelo: string;
  tpAmb?: string;
  cnpj?: string;
  numero?: number;
  serie?: number;
  chave?: string;
  chaveSubstituta?: string;
  /** Local date-time without offset, and the offset (EveDh + EveFusoHorario). */
  eveDh?: string;
  eveFuso?: string;
  tpEvento: string;
  nSeq?: number;
  xJust?: string;
  nProt?: string;
  xCorrecao?: string;
}

export function readEnvioEvento(xml: string): EventoInput {
  const r = root(xml, 'EnvioEvento');
  const ev = childNode(r, 'Evento');
  if (!ev) throw new InputError('EnvioEvento/Evento: grupo obrigatório não informado');
  const inf = childNode(ev, 'EveInf');
  const det = childNode(inf, 'Evedet');
  const tpEvento = text(inf, 'EveTp');
  if (!tpEvento) throw new InputError('EnvioEvento/Evento/EveInf/EveTp: campo obrigatório não informado');
  return {
    modelo: text(r, 'ModeloDocumento') ?? '',
    tpAmb: text(ev, 'tpAmb'),
    cnpj: text(ev, 'NtfCnpjEmissor') ?? text(ev, 'NtfCpfEmissor'),
    numero: integer(text(ev, 'NtfNumero'), 'NtfNumero'),
    serie: integer(text(ev, 'NtfSerie'), 'NtfSerie'),
    chave: text(ev, 'ChaAcesso'),
    chaveSubstituta: text(ev, 'ChaAcessoSubstituta'),
    eveDh: text(inf, 'EveDh'),
    eveFuso: text(inf, 'EveFusoHorario'),
    tpEvento,
    nSeq: integer(text(inf, 'EvenSeq'), 'EvenSeq'),
    xJust: text(det, 'EvexJust'),
    nProt: text(det, 'EvenProt'),
    xCorrecao: text(det, 'EveCorrecao'),
  };
}

// ------------------------------------------------------------------ Inutilizacao

export interface InutilizacaoInput {
  modelo: string;
  tpAmb?: string;
  cnpj?: string;
  serie: number;
  nIni: number;
  nFin: number;
  justificativa: string;
}

export function readInutilizacao(xml: string): InutilizacaoInput {
  const r = root(xml, 'Inutilizacao');
  const required = (name: string): string => {
    const v = text(r, name);
    if (v === undefined) throw new InputError(`Inutilizacao/${name}: campo obrigatório não informado`);
    return v;
  };
  return {
    modelo: text(r, 'ModeloDocumento') ?? '',
    // The official example uses `Ambiente` for tpAmb.
    tpAmb: text(r, 'tpAmb') ?? text(r, 'Ambiente'),
    cnpj: text(r, 'CnpjEmissor'),
    serie: integer(required('Serie'), 'Serie'),
    nIni: integer(required('NumeroInicial'), 'NumeroInicial'),
    nFin: integer(required('NumeroFinal'), 'NumeroFinal'),
    justificativa: required('Justificativa'),
  };
}

// ------------------------------------------------------------------ Consulta

export interface ConsultaInput {
  modelo: string;
  tpAmb?: string;
  chave?: string;
  numeroInicial?: number;
  numeroFinal?: number;
  serie?: number;
  emissaoInicial?: string;
  emissaoFinal?: string;
  inclusaoInicial?: string;
  inclusaoFinal?: string;
  statusDocumento?: number[];
  /** EmitidoRecebido R: the documents the company received (captured DF-e), not those it issued. */
  recebidos: boolean;
  /** CnpjEmissor of a consulta of received documents: one supplier. */
  cnpjEmissor?: string;
  flags: { situacao: boolean; xmlCompleto: boolean; eventos: boolean; pdf: boolean };
}

function flag(node: Node | undefined, name: string): boolean {
  return text(node, name)?.toUpperCase() === 'S';
}

/** Consulta (+ the DadosItem/Parametros ParametrosConsulta) or the Conector Consultar wrapper. */
export function readConsulta(xml: string, parametrosXml?: string): ConsultaInput {
  const doc = parseXml(xml, { removeNSPrefix: true });
  const wrapper = childNode(doc, 'Consultar');
  const c = childNode(wrapper ?? doc, 'Consulta');
  if (!c) throw new InputError('elemento raiz Consulta não encontrado');
  let params = childNode(wrapper, 'ParametrosConsulta');
  if (!params && parametrosXml) params = childNode(parseXml(parametrosXml, { removeNSPrefix: true }), 'ParametrosConsulta');
  const status = text(c, 'StatusDocumento');
  return {
    modelo: text(c, 'ModeloDocumento') ?? '',
    tpAmb: text(c, 'tpAmb'),
    chave: text(c, 'ChaveAcesso'),
    numeroInicial: integer(text(c, 'NumeroInicial'), 'NumeroInicial'),
    numeroFinal: integer(text(c, 'NumeroFinal'), 'NumeroFinal'),
    serie: integer(text(c, 'Serie'), 'Serie'),
    emissaoInicial: text(c, 'DataEmissaoInicial'),
    emissaoFinal: text(c, 'DataEmissaoFinal'),
    inclusaoInicial: text(c, 'DataInclusaoInicial'),
    inclusaoFinal: text(c, 'DataInclusaoFinal'),
    statusDocumento: status?.split(/[,;\s]+/).filter(Boolean).map((s) => integer(s, 'StatusDocumento')),
    recebidos: text(c, 'EmitidoRecebido')?.toUpperCase() === 'R',
    cnpjEmissor: text(c, 'CnpjEmissor'),
    flags: {
      situacao: flag(params, 'Situacao'),
      xmlCompleto: flag(params, 'XMLCompleto'),
      eventos: flag(params, 'Eventos'),
      pdf: flag(params, 'PDFBase64'),
    },
  };
}

// ------------------------------------------------------------------ Descarte (contract §11.6)

/** A reference to a document to discard and, optionally, the number that replaces it. */
export interface DescarteInput {
  modelo: string;
  tpAmb?: string;
  cnpj?: string;
  numero: number;
  serie: number;
  numeroSubstituta?: number;
  serieSubstituta?: number;
}

function requiredInteger(node: Parameters<typeof text>[0], group: string, name: string): number {
  const v = integer(text(node, name), name);
  if (v === undefined) throw new InputError(`${group}/${name}: campo obrigatório não informado`);
  return v;
}

/** Stand-alone `DescartarDocumento` (the Conector form adds ChaveParceiro/ChaveAcesso, ignored here). */
export function readDescartarDocumento(xml: string): DescarteInput {
  const r = root(xml, 'DescartarDocumento');
  const required = (name: string) => requiredInteger(r, 'DescartarDocumento', name);
  return {
    modelo: text(r, 'ModeloDocumento') ?? '',
    tpAmb: text(r, 'tpAmb'),
    cnpj: text(r, 'CNPJ_emit') ?? text(r, 'CPF_emit'),
    numero: required('Numero'),
    serie: required('Serie'),
    numeroSubstituta: integer(text(r, 'NumeroSubstituta'), 'NumeroSubstituta'),
    serieSubstituta: integer(text(r, 'SerieSubstituta'), 'SerieSubstituta'),
  };
}

/**
 * `SubstituirDocumento` from the DadosItem/Parametros of an Envio (as the root or inside a wrapper);
 * undefined when the parameters do not carry one.
 */
export function readSubstituirDocumento(parametrosXml: string): DescarteInput | undefined {
  const doc = parseXml(parametrosXml, { removeNSPrefix: true });
  const s = childNode(doc, 'SubstituirDocumento') ?? Object.values(doc).filter(isNode).map((n) => childNode(n, 'SubstituirDocumento')).find(Boolean);
  if (!s) return undefined;
  const required = (name: string) => requiredInteger(s, 'SubstituirDocumento', name);
  return {
    modelo: text(s, 'modelo') ?? '',
    cnpj: text(s, 'CNPJ_emit') ?? text(s, 'CPF_emit'),
    numero: required('nNF'),
    serie: required('serie'),
    numeroSubstituta: integer(text(s, 'nNFSubstituta'), 'nNFSubstituta'),
    serieSubstituta: integer(text(s, 'serieSubstituta'), 'serieSubstituta'),
  };
}

// ------------------------------------------------------------------ PuloNumeracao

/** The layout's fields (DocEmtCNPJ, CnpjEmpresa, ModeloDocumento) and the example's (tpAmb, Serie, dates). */
export interface PuloNumeracaoInput {
  modelo?: string;
  tpAmb?: string;
  /** DocEmtCNPJ: the emitter whose gaps are asked. */
  emitente?: string;
  serie?: number;
  dataInicial?: string;
  dataFinal?: string;
}

export function readPuloNumeracao(xml: string): PuloNumeracaoInput {
  const r = root(xml, 'PuloNumeracao');
  return {
    modelo: text(r, 'ModeloDocumento'), tpAmb: text(r, 'tpAmb'), emitente: text(r, 'DocEmtCNPJ'), serie: integer(text(r, 'Serie'), 'Serie'),
    dataInicial: text(r, 'DataEmissaoInicial'), dataFinal: text(r, 'DataEmissaoFinal'),
  };
}

// ------------------------------------------------------------------ DistribuicaoDFe (Consulta Distribuição DFE)

export interface DistribuicaoInput {
  modelo: string;
  tpAmb?: string;
  /** UsarUltimoNSU: S → the documents after `ultimoNSU`; N → the one NSU `nsuEspecifico`. */
  usarUltimoNSU?: boolean;
  ultimoNSU?: string;
  nsuEspecifico?: string;
  chave?: string;
}

function nsuField(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) throw new InputError(`${field}: NSU inválido "${value}" (até 15 dígitos)`);
  return value.padStart(15, '0');
}

/** `DistribuicaoDFe` (layouts "Distribuição NF-e/CT-e de Entrada", Envio). */
export function readDistribuicaoDFe(xml: string): DistribuicaoInput {
  const r = root(xml, 'DistribuicaoDFe');
  const usar = text(r, 'UsarUltimoNSU')?.toUpperCase();
  if (usar !== undefined && usar !== 'S' && usar !== 'N') throw new InputError(`UsarUltimoNSU: valor inválido "${usar}" (S ou N)`);
  return {
    modelo: text(r, 'ModeloDocumento') ?? '',
    tpAmb: text(r, 'tpAmb'),
    ...(usar === undefined ? {} : { usarUltimoNSU: usar === 'S' }),
    ultimoNSU: nsuField(text(r, 'UltimoNSU'), 'UltimoNSU'),
    nsuEspecifico: nsuField(text(r, 'NSUEspecifico'), 'NSUEspecifico'),
    chave: text(r, 'chaAcesso'),
  };
}
