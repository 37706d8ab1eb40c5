// EnvioEvento and Inutilizacao through SOAP: cancel (ok, after the deadline refused before
// sending), CC-e sequence, NFC-e cancel by substitution, pending event on transport failure,
// inutilização ok and refused for a range holding an authorised number.
import { retryPendingEvents } from '../../src/emission/jobs/pending-retry';
import { jobsRig, sit } from './jobs-support';
import { startHarness, type Harness } from '../support/harness';
import { authorise as authoriseDoc, CANCEL, eventoXml, inutXml, type EventoFields } from './event-support';
import { decodeB64, ourVerify } from '../support/checks';

let h: Harness;
let shiftMs = 0;
beforeAll(async () => {
  h = await startHarness({ clock: () => new Date(Date.now() + shiftMs) });
}, 30_000);
afterAll(async () => {
  await h?.close();
});
afterEach(() => {
  shiftMs = 0;
  h.sim.faults.reset();
});

const evento = (o: EventoFields) => eventoXml(h.main.cnpj, o);
const authorise = (nNF: number, serie = 1, nfce = false) => authoriseDoc(h, nNF, { serie, nfce });

test('cancel by number: 135, procEventoNFe, DocEveId, document becomes Cancelado (5)', async () => {
  const nfe = await authorise(1);
  const reply = await h.call([evento({ numero: 1, serie: 1, tp: '110111', seq: 1, det: CANCEL })]);
  expect(reply.messages[0]).toMatchObject({ codigo: 100, descricao: 'Eventos processados' });
  const d = reply.documentos[0]!;
  expect(sit(d).SitCodigo).toBe('135');
  expect(d).toMatchObject({ DocEvenSeq: '1', DocEveTp: '110111', DocEveId: `110111${nfe.DocChaAcesso}1`, DocChaAcesso: nfe.DocChaAcesso });
  expect(String(d.DocProtocolo)).toMatch(/^\d{15}$/);
  expect(d.DocProtocolo).not.toBe(nfe.DocProtocolo);
  const proc = decodeB64(d.DocXMLBase64);
  expect(proc).toMatch(/^<\?xml[^>]*\?><procEventoNFe/);
  // retEvento also holds an infEvento: verify the signed evento on its own.
  const signedEvento = /<evento[\s>][\s\S]*<\/evento>/.exec(proc)![0];
  expect(ourVerify(signedEvento, h.sim.ca.certPem, 'infEvento')).toMatchObject({ ok: true });
  expect((await h.store.findDocumentByChave(h.main.company.id, String(nfe.DocChaAcesso)))?.docStatus).toBe(5);
  // Cancelling again is refused before SEFAZ.
  const again = (await h.call([evento({ chave: String(nfe.DocChaAcesso), tp: '110111', det: CANCEL })])).documentos[0]!;
  expect(['135', '218']).toContain(sit(again).SitCodigo);
});

