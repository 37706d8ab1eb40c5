// Inner reply documents carried (in CDATA) by DocumentosItem/Documento: the emission/event/
// inutilização reply (contract §9.1), the consulta reply (§9.2) and the numbering-gap reply
// (layout "Consultar Pulos de Numeração", Retorno_Pulos). Element order is fixed by the
// official XSDs and samples; empty values are written `<X />` as InvoiCy does. `writeResult` maps the
// backend's structured results (types.ts) to those fields: the one place InvoiCy reply XML is written.
import { formatDateTime } from '../fiscal/datetime';
import { escapeText } from '../xml/parse';
import type { ConsultaEntry, DistribuicaoOutcome, DocumentResult, SerieGapsEntry } from './types';

export type ReplyValue = string | number | undefined;

function element(name: string, value: ReplyValue): string {
  return value === undefined || value === '' ? `<${name} />` : `<${name}>${escapeText(String(value))}</${name}>`;
}

/** Serialises fields in `order`; undefined fields are written empty, or skipped when `omitMissing`. */
function fields<T extends object>(obj: T, order: readonly (keyof T & string)[], omitMissing: boolean): string {
  return order
    .filter((k) => !omitMissing || obj[k] !== undefined)
    .map((k) => element(k, obj[k] as ReplyValue))
    .join('');
}

export interface DocumentoReplyFields {
  DocModelo?: ReplyValue;
  DocNumero?: ReplyValue;
  DocSerie?: ReplyValue;
  DocChaAcesso?: ReplyValue;
  DocProtocolo?: ReplyValue;
  DocEvenSeq?: ReplyValue;
  DocEveTp?: ReplyValue;
  DocEveId?: ReplyValue;
  DocPDFBase64?: ReplyValue;
  DocPDFDownload?: ReplyValue;
  DocDhAut?: ReplyValue;
  DocDigestValue?: ReplyValue;
  DocXMLBase64?: ReplyValue;
  DocXMLDownload?: ReplyValue;
  DocImpressora?: ReplyValue;
  /** Only when ParametrosEmissao/RetornaNumPedido asked for it. */
  DocNumeroPedido?: ReplyValue;
  /** Only when ParametrosEmissao/RetornaIeEmitente asked for it. */
  DocIeEmitente?: ReplyValue;
  Situacao: { SitCodigo: ReplyValue; SitDescricao: ReplyValue };
  /** Only when SEFAZ sent a message to the taxpayer (cMsg/xMsg). */
  MensagemSefaz?: { CodMsg: ReplyValue; DscMsg: ReplyValue };
}

const DOCUMENTO_ORDER = [
  'DocModelo', 'DocNumero', 'DocSerie', 'DocChaAcesso', 'DocProtocolo', 'DocEvenSeq', 'DocEveTp', 'DocEveId',
  'DocPDFBase64', 'DocPDFDownload', 'DocDhAut', 'DocDigestValue', 'DocXMLBase64', 'DocXMLDownload', 'DocImpressora',
] as const;
const DOCUMENTO_OPTIONAL_ORDER = ['DocNumeroPedido', 'DocIeEmitente'] as const;

/** Emission / event / inutilização / descarte reply document. */
export function buildDocumentoReply(f: DocumentoReplyFields): string {
  const sefaz = f.MensagemSefaz ? `<MensagemSefaz>${fields(f.MensagemSefaz, ['CodMsg', 'DscMsg'], false)}</MensagemSefaz>` : '';
  return (
    '<Documento>' +
    fields(f, DOCUMENTO_ORDER, false) +
    fields(f, DOCUMENTO_OPTIONAL_ORDER, true) +
    `<Situacao>${fields(f.Situacao, ['SitCodigo', 'SitDescricao'], false)}</Situacao>` +
    sefaz +
    '</Documento>'
  );
}

