// CC-e of the CT-e (src/fiscal/cte/cce.ts): the corrections between the authorised CT-e's fields and
// the corrected ones, the fields a CC-e may not change (681, field by field), item numbers, and the
// earlier corrections every new CC-e repeats.
import { cceCorrections, diffCorrections, isForbiddenCorrection, mergeCorrections, type Correcao, type CteField } from '../../src/fiscal/cte/cce';

const AUTHORISED: CteField[] = [
  { group: 'ide', field: 'cCT', value: '00410070' },
  { group: 'ide', field: 'nCT', value: '44' },
  { group: 'ide', field: 'tpEmis', value: '7' },
  { group: 'ide', field: 'cDV', value: '5' },
  { group: 'ide', field: 'verProc', value: 'fiscal-gateway 0.1.0' },
  { group: 'ide', field: 'CFOP', value: '5352' },
  { group: 'ide', field: 'xMunFim', value: 'Boa Vista do Burica' },
  { group: 'compl', field: 'xObs', value: 'Pagar em qualquer lugar' },
  { group: 'rem', field: 'CNPJ', value: '99999999000191' },
  { group: 'rem', field: 'xNome', value: 'Remetente' },
  { group: 'enderReme', field: 'xLgr', value: 'Rua A' },
  { group: 'vPrest', field: 'vTPrest', value: '100.00' },
  { group: 'Comp', field: 'xNome', value: 'Frete', item: 1 },
  { group: 'Comp', field: 'vComp', value: '80.00', item: 1 },
  { group: 'Comp', field: 'xNome', value: 'Pedagio', item: 2 },
  { group: 'ICMS00', field: 'vICMS', value: '12.00' },
  { group: 'infNFe', field: 'chave', value: '43221112893382000109553140005514711001214562', item: 1 },
  { group: 'infNFe', field: 'dPrev', value: '2024-02-20', item: 1 },
  { group: 'rodo', field: 'RNTRC', value: '89173646' },
];

function corrected(changes: Record<string, string>): CteField[] {
  return AUTHORISED.map((f) => {
    const key = `${f.group}/${f.field}${f.item ? `#${f.item}` : ''}`;
    return key in changes ? { ...f, value: changes[key]! } : f;
  });
}

describe('diffCorrections', () => {
  test.each<[string, CteField[], Correcao[]]>([
    ['one changed field', corrected({ 'compl/xObs': 'Pagar na entrega' }), [{ grupoAlterado: 'compl', campoAlterado: 'xObs', valorAlterado: 'Pagar na entrega' }]],
    ['a field of a repeated group carries its item', corrected({ 'Comp/xNome#2': 'Pedágio' }), [{ grupoAlterado: 'Comp', campoAlterado: 'xNome', valorAlterado: 'Pedágio', nroItemAlterado: 2 }]],
    ['several fields, in the corrected CT-e order', corrected({ 'ide/CFOP': '6352', 'enderReme/xLgr': 'Rua B', 'rodo/RNTRC': '12345678' }), [
      { grupoAlterado: 'ide', campoAlterado: 'CFOP', valorAlterado: '6352' },
      { grupoAlterado: 'enderReme', campoAlterado: 'xLgr', valorAlterado: 'Rua B' },
      { grupoAlterado: 'rodo', campoAlterado: 'RNTRC', valorAlterado: '12345678' },
    ]],
    ['a field the authorised CT-e left empty', [...AUTHORISED, { group: 'compl', field: 'xCaracAd', value: 'Encomenda' }], [{ grupoAlterado: 'compl', campoAlterado: 'xCaracAd', valorAlterado: 'Encomenda' }]],
    ['an NF-e added in a new item (not its key: the date)', [...AUTHORISED, { group: 'infNFe', field: 'dPrev', value: '2024-02-21', item: 2 }], [{ grupoAlterado: 'infNFe', campoAlterado: 'dPrev', valorAlterado: '2024-02-21', nroItemAlterado: 2 }]],
    ['surrounding blanks are no change', corrected({ 'compl/xObs': '  Pagar em qualquer lugar ' }), []],
    ['a field left out is no correction (a CC-e cannot erase)', AUTHORISED.filter((f) => f.field !== 'xObs'), []],
    ['nothing changed', AUTHORISED, []],
    ['fields the gateway writes (contingency tpEmis, cCT, DV, version) are no correction', [...AUTHORISED,
      { group: 'ide', field: 'tpEmis', value: '1' }, { group: 'ide', field: 'cCT', value: '17281638' }, { group: 'ide', field: 'cDV', value: '3' }, { group: 'ide', field: 'verProc', value: 'ERP 2.0' },
    ], []],
  ])('%s', (_name, fields, corrections) => {
    expect(diffCorrections(AUTHORISED, fields)).toEqual({ corrections });
  });

  it('refuses every forbidden field at once (681), with both values, and sends none', () => {
    const r = diffCorrections(AUTHORISED, corrected({
      'ide/nCT': '45', 'rem/CNPJ': '11222333000181', 'vPrest/vTPrest': '120.00', 'Comp/vComp#1': '90.00', 'ICMS00/vICMS': '14.40',
      'infNFe/chave#1': '43221112893382000109553140005514711001214563', 'compl/xObs': 'allowed, but the CC-e is refused as a whole',
    }));
    expect(r).toEqual({ refusals: [
      { code: 681, text: 'Rejeição: Campo ide/nCT não pode ser alterado por Carta de Correção (autorizado "44", enviado "45")' },
      { code: 681, text: expect.stringContaining('Campo rem/CNPJ não pode ser alterado') },
      { code: 681, text: expect.stringContaining('Campo vPrest/vTPrest não pode ser alterado') },
      { code: 681, text: expect.stringContaining('Campo Comp/vComp (item 1) não pode ser alterado') },
      { code: 681, text: expect.stringContaining('Campo ICMS00/vICMS não pode ser alterado') },
      { code: 681, text: expect.stringContaining('Campo infNFe/chave (item 1) não pode ser alterado') },
    ] });
  });

  it('a forbidden field newly filled is refused too', () => {
    expect(diffCorrections(AUTHORISED, [...AUTHORISED, { group: 'dest', field: 'IE', value: '123' }])).toEqual({
      refusals: [{ code: 681, text: 'Rejeição: Campo dest/IE não pode ser alterado por Carta de Correção (autorizado não informado, enviado "123")' }],
    });
  });

  test.each<[string, CteField, number, RegExp]>([
    ['item above 99', { group: 'infNFe', field: 'dPrev', value: '2024-02-21', item: 100 }, 522, /item alterado inválido em infNFe\/dPrev \(item 100\)/],
    ['value above 500 characters', { group: 'compl', field: 'xObs', value: 'x'.repeat(501) }, 630, /compl\/xObs com 501 caracteres/],
  ])('%s is refused', (_name, field, code, text) => {
    const fields = [...AUTHORISED.filter((f) => !(f.group === field.group && f.field === field.field && f.item === field.item)), field];
    expect(diffCorrections(AUTHORISED, fields)).toEqual({ refusals: [{ code, text: expect.stringMatching(text) }] });
  });

  test.each([
    ['ide', 'dhEmi', true], ['ide', 'serie', true], ['ide', 'modal', true], ['ide', 'tpAmb', true], ['toma3', 'toma', true],
    ['toma4', 'CNPJ', true], ['emit', 'IE', true], ['dest', 'CPF', true], ['ICMSSN', 'indSN', true], ['ICMSOutraUF', 'pICMSOutraUF', true],
    ['ide', 'CFOP', false], ['ide', 'natOp', false], ['exped', 'CNPJ', false], ['rem', 'xNome', false], ['enderDest', 'xLgr', false],
    ['Comp', 'xNome', false], ['compl', 'xObs', false], ['infNFe', 'dPrev', false],
  ])('%s/%s forbidden: %s', (group, field, forbidden) => {
    expect(isForbiddenCorrection(group, field)).toBe(forbidden);
  });
});

