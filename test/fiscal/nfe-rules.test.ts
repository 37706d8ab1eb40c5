// SEFAZ's document-only business rules (src/fiscal/nfe-rules), one table per rule family: a valid
// document passes, each broken field gives SEFAZ's cStat and text.
import { firstNfeRejection, NFE_RULES, type NfeRuleFacts, type RuleContext } from '../../src/fiscal/nfe-rules';
import { isValidIe } from '../../src/fiscal/ie';
import { isMunicipality } from '../../src/fiscal/municipalities';
import table from '../../src/fiscal/municipalities.json';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import { UF_FIXTURES } from '../support/fiscal-ids';

const NOW = new Date('2026-12-04T15:00:00-03:00');
const ctx: RuleContext = { now: NOW, nfceLateCheck: true };
const EMIT = withCnpjCheckDigits('123456780001');
const OTHER = withCnpjCheckDigits('987654320001');
const ALNUM = withCnpjCheckDigits('12ABC345DE01');

function nfe(over: Partial<NfeRuleFacts> = {}): NfeRuleFacts {
  return {
    mod: '55', cUF: '43', tpEmis: '1', finNFe: '1', dhEmi: '2026-12-04T14:59:00-03:00', cMunFG: '4314902',
    emit: { cnpj: EMIT, ie: '0240440013', uf: 'RS', cMun: '4314902' },
    dest: { cnpj: OTHER, ie: '110042490114', indIEDest: '1', uf: 'SP', cMun: '3550308' },
    autXml: [{ cnpj: OTHER }, { cpf: '52998224725' }],
    transporta: { cnpj: OTHER, ie: '0240440013', uf: 'RS' },
    vPag: ['100.00'], vNF: '100.00',
    ...over,
  };
}
const nfce = (over: Partial<NfeRuleFacts> = {}) => nfe({ mod: '65', dest: undefined, transporta: undefined, autXml: [], ...over });
const base = nfe();

test('the list holds every family in SEFAZ order, and a valid NF-e and NFC-e pass', () => {
  expect(NFE_RULES.map((r) => r.name)).toEqual([
    'modelo', 'dhEmi', 'dhSaiEnt', 'cMunFG', 'emitente CNPJ/CPF', 'emitente IE', 'emitente UF', 'emitente cMun',
    'destinatário CNPJ/CPF', 'destinatário IE', 'destinatário cMun', 'retirada CNPJ/CPF', 'retirada cMun',
    'entrega CNPJ/CPF', 'entrega cMun', 'autXML CNPJ/CPF', 'transportador CNPJ/CPF', 'transportador IE', 'NFC-e pagamentos',
  ]);
  expect(firstNfeRejection(base, ctx)).toBeUndefined();
  expect(firstNfeRejection(nfce(), ctx)).toBeUndefined();
  expect(firstNfeRejection(nfe({ emit: { ...base.emit, cnpj: ALNUM } }), ctx)).toBeUndefined();
});

