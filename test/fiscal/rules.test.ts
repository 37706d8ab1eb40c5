// Pure fiscal rules, table-driven with the worked examples of the SEFAZ manual (sefaz-nfe.md §4).
import { buildChave, chaveDv, isAcceptableCnf, isValidChave, parseChave, randomCnf } from '../../src/fiscal/chave';
import { cnpjRoot, isValidCnpj, isValidCpf, normalizeCnpj, withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import { formatDateTime, parseDateTime } from '../../src/fiscal/datetime';
import { defaultCteSvc, defaultSvc, normalAuthorizer, svcCOrgao, svcTpEmis, ufCode, ufFromCode, ufOffset } from '../../src/fiscal/ufs';

describe('chave de acesso DV (módulo 11)', () => {
  test.each([
    ['3525111234567800019555001000000123112983476', '6'], // worked example, sum 676
    ['3525111234567800019555001000000123187654321', '0'], // r = 1 → 0
    ['3517035871652300011955001000000030100000030', '0'], // real SP key
    ['5206043300991100250655012000000780026730161', '5'], // CT-e MOC example
  ])('%s → %s', (base, dv) => {
    expect(chaveDv(base)).toBe(dv);
    expect(isValidChave(base + dv)).toBe(true);
    expect(isValidChave(base + String((Number(dv) + 1) % 10))).toBe(false);
  });

  test('buildChave pads the parts and parseChave reads them back', () => {
    const chave = buildChave({ cUF: '35', aamm: '2511', cnpj: '12345678000195', mod: '55', serie: 1, nNF: 123, tpEmis: 1, cNF: '12983476' });
    expect(chave).toBe('35251112345678000195550010000001231129834766');
    expect(parseChave(chave)).toEqual({ cUF: '35', aamm: '2511', cnpj: '12345678000195', mod: '55', serie: 1, nNF: 123, tpEmis: '1', cNF: '12983476', cDV: '6' });
  });

  test('alphanumeric CNPJ keys use char code − 48 (NT Conjunta 2025.001)', () => {
    const cnpj = withCnpjCheckDigits('12ABC345DE01');
    const chave = buildChave({ cUF: '35', aamm: '2607', cnpj, mod: '55', serie: 1, nNF: 1, tpEmis: 1, cNF: '10203040' });
    expect(chave).toMatch(/^[0-9]{6}[0-9A-Z]{12}[0-9]{26}$/);
    expect(isValidChave(chave)).toBe(true);
  });
});

describe('CNPJ and CPF', () => {
  test.each([
    ['12.345.678/0001-95', true],
    ['12345678000195', true],
    ['12345678000196', false],
    ['11111111111111', false],
    ['1234567800019', false],
    [withCnpjCheckDigits('12ABC345DE01'), true],
    [withCnpjCheckDigits('12ABC345DE01').toLowerCase(), true],
    ['12ABC345DE0100', false],
  ])('%s valid=%s', (cnpj, valid) => {
    expect(isValidCnpj(cnpj)).toBe(valid);
  });

  test('normalisation and root', () => {
    expect(normalizeCnpj('12.abc.345/de01-00')).toBe('12ABC345DE0100');
    expect(cnpjRoot('12.345.678/0001-95')).toBe('12345678');
  });

  test.each([['529.982.247-25', true], ['52998224726', false], ['00000000000', false]])('CPF %s valid=%s', (cpf, valid) => {
    expect(isValidCpf(cpf)).toBe(valid);
  });
});

describe('cNF (rule 897)', () => {
  test.each([
    ['12345678', 1, false], ['00000000', 1, false], ['99999999', 1, false], ['01234567', 1, false],
    ['00000123', 123, false], ['00000123', 124, true], ['83927461', 5, true],
  ])('cNF %s with nNF %s acceptable=%s', (cNF, nNF, ok) => {
    expect(isAcceptableCnf(cNF, nNF)).toBe(ok);
  });

  test('randomCnf is 8 digits and acceptable', () => {
    for (let i = 0; i < 200; i++) {
      const c = randomCnf(i + 1);
      expect(c).toMatch(/^\d{8}$/);
      expect(isAcceptableCnf(c, i + 1)).toBe(true);
    }
  });
});

describe('UF table and date-times', () => {
  test.each([
    ['SP', '55', 'SP'], ['BA', '55', 'BA'], ['BA', '65', 'SVRS'], ['MA', '55', 'SVAN'], ['MA', '65', 'SVRS'],
    ['SC', '55', 'SVRS'], ['MG', '65', 'MG'], ['PE', '65', 'SVRS'],
  ] as const)('%s model %s → %s', (uf, model, auth) => {
    expect(normalAuthorizer(uf, model)).toBe(auth);
  });

  test.each([['SP', 'SVCAN'], ['BA', 'SVCRS'], ['PR', 'SVCRS'], ['RS', 'SVCAN'], ['CE', 'SVCAN']])('SVC of %s is %s', (uf, svc) => {
    expect(defaultSvc(uf)).toBe(svc);
  });

  test.each([['SVCAN', '6'], ['SVCRS', '7'], ['SVCSP', '8']] as const)('tpEmis of %s is %s', (svc, tpEmis) => {
    expect(svcTpEmis(svc)).toBe(tpEmis);
  });

  // An event sent to an SVC names the UF hosting it (the simulator's 677 check; cte.md §5.1).
  test.each([['SVCAN', '91'], ['SVCRS', '43'], ['SVCSP', '35']] as const)('cOrgao of events at %s is %s', (svc, cOrgao) => {
    expect(svcCOrgao(svc)).toBe(cOrgao);
  });

  // cte.md §2.3: own web services MG MS MT PR RS SP, SVSP for AP PE RR, SVRS for the rest.
  test.each([
    ['MG', 'MG'], ['MS', 'MS'], ['MT', 'MT'], ['PR', 'PR'], ['RS', 'RS'], ['SP', 'SP'], ['AP', 'SVSP'], ['PE', 'SVSP'], ['RR', 'SVSP'],
    ['AM', 'SVRS'], ['BA', 'SVRS'], ['GO', 'SVRS'], ['MA', 'SVRS'], ['RJ', 'SVRS'], ['SC', 'SVRS'], ['DF', 'SVRS'],
  ] as const)('CT-e of %s → %s', (uf, auth) => {
    expect(normalAuthorizer(uf, '57')).toBe(auth);
  });

  // cte.md §4.1, sped-cte's table: SVC-RS for AP MS MT PE RR SP, SVC-SP for every other UF.
  test.each([
    ['AP', 'SVCRS'], ['MS', 'SVCRS'], ['MT', 'SVCRS'], ['PE', 'SVCRS'], ['RR', 'SVCRS'], ['SP', 'SVCRS'],
    ['RS', 'SVCSP'], ['PR', 'SVCSP'], ['MG', 'SVCSP'], ['BA', 'SVCSP'], ['RJ', 'SVCSP'],
  ] as const)('CT-e SVC of %s is %s', (uf, svc) => {
    expect(defaultCteSvc(uf)).toBe(svc);
  });

  test('codes and offsets', () => {
    expect(ufCode('SP')).toBe('35');
    expect(ufFromCode('43')).toBe('RS');
    expect(ufOffset('AM')).toBe('-04:00');
    expect(ufOffset('AC')).toBe('-05:00');
    expect(ufOffset('SP')).toBe('-03:00');
    expect(() => ufCode('XX')).toThrow(/UF desconhecida/);
  });

  test('TDateTimeUTC formatting and parsing', () => {
    const d = new Date('2026-11-23T13:05:09.987Z');
    expect(formatDateTime(d, '-03:00')).toBe('2026-11-23T10:05:09-03:00');
    expect(formatDateTime(d, '-04:00')).toBe('2026-11-23T09:05:09-04:00');
    expect(parseDateTime('2026-11-23T10:05:09-03:00')!.toISOString()).toBe('2026-11-23T13:05:09.000Z');
    expect(parseDateTime('2026-11-23T10:05:09Z')).toBeUndefined();
    expect(parseDateTime('2026-11-23T10:05:09.5-03:00')).toBeUndefined();
  });
});
