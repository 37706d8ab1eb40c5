// Inner reply documents carried (in CDATA) by DocumentosItem/Documento: the emission/event/
// inutilização reply (contract §9.1) and the consulta reply (§9.2). Element order is fixed by the
// official XSDs and samples; empty values are written `<X />` as InvoiCy does.
import { escapeText } from '../xml/parse';

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
