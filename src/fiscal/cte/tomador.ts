// Who the tomador of a CT-e is (toma3/toma4, cte.md §6.6): the author of the desacordo events.

/** The CNPJ or CPF of each party the CT-e names, and its toma code. */
export interface CteParties {
  /** 0 remetente, 1 expedidor, 2 recebedor, 3 destinatário (toma3), 4 outros (toma4). */
  toma: string;
  rem?: string;
  exped?: string;
  receb?: string;
  dest?: string;
  /** toma4's own CNPJ/CPF. */
  outros?: string;
}

const PARTY: Partial<Record<string, Exclude<keyof CteParties, 'toma'>>> = { 0: 'rem', 1: 'exped', 2: 'receb', 3: 'dest', 4: 'outros' };

/** The tomador's CNPJ/CPF, or null when the toma code names a party the CT-e does not carry. */
export function tomadorDocument(p: CteParties): string | null {
  const party = PARTY[p.toma];
  return (party && p[party]) ?? null;
}
