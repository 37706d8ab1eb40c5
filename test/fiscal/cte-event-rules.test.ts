// CT-e event rules (src/fiscal/cte/event-rules.ts), table-driven, each accepted and refused: sequences,
// dates, the cancel window and what blocks it (862 …), the comprovante and its cancellation, the
// tomador's desacordo (755, 787), EPEC; plus the tomador and the model-57 SVC map they rely on.
import { DOC_STATUS } from '../../src/fiscal/document-state';
import {
  activeEvents, comprovanteToCancel, contingencyTransmissionRefusal, cteCancelRefusal, cteCceRefusal, cteComprovanteRefusal,
  cteDhEventoRefusal, cteMaxSeqEvento, cteSeqRefusal, desacordoRefusal, desacordoToCancel, epecRefusal, type CteFacts,
} from '../../src/fiscal/cte/event-rules';
import { tomadorDocument } from '../../src/fiscal/cte/tomador';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AUT = new Date('2026-03-01T12:00:00Z');
const at = (ms: number) => new Date(AUT.getTime() + ms);
const OFFSET = '-03:00';
const NFE1 = '43221112893382000109553140005514711001214562';
const NFE2 = '43221112893382000109553140005514721001214568';
const TOMADOR = '11222333000181';

const CTE: CteFacts = {
  docStatus: DOC_STATUS.AUTORIZADO, dhEmi: at(-60_000), dhAut: AUT, nProt: '143260000000001', tpEmis: '1', tpCTe: '0', tpServ: '0',
  tomador: TOMADOR, nfeKeys: [NFE1, NFE2], substituted: false, dhEpec: null, events: [],
};
const cte = (o: Partial<CteFacts> = {}): CteFacts => ({ ...CTE, ...o });
const comprovante = { tpEvento: '110180', nProt: '143260000000010', chNFe: [NFE1] };
const cancComprovante = { tpEvento: '110181', nProt: '143260000000011', cancelsProt: '143260000000010' };
const desacordo = { tpEvento: '610110', nProt: '143260000000020', author: TOMADOR };
const cancDesacordo = { tpEvento: '610111', nProt: '143260000000021', cancelsProt: '143260000000020', author: TOMADOR };
const cce = { tpEvento: '110110', nProt: '143260000000030' };

describe('nSeqEvento per event (636)', () => {
  test.each([
    ['110110', 20], ['110111', 1], ['110113', 1], ['110180', 999], ['110181', 999], ['610110', 20], ['610111', 20],
  ])('%s: 1..%d', (tpEvento, max) => {
    expect(cteMaxSeqEvento(tpEvento)).toBe(max);
    expect(cteSeqRefusal(tpEvento, 1)).toBeUndefined();
    expect(cteSeqRefusal(tpEvento, max)).toBeUndefined();
    expect(cteSeqRefusal(tpEvento, max + 1)).toEqual({ code: 636, text: expect.stringContaining(`EvenSeq ${max + 1}`) });
    expect(cteSeqRefusal(tpEvento, 0)?.code).toBe(636);
  });
});

describe('dhEvento against SEFAZ clock and the CT-e (634/635/637)', () => {
  const o = { now: at(DAY), dhEmi: at(-60_000), dhAut: AUT, tpEmis: '1', offset: OFFSET };
  test.each([
    ['5 min ahead is tolerated', at(DAY + 5 * 60_000), {}, undefined],
    ['more than 5 min ahead', at(DAY + 5 * 60_000 + 1000), {}, 635],
    ['before the emission', at(-61_000), {}, 634],
    ['before the authorisation, beyond 5 min', at(-5 * 60_000 - 1000), { dhEmi: at(-DAY) }, 637],
    ['before the authorisation, within 5 min', at(-4 * 60_000), { dhEmi: at(-DAY) }, undefined],
    ['before the authorisation of a contingency CT-e', at(-10 * 60_000), { dhEmi: at(-DAY), tpEmis: '4' }, undefined],
  ])('%s', (_name, when, override, code) => {
    expect(cteDhEventoRefusal(when, { ...o, ...override })?.code).toBe(code);
  });
});

