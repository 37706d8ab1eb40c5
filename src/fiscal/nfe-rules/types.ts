// The plain data SEFAZ's document-only business rules read from one NF-e/NFC-e (filled from the
// signed XML by src/sefaz/nfe-rule-facts.ts), and what a rule answers.

/** A CNPJ or CPF as the document carries it (one of the two, or neither). */
export interface PartyId {
  cnpj?: string;
  cpf?: string;
}

export interface Place extends PartyId {
  uf?: string;
  cMun?: string;
}

export interface NfeRuleFacts {
  mod: string;
  cUF: string;
  tpEmis: string;
  finNFe: string;
  dhEmi: string;
  dhSaiEnt?: string;
  cMunFG: string;
  emit: Place & { ie: string };
  dest?: Place & { idEstrangeiro?: string; ie?: string; indIEDest?: string };
  retirada?: Place;
  entrega?: Place;
  autXml: PartyId[];
  transporta?: PartyId & { ie?: string; uf?: string };
  /** detPag's vPag values, in order. */
  vPag: string[];
  vTroco?: string;
  vNF: string;
}

export interface RuleContext {
  /** When SEFAZ received the document (the gateway: now, before sending). */
  now: Date;
  /** The model of the endpoint the document is sent to, when the endpoint is model-specific. */
  endpointModel?: string;
  /** Whether the NFC-e 5-minute transmission rule (704) applies (the simulator can switch it off). */
  nfceLateCheck: boolean;
}

/** SEFAZ's answer to a document breaking a rule: its cStat and xMotivo, and the field concerned. */
export interface RuleRejection {
  cStat: string;
  xMotivo: string;
  field?: string;
}

export interface NfeRule {
  /** Short name, for tests and logs. */
  name: string;
  check(facts: NfeRuleFacts, ctx: RuleContext): RuleRejection | undefined;
}

export function rejection(cStat: string, xMotivo: string, field?: string): RuleRejection {
  return field ? { cStat, xMotivo: `Rejeição: ${xMotivo}`, field } : { cStat, xMotivo: `Rejeição: ${xMotivo}` };
}
