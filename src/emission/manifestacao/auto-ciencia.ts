// Automatic ciência (issue 15 §2): for a company that opted in (`company dfe-ciencia`), the DF-e
// capture calls autoCiencia after storing a resNFe — the summary the Ambiente Nacional gives the
// destinatário until it manifests — so that the AN releases the full nfeProc under a new NSU. Sent
// once per NF-e: never when any manifestação of the key exists already (sent by the ERP, in flight,
// or refused), never for a denied or cancelled NF-e, and only within the 10-day window.
import { CIENCIA, CIENCIA_DEADLINE_MS, isManifestacao, MANIFESTACAO } from '../../fiscal/manifestacao';
import { detManifestacao } from '../../sefaz/messages';
import type { EventRecord } from '../../store/port';
import type { CompanyContext } from '../context';
import { issueEvent } from '../events';
import { receivedNfe } from './received';

/** What autoCiencia reads of a resNFe (resNFe_v1.01.xsd). */
export interface ResNFeFacts {
  chNFe: string;
  /** cSitNFe: 1 authorised, 2 denied, 3 cancelled. */
  cSitNFe: string;
  /** dhRecbto: the NF-e's authorisation instant. */
  dhRecbto: Date;
  nProt?: string;
}

export type AutoCienciaOutcome =
  /** Sent: the event as recorded (registered, rejected, or pending 105 after a transport failure). */
  | { sent: true; event: EventRecord }
  | { sent: false; reason: 'desligada' | 'nfe-nao-autorizada' | 'fora-do-prazo' | 'ja-manifestada' };

export async function autoCiencia(ctx: CompanyContext, res: ResNFeFacts): Promise<AutoCienciaOutcome> {
  if (!ctx.company.autoCiencia) return { sent: false, reason: 'desligada' };
  if (res.cSitNFe !== '1') return { sent: false, reason: 'nfe-nao-autorizada' };
  if (ctx.now().getTime() - res.dhRecbto.getTime() > CIENCIA_DEADLINE_MS) return { sent: false, reason: 'fora-do-prazo' };
  const doc = await receivedNfe(ctx, res.chNFe, { dhAut: res.dhRecbto, nProt: res.nProt ?? null });
  const events = await ctx.store.listEvents(ctx.company.id, doc.id);
  if (events.some((e) => isManifestacao(e.tpEvento))) return { sent: false, reason: 'ja-manifestada' };
  const det = detManifestacao({ descEvento: MANIFESTACAO[CIENCIA].descEvento });
  // The sequence is reserved atomically: a concurrent call finds it held and sends nothing.
  const issued = await issueEvent(ctx, doc, { tpEvento: CIENCIA, nSeq: 1, det }, { requestXml: null });
  if ('stored' in issued) return { sent: false, reason: 'ja-manifestada' };
  ctx.log.info('ciência automática', { chave: res.chNFe, cStat: issued.ev.cStat });
  return { sent: true, event: issued.ev };
}
