// Municipality codes against the IBGE table and the UF of each address: emitente UF vs cUF (247),
// cMunFG (270/271), emitente (272/273), destinatário (274/275; 509 abroad), retirada (276/277; 513)
// and entrega (278/279; 515).
import { EXTERIOR_CMUN, isMunicipality, municipalityUfCode } from '../municipalities';
import { UF_CODES } from '../ufs';
import { rejection, type NfeRule, type NfeRuleFacts, type Place, type RuleRejection } from './types';

export const emitUf: NfeRule = {
  name: 'emitente UF',
  check: (f) => (UF_CODES[f.emit.uf ?? ''] === f.cUF ? undefined : rejection('247', 'Sigla da UF do Emitente diverge da UF autorizadora', 'emit/enderEmit/UF')),
};

export const cMunFG: NfeRule = {
  name: 'cMunFG',
  check: (f) => {
    if (!isMunicipality(f.cMunFG)) return rejection('270', 'Código Município do Fato Gerador: dígito inválido', 'ide/cMunFG');
    if (municipalityUfCode(f.cMunFG) !== f.cUF) return rejection('271', 'Código Município do Fato Gerador: difere da UF do emitente', 'ide/cMunFG');
    return undefined;
  },
};

interface AddressCodes {
  place: (f: NfeRuleFacts) => Place | undefined;
  field: string;
  digit: [string, string];
  uf: [string, string];
  /** The rejection of a foreign address (UF "EX") whose cMun is not 9999999; none where EX is not allowed. */
  exterior?: [string, string];
}

function checkAddress(p: Place, codes: AddressCodes): RuleRejection | undefined {
  const cMun = p.cMun ?? '';
  if (p.uf === 'EX' && codes.exterior) return cMun === EXTERIOR_CMUN ? undefined : rejection(...codes.exterior, codes.field);
  if (!isMunicipality(cMun)) return rejection(...codes.digit, codes.field);
  if (UF_CODES[p.uf ?? ''] !== municipalityUfCode(cMun)) return rejection(...codes.uf, codes.field);
  return undefined;
}

function addressRule(name: string, codes: AddressCodes): NfeRule {
  return {
    name,
    check: (f) => {
      const p = codes.place(f);
      return p?.cMun === undefined ? undefined : checkAddress(p, codes);
    },
  };
}

export const emitMunicipality = addressRule('emitente cMun', {
  place: (f) => f.emit, field: 'emit/enderEmit/cMun',
  digit: ['272', 'Código Município do Emitente: dígito inválido'],
  uf: ['273', 'Código Município do Emitente: difere da UF do emitente'],
});

export const destMunicipality = addressRule('destinatário cMun', {
  place: (f) => f.dest, field: 'dest/enderDest/cMun',
  digit: ['274', 'Código Município do Destinatário: dígito inválido'],
  uf: ['275', 'Código Município do Destinatário: difere da UF do Destinatário'],
  exterior: ['509', 'Informado código de município diferente de “9999999” para operação com o exterior'],
});

export const retiradaMunicipality = addressRule('retirada cMun', {
  place: (f) => f.retirada, field: 'retirada/cMun',
  digit: ['276', 'Código Município do Local de Retirada: dígito inválido'],
  uf: ['277', 'Código Município do Local de Retirada: difere da UF do Local de Retirada'],
  exterior: ['513', 'Código Município do Local de Retirada deve ser 9999999 para UF retirada = EX'],
});

export const entregaMunicipality = addressRule('entrega cMun', {
  place: (f) => f.entrega, field: 'entrega/cMun',
  digit: ['278', 'Código Município do Local de Entrega: dígito inválido'],
  uf: ['279', 'Código Município do Local de Entrega: difere da UF do Local de Entrega'],
  exterior: ['515', 'Código Município do Local de Entrega deve ser 9999999 para UF entrega = EX'],
});
