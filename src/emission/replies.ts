// Maps stored documents, events and inutilizações to the InvoiCy reply documents (contract §9.1,
// §9.2). The document-level code of a stored document is its own cStat/xMotivo (SEFAZ's, or the
// InvoiCy code it was answered with), so a resend answers exactly what the first call answered.
import { buildConsultaReply, buildDocumentoReply, type ConsultaEventoFields } from '../invoicy/reply-documents';
import type { DocumentRecord, DocumentSummary, EventRecord, InutilizacaoRecord } from '../store/port';
import type { DocModel } from '../fiscal/document-state';
import { DOC_STATUS } from '../fiscal/document-state';
import { formatDateTime } from '../fiscal/datetime';
import { TEXT } from './codes';
import { modelOfModelo } from './document-types';

export function modeloName(model: string): string {
  return model === '65' ? 'NFCe' : model === '57' ? 'CTe' : 'NFe';
}

/** The model of a modelo name (any case) that a document type of the gateway issues. */
export function modelCode(modelo: string): DocModel | undefined {
  return modelOfModelo(modelo);
}

function b64(text: string | null): string | undefined {
  return text ? Buffer.from(text, 'utf8').toString('base64') : undefined;
}

function dh(date: Date | null, offset: string): string | undefined {
  return date ? formatDateTime(date, offset) : undefined;
}

/** Emission reply of a stored document (authorised, denied, rejected, pending …). */
export function documentReply(doc: DocumentRecord, offset: string): string {
  return buildDocumentoReply({
    DocModelo: modeloName(doc.model),
    DocNumero: doc.numero,
    DocSerie: doc.serie,
    DocChaAcesso: doc.chave ?? undefined,
    DocProtocolo: doc.nProt ?? undefined,
    DocEvenSeq: 0,
    DocEveTp: 0,
    DocDhAut: dh(doc.dhAut, offset),
    DocDigestValue: doc.digestValue ?? undefined,
    // An off-line NFC-e not yet transmitted has no nfeProc: the signed NFC-e is the document.
    DocXMLBase64: b64(doc.xmlProc ?? (doc.docStatus === DOC_STATUS.CONTINGENCIA_OFFLINE ? doc.xmlSigned : null)),
    Situacao: { SitCodigo: doc.cStat ?? '', SitDescricao: doc.xMotivo ?? '' },
  });
}

/** A rejection answered before (or without) a stored document. */
export function rejectionReply(
  modelo: string, code: number | string, text: string,
  ids: { numero?: number | string; serie?: number | string; chave?: string } = {},
): string {
  return buildDocumentoReply({
    DocModelo: modelo, DocNumero: ids.numero, DocSerie: ids.serie, DocChaAcesso: ids.chave,
    DocEvenSeq: 0, DocEveTp: 0, Situacao: { SitCodigo: code, SitDescricao: text },
  });
}

/** DocEveId: tpEvento + chave + nSeq unpadded, no "ID" prefix (contract §9.1). */
export function docEveId(ev: Pick<EventRecord, 'tpEvento' | 'nSeq'>, chave: string | null): string {
  return `${ev.tpEvento}${chave ?? ''}${ev.nSeq}`;
}

export function eventReply(doc: DocumentRecord, ev: EventRecord, offset: string): string {
  return buildDocumentoReply({
    DocModelo: modeloName(doc.model),
    DocNumero: doc.numero,
    DocSerie: doc.serie,
    DocChaAcesso: doc.chave ?? undefined,
    DocProtocolo: ev.nProt ?? undefined,
    DocEvenSeq: ev.nSeq,
    DocEveTp: ev.tpEvento,
    DocEveId: docEveId(ev, doc.chave),
    DocDhAut: dh(ev.dhReg, offset),
    DocXMLBase64: b64(ev.xmlProc),
    Situacao: { SitCodigo: ev.cStat ?? '', SitDescricao: ev.xMotivo ?? '' },
  });
}

/** A refusal about one event sequence (in flight, duplicate): names the type and sequence, no protocol. */
export function eventRefusalReply(doc: DocumentRecord, ev: Pick<EventRecord, 'tpEvento' | 'nSeq'>, code: number | string, text: string): string {
  return buildDocumentoReply({
    DocModelo: modeloName(doc.model),
    DocNumero: doc.numero,
    DocSerie: doc.serie,
    DocChaAcesso: doc.chave ?? undefined,
    DocEvenSeq: ev.nSeq,
    DocEveTp: ev.tpEvento,
    Situacao: { SitCodigo: code, SitDescricao: text },
  });
}

export function inutilizacaoReply(inut: InutilizacaoRecord, offset: string): string {
  return buildDocumentoReply({
    DocModelo: modeloName(inut.model),
    DocNumero: inut.nIni === inut.nFin ? inut.nIni : `${inut.nIni}-${inut.nFin}`,
    DocSerie: inut.serie,
    DocProtocolo: inut.nProt ?? undefined,
    DocEvenSeq: 0,
    DocEveTp: 0,
    DocDhAut: dh(inut.dhReg, offset),
    DocXMLBase64: b64(inut.xmlProc),
    Situacao: { SitCodigo: inut.cStat ?? '', SitDescricao: inut.xMotivo ?? '' },
  });
}

export interface ConsultaFlags {
  situacao: boolean;
  xmlCompleto: boolean;
  eventos: boolean;
  pdf: boolean;
}

/** One consulta reply document (contract §9.2). */
export function consultaReply(
  /** Its xmlProc is needed only with flags.xmlCompleto. */
  doc: DocumentSummary & Partial<Pick<DocumentRecord, 'xmlProc'>>, events: EventRecord[], flags: ConsultaFlags, offset: string, emitterName: string,
): string {
  const eventos: ConsultaEventoFields[] = flags.eventos
    ? events.map((ev) => ({
        DocEvenSeq: ev.nSeq,
        DocEveTp: ev.tpEvento,
        DocEveXML: flags.xmlCompleto ? b64(ev.xmlProc) ?? '' : undefined,
        cStat: ev.cStat ?? '',
        DocEveId: docEveId(ev, doc.chave),
        DocEvePDF: flags.pdf ? '' : undefined,
        DocEveProtocolo: ev.nProt ?? '',
        DocEveDhReg: dh(ev.dhReg, offset) ?? '',
      }))
    : [];
  return buildConsultaReply({
    DocModelo: modeloName(doc.model),
    DocNumero: doc.numero,
    DocSerie: doc.serie,
    DocChaAcesso: doc.chave ?? '',
    DocProtocolo: doc.nProt ?? '',
    DocSitCodigo: doc.cStat ?? '',
    DocSitDescricao: doc.xMotivo ?? '',
    DocXML: flags.xmlCompleto ? b64(doc.xmlProc ?? null) ?? '' : undefined,
    // No DANFE generator yet: say so where the PDF would be.
    DocPDF: flags.pdf ? TEXT.pdfIndisponivel : undefined,
    DocStatus: doc.docStatus,
    DocIntegracao: 1,
    Resumo: flags.situacao
      ? {
          DocDataEmissao: doc.dhEmi ? formatDateTime(doc.dhEmi, offset).slice(0, 19) : '',
          DocFusoHorario: offset,
          DocDigestValue: doc.digestValue ?? '',
          DocDhAut: dh(doc.dhAut, offset) ?? '',
          DocNomeEmitente: emitterName,
          DocCNPJDestinatario: doc.destDoc ?? '',
          DocNomeDestinatario: doc.destName ?? '',
          DocVlrTotal: doc.totalValue ?? '',
        }
      : undefined,
    Eventos: eventos,
  });
}
