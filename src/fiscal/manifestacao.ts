// Manifestação do destinatário (dfe-distribution.md §7; NT 2020.001 v1.50, Ajuste SINIEF 44/20 and
// 43/23): the four events the destinatário of an NF-e registers at the Ambiente Nacional (cOrgao 91),
// and the rules the AN checks, in the order it checks them. The simulator applies them all; the
// gateway applies those it can know before sending (sequence, its own earlier events, the deadline when
// the authorisation instant is known) and leaves the rest to SEFAZ.

export interface ManifestacaoType {
  /** descEvento exactly as leiauteConfRecebto_v1.00.xsd enumerates it. */
  descEvento: string;
  /** Confirmação, desconhecimento, não realizada: they close the manifestação (ciência does not). */
  conclusive: boolean;
  /** The AN then generates a new NSU with the full NF-e for the destinatário (not for desconhecimento). */
  releasesNfe: boolean;
  /** xJust (15–255) required: operação não realizada. */
  justified: boolean;
}

export const MANIFESTACAO = {
  '210200': { descEvento: 'Confirmacao da Operacao', conclusive: true, releasesNfe: true, justified: false },
  '210210': { descEvento: 'Ciencia da Operacao', conclusive: false, releasesNfe: true, justified: false },
  '210220': { descEvento: 'Desconhecimento da Operacao', conclusive: true, releasesNfe: false, justified: false },
  '210240': { descEvento: 'Operacao nao Realizada', conclusive: true, releasesNfe: true, justified: true },
} as const satisfies Readonly<Record<string, ManifestacaoType>>;

export const CIENCIA = '210210';

/** The manifestação an event type is; undefined for any other event. */
export function manifestacaoType(tpEvento: string): ManifestacaoType | undefined {
  return (MANIFESTACAO as Readonly<Partial<Record<string, ManifestacaoType>>>)[tpEvento];
}

const DAY = 86_400_000;
/** Ciência within 10 days of the authorisation; conclusive events within 180 days. */
export const CIENCIA_DEADLINE_MS = 10 * DAY;
export const CONCLUSIVE_DEADLINE_MS = 180 * DAY;

export function isManifestacao(tpEvento: string): boolean {
  return manifestacaoType(tpEvento) !== undefined;
}

/** Since Ajuste SINIEF 43/23 each conclusive event may be registered twice (the last counts); ciência once. */
export function maxSeqManifestacao(tpEvento: string): number {
  return manifestacaoType(tpEvento)?.conclusive ? 2 : 1;
}

/** How long after the NF-e's authorisation the event may be registered. */
export function manifestacaoDeadlineMs(tpEvento: string): number {
  return manifestacaoType(tpEvento)?.conclusive ? CONCLUSIVE_DEADLINE_MS : CIENCIA_DEADLINE_MS;
}

/** What is known when a manifestação is checked; an unknown fact skips its rule. */
export interface ManifestacaoFacts {
  tpEvento: string;
  nSeq: number;
  now: Date;
  /** Whether the author is the NF-e's destinatário. */
  authorIsDestinatario?: boolean;
  nfeStatus?: 'authorized' | 'cancelled' | 'denied';
  /** The NF-e's authorisation instant. */
  authorizedAt?: Date | null;
  /** Manifestações already registered for the NF-e (this destinatário's). */
  registered: readonly { tpEvento: string; nSeq: number }[];
}

/**
 * The AN's cStat for a manifestação that must be refused, or undefined when it may be registered:
 * 575 author ≠ destinatário, 594 sequence above the limit, 650 ciência / 651 desconhecimento for a
 * cancelled or denied NF-e, 573 duplicate, 655 ciência after a conclusive manifestação, 596 out of deadline.
 */
export function manifestacaoRejection(f: ManifestacaoFacts): '575' | '594' | '650' | '651' | '573' | '655' | '596' | undefined {
  if (f.authorIsDestinatario === false) return '575';
  if (!(f.nSeq >= 1 && f.nSeq <= maxSeqManifestacao(f.tpEvento))) return '594';
  if (f.nfeStatus === 'cancelled' || f.nfeStatus === 'denied') {
    if (f.tpEvento === CIENCIA) return '650';
    if (f.tpEvento === '210220') return '651';
  }
  if (f.registered.some((e) => e.tpEvento === f.tpEvento && e.nSeq === f.nSeq)) return '573';
  if (f.tpEvento === CIENCIA && f.registered.some((e) => manifestacaoType(e.tpEvento)?.conclusive)) return '655';
  if (f.authorizedAt && f.now.getTime() - f.authorizedAt.getTime() > manifestacaoDeadlineMs(f.tpEvento)) return '596';
  return undefined;
}

