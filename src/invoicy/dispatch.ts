// Classifies each inner document by its root element (contract §8) and reads what the SOAP layer
// needs before the backend sees it: normalised model, emitter CNPJ (to find the company and check
// EmpCK) and tpAmb. Element names are matched case-insensitively because ERPs copied both the layout
// spellings and the SEFAZ ones.
import { normalizeCnpj } from '../fiscal/cnpj';
import { kidsOf, tagOf, textAt } from '../xml/ordered';
import { assertXmlSafe, parseXmlOrdered, XmlInputError, type OrderedNode } from '../xml/parse';
import type { DadosItem, DocumentKind, DocumentRequest } from './types';

/** Root element → kind; `Consultar` is the Conector form of `Consulta`. */
const ROOT_KINDS: Readonly<Record<string, DocumentKind>> = {
  Envio: 'Envio',
  EnvioEvento: 'EnvioEvento',
  Inutilizacao: 'Inutilizacao',
  Consulta: 'Consulta',
  Consultar: 'Consulta',
  DescartarDocumento: 'DescartarDocumento',
  ConsultaCadastro: 'ConsultaCadastro',
  PuloNumeracao: 'PuloNumeracao',
  DistribuicaoDFe: 'DistribuicaoDFe',
};

const MODELOS = ['NFe', 'NFCe', 'CTe', 'MDFe', 'NFSe', 'NFCom'] as const;
const MODELO_BY_LOWER = new Map<string, string>(MODELOS.map((m) => [m.toLowerCase(), m]));

/** Where the emitter CNPJ/CPF may be, first non-empty wins (CnpjEmpresa: the company in a consulta of received documents, the requester of a PuloNumeracao). */
const CNPJ_PATHS: readonly string[][] = [
  ['emit', 'CNPJ_emit'], ['emit', 'CPF_emit'], ['emit', 'CNPJ'], ['emit', 'CPF'],
  ['Evento', 'NtfCnpjEmissor'], ['Evento', 'NtfCpfEmissor'], ['Evento', 'CteCnpjEmissor'], ['Evento', 'MdfCNPJEmissor'], ['Evento', 'CNPJ'],
  ['CnpjEmpresa'], ['CnpjEmissor'], ['Consulta', 'CnpjEmpresa'], ['Consulta', 'CnpjEmissor'],
  ['CNPJ_emit'], ['CPF_emit'], ['NtfCnpjEmissor'], ['CteCnpjEmissor'], ['DocEmtCNPJ'],
];
const TPAMB_PATHS: readonly string[][] = [['ide', 'tpAmb'], ['tpAmb'], ['Ambiente'], ['Evento', 'tpAmb'], ['Consulta', 'tpAmb']];
const MODELO_PATHS: readonly string[][] = [['ModeloDocumento'], ['Consulta', 'ModeloDocumento']];

export interface DocumentProblem {
  code: 145 | 176;
  descricao: string;
}

export interface ClassifiedDocument {
  index: number;
  /** Inner root element (local name); undefined when the text is not parseable XML. */
  root?: string;
  /** Undefined when the document cannot be processed (see `problem`). */
  kind?: DocumentKind;
  /** NFe, NFCe, CTe, MDFe, NFSe, NFCom, or '' when not stated/recognised. */
  modelo: string;
  cnpj?: string;
  tpAmb?: string;
  documentXml: string;
  /** The document parsed once here (ordered, namespace prefixes removed) for the backend to reuse. */
  parsed?: OrderedNode[];
  parametrosXml?: string;
  problem?: DocumentProblem;
}

