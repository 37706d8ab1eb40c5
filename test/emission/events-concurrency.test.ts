// Event sequences under concurrency, through SOAP: concurrent CC-e without EvenSeq each get their own
// sequence, are each sent with their own text and answered with their own outcome; concurrent
// cancellations send one; a sequence in flight, registered or rejected is answered (or reused) as SEFAZ
// would, past the 20th CC-e nothing is sent, and one reserved by a request that crashed is freed.
import { recoverAfterCrash } from '../../src/emission/jobs/startup-recovery';
import { retryPendingEvents } from '../../src/emission/jobs/pending-retry';
import { startHarness, type Harness } from '../support/harness';
import { decodeB64 } from '../support/checks';
import { authorise, CANCEL, cceDet, eventoXml, type EventoFields } from './event-support';
import { jobsRig, sit } from './jobs-support';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});
afterEach(() => h.sim.faults.reset());

const evento = (o: EventoFields) => eventoXml(h.main.cnpj, o);
const correcao = (i: number) => `Correcao numero ${i} do endereco do destinatario`;
/** One SOAP call per document, all at once: each its own HTTP request, as concurrent ERPs send them. */
const concurrently = (docs: string[]) => Promise.all(docs.map(async (d) => (await h.call([d])).documentos[0]!));
const simEvents = (chave: unknown, tp: string) => h.sim.state.eventsOf(String(chave), '2', tp);
const localEvents = async (chave: unknown) => h.store.listEvents(h.main.company.id, (await h.store.findDocumentByChave(h.main.company.id, String(chave)))!.id);

