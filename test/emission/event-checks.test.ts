// Event and inutilização fields SEFAZ would refuse are answered locally through SOAP — 145 for the
// layout, or SEFAZ's own cStat and text (577/578/579, 222, 594) — and nothing reaches SEFAZ.
import { formatDateTime } from '../../src/fiscal/datetime';
import { startHarness, type Harness, type ReplyDocument } from '../support/harness';
import { authorise, CANCEL, cceDet, eventoXml, inutXml } from './event-support';
import { sit } from './jobs-support';

let h: Harness;
let nfe: ReplyDocument;
let dhAut: Date;
beforeAll(async () => {
  h = await startHarness();
  nfe = await authorise(h, 201, { serie: 32 });
  dhAut = (await h.store.findDocumentByChave(h.main.company.id, String(nfe.DocChaAcesso)))!.dhAut!;
}, 30_000);
afterAll(async () => {
  await h?.close();
});
afterEach(() => h.sim.faults.reset());

/** EveDh as an ERP writes it: local time without offset. */
const local = (d: Date) => formatDateTime(d, '-03:00').slice(0, 19);
const cancel = (o: { dh?: string; fuso?: string; prot?: string; just?: string }) =>
  eventoXml(h.main.cnpj, {
    chave: String(nfe.DocChaAcesso), tp: '110111', dh: o.dh, fuso: o.fuso,
    det: `<EveDesc>Cancelamento</EveDesc><EvexJust>${o.just ?? 'cancelamento solicitado pelo cliente em teste'}</EvexJust><EvenProt>${o.prot ?? '0'}</EvenProt>`,
  });
const cce = (o: { text?: string; seq?: number }) =>
  eventoXml(h.main.cnpj, { chave: String(nfe.DocChaAcesso), tp: '110110', seq: o.seq, det: cceDet(o.text ?? 'Correcao do endereco do destinatario') });

test.each([
  ['EveDh not AAAA-MM-DDTHH:MM:SS', () => cancel({ dh: '10/03/2026 11:59:30', fuso: '-03:00' }), '145', /^Erro no layout do evento: EveDh inválida "10\/03\/2026 11:59:30"/],
  ['EveDh of a day that does not exist', () => cancel({ dh: '2026-02-30T10:00:00', fuso: '-03:00' }), '145', /^Erro no layout do evento: EveDh inválida/],
  ['EveFusoHorario outside SEFAZ pattern', () => cancel({ dh: local(new Date()), fuso: '-3' }), '145', /^Erro no layout do evento: EveFusoHorario inválido "-3"/],
  ['EveDh more than 5 min ahead', () => cancel({ dh: local(new Date(Date.now() + 3_600_000)), fuso: '-03:00' }), '578', /^Rejeição: A data do evento não pode ser maior que a data do processamento/],
  ['EveDh before the emission', () => cancel({ dh: local(new Date(Date.now() - 86_400_000)), fuso: '-03:00' }), '577', /^Rejeição: A data do evento não pode ser menor que a data de emissão da NF-e/],
  ['EveDh before the authorisation', () => cancel({ dh: local(new Date(dhAut.getTime() - 10_000)), fuso: '-03:00' }), '579', /^Rejeição: A data do evento não pode ser menor que a data de autorização/],
  ['EvenProt not 15 digits', () => cancel({ prot: '12345' }), '145', /^Erro no layout do evento: EvenProt inválido "12345"/],
  ['EvenProt of another authorisation', () => cancel({ prot: '999999999999999' }), '222', /^Rejeição: Protocolo de Autorização de Uso difere do cadastrado \(EvenProt 999999999999999, protocolo do documento \d{15}\)$/],
  ['EvexJust shorter than 15', () => cancel({ just: 'curta demais' }), '145', /^Erro no layout do evento: EvexJust deve ter de 15 a 255 caracteres \(recebido: 12\)$/],
  ['EvexJust longer than 255', () => cancel({ just: 'x'.repeat(256) }), '145', /EvexJust deve ter de 15 a 255 caracteres \(recebido: 256\)/],
  ['EvexJust with a character SEFAZ refuses', () => cancel({ just: 'cancelamento — pedido do cliente' }), '145', /EvexJust contém o caractere "—"/],
  ['EveCorrecao longer than 1000', () => cce({ text: 'x'.repeat(1001) }), '145', /EveCorrecao deve ter de 15 a 1000 caracteres \(recebido: 1001\)/],
  ['EvenSeq above 20', () => cce({ seq: 21 }), '594', /^Rejeição: O número de sequencia do evento informado é maior que o permitido \(EvenSeq 21; permitido de 1 a 20\)$/],
  ['inutilização série above 999', () => inutXml(h.main.cnpj, { ini: 1, fin: 2, serie: 1000 }), '145', /^Erro no layout da inutilização: Serie 1000 inválida \(de 0 a 999\)$/],
  ['inutilização range inverted', () => inutXml(h.main.cnpj, { ini: 9, fin: 3, serie: 32 }), '145', /^Erro no layout da inutilização: faixa inválida 9-3/],
  ['inutilização justification with a character SEFAZ refuses', () => inutXml(h.main.cnpj, { ini: 50, fin: 51, serie: 32, just: 'pulo de numeracao 😀 no caixa' }), '145', /Justificativa contém o caractere "😀"/],
])('%s → %s, no SEFAZ call', async (_name, xml, code, text) => {
  h.sim.faults.add({ authorizer: '*', service: '*', mode: 'down', times: 1 });
  const d = (await h.call([xml()])).documentos[0]!;
  expect(sit(d)).toEqual({ SitCodigo: code, SitDescricao: expect.stringMatching(text) });
  expect(h.sim.faults.list()).toHaveLength(1);
  expect(h.sim.state.eventsOf(String(nfe.DocChaAcesso), '2')).toEqual([]);
});

test('EveDh with its offset, in range, is sent as dhEvento', async () => {
  const other = await authorise(h, 202, { serie: 32 });
  const dh = formatDateTime(new Date(Date.now() + 60_000), '-03:00');
  const d = (await h.call([eventoXml(h.main.cnpj, { chave: String(other.DocChaAcesso), tp: '110111', dh, det: CANCEL })])).documentos[0]!;
  expect(sit(d).SitCodigo).toBe('135');
  expect(h.sim.state.eventsOf(String(other.DocChaAcesso), '2')[0]!.procXml).toContain(`<dhEvento>${dh}</dhEvento>`);
});
