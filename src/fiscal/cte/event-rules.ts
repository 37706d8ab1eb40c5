// Rules SEFAZ applies to the CT-e events (cte.md §5.3, §6, §11), checked before anything is signed or
// sent: sequences, deadlines, the document's state, the author, and the links between events (a
// comprovante blocks the cancel, a 110181 or 610111 needs the protocol of the event it cancels). Each
// rule answers SEFAZ's cStat and a Portuguese text, or undefined; the NF-e rules they share (dates,
// protocol, free text) stay in ../event-rules.
import { DH_EVENTO_TOLERANCE_MS, type Refusal } from '../event-rules';
import { DOC_STATUS, type DocStatus } from '../document-state';
import { formatDateTime } from '../datetime';

export const CTE_EVENT = {
  cartaCorrecao: '110110',
  cancelamento: '110111',
  epec: '110113',
  comprovanteEntrega: '110180',
  cancComprovanteEntrega: '110181',
  prestDesacordo: '610110',
  cancPrestDesacordo: '610111',
} as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Cancel, EPEC-to-CT-e and EPEC-cancel windows: 168 hours (220, 639, 698). */
export const CTE_CANCEL_WINDOW_MS = 168 * HOUR;
/** The tomador's desacordo: 45 days after the authorisation (787). */
export const DESACORDO_WINDOW_MS = 45 * DAY;

/** nSeqEvento range per event (cte.md §5.4); 636 outside it. */
const MAX_SEQ: Record<string, number> = {
  [CTE_EVENT.cartaCorrecao]: 20, [CTE_EVENT.cancelamento]: 1, [CTE_EVENT.epec]: 1,
  [CTE_EVENT.comprovanteEntrega]: 999, [CTE_EVENT.cancComprovanteEntrega]: 999,
  [CTE_EVENT.prestDesacordo]: 20, [CTE_EVENT.cancPrestDesacordo]: 20,
};

export function cteMaxSeqEvento(tpEvento: string): number {
  return MAX_SEQ[tpEvento] ?? 1;
}

export function cteSeqRefusal(tpEvento: string, nSeq: number): Refusal | undefined {
  const max = cteMaxSeqEvento(tpEvento);
  if (nSeq >= 1 && nSeq <= max) return undefined;
  const allowed = max === 1 ? 'deve ser 1' : `permitido de 1 a ${max}`;
  return { code: 636, text: `Rejeição: Número do item (nSeqEvento) inválido para o evento ${tpEvento} (EvenSeq ${nSeq}; ${allowed})` };
}

/** An event already registered for the CT-e, as the store knows it. */
export interface CteEventFact {
  tpEvento: string;
  nProt: string;
  /** For a 110181 the nProtCE it cancelled; for a 610111 the nProtEvPrestDes. */
  cancelsProt?: string;
  /** Author of a tomador event (610110/610111): CNPJ or CPF. */
  author?: string;
  /** The NF-e keys a comprovante named (infEntrega/chNFe). */
  chNFe?: readonly string[];
}

/** The authorised CT-e an event refers to: what the rules read of it. */
export interface CteFacts {
  docStatus: DocStatus;
  dhEmi: Date | null;
  dhAut: Date | null;
  nProt: string | null;
  tpEmis: string;
  /** 0 normal, 1 complemento, 3 substituição. */
  tpCTe: string;
  /** 0 normal, 1 subcontratação, 2 redespacho, 3 redespacho intermediário, 4 vinculado a multimodal. */
  tpServ: string;
  /** CNPJ or CPF of the tomador (toma3 → the party it names, toma4 → its own). */
  tomador: string | null;
  /** infNFe/chave of the CT-e's documents. */
  nfeKeys: readonly string[];
  /** A substitute CT-e (tpCTe 3) names this one (664 for any later event). */
  substituted: boolean;
  /** When the EPEC of a tpEmis-4 CT-e was registered. */
  dhEpec: Date | null;
  events: readonly CteEventFact[];
}

const shown = (d: Date, offset: string) => formatDateTime(d, offset);

function protocolsCancelled(cte: CteFacts, by: string): Set<string> {
  return new Set(cte.events.filter((e) => e.tpEvento === by && e.cancelsProt).map((e) => e.cancelsProt as string));
}