test.each<[string, Partial<NfeRuleFacts>, string, string, string?]>([
  ['emitente CNPJ', { emit: { ...base.emit, cnpj: '12345678000100' } }, '207', 'Rejeição: CNPJ do emitente inválido', 'emit/CNPJ'],
  ['emitente CPF', { emit: { ...base.emit, cnpj: undefined, cpf: '12345678900' } }, '401', 'Rejeição: CPF do remetente inválido'],
  ['destinatário CNPJ placeholder', { dest: { ...base.dest, cnpj: '99999999999999' } }, '208', 'Rejeição: CNPJ do destinatário inválido', 'dest/CNPJ'],
  ['destinatário CPF', { dest: { ...base.dest, cnpj: undefined, cpf: '11111111111' } }, '237', 'Rejeição: CPF do destinatário inválido'],
  ['retirada CNPJ', { retirada: { cnpj: '11222333000180', uf: 'RS', cMun: '4314902' } }, '512', 'Rejeição: CNPJ do Local de Retirada inválido'],
  ['retirada CPF', { retirada: { cpf: '52998224724', uf: 'RS', cMun: '4314902' } }, '540', 'Rejeição: CPF do Local de Retirada inválido'],
  ['entrega CNPJ', { entrega: { cnpj: '11222333000180', uf: 'RS', cMun: '4314902' } }, '514', 'Rejeição: CNPJ do Local de Entrega inválido'],
  ['entrega CPF', { entrega: { cpf: '52998224724', uf: 'RS', cMun: '4314902' } }, '541', 'Rejeição: CPF do Local de Entrega inválido'],
  ['autXML CNPJ placeholder', { autXml: [{ cnpj: OTHER }, { cnpj: '99999999999999' }] }, '323', 'Rejeição: CNPJ autorizado para download inválido', 'autXML/CNPJ'],
  ['autXML CPF', { autXml: [{ cpf: '52998224724' }] }, '325', 'Rejeição: CPF autorizado para download inválido'],
  ['transportador CNPJ', { transporta: { cnpj: '11222333000180' } }, '542', 'Rejeição: CNPJ do Transportador inválido'],
  ['transportador CPF', { transporta: { cpf: '52998224724' } }, '543', 'Rejeição: CPF do Transportador inválido'],
])('CNPJ/CPF: %s', (...[, over, cStat, xMotivo, field]: [string, Partial<NfeRuleFacts>, string, string, string?]) => {
  const r = firstNfeRejection(nfe(over), ctx);
  expect(r).toMatchObject({ cStat, xMotivo });
  if (field) expect(r?.field).toBe(field);
});

test.each<[string, Partial<NfeRuleFacts>, string | undefined, string?]>([
  ['emitente IE 9999999999 (RS)', { emit: { ...base.emit, ie: '9999999999' } }, '209', 'Rejeição: IE do emitente inválida'],
  ['emitente IE missing', { emit: { ...base.emit, ie: '' } }, '229', 'Rejeição: IE do emitente não informada'],
  ['emitente ISENTO', { emit: { ...base.emit, ie: 'ISENTO' } }, undefined],
  ['destinatário IE 1234567891 (SP)', { dest: { ...base.dest, ie: '1234567891' } }, '210', 'Rejeição: IE do destinatário inválida'],
  ['destinatário contribuinte without IE', { dest: { ...base.dest, ie: undefined } }, '232', 'Rejeição: IE do destinatário não informada'],
  ['destinatário isento with IE', { dest: { ...base.dest, indIEDest: '2' } }, '791', 'Rejeição: NF-e com indicação de destinatário isento de IE, com a informação da IE do destinatário'],
  ['destinatário isento without IE', { dest: { ...base.dest, indIEDest: '2', ie: undefined } }, undefined],
  ['NFC-e destinatário with IE', { mod: '65', dest: { cpf: '52998224725', ie: '110042490114', uf: 'SP' }, transporta: undefined }, '729', 'Rejeição: NFC-e com informação da IE do destinatário'],
  ['transportador IE', { transporta: { cnpj: OTHER, ie: '1234567890', uf: 'RS' } }, '544', 'Rejeição: IE do Transportador inválida'],
  ['transportador ISENTO', { transporta: { cnpj: OTHER, ie: 'ISENTO', uf: 'RS' } }, undefined],
])('IE: %s', (...[, over, cStat, xMotivo]: [string, Partial<NfeRuleFacts>, string | undefined, string?]) => {
  const r = firstNfeRejection(nfe(over), ctx);
  if (cStat === undefined) expect(r).toBeUndefined();
  else expect(r).toMatchObject({ cStat, xMotivo });
});

test.each(Object.entries(UF_FIXTURES))('IE of %s: a known-valid one passes, a changed check digit fails', (uf, { ie }) => {
  expect(isValidIe(ie, uf)).toBe(true);
  const last = Number(ie[ie.length - 1]);
  expect(isValidIe(ie.slice(0, -1) + String((last + 1) % 10), uf)).toBe(false);
});

