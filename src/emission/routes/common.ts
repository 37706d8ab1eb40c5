// What the contingency routes (SVC, EPEC, off-line) share: their input, their outcome and the
// stored state of a contingency transmission whose answer never came.
import { type DocumentRecord } from '../../store/port';
import { DOC_STATUS } from '../../fiscal/document-state';
import type { CompanyContext } from '../context';
import { SitCodigo, TEXT } from '../codes';
import type { DocumentType } from '../document-type';
import { saveDocument } from '../save';

/** A numbered, signed (tpEmis 1) and schema-valid document of a scope in contingency, with its type. */
export interface RouteInput<D = unknown> {
  type: DocumentType<D>;
  doc: DocumentRecord;
  /** Its tpEmis 1 signed XML, kept should no route take it. */
  signedXml: string;
  draft: D;
  /** Emitter UF (the scope's). */
  uf: string;
}

export type RouteOutcome =
  /** The document's answer is stored (authorised, registered, rejected or pending with unknown fate). */
  | { done: DocumentRecord }
  /** This option is not available now: the next one is tried. */
  | { next: string }
  /** The re-keyed document fails the schema. */
  | { schema: string[] };

/**
 * Sent to a contingency authorizer and no answer came: the number must not try another route (two
 * keys could end up authorised). Stored as DocStatus 1 / stage `sending` with the contingency key and
 * tpEmis kept, so the pending job settles it by consulta at that authorizer before anything else.
 */
export async function sentWithoutAnswer(ctx: CompanyContext, doc: DocumentRecord, cause: string): Promise<DocumentRecord> {
  ctx.log.warn('contingência: envio sem resposta; documento pendente', { tpEmis: doc.tpEmis, error: cause });
  return saveDocument(ctx, doc, {
    docStatus: DOC_STATUS.PENDENTE, stage: 'sending', cStat: String(SitCodigo.pendente), xMotivo: TEXT.pendenteContingencia, lastError: cause,
  });
}