function firstText(children: OrderedNode[], paths: readonly string[][]): string | undefined {
  for (const p of paths) {
    const v = textAt(children, p);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Case-insensitive model name, normalised to the InvoiCy spelling; undefined when unknown. */
export function normalizeModelo(value: string | undefined): string | undefined {
  return value === undefined ? undefined : MODELO_BY_LOWER.get(value.trim().toLowerCase());
}

// The Conector form carries its ParametrosConsulta inside the document: pass it on as received.
const INNER_PARAMETROS_RE = /<ParametrosConsulta\b[^>]*>[\s\S]*?<\/ParametrosConsulta>/i;

function structureError(e: unknown, inWhat: string, ofWhat: string): string {
  return e instanceof XmlInputError && e.kind === 'dtd'
    ? `Erro na estrutura do XML: declarações DOCTYPE/ENTITY não são aceitas ${inWhat}`
    : `Erro na estrutura do XML ${ofWhat}. ${e instanceof Error ? e.message : ''}`.trim();
}

/** Classifies one DadosItem. Never throws: problems come back as code 145/176 in `problem`. */
export function classifyDocument(item: DadosItem, index: number): ClassifiedDocument {
  const documentXml = item.documento;
  const parametros = item.parametros?.trim() ? item.parametros : undefined;
  const base = { index, documentXml, modelo: '', ...(parametros === undefined ? {} : { parametrosXml: parametros }) };
  if (!documentXml.trim()) return { ...base, problem: { code: 145, descricao: 'Documento vazio: informe o XML do documento em DadosItem/Documento' } };

  let parsed: OrderedNode[];
  try {
    parsed = parseXmlOrdered(documentXml, { removeNSPrefix: true });
  } catch (e) {
    return { ...base, problem: { code: 145, descricao: structureError(e, 'no documento', 'do documento') } };
  }
  // Parametros that cannot be read would be silently lost (a SubstituirDocumento, the flags of a consulta).
  if (parametros !== undefined) {
    try {
      assertXmlSafe(parametros);
    } catch (e) {
      return { ...base, problem: { code: 145, descricao: structureError(e, 'nos Parametros', 'dos Parametros') } };
    }
  }
  const rootNode = parsed.find((n) => tagOf(n) !== undefined);
  const root = rootNode && tagOf(rootNode);
  const children = rootNode ? kidsOf(rootNode) : [];
  const cnpj = firstText(children, CNPJ_PATHS);
  const tpAmb = firstText(children, TPAMB_PATHS);
  const declaredModelo = firstText(children, MODELO_PATHS);
  const modelo = normalizeModelo(declaredModelo) ?? '';
  const found = {
    ...base,
    parsed,
    ...(root === undefined ? {} : { root }),
    modelo,
    ...(cnpj === undefined ? {} : { cnpj: normalizeCnpj(cnpj) }),
    ...(tpAmb === undefined ? {} : { tpAmb }),
  };

  const kind = root === undefined ? undefined : ROOT_KINDS[root];
  if (kind === undefined) {
    return { ...found, problem: { code: 176, descricao: `Tipo de documento não identificado: elemento raiz <${root ?? ''}> não reconhecido` } };
  }
  if (kind === 'Envio' && !modelo) {
    return {
      ...found,
      problem: { code: 176, descricao: `Tipo de documento não identificado: ModeloDocumento "${declaredModelo ?? ''}" inválido (use NFe, NFCe, CTe, MDFe, NFSe ou NFCom)` },
    };
  }
  if (root === 'Consultar' && found.parametrosXml === undefined) {
    const inner = INNER_PARAMETROS_RE.exec(documentXml)?.[0];
    if (inner) found.parametrosXml = inner;
  }
  return { ...found, kind };
}

/** The backend's view of a classified document that has a kind and an emitter CNPJ. */
export function toDocumentRequest(doc: ClassifiedDocument & { kind: DocumentKind; cnpj: string }): DocumentRequest {
  return {
    index: doc.index,
    kind: doc.kind,
    modelo: doc.modelo,
    documentXml: doc.documentXml,
    ...(doc.parsed === undefined ? {} : { parsed: doc.parsed }),
    ...(doc.parametrosXml === undefined ? {} : { parametrosXml: doc.parametrosXml }),
    cnpj: doc.cnpj,
    ...(doc.tpAmb === undefined ? {} : { tpAmb: doc.tpAmb }),
  };
}