test.each([
  ['SP', 'P-01100424.3/002'], ['SP', '110.042.490.114'], ['MT', '0013000001-9'], ['PE', '18.1.001.0000004-9'],
  ['RO', '0000000062521-3'], ['TO', '29.378.201-6'], ['BA', '612345-57'], ['MG', '062.307.904/0081'],
])('IE formats of %s: %s', (uf, ie) => {
  expect(isValidIe(ie, uf)).toBe(true);
});

test('the IBGE table has every municipality (5,570 in 27 UFs)', () => {
  const packed = Object.values(table as Record<string, string>);
  expect(packed).toHaveLength(27);
  expect(packed.reduce((n, p) => n + p.length / 5, 0)).toBe(5570);
  expect(isMunicipality('5300108')).toBe(true);
  expect(isMunicipality('4321808')).toBe(true);
  expect(isMunicipality('4321809')).toBe(false);
});

test.each<[string, Partial<NfeRuleFacts>, string, string]>([
  ['cMunFG unknown', { cMunFG: '4314903' }, '270', 'Rejeição: Código Município do Fato Gerador: dígito inválido'],
  ['cMunFG in AM with cUF 43', { cMunFG: '1302603' }, '271', 'Rejeição: Código Município do Fato Gerador: difere da UF do emitente'],
  ['emitente address in AM with cUF 43', { emit: { ...base.emit, ie: '041458710', uf: 'AM', cMun: '1302603' } }, '247', 'Rejeição: Sigla da UF do Emitente diverge da UF autorizadora'],
  ['emitente cMun unknown', { emit: { ...base.emit, cMun: '4314903' } }, '272', 'Rejeição: Código Município do Emitente: dígito inválido'],
  ['emitente cMun of SP', { emit: { ...base.emit, cMun: '3550308' } }, '273', 'Rejeição: Código Município do Emitente: difere da UF do emitente'],
  ['destinatário cMun unknown', { dest: { ...base.dest, cMun: '3550309' } }, '274', 'Rejeição: Código Município do Destinatário: dígito inválido'],
  ['destinatário cMun of RS', { dest: { ...base.dest, cMun: '4314902' } }, '275', 'Rejeição: Código Município do Destinatário: difere da UF do Destinatário'],
  ['destinatário abroad', { dest: { idEstrangeiro: 'X1', indIEDest: '9', uf: 'EX', cMun: '4314902' } }, '509', 'Rejeição: Informado código de município diferente de “9999999” para operação com o exterior'],
  ['retirada cMun unknown', { retirada: { cnpj: OTHER, uf: 'RS', cMun: '4314903' } }, '276', 'Rejeição: Código Município do Local de Retirada: dígito inválido'],
  ['retirada cMun of SP', { retirada: { cnpj: OTHER, uf: 'RS', cMun: '3550308' } }, '277', 'Rejeição: Código Município do Local de Retirada: difere da UF do Local de Retirada'],
  ['entrega cMun unknown', { entrega: { cnpj: OTHER, uf: 'RS', cMun: '4314903' } }, '278', 'Rejeição: Código Município do Local de Entrega: dígito inválido'],
  ['entrega cMun of SP', { entrega: { cnpj: OTHER, uf: 'RS', cMun: '3550308' } }, '279', 'Rejeição: Código Município do Local de Entrega: difere da UF do Local de Entrega'],
  ['entrega abroad', { entrega: { cnpj: OTHER, uf: 'EX', cMun: '4314902' } }, '515', 'Rejeição: Código Município do Local de Entrega deve ser 9999999 para UF entrega = EX'],
])('municipality: %s', (_n, over, cStat, xMotivo) => {
  expect(firstNfeRejection(nfe(over), ctx)).toMatchObject({ cStat, xMotivo });
});

test('a foreign destinatário with 9999999 passes', () => {
  expect(firstNfeRejection(nfe({ dest: { idEstrangeiro: 'X1', indIEDest: '9', uf: 'EX', cMun: '9999999' } }), ctx)).toBeUndefined();
});

