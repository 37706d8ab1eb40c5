// The NF-e/NFC-e event handlers behind DocumentType.events, table-tested without a gateway: what the
// events use case asks of a type (handler per tpEvento, its field, plan and state answers, the
// refusal of an EveTp without handler). The component tests (events*.test.ts) cover the wire.
import { nfeEvents } from '../../src/emission/nfe/events';
import type { CompanyContext } from '../../src/emission/context';
import type { EventoInput } from '../../src/emission/inputs';
import type { EventHandler, EventPlan, Refusal } from '../../src/emission/document-type';
import { DOC_STATUS, type DocModel, type DocStatus } from '../../src/fiscal/document-state';
import type { DocumentRecord } from '../../src/store/port';

const NOW = new Date('2025-03-01T15:00:00Z');
const ctx = { now: () => NOW, offset: '-03:00', deps: { verProc: 'teste' } } as unknown as CompanyContext;
const PROTOCOL = '143250000000001';
const JUST = 'Justificativa de teste com tamanho';
const NFCE_KEY = '43250312345678000195650010000000011000000010';
const NFE_KEY = '43250312345678000195550010000000011000000010';

function doc(o: { model?: DocModel; docStatus?: DocStatus; dhAut?: Date } = {}): DocumentRecord {
  const dhAut = o.dhAut ?? new Date(NOW.getTime() - 10 * 60_000);
  return {
    model: o.model ?? '55', docStatus: o.docStatus ?? DOC_STATUS.AUTORIZADO, nProt: PROTOCOL, xMotivo: null,
    dhEmi: new Date(dhAut.getTime() - 60_000), dhAut, tpEmis: '1',
  } as unknown as DocumentRecord;
}

function input(o: Partial<EventoInput>): EventoInput {
  return { modelo: 'NFe', tpEvento: '110111', ...o };
}

function handler(tpEvento: string): EventHandler {
  const h = nfeEvents.handlers[tpEvento];
  if (!h) throw new Error(`sem handler ${tpEvento}`);
  return h;
}

describe('nfeEvents.handlers', () => {
  test('one handler per event the ERP may send, with its highest sequence', () => {
    expect(Object.keys(nfeEvents.handlers).sort()).toEqual(['110110', '110111', '110112', '210200', '210210', '210220', '210240']);
    expect(handler('110110').maxSeq).toBe(20);
    expect(handler('110111').maxSeq).toBe(1);
    expect(handler('110112').maxSeq).toBe(1);
    expect(handler('110110').repeatable?.duplicateHint).toBe('; para uma nova correção envie a Carta de Correção sem EvenSeq');
    expect(handler('110111').repeatable).toBeUndefined();
    // The destinatário's manifestação: at the Ambiente Nacional, conclusive events twice, ciência once.
    expect(['210200', '210210', '210220', '210240'].map((tp) => [handler(tp).maxSeq, handler(tp).ambienteNacional])).toEqual([[2, true], [1, true], [2, true], [2, true]]);
    expect(handler('110111').ambienteNacional).toBeUndefined();
  });
});

describe('nfeEvents.unhandled', () => {
  test.each<[string, Refusal]>([
    ['111500', { code: 607, text: 'Evento 111500 ainda não disponível nesta versão do serviço' }],
    ['110140', { code: 145, text: expect.stringContaining('EveTp 110140 (EPEC) não é enviado pelo ERP') as string }],
    ['999999', { code: 145, text: 'Erro no layout do evento: EveTp "999999" inválido (use 110110 carta de correção, 110111 cancelamento, 110112 cancelamento por substituição ou a manifestação do destinatário 210200, 210210, 210220, 210240)' }],
  ])('%s', (tpEvento, expected) => {
    expect(nfeEvents.unhandled(tpEvento)).toEqual(expected);
  });
});

describe('checkFields', () => {
  test.each<[string, Partial<EventoInput>, Refusal | undefined]>([
    ['cancel with a valid xJust', { tpEvento: '110111', xJust: JUST }, undefined],
    ['cancel with a short xJust', { tpEvento: '110111', xJust: 'curta' }, { code: 145, text: 'Erro no layout do evento: EvexJust deve ter de 15 a 255 caracteres (recebido: 5)' }],
    ['CC-e with EvenSeq 21', { tpEvento: '110110', nSeq: 21, xCorrecao: JUST }, { code: 594, text: expect.stringContaining('EvenSeq 21; permitido de 1 a 20') as string }],
    ['CC-e without EvenSeq', { tpEvento: '110110', xCorrecao: JUST }, undefined],
    ['substituição without the substitute key', { tpEvento: '110112', xJust: JUST }, { code: 145, text: 'Erro no layout do evento: ChaAcessoSubstituta obrigatória (chave de acesso da NFC-e substituta)' }],
    ['ciência of an NF-e key', { tpEvento: '210210', chave: NFE_KEY }, undefined],
    ['ciência without ChaAcesso', { tpEvento: '210210' }, { code: 145, text: expect.stringContaining('a manifestação do destinatário exige a chave da NF-e recebida') as string }],
    ['ciência of an NFC-e key', { tpEvento: '210210', chave: NFCE_KEY }, { code: 145, text: expect.stringContaining(`ChaAcesso "${NFCE_KEY}" não é a chave de acesso de uma NF-e`) as string }],
    ['ciência with EvenSeq 2', { tpEvento: '210210', chave: NFE_KEY, nSeq: 2 }, { code: 594, text: expect.stringContaining('EvenSeq 2; permitido de 1 a 1') as string }],
    ['confirmação with EvenSeq 2', { tpEvento: '210200', chave: NFE_KEY, nSeq: 2 }, undefined],
    ['confirmação with EvenSeq 3', { tpEvento: '210200', chave: NFE_KEY, nSeq: 3 }, { code: 594, text: expect.stringContaining('EvenSeq 3; permitido de 1 a 2') as string }],
    ['operação não realizada without xJust', { tpEvento: '210240', chave: NFE_KEY }, { code: 145, text: expect.stringContaining('a Operação não Realizada (210240) exige a justificativa') as string }],
    ['operação não realizada with xJust', { tpEvento: '210240', chave: NFE_KEY, xJust: JUST }, undefined],
    ['desconhecimento ignores an xJust', { tpEvento: '210220', chave: NFE_KEY, xJust: 'curta' }, undefined],
  ])('%s', (_name, fields, expected) => {
    const i = input(fields);
    expect(handler(i.tpEvento).checkFields(i)).toEqual(expected);
  });
});

