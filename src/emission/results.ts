// Maps stored documents, events and inutilizações to the structured results the InvoiCy layer writes
// (invoicy/types.ts). The document-level code of a stored document is its own cStat/xMotivo (SEFAZ's,
// or the InvoiCy code it was answered with), so a resend answers exactly what the first call answered.
import type { ConsultaEntry, DocumentOutcome, EventIds, EventOutcome, InutilizacaoOutcome, Refusal } from '../invoicy/types';
import type { DocumentRecord, DocumentXml, EventRecord, InutilizacaoRecord } from '../store/port';
import type { DocModel } from '../fiscal/document-state';
import { DOC_STATUS } from '../fiscal/document-state';
import { TEXT } from './codes';
import { modelOfModelo } from './document-types';

export function modeloName(model: string): string {
  return model === '65' ? 'NFCe' : model === '57' ? 'CTe' : 'NFe';
}

/** The model of a modelo name (any case) that a document type of the gateway issues. */
export function modelCode(modelo: string): DocModel | undefined {
  return modelOfModelo(modelo);
}

/** The stored XML an answer about the document carries. */
export type AnswerXml = Partial<Pick<DocumentXml, 'xmlProc' | 'xmlSigned'>>;

/** What to read for the answer about a document: its nfeProc; an off-line NFC-e not yet transmitted has none, and its signed XML is the document. */
export function answerXmlFields(doc: DocumentRecord): (keyof AnswerXml)[] {
  return doc.docStatus === DOC_STATUS.CONTINGENCIA_OFFLINE ? ['xmlProc', 'xmlSigned'] : ['xmlProc'];
}

/** The stored state of a document (authorised, denied, rejected, pending …), answered with request code 100. */
export function documentOutcome(doc: DocumentRecord, stored: AnswerXml | undefined, offset: string): DocumentOutcome {
  const xml = stored?.xmlProc ?? (doc.docStatus === DOC_STATUS.CONTINGENCIA_OFFLINE ? stored?.xmlSigned : null);
  return {
    kind: 'document', modelo: modeloName(doc.model), numero: doc.numero, serie: doc.serie,
    chave: doc.chave ?? undefined, protocol: doc.nProt ?? undefined, dhAut: doc.dhAut ?? undefined, offset,
    digestValue: doc.digestValue ?? undefined, xml: xml ?? undefined,
    code: doc.cStat ?? '', text: doc.xMotivo ?? '', docStatus: doc.docStatus, requestCode: 100,
  };
}

/** A refusal answered before (or without) a stored document. */
export function refusal(
  modelo: string, code: number | string, text: string,
  ids: { numero?: number | string; serie?: number | string; chave?: string } = {},
): Refusal {
  return { kind: 'refusal', modelo, code, text, requestCode: 100, ...ids };
}

export function eventOutcome(doc: DocumentRecord, ev: EventRecord, offset: string): EventOutcome {
  return {
    kind: 'event', modelo: modeloName(doc.model), numero: doc.numero, serie: doc.serie, chave: doc.chave ?? undefined,
    tpEvento: ev.tpEvento, nSeq: ev.nSeq, protocol: ev.nProt ?? undefined, dhReg: ev.dhReg ?? undefined, offset,
    xml: ev.xmlProc ?? undefined, code: ev.cStat ?? '', text: ev.xMotivo ?? '', requestCode: 100,
  };
}

/** A refusal about one event sequence (in flight, duplicate): names the type and sequence, no protocol. */
export function eventRefusal(doc: DocumentRecord, ev: EventIds, code: number | string, text: string): Refusal {
  return {
    ...refusal(modeloName(doc.model), code, text, { numero: doc.numero, serie: doc.serie, chave: doc.chave ?? undefined }),
    event: { tpEvento: ev.tpEvento, nSeq: ev.nSeq },
  };
}

export function inutilizacaoOutcome(inut: InutilizacaoRecord, offset: string): InutilizacaoOutcome {
  return {
    kind: 'inutilizacao', modelo: modeloName(inut.model), serie: inut.serie, nIni: inut.nIni, nFin: inut.nFin,
    protocol: inut.nProt ?? undefined, dhReg: inut.dhReg ?? undefined, offset, xml: inut.xmlProc ?? undefined,
    code: inut.cStat ?? '', text: inut.xMotivo ?? '', requestCode: 100,
  };
}

export interface ConsultaFlags {
  situacao: boolean;
  xmlCompleto: boolean;
  eventos: boolean;
  pdf: boolean;
}

/** One document found by a consulta (contract §9.2), with what its flags ask for. */
export function consultaEntry(
  doc: DocumentRecord,
  /** Read only with flags.xmlCompleto. */
  xmlProc: string | null | undefined, events: EventRecord[], flags: ConsultaFlags, offset: string, emitterName: string,
): ConsultaEntry {
  return {
    modelo: modeloName(doc.model), numero: doc.numero, serie: doc.serie, chave: doc.chave ?? undefined, protocol: doc.nProt ?? undefined,
    code: doc.cStat ?? '', text: doc.xMotivo ?? '', docStatus: doc.docStatus, offset,
    xml: flags.xmlCompleto ? xmlProc ?? '' : undefined,
    // No DANFE generator yet: say so where the PDF would be.
    pdf: flags.pdf ? TEXT.pdfIndisponivel : undefined,
    summary: flags.situacao
      ? {
          dhEmi: doc.dhEmi ?? undefined, digestValue: doc.digestValue ?? undefined, dhAut: doc.dhAut ?? undefined, emitterName,
          destDoc: doc.destDoc ?? undefined, destName: doc.destName ?? undefined, totalValue: doc.totalValue ?? undefined,
        }
      : undefined,
    events: flags.eventos
      ? events.map((ev) => ({
          tpEvento: ev.tpEvento, nSeq: ev.nSeq, code: ev.cStat ?? '', protocol: ev.nProt ?? undefined, dhReg: ev.dhReg ?? undefined,
          xml: flags.xmlCompleto ? ev.xmlProc ?? '' : undefined,
        }))
      : [],
  };
}
