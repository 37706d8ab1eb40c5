// Automatic ciência after capture (issue 15 §2, dfe-distribution.md §8.4): a resNFe is what the Ambiente
// Nacional gives the destinatário until it manifests, so for a company that opted in the capture hands
// each stored resNFe to the ciência use case (emission's autoCiencia, passed in by app.ts) and the full
// nfeProc arrives later under a new NSU. The use case sends once per key (its event sequence is reserved
// in the store, so never twice, across restarts and processes) and only within the 10-day window.
import type { LogScope } from '../log/logger';
import type { DistDocument } from '../sefaz/dfe-types';
import type { Company } from '../store/port';
import { parseXml } from '../xml/parse';

/** What the ciência reads of a resNFe (resNFe_v1.01.xsd). */
export interface ResNFeSummary {
  chNFe: string;
  /** 1 authorised, 2 denied, 3 cancelled. */
  cSitNFe: string;
  /** The NF-e's authorisation instant (the 10-day window starts there). */
  dhRecbto: Date;
  nProt?: string;
}

/** Sends the ciência for one resNFe; `reason` says why nothing was sent. */
export type CienciaHook = (company: Company, res: ResNFeSummary, log: LogScope) => Promise<{ sent: boolean; reason?: string }>;

function text(node: Record<string, unknown>, name: string): string | undefined {
  const v = node[name];
  return typeof v === 'string' ? v.trim() : undefined;
}

/** The summary of a captured resNFe; undefined when a field the ciência needs is missing or unreadable. */
export function resNFeSummary(doc: DistDocument): ResNFeSummary | undefined {
  if (doc.root !== 'resNFe') return undefined;
  let node: Record<string, unknown> | undefined;
  try {
    node = parseXml(doc.xml, { removeNSPrefix: true }).resNFe as Record<string, unknown> | undefined;
  } catch {
    return undefined;
  }
  const chNFe = node && text(node, 'chNFe');
  const cSitNFe = node && text(node, 'cSitNFe');
  const dhRecbto = node && text(node, 'dhRecbto');
  const at = dhRecbto ? new Date(dhRecbto) : undefined;
  if (!node || !chNFe || !cSitNFe || !at || Number.isNaN(at.getTime())) return undefined;
  const nProt = text(node, 'nProt');
  return { chNFe, cSitNFe, dhRecbto: at, ...(nProt ? { nProt } : {}) };
}
