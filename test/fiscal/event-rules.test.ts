// Event and inutilização field rules (src/fiscal/event-rules.ts), table-driven: what SEFAZ's schema
// refuses (a layout problem, 145) and the dhEvento/nProt/nSeqEvento rules it answers with its cStat.
import {
  collapseText, dhEventoRefusal, eventDateTime, eventProtocol, freeTextProblem, inutilizacaoProblem, maxSeqEvento, seqRefusal,
} from '../../src/fiscal/event-rules';

const NOW = new Date('2026-03-10T15:00:00Z');

describe('EveDh + EveFusoHorario → dhEvento', () => {
  test.each([
    [{ eveDh: '2026-03-10T11:59:30', fuso: '-03:00' }, '2026-03-10T11:59:30-03:00'],
    [{ eveDh: '2026-03-10T11:59:30' }, '2026-03-10T11:59:30-03:00'], // the company's offset
    [{ eveDh: '2026-03-10T10:59:30', fuso: '-04:00' }, '2026-03-10T10:59:30-04:00'],
    [{ eveDh: '2026-03-10T11:59:30-03:00' }, '2026-03-10T11:59:30-03:00'], // offset inside EveDh
    [{ eveDh: '2026-03-10T11:59:30-03:00', fuso: '-03:00' }, '2026-03-10T11:59:30-03:00'],
    [{ eveDh: '2024-02-29T00:00:00' }, '2024-02-29T00:00:00-03:00'], // leap day
    [{}, '2026-03-10T12:00:00-03:00'], // no EveDh: now
    [{ fuso: '-04:00' }, '2026-03-10T11:00:00-04:00'],
  ])('%j → %s', (fields, dhEvento) => {
    const r = eventDateTime({ ...fields, defaultOffset: '-03:00', now: NOW });
    expect(r).toEqual({ dhEvento, at: new Date(dhEvento) });
  });

  test.each([
    [{ eveDh: '2026-03-10 11:59:30' }, /EveDh inválida/],
    [{ eveDh: '10/03/2026 11:59:30' }, /EveDh inválida/],
    [{ eveDh: '2026-03-10T11:59' }, /EveDh inválida/],
    [{ eveDh: '2026-02-29T11:59:30' }, /EveDh inválida/], // not a leap year
    [{ eveDh: '2026-13-01T11:59:30' }, /EveDh inválida/],
    [{ eveDh: '2026-03-10T24:00:00' }, /EveDh inválida/],
    [{ eveDh: '1999-12-31T23:59:59' }, /EveDh inválida/], // TDateTimeUTC: 20xx only
    [{ eveDh: '2026-03-10T11:59:30.123' }, /EveDh inválida/],
    [{ eveDh: '2026-03-10T11:59:30Z' }, /EveDh inválida/],
    [{ eveDh: '2026-03-10T11:59:30', fuso: '-3' }, /EveFusoHorario inválido/],
    [{ eveDh: '2026-03-10T11:59:30', fuso: '-03:30' }, /EveFusoHorario inválido/],
    [{ eveDh: '2026-03-10T11:59:30', fuso: '-12:00' }, /EveFusoHorario inválido/],
    [{ eveDh: '2026-03-10T11:59:30-03:30' }, /fuso horário inválido/],
    [{ eveDh: '2026-03-10T11:59:30-03:00', fuso: '-04:00' }, /diferente de EveFusoHorario/],
  ])('%j is refused', (fields, problem) => {
    expect(eventDateTime({ ...fields, defaultOffset: '-03:00', now: NOW })).toEqual({ problem: expect.stringMatching(problem) });
  });
});