export interface ConsultaResumoFields {
  DocDataEmissao?: ReplyValue;
  DocFusoHorario?: ReplyValue;
  DocDigestValue?: ReplyValue;
  DocDhAut?: ReplyValue;
  DocNomeEmitente?: ReplyValue;
  DocCNPJDestinatario?: ReplyValue;
  DocNomeDestinatario?: ReplyValue;
  DocVlrTotal?: ReplyValue;
}

export interface ConsultaEventoFields {
  DocEvenSeq?: ReplyValue;
  DocEveTp?: ReplyValue;
  DocEveXML?: ReplyValue;
  DocEveXMLLink?: ReplyValue;
  cStat?: ReplyValue;
  DocEveId?: ReplyValue;
  DocEvePDF?: ReplyValue;
  DocEvePDFLink?: ReplyValue;
  DocEveProtocolo?: ReplyValue;
  DocEveDhReg?: ReplyValue;
}

/** Consulta reply: undefined fields are omitted (e.g. Cert* only for a dhUF query), '' is written empty. */
export interface ConsultaReplyFields {
  DocModelo?: ReplyValue;
  DocNumero?: ReplyValue;
  DocSerie?: ReplyValue;
  DocChaAcesso?: ReplyValue;
  DocProtocolo?: ReplyValue;
  DocSitCodigo?: ReplyValue;
  DocSitDescricao?: ReplyValue;
  DocXML?: ReplyValue;
  DocXMLLink?: ReplyValue;
  DocPDF?: ReplyValue;
  DocPDFLink?: ReplyValue;
  dhRecbto?: ReplyValue;
  CertDtaVencimento?: ReplyValue;
  CertDiasValido?: ReplyValue;
  NTEmVigor?: ReplyValue;
  ImprimirUmaViaContingencia?: ReplyValue;
  DocImpPrefeitura?: ReplyValue;
  DocStatus?: ReplyValue;
  CertHoraVencimento?: ReplyValue;
  DocIntegracao?: ReplyValue;
  Resumo?: ConsultaResumoFields;
  /** Always written; `<Eventos />` when none. */
  Eventos?: readonly ConsultaEventoFields[];
  NFSe?: { NFSeNumero?: ReplyValue; NFSeCodVerificacao?: ReplyValue };
  DocumentoSubstituto?: { NumeroSubs?: ReplyValue; SerieSubs?: ReplyValue; nProtDTe?: ReplyValue; dhProt?: ReplyValue };
}

const CONSULTA_ORDER = [
  'DocModelo', 'DocNumero', 'DocSerie', 'DocChaAcesso', 'DocProtocolo', 'DocSitCodigo', 'DocSitDescricao', 'DocXML',
  'DocXMLLink', 'DocPDF', 'DocPDFLink', 'dhRecbto', 'CertDtaVencimento', 'CertDiasValido', 'NTEmVigor',
  'ImprimirUmaViaContingencia', 'DocImpPrefeitura', 'DocStatus', 'CertHoraVencimento', 'DocIntegracao',
] as const;
const RESUMO_ORDER = [
  'DocDataEmissao', 'DocFusoHorario', 'DocDigestValue', 'DocDhAut', 'DocNomeEmitente', 'DocCNPJDestinatario',
  'DocNomeDestinatario', 'DocVlrTotal',
] as const;
const EVENTO_ORDER = [
  'DocEvenSeq', 'DocEveTp', 'DocEveXML', 'DocEveXMLLink', 'cStat', 'DocEveId', 'DocEvePDF', 'DocEvePDFLink',
  'DocEveProtocolo', 'DocEveDhReg',
] as const;

function group<T extends object>(name: string, obj: T | undefined, order: readonly (keyof T & string)[]): string {
  return obj ? `<${name}>${fields(obj, order, true)}</${name}>` : '';
}

