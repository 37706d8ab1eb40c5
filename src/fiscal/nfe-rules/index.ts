// SEFAZ's business rules a document alone decides, in the order SEFAZ applies them (ide, emitente,
// destinatário, retirada/entrega, autXML, transporte, pagamento); pure and shared by the gateway's
// pre-check and the simulator. The list is data: a new rule (e.g. the ICMSTot totals against the
// items) is one more entry at its place.
import { dhEmi, dhSaiEnt } from './dates';
import { destIe, emitIe, transportaIe } from './inscricao-estadual';
import { endpointModel } from './model';
import { cMunFG, destMunicipality, emitMunicipality, emitUf, entregaMunicipality, retiradaMunicipality } from './municipalities';
import { autXmlDocument, destDocument, emitDocument, entregaDocument, retiradaDocument, transportaDocument } from './parties';
import { nfcePayments } from './payments';
import type { NfeRule, NfeRuleFacts, RuleContext, RuleRejection } from './types';

export type { NfeRule, NfeRuleFacts, PartyId, Place, RuleContext, RuleRejection } from './types';

export const NFE_RULES: readonly NfeRule[] = [
  endpointModel,
  dhEmi,
  dhSaiEnt,
  cMunFG,
  emitDocument,
  emitIe,
  emitUf,
  emitMunicipality,
  destDocument,
  destIe,
  destMunicipality,
  retiradaDocument,
  retiradaMunicipality,
  entregaDocument,
  entregaMunicipality,
  autXmlDocument,
  transportaDocument,
  transportaIe,
  nfcePayments,
];

/** The first rule the document breaks, or undefined. */
export function firstNfeRejection(facts: NfeRuleFacts, ctx: RuleContext): RuleRejection | undefined {
  for (const rule of NFE_RULES) {
    const r = rule.check(facts, ctx);
    if (r) return r;
  }
  return undefined;
}