/** Registered events of a type not cancelled by a later event (a comprovante by 110181, a desacordo by 610111). */
export function activeEvents(cte: CteFacts, tpEvento: string): CteEventFact[] {
  const canceller = tpEvento === CTE_EVENT.comprovanteEntrega ? CTE_EVENT.cancComprovanteEntrega
    : tpEvento === CTE_EVENT.prestDesacordo ? CTE_EVENT.cancPrestDesacordo : undefined;
  const cancelled = canceller ? protocolsCancelled(cte, canceller) : new Set<string>();
  return cte.events.filter((e) => e.tpEvento === tpEvento && !cancelled.has(e.nProt));
}

/** 218 / 205 / not authorised: the events of an issued CT-e (all but the EPEC) need it authorised. */
export function authorisedRefusal(cte: CteFacts): Refusal | undefined {
  if (cte.docStatus === DOC_STATUS.CANCELADO) return { code: 218, text: 'Rejeição: CT-e já está cancelado na base de dados da SEFAZ' };
  if (cte.docStatus === DOC_STATUS.DENEGADO) return { code: 205, text: 'Rejeição: CT-e está denegado na base de dados da SEFAZ' };
  if (cte.docStatus !== DOC_STATUS.AUTORIZADO && cte.docStatus !== DOC_STATUS.CONTINGENCIA_SVC) {
    return { code: 217, text: 'Rejeição: CT-e não consta na base de dados da SEFAZ (o evento exige um CT-e autorizado)' };
  }
  return undefined;
}

function substitutedRefusal(cte: CteFacts): Refusal | undefined {
  return cte.substituted ? { code: 664, text: 'Rejeição: Evento não permitido para CT-e substituído' } : undefined;
}

/**
 * dhEvento against SEFAZ's clock and the CT-e (§5.3): not after processing + 5 min (635), not before
 * the emission (634) nor, for a CT-e authorised in normal emission, before its authorisation (637).
 */
export function cteDhEventoRefusal(at: Date, o: { now: Date; dhEmi: Date | null; dhAut: Date | null; tpEmis: string; offset: string }): Refusal | undefined {
  if (at.getTime() > o.now.getTime() + DH_EVENTO_TOLERANCE_MS) {
    return { code: 635, text: `Rejeição: Data do evento não pode ser maior que a data de processamento (EveDh ${shown(at, o.offset)}, agora ${shown(o.now, o.offset)})` };
  }
  if (o.dhEmi && at < o.dhEmi) {
    return { code: 634, text: `Rejeição: Data do evento não pode ser menor que a data de emissão do CT-e (EveDh ${shown(at, o.offset)}, emissão ${shown(o.dhEmi, o.offset)})` };
  }
  if (o.tpEmis === '1' && o.dhAut && at.getTime() < o.dhAut.getTime() - DH_EVENTO_TOLERANCE_MS) {
    return { code: 637, text: `Rejeição: Data do evento não pode ser menor que a data de autorização do CT-e (EveDh ${shown(at, o.offset)}, autorização ${shown(o.dhAut, o.offset)})` };
  }
  return undefined;
}

/** 110111 (§6.1): authorised, within 168 h (an EPEC CT-e: 168 h from its EPEC), no CC-e, no active comprovante. */
export function cteCancelRefusal(cte: CteFacts, o: { now: Date; offset: string }): Refusal | undefined {
  const state = authorisedRefusal(cte);
  if (state) return state;
  if (cte.dhAut && o.now.getTime() - cte.dhAut.getTime() > CTE_CANCEL_WINDOW_MS) {
    return { code: 220, text: `Rejeição: Prazo de cancelamento superior ao previsto na legislação (168 horas após a autorização em ${shown(cte.dhAut, o.offset)})` };
  }
  if (cte.tpEmis === '4' && cte.dhEpec && o.now.getTime() - cte.dhEpec.getTime() > CTE_CANCEL_WINDOW_MS) {
    return { code: 698, text: `Rejeição: Prazo de cancelamento de CT-e emitido em EPEC superior a 168 horas (EPEC registrado em ${shown(cte.dhEpec, o.offset)})` };
  }
  if (activeEvents(cte, CTE_EVENT.cartaCorrecao).length > 0) {
    return { code: 523, text: 'Rejeição: CT-e não pode ser cancelado: existe Carta de Correção registrada' };
  }
  const comprovante = activeEvents(cte, CTE_EVENT.comprovanteEntrega)[0];
  if (comprovante) {
    return { code: 862, text: `Rejeição: CT-e possui Comprovante de Entrega autorizado (protocolo ${comprovante.nProt}): cancele o comprovante (evento 110181) antes de cancelar o CT-e` };
  }
  return undefined;
}

