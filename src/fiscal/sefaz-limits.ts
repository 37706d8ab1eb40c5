// SEFAZ message limits per web service (sefaz-nfe.md §3.2, §3.7, §6, §13; MOC 7.0): a message over
// the size limit is refused as a whole with cStat 214, a lote with more documents than allowed with a
// schema rejection (225 enviNFe, 215 envEvento). Shared by the gateway (it splits lotes and refuses a
// document before sending) and the simulator (it enforces them with SEFAZ's answers).

const KB = 1024;

/** The SEFAZ web services (WSDL operation names, the last segment of their namespace). */
export type SefazOperation =
  | 'NFeStatusServico4'
  | 'NFeAutorizacao4'
  | 'NFeRetAutorizacao4'
  | 'NFeConsultaProtocolo4'
  | 'NFeInutilizacao4'
  | 'NFeRecepcaoEvento4'
  | 'CTeRecepcaoSincV4'
  | 'CTeConsultaV4'
  | 'CTeStatusServicoV4'
  | 'CTeRecepcaoEventoV4'
  | 'NFeDistribuicaoDFe'
  | 'CTeDistribuicaoDFe';

export interface MessageLimits {
  /** Whole SOAP message, in bytes: beyond it SEFAZ answers 214. */
  maxMessageBytes: number;
  /** Documents per lote (NFe in enviNFe, evento in envEvento), when the message carries a lote. */
  maxDocuments?: number;
}

/**
 * "Tamanho limite da mensagem: 500 KB" holds for every NF-e 4.00 service; CT-e 4.00 allows 512 KB
 * (cte.md §2.2), measured on the message as sent (the recepção's CT-e gzip-compressed, in base64). Kept literal (`satisfies`),
 * so a lote service's maxDocuments is known to be there.
 */
export const SEFAZ_LIMITS = {
  NFeStatusServico4: { maxMessageBytes: 500 * KB },
  NFeAutorizacao4: { maxMessageBytes: 500 * KB, maxDocuments: 50 },
  NFeRetAutorizacao4: { maxMessageBytes: 500 * KB },
  NFeConsultaProtocolo4: { maxMessageBytes: 500 * KB },
  NFeInutilizacao4: { maxMessageBytes: 500 * KB },
  NFeRecepcaoEvento4: { maxMessageBytes: 500 * KB, maxDocuments: 20 },
  CTeRecepcaoSincV4: { maxMessageBytes: 512 * KB },
  CTeConsultaV4: { maxMessageBytes: 512 * KB },
  CTeStatusServicoV4: { maxMessageBytes: 512 * KB },
  CTeRecepcaoEventoV4: { maxMessageBytes: 512 * KB },
  // DF-e distribution at the Ambiente Nacional: a query of a few hundred bytes, 10 KB at most (214).
  NFeDistribuicaoDFe: { maxMessageBytes: 10 * KB },
  CTeDistribuicaoDFe: { maxMessageBytes: 10 * KB },
} as const satisfies Readonly<Record<SefazOperation, MessageLimits>>;

/** Limits of an operation by name (case as in the WSDL); unknown names get the common 500 KB. */
export function limitsOf(operation: string): MessageLimits {
  return (SEFAZ_LIMITS as Readonly<Record<string, MessageLimits | undefined>>)[operation] ?? { maxMessageBytes: 500 * KB };
}

/** Bytes as SEFAZ's texts count them: KB of 1024, rounded up (a message of 500.1 KB is "501 KB"). */
export function kilobytes(bytes: number): number {
  return Math.ceil(bytes / KB);
}

/**
 * Splits documents into lotes that respect both limits, in their order: a lote is closed when the next
 * document would make the message exceed `maxMessageBytes` (fixed part + documents) or `maxDocuments`.
 * A document too large even alone is set aside as a lote of its own (the sender refuses it before
 * sending) without closing the current lote. Returns the indexes of `documentBytes` per lote.
 */
export function packLotes(documentBytes: readonly number[], fixedBytes: number, limits: MessageLimits): number[][] {
  const maxDocuments = limits.maxDocuments ?? Number.POSITIVE_INFINITY;
  const lotes: number[][] = [];
  let current: number[] = [];
  let size = fixedBytes;
  for (const [i, bytes] of documentBytes.entries()) {
    if (fixedBytes + bytes > limits.maxMessageBytes) {
      lotes.push([i]);
      continue;
    }
    if (current.length > 0 && (size + bytes > limits.maxMessageBytes || current.length >= maxDocuments)) {
      lotes.push(current);
      current = [];
      size = fixedBytes;
    }
    current.push(i);
    size += bytes;
  }
  if (current.length > 0) lotes.push(current);
  return lotes;
}
