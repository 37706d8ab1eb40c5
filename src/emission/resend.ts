// Resends of a number the gateway already holds (contingency-and-numbering.md §5.4, §7.3): a resend
// while the first attempt is still in flight waits for that attempt's answer — the only one that names
// the key that was or will be authorised (a contingency route re-keys the document before sending);
// a resend of a consumed number whose content differs from the stored document is answered with the
// stored result, but says so (the new content is never transmitted).
import { setTimeout as sleep } from 'node:timers/promises';
import type { DocumentRecord } from '../store/port';
import type { DocumentResult } from '../invoicy/types';
import type { CompanyContext } from './context';
import { SitCodigo, TEXT } from './codes';
import { answerXmlFields, modeloName, refusal } from './results';
import { answerOf } from './outcome';

/** Longest a resend waits for the attempt in flight; then it is answered 105 without a key. */
const RESEND_WAIT_MS = 30_000;
const POLL_MS = 100;

/** The document once an answer is stored (cStat set), or undefined if none came within `maxWaitMs`. */
async function answeredAttempt(ctx: CompanyContext, id: string, maxWaitMs = RESEND_WAIT_MS): Promise<DocumentRecord | undefined> {
  const until = Date.now() + maxWaitMs;
  for (;;) {
    const doc = await ctx.store.getDocument(ctx.company.id, id);
    if (!doc || doc.cStat !== null) return doc;
    if (Date.now() >= until) return undefined;
    await sleep(POLL_MS);
  }
}

/** Layout text as far as the layout reads it: no XML declaration, BOM or whitespace around tags, runs collapsed. */
function normalised(layoutXml: string): string {
  return layoutXml.replace(/^\uFEFF/, '').replace(/^\s*<\?xml[^>]*\?>/, '').replace(/\s+/g, ' ').replace(/\s*([<>])\s*/g, '$1').trim();
}

/** True when a resend carries another document than the stored one (an unknown stored layout counts as the same). */
function differsFromStored(stored: string | null | undefined, layoutXml: string): boolean {
  return stored != null && normalised(stored) !== normalised(layoutXml);
}

/**
 * The stored answer of a number sent again. A different content is never transmitted: the reply keeps
 * the stored result (idempotent) and says so in SitDescricao, and a warning names the document.
 */
export async function storedAnswer(ctx: CompanyContext, doc: DocumentRecord, layoutXml: string): Promise<DocumentResult> {
  const xml = await ctx.store.getDocumentXml(ctx.company.id, doc.id, ['layoutXml', ...answerXmlFields(doc)]);
  if (!differsFromStored(xml?.layoutXml, layoutXml)) return answerOf(ctx, doc, xml);
  ctx.log.warn('reenvio com conteúdo diferente do documento original: não transmitido', { docStatus: doc.docStatus, cStat: doc.cStat });
  return answerOf(ctx, { ...doc, xMotivo: doc.xMotivo ? `${doc.xMotivo}. ${TEXT.conteudoDivergente}` : TEXT.conteudoDivergente }, xml);
}

/**
 * A resend while another call holds the number: that call's answer once stored, else 105 without a
 * key. The same number twice in one call is answered 105 at once: its first occurrence is sent only
 * after the whole call is prepared, and its answer is the one to follow.
 */
export async function inFlightAnswer(ctx: CompanyContext, doc: DocumentRecord, layoutXml: string): Promise<DocumentResult> {
  const answered = await answeredAttempt(ctx, doc.id, ctx.hasClaimed(doc.id) ? 0 : RESEND_WAIT_MS);
  if (answered) return storedAnswer(ctx, answered, layoutXml);
  return refusal(modeloName(doc.model), SitCodigo.pendente, TEXT.emProcessamento, { numero: doc.numero, serie: doc.serie });
}