/** 110110 (§6.2): the document's side of a CC-e; the fields are checked by ./cce. */
export function cteCceRefusal(cte: CteFacts): Refusal | undefined {
  return authorisedRefusal(cte) ?? substitutedRefusal(cte);
}

/**
 * 110180 (§6.4): an authorised CT-e that is not a complement, with no other active comprovante; delivery
 * and hash dates between the emission and now; infEntrega only for tpServ normal, then the CT-e's NF-e
 * keys, each once and in no other active comprovante.
 */
export function cteComprovanteRefusal(
  cte: CteFacts, o: { now: Date; offset: string; dhEntrega: Date; dhHashEntrega: Date; chNFe: readonly string[] },
): Refusal | undefined {
  const state = authorisedRefusal(cte);
  if (state) return state;
  if (cte.tpCTe === '1') return { code: 869, text: 'Rejeição: Comprovante de Entrega não permitido para CT-e de complemento de valores' };
  const active = activeEvents(cte, CTE_EVENT.comprovanteEntrega)[0];
  if (active) {
    return { code: 870, text: `Rejeição: Já existe Comprovante de Entrega ativo para este CT-e (protocolo ${active.nProt}); cancele-o (evento 110181) para enviar outro` };
  }
  const late = (d: Date) => d.getTime() > o.now.getTime() + DH_EVENTO_TOLERANCE_MS;
  const early = (d: Date) => cte.dhEmi !== null && d < cte.dhEmi;
  if (early(o.dhEntrega) || late(o.dhEntrega)) {
    return { code: 872, text: `Rejeição: Data de entrega (dhEntrega ${shown(o.dhEntrega, o.offset)}) não pode ser anterior à emissão do CT-e nem posterior à data atual` };
  }
  if (early(o.dhHashEntrega) || late(o.dhHashEntrega)) {
    return { code: 873, text: `Rejeição: Data do hash da entrega (dhHashEntrega ${shown(o.dhHashEntrega, o.offset)}) não pode ser anterior à emissão do CT-e nem posterior à data atual` };
  }
  return infEntregaRefusal(cte, o.chNFe);
}

function infEntregaRefusal(cte: CteFacts, chNFe: readonly string[]): Refusal | undefined {
  if (cte.tpServ !== '0') {
    return chNFe.length > 0 ? { code: 871, text: 'Rejeição: Grupo infEntrega (InfEntrega) só pode ser informado para CT-e com tipo de serviço Normal' } : undefined;
  }
  if (chNFe.length === 0 && cte.nfeKeys.length > 0) {
    return { code: 865, text: 'Rejeição: Informe as chaves das NF-e entregues (InfEntrega/chNFe): o CT-e de serviço Normal transporta NF-e' };
  }
  const seen = new Set<string>();
  for (const key of chNFe) {
    if (!/^\d{44}$/.test(key)) return { code: 860, text: `Rejeição: Chave de acesso da NF-e inválida no comprovante (chNFe ${key})` };
    if (seen.has(key)) return { code: 861, text: `Rejeição: Chave de acesso da NF-e duplicada no comprovante (chNFe ${key})` };
    seen.add(key);
    if (!cte.nfeKeys.includes(key)) return { code: 864, text: `Rejeição: NF-e ${key} não consta nos documentos do CT-e` };
  }
  return undefined;
}

/**
 * 110181 (§6.5): the protocol of the comprovante to cancel — the one given (EvenProt / nProtCE), or the
 * CT-e's only active comprovante when none is given or the CT-e's own protocol is; 866 when there is
 * no such active comprovante.
 */
export function comprovanteToCancel(cte: CteFacts, given: string | undefined): { nProtCE: string } | Refusal {
  const state = authorisedRefusal(cte);
  if (state) return state;
  const active = activeEvents(cte, CTE_EVENT.comprovanteEntrega);
  if (given === undefined || given === cte.nProt) {
    const only = active[0];
    if (only && active.length === 1) return { nProtCE: only.nProt };
    return { code: 866, text: 'Rejeição: CT-e não possui Comprovante de Entrega ativo para cancelar' };
  }
  if (active.some((e) => e.nProt === given)) return { nProtCE: given };
  return { code: 866, text: `Rejeição: Protocolo ${given} não é de um Comprovante de Entrega ativo deste CT-e (inexistente, de outro CT-e ou já cancelado)` };
}