describe('mergeCorrections: each new CC-e repeats the earlier ones, the later value wins', () => {
  const obs = (v: string): Correcao => ({ grupoAlterado: 'compl', campoAlterado: 'xObs', valorAlterado: v });
  const comp = (item: number, v: string): Correcao => ({ grupoAlterado: 'Comp', campoAlterado: 'xNome', valorAlterado: v, nroItemAlterado: item });
  test.each<[string, Correcao[], Correcao[], Correcao[]]>([
    ['first CC-e', [], [obs('A')], [obs('A')]],
    ['earlier kept, new appended', [obs('A')], [comp(1, 'X')], [obs('A'), comp(1, 'X')]],
    ['same group/field: later wins in place', [obs('A'), comp(1, 'X')], [obs('B')], [obs('B'), comp(1, 'X')]],
    ['another item is another correction', [comp(1, 'X')], [comp(2, 'Y')], [comp(1, 'X'), comp(2, 'Y')]],
    ['same item: later wins', [comp(1, 'X'), comp(2, 'Y')], [comp(2, 'Z')], [comp(1, 'X'), comp(2, 'Z')]],
  ])('%s', (_name, earlier, latest, merged) => {
    expect(mergeCorrections(earlier, latest)).toEqual(merged);
  });
});

describe('cceCorrections', () => {
  it('repeats the earlier corrections after the new diff', () => {
    const earlier: Correcao[] = [{ grupoAlterado: 'ide', campoAlterado: 'xMunFim', valorAlterado: 'Boa Vista' }];
    expect(cceCorrections({ authorised: AUTHORISED, corrected: corrected({ 'compl/xObs': 'Nova' }), earlier })).toEqual({
      corrections: [...earlier, { grupoAlterado: 'compl', campoAlterado: 'xObs', valorAlterado: 'Nova' }],
    });
  });

  it('nothing to correct is a problem, even with earlier corrections', () => {
    const earlier: Correcao[] = [{ grupoAlterado: 'compl', campoAlterado: 'xObs', valorAlterado: 'Antiga' }];
    expect(cceCorrections({ authorised: AUTHORISED, corrected: AUTHORISED, earlier })).toEqual({ problem: expect.stringMatching(/não há o que corrigir/) });
  });

  it('a forbidden field refuses the CC-e', () => {
    expect(cceCorrections({ authorised: AUTHORISED, corrected: corrected({ 'ide/nCT': '1' }), earlier: [] })).toEqual({ refusals: [expect.objectContaining({ code: 681 })] });
  });
});