/** One consulta reply document (a range query returns several of these as siblings). */
export function buildConsultaReply(f: ConsultaReplyFields): string {
  const eventos = f.Eventos?.length
    ? `<Eventos>${f.Eventos.map((e) => `<EventosItem>${fields(e, EVENTO_ORDER, true)}</EventosItem>`).join('')}</Eventos>`
    : '<Eventos />';
  return (
    '<Documento>' +
    fields(f, CONSULTA_ORDER, true) +
    group('Resumo', f.Resumo, RESUMO_ORDER) +
    eventos +
    group('NFSe', f.NFSe, ['NFSeNumero', 'NFSeCodVerificacao']) +
    group('DocumentoSubstituto', f.DocumentoSubstituto, ['NumeroSubs', 'SerieSubs', 'nProtDTe', 'dhProt']) +
    '</Documento>'
  );
}

interface PuloNumeracaoFields {
  DocCNPJEmissor?: ReplyValue;
  ModeloDocumento?: ReplyValue;
  Serie?: ReplyValue;
  DocQuantidade?: ReplyValue;
  Documentos?: ReplyValue;
  ErrorCode?: ReplyValue;
  ErroDsc?: ReplyValue;
}

const PULO_ORDER = ['DocCNPJEmissor', 'ModeloDocumento', 'Serie', 'DocQuantidade', 'Documentos', 'ErrorCode', 'ErroDsc'] as const;

/** One série of a "Consultar Pulos de Numeração" reply (layout "Retorno_Pulos"); several are siblings. */
function buildPuloNumeracaoReply(f: PuloNumeracaoFields): string {
  return `<PuloNumeracao>${fields(f, PULO_ORDER, false)}</PuloNumeracao>`;
}

function puloEntry(e: SerieGapsEntry): string {
  return buildPuloNumeracaoReply({
    DocCNPJEmissor: e.cnpj, ModeloDocumento: e.modelo, Serie: e.serie, DocQuantidade: e.count, Documentos: e.numbers, ErrorCode: e.code, ErroDsc: e.text,
  });
}

const DISTRIBUTED_ORDER = ['DocCNPJEmitente', 'DocNumero', 'DocSerie', 'DocChaAcesso', 'DocNSU', 'DocTipoArquivo', 'DocXML'] as const;

/** RetornoDFe (layout "Consulta Distribuição DFE", Retorno Distribuição): the cursor, up to 50 documents, Situacao. */
function buildRetornoDFe(r: DistribuicaoOutcome): string {
  const items = r.documents.map((d) => `<DocumentosItem>${fields({
    DocCNPJEmitente: d.cnpjEmitente, DocNumero: d.numero, DocSerie: d.serie, DocChaAcesso: d.chave, DocNSU: d.nsu,
    DocTipoArquivo: d.tipoArquivo, DocXML: Buffer.from(d.xml, 'utf8').toString('base64'),
  }, DISTRIBUTED_ORDER, false)}</DocumentosItem>`).join('');
  return (
    `<RetornoDFe>${element('UltimoNSU', r.ultimoNSU)}${element('MaximoNSU', r.maximoNSU)}` +
    (items ? `<Documentos>${items}</Documentos>` : '<Documentos />') +
    `<Situacao>${fields({ SitCodigo: r.code, SitDescricao: r.text }, ['SitCodigo', 'SitDescricao'], false)}</Situacao></RetornoDFe>`
  );
}

function b64(text: string | undefined): string | undefined {
  return text ? Buffer.from(text, 'utf8').toString('base64') : undefined;
}

function dh(date: Date | undefined, offset: string): string | undefined {
  return date ? formatDateTime(date, offset) : undefined;
}

/** DocEveId: tpEvento + chave + nSeq unpadded, no "ID" prefix (contract §9.1). */
export function docEveId(ev: { tpEvento: string; nSeq: number }, chave: string | undefined): string {
  return `${ev.tpEvento}${chave ?? ''}${ev.nSeq}`;
}