describe('110111 cancelamento', () => {
  test.each<[string, Partial<CteFacts>, Date, number | undefined]>([
    ['authorised, within 168 h', {}, at(168 * HOUR), undefined],
    ['authorised by an SVC', { docStatus: DOC_STATUS.CONTINGENCIA_SVC }, at(HOUR), undefined],
    ['after 168 h', {}, at(168 * HOUR + 1000), 220],
    ['already cancelled', { docStatus: DOC_STATUS.CANCELADO }, at(HOUR), 218],
    ['denied', { docStatus: DOC_STATUS.DENEGADO }, at(HOUR), 205],
    ['not authorised (EPEC only)', { docStatus: DOC_STATUS.EPEC }, at(HOUR), 217],
    ['EPEC CT-e, EPEC older than 168 h', { tpEmis: '4', dhEpec: at(-169 * HOUR), dhAut: at(-HOUR) }, at(HOUR), 698],
    ['EPEC CT-e, EPEC within 168 h', { tpEmis: '4', dhEpec: at(-100 * HOUR), dhAut: at(-HOUR) }, at(HOUR), undefined],
    ['with a CC-e', { events: [cce] }, at(HOUR), 523],
    ['with an authorised comprovante', { events: [comprovante] }, at(HOUR), 862],
    ['with a cancelled comprovante', { events: [comprovante, cancComprovante] }, at(HOUR), undefined],
  ])('%s', (_name, facts, now, code) => {
    const r = cteCancelRefusal(cte(facts), { now, offset: OFFSET });
    expect(r?.code).toBe(code);
    if (r) expect(r.text).toMatch(/^Rejeição: /);
  });

  it('862 names the comprovante and the way out', () => {
    expect(cteCancelRefusal(cte({ events: [comprovante] }), { now: at(HOUR), offset: OFFSET })?.text)
      .toBe('Rejeição: CT-e possui Comprovante de Entrega autorizado (protocolo 143260000000010): cancele o comprovante (evento 110181) antes de cancelar o CT-e');
  });
});

describe('110110 carta de correção: the document side', () => {
  test.each<[string, Partial<CteFacts>, number | undefined]>([
    ['authorised', {}, undefined],
    ['with earlier CC-e', { events: [cce] }, undefined],
    ['cancelled', { docStatus: DOC_STATUS.CANCELADO }, 218],
    ['substituted', { substituted: true }, 664],
  ])('%s', (_name, facts, code) => {
    expect(cteCceRefusal(cte(facts))?.code).toBe(code);
  });
});

describe('110180 comprovante de entrega', () => {
  const o = { now: at(DAY), offset: OFFSET, dhEntrega: at(HOUR), dhHashEntrega: at(HOUR), chNFe: [NFE1, NFE2] };
  test.each<[string, Partial<CteFacts>, Partial<typeof o>, number | undefined]>([
    ['authorised CT-e, its NF-e', {}, {}, undefined],
    ['a new one after the previous was cancelled', { events: [comprovante, cancComprovante] }, {}, undefined],
    ['only for an authorised CT-e', { docStatus: DOC_STATUS.EPEC }, {}, 217],
    ['cancelled CT-e', { docStatus: DOC_STATUS.CANCELADO }, {}, 218],
    ['complemento', { tpCTe: '1' }, {}, 869],
    ['another active comprovante', { events: [comprovante] }, {}, 870],
    ['delivery before the emission', {}, { dhEntrega: at(-DAY) }, 872],
    ['delivery in the future', {}, { dhEntrega: at(DAY + HOUR) }, 872],
    ['hash in the future', {}, { dhHashEntrega: at(DAY + HOUR) }, 873],
    ['infEntrega on a subcontratação', { tpServ: '1' }, {}, 871],
    ['no infEntrega on a subcontratação', { tpServ: '1' }, { chNFe: [] }, undefined],
    ['no infEntrega on a normal CT-e with NF-e', {}, { chNFe: [] }, 865],
    ['no infEntrega on a normal CT-e without NF-e', { nfeKeys: [] }, { chNFe: [] }, undefined],
    ['invalid chNFe', {}, { chNFe: ['123'] }, 860],
    ['duplicated chNFe', {}, { chNFe: [NFE1, NFE1] }, 861],
    ['chNFe not in the CT-e', { nfeKeys: [NFE1] }, { chNFe: [NFE2] }, 864],
  ])('%s', (_name, facts, override, code) => {
    expect(cteComprovanteRefusal(cte(facts), { ...o, ...override })?.code).toBe(code);
  });
});

describe('110181: the comprovante to cancel', () => {
  const other = { ...comprovante, nProt: '143260000000012' };
  test.each<[string, CteFacts['events'], string | undefined, { nProtCE: string } | number]>([
    ['none given: the only active one', [comprovante], undefined, { nProtCE: comprovante.nProt }],
    ['the CT-e protocol given: the only active one', [comprovante], CTE.nProt ?? undefined, { nProtCE: comprovante.nProt }],
    ['the active one given', [comprovante], comprovante.nProt, { nProtCE: comprovante.nProt }],
    ['the active one after a cancelled one', [comprovante, cancComprovante, other], other.nProt, { nProtCE: other.nProt }],
    ['none active', [], undefined, 866],
    ['already cancelled', [comprovante, cancComprovante], comprovante.nProt, 866],
    ['unknown protocol', [comprovante], '143260000000099', 866],
  ])('%s', (_name, events, given, expected) => {
    const r = comprovanteToCancel(cte({ events }), given);
    expect(typeof expected === 'number' ? 'code' in r && r.code : r).toEqual(expected);
  });

  it('only on an authorised CT-e', () => {
    expect(comprovanteToCancel(cte({ docStatus: DOC_STATUS.CANCELADO, events: [comprovante] }), undefined)).toMatchObject({ code: 218 });
  });
});