test('cancel after 24 h is refused before sending', async () => {
  await authorise(2);
  h.sim.faults.add({ authorizer: '*', service: 'NFeRecepcaoEvento4', mode: 'reject', cStat: '999', times: 1 });
  shiftMs = 25 * 3_600_000;
  const d = (await h.call([evento({ numero: 2, serie: 1, tp: '110111', det: CANCEL })])).documentos[0]!;
  expect(sit(d)).toMatchObject({ SitCodigo: '501', SitDescricao: expect.stringMatching(/prazo de cancelamento esgotado \(24 horas/) });
  expect(h.sim.faults.list()).toHaveLength(1);
});

test('CC-e: sequence continues when EvenSeq is absent; text length checked', async () => {
  const nfe = await authorise(3);
  const det = '<EveDesc>Carta de Correcao</EveDesc><EveCorrecao>Correcao da descricao do produto vendido</EveCorrecao>';
  const first = (await h.call([evento({ chave: String(nfe.DocChaAcesso), tp: '110110', det })])).documentos[0]!;
  const second = (await h.call([evento({ chave: String(nfe.DocChaAcesso), tp: '110110', det })])).documentos[0]!;
  expect([sit(first).SitCodigo, sit(second).SitCodigo]).toEqual(['135', '135']);
  expect([first.DocEvenSeq, second.DocEvenSeq]).toEqual(['1', '2']);
  expect(second.DocEveId).toBe(`110110${nfe.DocChaAcesso}2`);
  const short = (await h.call([evento({ chave: String(nfe.DocChaAcesso), tp: '110110', det: '<EveCorrecao>curto</EveCorrecao>' })])).documentos[0]!;
  expect(sit(short)).toMatchObject({ SitCodigo: '145', SitDescricao: expect.stringMatching(/EveCorrecao.*15 a 1000/) });
});

test('NFC-e cancel by substitution (110112)', async () => {
  await authorise(10, 1, true);
  const subst = await authorise(11, 1, true);
  const det = '<EveDesc>Cancelamento por substituicao</EveDesc><EvexJust>nfce emitida em duplicidade no caixa</EvexJust><EvenProt>0</EvenProt>';
  const d = (await h.call([evento({ modelo: 'NFCe', numero: 10, serie: 1, tp: '110112', det, subst: String(subst.DocChaAcesso) })])).documentos[0]!;
  expect(sit(d).SitCodigo).toBe('135');
  expect(d.DocEveTp).toBe('110112');
  expect((await h.store.findDocumentByNumber(h.main.company.id, '2', '65', 1, 10))?.docStatus).toBe(5);
});

test('event while SEFAZ is unreachable → 105 "Evento pendente", stored pending', async () => {
  const nfe = await authorise(4);
  h.sim.faults.add({ authorizer: '*', service: 'NFeRecepcaoEvento4', mode: 'down', times: 1 });
  const d = (await h.call([evento({ chave: String(nfe.DocChaAcesso), tp: '110111', det: CANCEL })])).documentos[0]!;
  expect(sit(d)).toEqual({ SitCodigo: '105', SitDescricao: 'Evento pendente' });
  const doc = await h.store.findDocumentByChave(h.main.company.id, String(nfe.DocChaAcesso));
  const events = await h.store.listEvents(h.main.company.id, doc!.id);
  expect(events.map((e) => e.status)).toEqual(['pending']);
  expect(doc?.docStatus).toBe(2);
});

test('a cancel whose reply was lost is pending; the retry meets 573 and adopts the event SEFAZ registered', async () => {
  const nfe = await authorise(5);
  h.sim.faults.add({ authorizer: '*', service: 'NFeRecepcaoEvento4', mode: 'lose-response', times: 1 });
  const d = (await h.call([evento({ chave: String(nfe.DocChaAcesso), tp: '110111', det: CANCEL })])).documentos[0]!;
  expect(sit(d).SitCodigo).toBe('105');
  const doc = (await h.store.findDocumentByChave(h.main.company.id, String(nfe.DocChaAcesso)))!;
  expect(doc.docStatus).toBe(2);
  // SEFAZ did register it: the simulator holds the cancel.
  expect(h.sim.state.eventsOf(String(nfe.DocChaAcesso), '2').map((e: { tpEvento: string }) => e.tpEvento)).toContain('110111');

  const rig = jobsRig(h);
  const summary = await retryPendingEvents(rig.run(new Date(Date.now() + 60_000)));
  expect(summary.settled).toBe(summary.tried); // this one and the one the previous test left pending
  const [ev] = await h.store.listEvents(h.main.company.id, doc.id);
  expect(ev).toMatchObject({ status: 'registered', cStat: '135' });
  expect(ev!.nProt).toMatch(/^\d{15}$/);
  expect(ev!.xmlProc).toMatch(/<procEventoNFe[\s\S]*<nProt>/);
  expect((await h.store.getDocument(h.main.company.id, doc.id))!.docStatus).toBe(5);
});

test('unknown document → 106', async () => {
  const d = (await h.call([evento({ numero: 99999, serie: 1, tp: '110111', det: CANCEL })])).documentos[0]!;
  expect(sit(d).SitCodigo).toBe('106');
});

function inut(ini: number, fin: number, serie: number, just?: string): string {
  return inutXml(h.main.cnpj, { ini, fin, serie, just });
}

test('inutilização: 102 with procInutNFe; a range holding an authorised number is refused before SEFAZ', async () => {
  const ok = (await h.call([inut(5, 8, 20)])).documentos[0]!;
  expect(sit(ok).SitCodigo).toBe('102');
  expect(String(ok.DocProtocolo)).toMatch(/^\d{15}$/);
  const proc = decodeB64(ok.DocXMLBase64);
  // The official schema names the root ProcInutNFe (capital P).
  expect(proc).toMatch(/^<\?xml[^>]*\?><ProcInutNFe/);
  const signedInut = /<inutNFe[\s>][\s\S]*<\/inutNFe>/.exec(proc)![0];
  expect(ourVerify(signedInut, h.sim.ca.certPem, 'infInut')).toMatchObject({ ok: true });

  await authorise(3, 21);
  h.sim.faults.add({ authorizer: '*', service: 'NFeInutilizacao4', mode: 'reject', cStat: '999', times: 1 });
  const refused = (await h.call([inut(1, 5, 21)])).documentos[0]!;
  expect(sit(refused)).toMatchObject({ SitCodigo: '241', SitDescricao: expect.stringMatching(/já utilizado \(3\)/) });
  const short = (await h.call([inut(30, 31, 21, 'curta')])).documentos[0]!;
  expect(sit(short).SitCodigo).toBe('145');
});