function consultaEntry(e: ConsultaEntry): string {
  return buildConsultaReply({
    DocModelo: e.modelo,
    DocNumero: e.numero,
    DocSerie: e.serie,
    DocChaAcesso: e.chave ?? '',
    DocProtocolo: e.protocol ?? '',
    DocSitCodigo: e.code,
    DocSitDescricao: e.text,
    DocXML: e.xml === undefined ? undefined : b64(e.xml) ?? '',
    DocPDF: e.pdf,
    DocStatus: e.docStatus,
    DocIntegracao: 1,
    Resumo: e.summary
      ? {
          DocDataEmissao: e.summary.dhEmi ? formatDateTime(e.summary.dhEmi, e.offset).slice(0, 19) : '',
          DocFusoHorario: e.offset,
          DocDigestValue: e.summary.digestValue ?? '',
          DocDhAut: dh(e.summary.dhAut, e.offset) ?? '',
          DocNomeEmitente: e.summary.emitterName,
          DocCNPJDestinatario: e.summary.destDoc ?? '',
          DocNomeDestinatario: e.summary.destName ?? '',
          DocVlrTotal: e.summary.totalValue ?? '',
        }
      : undefined,
    Eventos: e.events.map((ev) => ({
      DocEvenSeq: ev.nSeq,
      DocEveTp: ev.tpEvento,
      DocEveXML: ev.xml === undefined ? undefined : b64(ev.xml) ?? '',
      cStat: ev.code,
      DocEveId: docEveId(ev, e.chave),
      DocEvePDF: e.pdf === undefined ? undefined : '',
      DocEveProtocolo: ev.protocol ?? '',
      DocEveDhReg: dh(ev.dhReg, e.offset) ?? '',
    })),
  });
}

/** The inner reply document(s) of one result (a consulta may hold several sibling `Documento`s). */
export function writeResult(r: DocumentResult): string {
  const Situacao = { SitCodigo: r.code, SitDescricao: r.text };
  switch (r.kind) {
    case 'document':
      return buildDocumentoReply({
        DocModelo: r.modelo, DocNumero: r.numero, DocSerie: r.serie, DocChaAcesso: r.chave, DocProtocolo: r.protocol,
        DocEvenSeq: 0, DocEveTp: 0, DocDhAut: dh(r.dhAut, r.offset), DocDigestValue: r.digestValue, DocXMLBase64: b64(r.xml), Situacao,
      });
    case 'event':
      return buildDocumentoReply({
        DocModelo: r.modelo, DocNumero: r.numero, DocSerie: r.serie, DocChaAcesso: r.chave, DocProtocolo: r.protocol,
        DocEvenSeq: r.nSeq, DocEveTp: r.tpEvento, DocEveId: docEveId(r, r.chave), DocDhAut: dh(r.dhReg, r.offset), DocXMLBase64: b64(r.xml), Situacao,
      });
    case 'inutilizacao':
      return buildDocumentoReply({
        DocModelo: r.modelo, DocNumero: r.nIni === r.nFin ? r.nIni : `${r.nIni}-${r.nFin}`, DocSerie: r.serie, DocProtocolo: r.protocol,
        DocEvenSeq: 0, DocEveTp: 0, DocDhAut: dh(r.dhReg, r.offset), DocXMLBase64: b64(r.xml), Situacao,
      });
    case 'refusal':
      return buildDocumentoReply({
        DocModelo: r.modelo, DocNumero: r.numero, DocSerie: r.serie, DocChaAcesso: r.chave,
        DocEvenSeq: r.event?.nSeq ?? 0, DocEveTp: r.event?.tpEvento ?? 0, Situacao,
      });
    case 'unprocessed':
      return buildDocumentoReply({ DocModelo: r.modelo, Situacao });
    case 'consulta':
      return r.entries.length
        ? r.entries.map(consultaEntry).join('')
        : buildConsultaReply({ DocModelo: r.modelo, DocSitCodigo: r.code, DocSitDescricao: r.text, Eventos: [] });
    case 'distribuicao':
      return buildRetornoDFe(r);
    case 'gaps':
      return r.entries.length
        ? r.entries.map(puloEntry).join('')
        : buildPuloNumeracaoReply({ DocCNPJEmissor: r.cnpj, ModeloDocumento: r.modelo, Serie: r.serie, DocQuantidade: 0, ErrorCode: r.code, ErroDsc: r.text });
  }
}