test('8 concurrent CC-e without EvenSeq: 8 sequences, each sent with its own text and answered with its own outcome', async () => {
  const nfe = await authorise(h, 101, { serie: 31 });
  const replies = await concurrently(Array.from({ length: 8 }, (_, i) => evento({ chave: String(nfe.DocChaAcesso), tp: '110110', det: cceDet(correcao(i)) })));

  expect(replies.map((d) => sit(d).SitCodigo)).toEqual(Array(8).fill('135'));
  expect(replies.map((d) => Number(d.DocEvenSeq)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  replies.forEach((d, i) => {
    // Its own sequence, its own protocol, its own text in its procEventoNFe.
    expect(d.DocEveId).toBe(`110110${nfe.DocChaAcesso}${d.DocEvenSeq}`);
    const proc = decodeB64(d.DocXMLBase64);
    expect(proc).toContain(`<xCorrecao>${correcao(i)}</xCorrecao>`);
    expect(proc).toContain(`<nSeqEvento>${d.DocEvenSeq}</nSeqEvento>`);
    expect(proc).toContain(`<nProt>${d.DocProtocolo}</nProt>`);
  });
  expect(new Set(replies.map((d) => d.DocProtocolo)).size).toBe(8);

  // SEFAZ registered exactly these 8 sequences, every text once.
  const registered = simEvents(nfe.DocChaAcesso, '110110');
  expect(registered.map((e) => e.nSeqEvento).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  for (let i = 0; i < 8; i++) expect(registered.filter((e) => e.procXml.includes(`<xCorrecao>${correcao(i)}</xCorrecao>`))).toHaveLength(1);
  expect((await localEvents(nfe.DocChaAcesso)).map((e) => e.status)).toEqual(Array(8).fill('registered'));
});

test('10 concurrent cancellations: one sent and registered, every other answered with the stored one or "em processamento"', async () => {
  const nfe = await authorise(h, 102, { serie: 31 });
  const replies = await concurrently(Array.from({ length: 10 }, () => evento({ chave: String(nfe.DocChaAcesso), tp: '110111', det: CANCEL })));

  const registered = replies.filter((d) => sit(d).SitCodigo === '135');
  const inFlight = replies.filter((d) => sit(d).SitCodigo === '105');
  expect(registered.length + inFlight.length).toBe(10);
  expect(registered.length).toBeGreaterThanOrEqual(1);
  // Every 135 is the one cancellation: same protocol, its procEventoNFe.
  expect(new Set(registered.map((d) => d.DocProtocolo)).size).toBe(1);
  for (const d of registered) expect(decodeB64(d.DocXMLBase64)).toContain('<tpEvento>110111</tpEvento>');
  for (const d of inFlight) {
    expect(sit(d).SitDescricao).toBe('Evento 110111 sequência 1 em processamento; consulte a situação (Eventos=S) antes de reenviar');
    expect(d).toMatchObject({ DocEveTp: '110111', DocEvenSeq: '1', DocChaAcesso: nfe.DocChaAcesso });
  }
  expect(simEvents(nfe.DocChaAcesso, '110111')).toHaveLength(1);
  expect((await localEvents(nfe.DocChaAcesso)).map((e) => [e.tpEvento, e.nSeq, e.status])).toEqual([['110111', 1, 'registered']]);

  // Sent again once registered: the stored cancellation; with another justification: a clear refusal.
  const again = (await h.call([evento({ chave: String(nfe.DocChaAcesso), tp: '110111', det: CANCEL })])).documentos[0]!;
  expect(sit(again).SitCodigo).toBe('135');
  expect(again.DocProtocolo).toBe(registered[0]!.DocProtocolo);
  const other = CANCEL.replace('cancelamento solicitado pelo cliente', 'outra justificativa de cancelamento');
  const refused = (await h.call([evento({ chave: String(nfe.DocChaAcesso), tp: '110111', det: other })])).documentos[0]!;
  expect(sit(refused)).toEqual({ SitCodigo: '573', SitDescricao: expect.stringMatching(/^Rejeição: Duplicidade de evento: a sequência 1 do evento 110111 já está registrada com outro texto \(protocolo \d{15}\)$/) });
  expect(simEvents(nfe.DocChaAcesso, '110111')).toHaveLength(1);
});

test('a named EvenSeq in flight answers "em processamento"; registered, the same text gets its outcome, another text 573, nothing sent', async () => {
  const nfe = await authorise(h, 103, { serie: 31 });
  const chave = String(nfe.DocChaAcesso);
  // The simulator holds its reply, so the first CC-e is still in flight when the second arrives.
  h.sim.faults.add({ authorizer: '*', service: 'NFeRecepcaoEvento4', mode: 'slow', ms: 3000, times: 1 });
  const first = h.call([evento({ chave, tp: '110110', seq: 1, det: cceDet(correcao(1)) })]);
  while ((await localEvents(chave)).length === 0) await new Promise((r) => setTimeout(r, 10));
  const second = (await h.call([evento({ chave, tp: '110110', seq: 1, det: cceDet(correcao(2)) })])).documentos[0]!;
  expect(sit(second)).toEqual({ SitCodigo: '105', SitDescricao: 'Evento 110110 sequência 1 em processamento; consulte a situação (Eventos=S) antes de reenviar' });
  expect(second).toMatchObject({ DocEveTp: '110110', DocEvenSeq: '1' });
  const firstReply = (await first).documentos[0]!;
  expect(sit(firstReply).SitCodigo).toBe('135');

  const same = (await h.call([evento({ chave, tp: '110110', seq: 1, det: cceDet(correcao(1)) })])).documentos[0]!;
  expect(sit(same).SitCodigo).toBe('135');
  expect([same.DocProtocolo, same.DocEvenSeq, same.DocXMLBase64]).toEqual([firstReply.DocProtocolo, '1', firstReply.DocXMLBase64]);
  h.sim.faults.add({ authorizer: '*', service: 'NFeRecepcaoEvento4', mode: 'down', times: 1 });
  const different = (await h.call([evento({ chave, tp: '110110', seq: 1, det: cceDet(correcao(3)) })])).documentos[0]!;
  expect(sit(different).SitCodigo).toBe('573');
  expect(sit(different).SitDescricao).toMatch(/sequência 1 do evento 110110 já está registrada com outro texto .*envie a Carta de Correção sem EvenSeq/);
  expect(h.sim.faults.list()).toHaveLength(1); // nothing reached SEFAZ
  expect(simEvents(chave, '110110').map((e) => e.nSeqEvento)).toEqual([1]);
});

test('a sequence SEFAZ rejected is used again by the next CC-e; past the 20th CC-e, 594 without a SEFAZ call', async () => {
  const nfe = await authorise(h, 104, { serie: 31 });
  const chave = String(nfe.DocChaAcesso);
  // Cancelled at SEFAZ behind the gateway's back: the CC-e is rejected there (580).
  h.sim.state.setStatus(chave, '2', 'cancelled');
  const rejected = (await h.call([evento({ chave, tp: '110110', det: cceDet(correcao(0)) })])).documentos[0]!;
  expect([sit(rejected).SitCodigo, rejected.DocEvenSeq]).toEqual(['580', '1']);
  h.sim.state.setStatus(chave, '2', 'authorized');

  const replies: string[] = [];
  for (let i = 1; i <= 20; i++) {
    const d = (await h.call([evento({ chave, tp: '110110', det: cceDet(correcao(i)) })])).documentos[0]!;
    replies.push(`${sit(d).SitCodigo}/${d.DocEvenSeq}`);
  }
  expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => `135/${i + 1}`));
  h.sim.faults.add({ authorizer: '*', service: 'NFeRecepcaoEvento4', mode: 'down', times: 1 });
  const past = (await h.call([evento({ chave, tp: '110110', det: cceDet(correcao(21)) })])).documentos[0]!;
  expect(sit(past)).toEqual({ SitCodigo: '594', SitDescricao: expect.stringMatching(/^Rejeição: O número de sequencia do evento informado é maior que o permitido \(as 20 sequências/) });
  expect(h.sim.faults.list()).toHaveLength(1);
  expect(simEvents(chave, '110110')).toHaveLength(20);
}, 30_000);

test('a sequence reserved but never signed (a crash) is freed by the jobs and used by the next CC-e', async () => {
  const nfe = await authorise(h, 105, { serie: 31 });
  const doc = (await h.store.findDocumentByChave(h.main.company.id, String(nfe.DocChaAcesso)))!;
  const crashed = await h.store.reserveEvent(h.main.company.id, { documentId: doc.id, tpEvento: '110110', maxSeq: 20, requestXml: null });
  if (crashed.kind !== 'reserved') throw new Error(crashed.kind);
  const rig = jobsRig(h);
  const later = new Date(Date.now() + 60_000);
  expect((await recoverAfterCrash(rig.run(later))).events).toBe(1);
  expect((await retryPendingEvents(rig.run(later))).gaveUp).toBe(1);
  expect(await h.store.getEvent(h.main.company.id, crashed.event.id)).toMatchObject({ status: 'rejected', cStat: '199', xMotivo: expect.stringMatching(/interrompido antes do envio/) });

  const d = (await h.call([evento({ chave: String(nfe.DocChaAcesso), tp: '110110', det: cceDet(correcao(1)) })])).documentos[0]!;
  expect([sit(d).SitCodigo, d.DocEvenSeq]).toEqual(['135', '1']);
  expect(await h.store.getEvent(h.main.company.id, crashed.event.id)).toMatchObject({ status: 'registered', attempts: 2 });
});

test('a sequence SEFAZ already holds with another text is not adopted: 573, and the next CC-e takes the following sequence', async () => {
  const nfe = await authorise(h, 106, { serie: 31 });
  const chave = String(nfe.DocChaAcesso);
  const first = (await h.call([evento({ chave, tp: '110110', det: cceDet(correcao(1)) })])).documentos[0]!;
  expect(sit(first).SitCodigo).toBe('135');
  // The gateway's record diverged from SEFAZ's (as after a reply it could not read): it thinks seq 1 is free.
  const [row] = await localEvents(chave);
  await h.store.updateEvent(h.main.company.id, row!.id, { status: 'rejected', cStat: '999', xMotivo: 'Rejeição: resposta ilegível' });

  const clash = (await h.call([evento({ chave, tp: '110110', det: cceDet(correcao(2)) })])).documentos[0]!;
  expect([sit(clash).SitCodigo, clash.DocEvenSeq]).toEqual(['573', '1']);
  const next = (await h.call([evento({ chave, tp: '110110', det: cceDet(correcao(2)) })])).documentos[0]!;
  expect([sit(next).SitCodigo, next.DocEvenSeq]).toEqual(['135', '2']);
  expect(decodeB64(next.DocXMLBase64)).toContain(`<xCorrecao>${correcao(2)}</xCorrecao>`);
  const registered = simEvents(chave, '110110');
  expect(registered.map((e) => [e.nSeqEvento, e.procXml.includes(correcao(1)), e.procXml.includes(correcao(2))])).toEqual([[1, true, false], [2, false, true]]);
});