describe('dhEvento against SEFAZ clock and the NF-e (577/578/579)', () => {
  const doc = { now: NOW, dhEmi: new Date('2026-03-10T14:00:00Z'), dhAut: new Date('2026-03-10T14:00:05Z'), tpEmis: '1', offset: '-03:00' };
  test.each([
    ['5 min ahead is tolerated', '2026-03-10T15:05:00Z', {}, undefined],
    ['more than 5 min ahead', '2026-03-10T15:05:01Z', {}, 578],
    ['before the emission', '2026-03-10T13:59:59Z', {}, 577],
    ['between emission and authorisation', '2026-03-10T14:00:04Z', {}, 579],
    ['at the authorisation', '2026-03-10T14:00:05Z', {}, undefined],
    ['before the authorisation of a contingency NF-e', '2026-03-10T14:00:04Z', { tpEmis: '6' }, undefined],
    ['document without dates', '2026-03-10T10:00:00Z', { dhEmi: null, dhAut: null }, undefined],
  ])('%s', (_name, at, override, code) => {
    const r = dhEventoRefusal(new Date(at), { ...doc, ...override });
    expect(r?.code).toBe(code);
    if (r) expect(r.text).toMatch(/^Rejeição: A data do evento não pode ser (maior|menor) que .*\(EveDh 2026-03-10T\d\d:\d\d:\d\d-03:00/);
  });
});

describe('free texts (xJust 15–255, xCorrecao 15–1000)', () => {
  test.each([
    ['cancelamento por erro de digitação', 15, 255, undefined],
    ['x'.repeat(15), 15, 255, undefined],
    ['x'.repeat(255), 15, 255, undefined],
    ['x'.repeat(14), 15, 255, /de 15 a 255 caracteres \(recebido: 14\)/],
    ['x'.repeat(256), 15, 255, /recebido: 256/],
    ['x'.repeat(1000), 15, 1000, undefined],
    ['x'.repeat(1001), 15, 1000, /de 15 a 1000/],
    ['correção com travessão — fora do Latin-1', 15, 255, /caractere "—"/],
    ['correção com emoji 😀 no meio', 15, 255, /caractere "😀"/],
  ])('%s (%d..%d)', (text, min, max, problem) => {
    const r = freeTextProblem(text, 'Campo', min, max);
    if (problem) expect(r).toMatch(problem);
    else expect(r).toBeUndefined();
  });

  test('whitespace is collapsed before counting', () => {
    expect(collapseText('  cancelamento\n\tpor   erro  ')).toBe('cancelamento por erro');
    expect(collapseText(undefined)).toBe('');
  });
});

describe('EvenProt', () => {
  const own = '143260000012345';
  test.each([
    [undefined, own, { nProt: own }],
    ['0', own, { nProt: own }],
    [own, own, { nProt: own }],
    [own, null, { nProt: own }],
    [undefined, null, { problem: expect.stringMatching(/protocolo de autorização do documento não encontrado/) }],
    ['14326000001234', own, { problem: expect.stringMatching(/EvenProt inválido "14326000001234".*15 dígitos/) }],
    ['1432600000123456', own, { problem: expect.stringMatching(/EvenProt inválido/) }],
    ['14326000001234A', own, { problem: expect.stringMatching(/EvenProt inválido/) }],
    ['143260000099999', own, { code: 222, text: expect.stringMatching(/^Rejeição: Protocolo de Autorização de Uso difere do cadastrado/) }],
  ])('%s (document %s)', (given, docProt, expected) => {
    expect(eventProtocol(given, docProt)).toEqual(expected);
  });
});

describe('nSeqEvento', () => {
  test.each([
    ['110110', 1, undefined], ['110110', 20, undefined], ['110110', 21, 594], ['110110', 0, 594],
    ['110111', 1, undefined], ['110111', 2, 594], ['110112', 2, 594],
  ])('%s seq %d', (tp, seq, code) => {
    expect(seqRefusal(tp, seq)?.code).toBe(code);
  });
  test('limits', () => {
    expect([maxSeqEvento('110110'), maxSeqEvento('110111'), maxSeqEvento('110112')]).toEqual([20, 1, 1]);
  });
});

describe('inutilização range', () => {
  test.each([
    [{ serie: 0, nIni: 1, nFin: 1 }, undefined],
    [{ serie: 999, nIni: 1, nFin: 999_999_999 }, undefined],
    [{ serie: 1000, nIni: 1, nFin: 2 }, /Serie 1000 inválida \(de 0 a 999\)/],
    [{ serie: 1, nIni: 0, nFin: 2 }, /faixa inválida 0-2/],
    [{ serie: 1, nIni: 5, nFin: 4 }, /faixa inválida 5-4/],
    [{ serie: 1, nIni: 1, nFin: 1_000_000_000 }, /faixa inválida/],
  ])('%j', (range, problem) => {
    const r = inutilizacaoProblem(range);
    if (problem) expect(r).toMatch(problem);
    else expect(r).toBeUndefined();
  });
});
