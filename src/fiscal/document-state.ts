// The document state machine: InvoiCy's DocStatus (invoicy-contract.md §9.3), the gateway's internal
// processing stage, and which moves between (status, stage) pairs are legal. The store persists these
// words and refuses an illegal move; the table follows what the emission use cases and jobs write
// (contingency-and-numbering.md §3–§6).

export type DocModel = '55' | '65' | '57';

/** InvoiCy DocStatus (invoicy-contract.md §9.3). 7 and 8 exist only as query filters / MDF-e. */
export type DocStatus = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 15;
export const DOC_STATUS = {
  PENDENTE: 1, AUTORIZADO: 2, REJEITADO: 3, NECESSITA_INTERACAO: 4, CANCELADO: 5, INUTILIZADO: 6,
  AGUARDANDO_CONSULTA: 7, ENCERRADO: 8, EM_CONFLITO: 9, EPEC: 10, CONTINGENCIA_OFFLINE: 11,
  DENEGADO: 12, CONTINGENCIA_FSDA: 13, CONTINGENCIA_SVC: 15,
} as const satisfies Record<string, DocStatus>;

/** Internal processing stage; persisted before every side effect (architecture principle 1). */
export type DocStage = 'received' | 'numbered' | 'signed' | 'sending' | 'answered' | 'settled';
export const DOC_STAGES: readonly DocStage[] = ['received', 'numbered', 'signed', 'sending', 'answered', 'settled'];

export interface DocState {
  docStatus: DocStatus;
  stage: DocStage;
}

/** Names as support staff read them (InvoiCy's screen labels). */
const STATUS_NAMES: Record<DocStatus, string> = {
  1: 'Pendente', 2: 'Autorizado', 3: 'Rejeitado', 4: 'Necessita interação', 5: 'Cancelado', 6: 'Inutilizado',
  7: 'Aguardando consulta', 8: 'Encerrado', 9: 'Em conflito', 10: 'EPEC', 11: 'Contingência off-line',
  12: 'Denegado', 13: 'Contingência FS-DA', 15: 'Contingência SVC',
};
export const DOC_STATUSES = Object.keys(STATUS_NAMES).map(Number) as DocStatus[];

const S = DOC_STATUS;

/**
 * The other statuses each status may move to. Pending (1) and "necessita interação" (4) take whatever
 * SEFAZ or a route decides; a rejected number (3) is sent again (→ 1), voided, or adopted when SEFAZ
 * knows it after all; EPEC (10) and off-line (11) documents are reconciled by the normal authorizer;
 * an authorisation (2, 15) is only ever cancelled. Cancelado, Inutilizado and Denegado are final.
 */
const STATUS_MOVES: Record<DocStatus, readonly DocStatus[]> = {
  [S.PENDENTE]: [S.AUTORIZADO, S.REJEITADO, S.NECESSITA_INTERACAO, S.CANCELADO, S.INUTILIZADO, S.EPEC, S.CONTINGENCIA_OFFLINE, S.DENEGADO, S.CONTINGENCIA_SVC],
  [S.AUTORIZADO]: [S.CANCELADO],
  [S.REJEITADO]: [S.PENDENTE, S.AUTORIZADO, S.CANCELADO, S.INUTILIZADO, S.DENEGADO],
  [S.NECESSITA_INTERACAO]: [S.AUTORIZADO, S.REJEITADO, S.CANCELADO, S.INUTILIZADO, S.DENEGADO],
  [S.CANCELADO]: [],
  [S.INUTILIZADO]: [],
  [S.AGUARDANDO_CONSULTA]: [],
  [S.ENCERRADO]: [],
  [S.EM_CONFLITO]: [],
  [S.EPEC]: [S.AUTORIZADO, S.REJEITADO, S.DENEGADO],
  [S.CONTINGENCIA_OFFLINE]: [S.AUTORIZADO, S.REJEITADO, S.DENEGADO],
  [S.DENEGADO]: [],
  [S.CONTINGENCIA_FSDA]: [],
  [S.CONTINGENCIA_SVC]: [S.CANCELADO],
};

/** Statuses whose processing is over: their stage no longer moves (only their status, by STATUS_MOVES). */
const STAGE_LOCKED: readonly DocStatus[] = [S.AUTORIZADO, S.REJEITADO, S.CANCELADO, S.INUTILIZADO, S.DENEGADO, S.CONTINGENCIA_SVC];

export function docStatusLabel(status: number): string {
  return `${STATUS_NAMES[status as DocStatus] ?? 'desconhecido'} (${status})`;
}

/**
 * Whether a document may go from one (status, stage) to another. Staying put is always legal; within a
 * status in progress the stage moves freely (a send that never left goes back to its previous stage).
 */
export function isLegalMove(from: DocState, to: DocState): boolean {
  if (from.docStatus === to.docStatus) return from.stage === to.stage || !STAGE_LOCKED.includes(from.docStatus);
  return STATUS_MOVES[from.docStatus].includes(to.docStatus);
}

/** What a patch asks for: a field it leaves out keeps the document's current value. */
export type StateChange = Partial<DocState>;

/** The target of a change applied to a document in `from`. */
export function moveTarget(from: DocState, change: StateChange): DocState {
  return { docStatus: change.docStatus ?? from.docStatus, stage: change.stage ?? from.stage };
}

/**
 * Every (status, stage) from which the change is legal, grouped as statuses sharing the same legal
 * stages: what a store turns into one condition of its UPDATE, so the check costs no extra read.
 */
export function legalSources(change: StateChange): { statuses: DocStatus[]; stages: DocStage[] }[] {
  const groups = new Map<string, { statuses: DocStatus[]; stages: DocStage[] }>();
  for (const docStatus of DOC_STATUSES) {
    const stages = DOC_STAGES.filter((stage) => isLegalMove({ docStatus, stage }, moveTarget({ docStatus, stage }, change)));
    if (!stages.length) continue;
    const key = stages.join();
    const group = groups.get(key);
    if (group) group.statuses.push(docStatus);
    else groups.set(key, { statuses: [docStatus], stages });
  }
  return [...groups.values()];
}