describe('610110 prestação em desacordo (author = tomador, 45 days)', () => {
  test.each<[string, Partial<CteFacts>, string, Date, number | undefined]>([
    ['the tomador, on the 45th day', {}, TOMADOR, at(45 * DAY), undefined],
    ['after 45 days', {}, TOMADOR, at(45 * DAY + 1000), 787],
    ['author is not the tomador', {}, '99888777000166', at(DAY), 755],
    ['CT-e without a known tomador', { tomador: null }, TOMADOR, at(DAY), 755],
    ['cancelled CT-e', { docStatus: DOC_STATUS.CANCELADO }, TOMADOR, at(DAY), 218],
    ['substituted CT-e', { substituted: true }, TOMADOR, at(DAY), 664],
    ['a natural person tomador (CPF)', { tomador: '52998224725' }, '52998224725', at(DAY), undefined],
  ])('%s', (_name, facts, author, now, code) => {
    expect(desacordoRefusal(cte(facts), { author, now, offset: OFFSET })?.code).toBe(code);
  });
});

describe('610111: the desacordo to cancel', () => {
  test.each<[string, CteFacts['events'], string, string | undefined, { nProtEvPrestDes: string } | number]>([
    ['none given: the only active one', [desacordo], TOMADOR, undefined, { nProtEvPrestDes: desacordo.nProt }],
    ['the active one given', [desacordo], TOMADOR, desacordo.nProt, { nProtEvPrestDes: desacordo.nProt }],
    ['author is not the tomador', [desacordo], '99888777000166', undefined, 755],
    ['none active', [], TOMADOR, undefined, 866],
    ['already cancelled', [desacordo, cancDesacordo], TOMADOR, desacordo.nProt, 866],
  ])('%s', (_name, events, author, given, expected) => {
    const r = desacordoToCancel(cte({ events }), { author, given });
    expect(typeof expected === 'number' ? 'code' in r && r.code : r).toEqual(expected);
  });

  it('activeEvents leaves out the cancelled ones', () => {
    expect(activeEvents(cte({ events: [desacordo, cancDesacordo, comprovante] }), '610110')).toEqual([]);
    expect(activeEvents(cte({ events: [desacordo, comprovante] }), '610110')).toEqual([desacordo]);
  });
});

describe('110113 EPEC and the contingency CT-e', () => {
  const EPEC_KEY = '43260311222333000181570010000000014123456780';
  const o = { chave: EPEC_KEY, tpCTe: '0', dhEvento: '2026-03-02T10:00:00-03:00', now: at(DAY), offset: OFFSET, pendingEpecs: [] as Date[] };
  test.each<[string, Partial<typeof o>, number | undefined]>([
    ['tpEmis 4 key, normal CT-e', {}, undefined],
    ['key tpEmis 1', { chave: `${EPEC_KEY.slice(0, 34)}1${EPEC_KEY.slice(35)}` }, 680],
    ['not a normal CT-e', { tpCTe: '1' }, 630],
    ['key month before the event month', { dhEvento: '2026-04-01T00:10:00-03:00' }, 695],
    ['key month after the event month', { dhEvento: '2026-02-28T10:00:00-03:00' }, undefined],
    ['an EPEC older than 168 h still without its CT-e', { pendingEpecs: [at(-150 * HOUR)] }, 639],
    ['an EPEC within 168 h', { pendingEpecs: [at(-100 * HOUR)] }, undefined],
  ])('%s', (_name, override, code) => {
    expect(epecRefusal({ ...o, ...override })?.code).toBe(code);
  });

  test.each([
    [167, undefined], [168, undefined], [169, 228],
  ])('an EPEC/FS-DA CT-e sent %d h after dhEmi: %s', (hours, code) => {
    expect(contingencyTransmissionRefusal({ dhEmi: AUT, now: at(hours * HOUR), offset: OFFSET })?.code).toBe(code);
  });
});

describe('tomador of a CT-e', () => {
  const parties = { rem: 'R', exped: 'E', receb: 'C', dest: 'D', outros: 'O' };
  test.each([
    ['0', 'R'], ['1', 'E'], ['2', 'C'], ['3', 'D'], ['4', 'O'], ['5', null], ['', null],
  ])('toma %j → %j', (toma, doc) => {
    expect(tomadorDocument({ toma, ...parties })).toBe(doc);
  });

  it('a toma code naming a party the CT-e does not carry', () => {
    expect(tomadorDocument({ toma: '1', rem: 'R' })).toBeNull();
  });
});