test.each<[string, Partial<NfeRuleFacts>, string | undefined, string?]>([
  ['paid exactly', { vPag: ['40.00', '20.00'], vNF: '60.00' }, undefined],
  ['vPag 9.00 of vNF 60.00', { vPag: ['9.00'], vNF: '60.00' }, '865', 'Rejeição: Total dos pagamentos menor que o total da nota'],
  ['excess without troco', { vPag: ['70.00'], vNF: '60.00' }, '866', 'Rejeição: Ausência de troco quando o valor dos pagamentos informados for maior que o total da nota'],
  ['excess with the right troco', { vPag: ['70.00'], vTroco: '10.00', vNF: '60.00' }, undefined],
  ['wrong troco', { vPag: ['70.00'], vTroco: '5.00', vNF: '60.00' }, '869', 'Rejeição: Valor do troco incorreto'],
  ['centavos, not floating point', { vPag: ['0.10', '0.20'], vNF: '0.30' }, undefined],
])('NFC-e payments: %s', (...[, over, cStat, xMotivo]: [string, Partial<NfeRuleFacts>, string | undefined, string?]) => {
  const r = firstNfeRejection(nfce(over), ctx);
  if (cStat === undefined) expect(r).toBeUndefined();
  else expect(r).toMatchObject({ cStat, xMotivo });
});

test('NF-e payments are not the NFC-e rule', () => {
  expect(firstNfeRejection(nfe({ vPag: ['9.00'], vNF: '60.00' }), ctx)).toBeUndefined();
});

test.each<[string, Partial<NfeRuleFacts>, RuleContext, string | undefined, string?]>([
  ['NF-e at an NF-e endpoint', {}, { ...ctx, endpointModel: '55' }, undefined],
  ['mod 99 at an NF-e endpoint', { mod: '99' }, { ...ctx, endpointModel: '55' }, '450', 'Rejeição: Modelo da NF-e diferente de 55'],
  ['mod 55 at an NFC-e endpoint', {}, { ...ctx, endpointModel: '65' }, '775', 'Rejeição: Modelo da NFC-e diferente de 65'],
  ['dhEmi 6 minutes ahead', { dhEmi: '2026-12-04T15:06:00-03:00' }, ctx, '703', 'Rejeição: Data-Hora de Emissão posterior ao horário de recebimento'],
  ['dhEmi 31 days old', { dhEmi: '2026-11-03T15:00:00-03:00' }, ctx, '228', 'Rejeição: Data de Emissão muito atrasada'],
  ['NFC-e 6 minutes late', { mod: '65', dest: undefined, transporta: undefined, dhEmi: '2026-12-04T14:54:00-03:00' }, ctx, '704', 'Rejeição: NFC-e com Data-Hora de emissão atrasada'],
  ['NFC-e late, check off', { mod: '65', dest: undefined, transporta: undefined, dhEmi: '2026-12-04T14:54:00-03:00' }, { ...ctx, nfceLateCheck: false }, undefined],
  ['NFC-e with dhSaiEnt', { mod: '65', dest: undefined, transporta: undefined, dhSaiEnt: '2026-12-04T14:59:00-03:00' }, ctx, '705', 'Rejeição: NFC-e com data de entrada/saída'],
  ['dhSaiEnt before dhEmi', { dhSaiEnt: '2026-12-04T14:00:00-03:00' }, ctx, '506', 'Rejeição: Data de Saída menor que a Data de Emissão'],
  ['dhSaiEnt after dhEmi', { dhSaiEnt: '2026-12-05T08:00:00-03:00' }, ctx, undefined],
])('model and dates: %s', (...[, over, c, cStat, xMotivo]: [string, Partial<NfeRuleFacts>, RuleContext, string | undefined, string?]) => {
  const r = firstNfeRejection(nfe(over), c);
  if (cStat === undefined) expect(r).toBeUndefined();
  else expect(r).toMatchObject({ cStat, xMotivo });
});
