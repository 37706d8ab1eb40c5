// CNPJ/CPF check digits of every party SEFAZ checks (alphanumeric CNPJ included): emitente 207/401,
// destinatário 208/237, autXML 323/325, retirada 512/540, entrega 514/541, transportador 542/543.
import { isValidCnpj, isValidCpf } from '../cnpj';
import { rejection, type NfeRule, type NfeRuleFacts, type PartyId, type RuleRejection } from './types';

interface PartyCodes {
  party: (f: NfeRuleFacts) => PartyId | PartyId[] | undefined;
  field: string;
  cnpj: [string, string];
  cpf: [string, string];
}

function checkParty(ids: PartyId[], codes: PartyCodes): RuleRejection | undefined {
  for (const id of ids) {
    if (id.cnpj !== undefined && !isValidCnpj(id.cnpj)) return rejection(codes.cnpj[0], codes.cnpj[1], `${codes.field}/CNPJ`);
    if (id.cpf !== undefined && !isValidCpf(id.cpf)) return rejection(codes.cpf[0], codes.cpf[1], `${codes.field}/CPF`);
  }
  return undefined;
}

function partyRule(name: string, codes: PartyCodes): NfeRule {
  return {
    name,
    check: (f) => {
      const p = codes.party(f);
      return p === undefined ? undefined : checkParty(Array.isArray(p) ? p : [p], codes);
    },
  };
}

export const emitDocument = partyRule('emitente CNPJ/CPF', {
  party: (f) => f.emit, field: 'emit',
  cnpj: ['207', 'CNPJ do emitente inválido'], cpf: ['401', 'CPF do remetente inválido'],
});

export const destDocument = partyRule('destinatário CNPJ/CPF', {
  party: (f) => f.dest, field: 'dest',
  cnpj: ['208', 'CNPJ do destinatário inválido'], cpf: ['237', 'CPF do destinatário inválido'],
});

export const retiradaDocument = partyRule('retirada CNPJ/CPF', {
  party: (f) => f.retirada, field: 'retirada',
  cnpj: ['512', 'CNPJ do Local de Retirada inválido'], cpf: ['540', 'CPF do Local de Retirada inválido'],
});

export const entregaDocument = partyRule('entrega CNPJ/CPF', {
  party: (f) => f.entrega, field: 'entrega',
  cnpj: ['514', 'CNPJ do Local de Entrega inválido'], cpf: ['541', 'CPF do Local de Entrega inválido'],
});

export const autXmlDocument = partyRule('autXML CNPJ/CPF', {
  party: (f) => f.autXml, field: 'autXML',
  cnpj: ['323', 'CNPJ autorizado para download inválido'], cpf: ['325', 'CPF autorizado para download inválido'],
});

export const transportaDocument = partyRule('transportador CNPJ/CPF', {
  party: (f) => f.transporta, field: 'transp/transporta',
  cnpj: ['542', 'CNPJ do Transportador inválido'], cpf: ['543', 'CPF do Transportador inválido'],
});