/** 755: a tomador event's author is the CT-e's tomador. */
function tomadorRefusal(cte: CteFacts, author: string): Refusal | undefined {
  if (cte.tomador !== null && cte.tomador === author) return undefined;
  return { code: 755, text: `Rejeição: O autor do evento (${author}) não é o tomador do CT-e${cte.tomador ? ` (${cte.tomador})` : ''}` };
}

/** 610110 (§6.6): author = tomador, authorised and not substituted CT-e, within 45 days of the authorisation. */
export function desacordoRefusal(cte: CteFacts, o: { author: string; now: Date; offset: string }): Refusal | undefined {
  const r = tomadorRefusal(cte, o.author) ?? authorisedRefusal(cte) ?? substitutedRefusal(cte);
  if (r) return r;
  if (cte.dhAut && o.now.getTime() - cte.dhAut.getTime() > DESACORDO_WINDOW_MS) {
    return { code: 787, text: `Rejeição: Prazo para registro do evento de Prestação do Serviço em Desacordo expirado (45 dias após a autorização em ${shown(cte.dhAut, o.offset)})` };
  }
  return undefined;
}

/**
 * 610111 (§6.7): author = tomador; the protocol of the desacordo to cancel — the one given, or this
 * author's only active desacordo; 866 when there is none.
 */
export function desacordoToCancel(cte: CteFacts, o: { author: string; given: string | undefined }): { nProtEvPrestDes: string } | Refusal {
  const r = tomadorRefusal(cte, o.author) ?? substitutedRefusal(cte);
  if (r) return r;
  const active = activeEvents(cte, CTE_EVENT.prestDesacordo).filter((e) => e.author === undefined || e.author === o.author);
  if (o.given === undefined) {
    const only = active[0];
    if (only && active.length === 1) return { nProtEvPrestDes: only.nProt };
    return { code: 866, text: 'Rejeição: CT-e não possui evento de Prestação do Serviço em Desacordo ativo para cancelar' };
  }
  if (active.some((e) => e.nProt === o.given)) return { nProtEvPrestDes: o.given };
  return { code: 866, text: `Rejeição: Protocolo ${o.given} não é de um evento de Prestação do Serviço em Desacordo ativo deste CT-e` };
}

/**
 * 110113 (§6.3): the key's tpEmis is 4 (680), a normal CT-e (tpCTe 0), the key's AAMM not before the
 * event's month (695), and no EPEC of the emitter older than 168 h still without its CT-e (639).
 */
export function epecRefusal(o: { chave: string; tpCTe: string; dhEvento: string; now: Date; offset: string; pendingEpecs: readonly Date[] }): Refusal | undefined {
  if (o.chave.charAt(34) !== '4') return { code: 680, text: `Rejeição: Tipo de emissão da chave de acesso difere de EPEC (tpEmis ${o.chave.charAt(34)}, esperado 4)` };
  if (o.tpCTe !== '0') return { code: 630, text: `Rejeição: EPEC só é permitido para CT-e Normal (tpCTe ${o.tpCTe})` };
  const keyMonth = o.chave.slice(2, 6);
  const eventMonth = o.dhEvento.slice(2, 4) + o.dhEvento.slice(5, 7);
  if (keyMonth < eventMonth) return { code: 695, text: `Rejeição: Ano-mês da chave de acesso (${keyMonth}) anterior ao mês do evento EPEC (${eventMonth})` };
  const stale = o.pendingEpecs.find((d) => o.now.getTime() - d.getTime() > CTE_CANCEL_WINDOW_MS);
  if (stale) {
    return { code: 639, text: `Rejeição: Emitente possui EPEC registrado há mais de 168 horas sem o CT-e autorizado (EPEC de ${shown(stale, o.offset)}); autorize aquele CT-e antes de novo EPEC` };
  }
  return undefined;
}

/** 228: an EPEC or FS-DA CT-e must reach the normal authorizer within 168 h of its dhEmi. */
export function contingencyTransmissionRefusal(o: { dhEmi: Date; now: Date; offset: string }): Refusal | undefined {
  if (o.now.getTime() - o.dhEmi.getTime() <= CTE_CANCEL_WINDOW_MS) return undefined;
  return { code: 228, text: `Rejeição: Data de emissão muito atrasada (CT-e em contingência emitido em ${shown(o.dhEmi, o.offset)}: prazo de 168 horas para a autorização esgotado)` };
}