describe('plan', () => {
  test.each<[string, Partial<EventoInput>, DocModel, Partial<EventPlan> | Refusal]>([
    ['cancel quotes the document protocol', { tpEvento: '110111', xJust: JUST }, '55',
      { tpEvento: '110111', nSeq: 1, det: `<descEvento>Cancelamento</descEvento><nProt>${PROTOCOL}</nProt><xJust>${JUST}</xJust>` }],
    ['cancel with another protocol', { tpEvento: '110111', xJust: JUST, nProt: '143250000000099' }, '55',
      { code: 222, text: expect.stringContaining('Protocolo de Autorização de Uso difere do cadastrado') as string }],
    ['CC-e keeps the ERP sequence (none: the next free one)', { tpEvento: '110110', xCorrecao: JUST }, '55', { tpEvento: '110110', nSeq: undefined }],
    ['ciência: sequence 1, descEvento only', { tpEvento: '210210', chave: NFE_KEY }, '55', { tpEvento: '210210', nSeq: 1, det: '<descEvento>Ciencia da Operacao</descEvento>' }],
    ['confirmação without EvenSeq: sequence 1', { tpEvento: '210200', chave: NFE_KEY }, '55', { tpEvento: '210200', nSeq: 1, det: '<descEvento>Confirmacao da Operacao</descEvento>' }],
    ['operação não realizada carries xJust', { tpEvento: '210240', chave: NFE_KEY, xJust: JUST, nSeq: 2 }, '55',
      { tpEvento: '210240', nSeq: 2, det: `<descEvento>Operacao nao Realizada</descEvento><xJust>${JUST}</xJust>` }],
    ['substituição names the key UF and the substitute', { tpEvento: '110112', xJust: JUST, chaveSubstituta: NFCE_KEY }, '65',
      { tpEvento: '110112', nSeq: 1, det: expect.stringContaining(`<cOrgaoAutor>43</cOrgaoAutor><tpAutor>1</tpAutor><verAplic>teste</verAplic><nProt>${PROTOCOL}</nProt>`) as string }],
  ])('%s', async (_name, fields, model, expected) => {
    const i = input(fields);
    expect(await handler(i.tpEvento).plan(ctx, { input: i, doc: doc({ model }), uf: 'RS' })).toMatchObject(expected);
  });
});

describe('checkState', () => {
  const at = new Date(NOW.getTime() - 60_000);
  test.each<[string, string, Parameters<typeof doc>[0], number | string | undefined, string | undefined]>([
    ['cancel of an authorised NF-e', '110111', {}, undefined, undefined],
    ['CC-e of an NFC-e', '110110', { model: '65' }, 784, 'Rejeição: NFC-e não permite Carta de Correção'],
    ['substituição of an NF-e', '110112', { model: '55' }, 145, 'Erro no layout do evento: cancelamento por substituição só existe para NFC-e'],
    ['cancel of a cancelled document', '110111', { docStatus: DOC_STATUS.CANCELADO }, 218, undefined],
    ['CC-e of a pending document', '110110', { docStatus: DOC_STATUS.PENDENTE }, 580, undefined],
    ['cancel of an NF-e 25 h after authorisation', '110111', { dhAut: new Date(NOW.getTime() - 25 * 3_600_000) }, 501, '(24 horas após a autorização'],
    ['cancel of an NFC-e 31 min after authorisation', '110111', { model: '65', dhAut: new Date(NOW.getTime() - 31 * 60_000) }, 501, '(30 minutos após a autorização'],
    ['cancel of an NFC-e 29 min after authorisation', '110111', { model: '65', dhAut: new Date(NOW.getTime() - 29 * 60_000) }, undefined, undefined],
  ])('%s', async (_name, tpEvento, d, code, text) => {
    const r = await handler(tpEvento).checkState(ctx, doc(d), at, input({ tpEvento }));
    expect(r?.code).toBe(code);
    if (text) expect(r?.text).toContain(text);
  });

  test('an event dated before the authorisation of a normal NF-e is 579', async () => {
    const d = doc({ dhAut: new Date(NOW.getTime() - 30_000) });
    expect((await handler('110110').checkState(ctx, d, new Date(NOW.getTime() - 45_000), input({ tpEvento: '110110' })))?.code).toBe(579);
  });
});
