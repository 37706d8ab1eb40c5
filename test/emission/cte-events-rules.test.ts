// The CT-e event rules the gateway applies before anything is signed or sent (cte.md §5.3, §6), one
// refusal per rule, through SOAP: the cancel's 168 h (220), the desacordo's 45 days (787), the
// sequence range (636), the protocol (222), the comprovante's NF-e list (864), a desacordo on a key
// SEFAZ does not know (217) — and the CC-e's sequences reserved atomically under concurrency.
import { buildChave } from '../../src/fiscal/chave';
import { startHarness, type Harness } from '../support/harness';
import { sit } from './jobs-support';
import { CANCEL, cteEvents, DESACORDO, proc } from './cte-event-support';

let h: Harness;
let shiftMs = 0;
const now = () => new Date(Date.now() + shiftMs);
let ev: ReturnType<typeof cteEvents>;
beforeAll(async () => {
  h = await startHarness({ clock: now });
  ev = cteEvents(h, now);
}, 30_000);
afterAll(async () => {
  await h?.close();
});
afterEach(() => {
  shiftMs = 0;
});

const HOUR = 3_600_000;

test('110111 169 h after the authorisation → 220, nothing sent', async () => {
  const cte = await ev.authorise(1, { serie: 21 });
  shiftMs = 169 * HOUR;
  const d = await ev.send(ev.evento({ numero: 1, serie: 21, tp: '110111', seq: 1, det: CANCEL }));
  expect(sit(d)).toEqual({ SitCodigo: '220', SitDescricao: expect.stringMatching(/^Rejeição: Prazo de cancelamento superior ao previsto na legislação \(168 horas/) as string });
  const doc = await h.store.findDocumentByChave(h.main.company.id, String(cte.DocChaAcesso));
  expect(await h.store.listEvents(h.main.company.id, doc!.id)).toEqual([]);
}, 30_000);

test('110111 with EvenSeq 2 → 636; with another protocol → 222', async () => {
  await ev.authorise(1, { serie: 22 });
  const seq = await ev.send(ev.evento({ numero: 1, serie: 22, tp: '110111', seq: 2, det: CANCEL }));
  expect(sit(seq)).toEqual({ SitCodigo: '636', SitDescricao: expect.stringMatching(/EvenSeq 2; deve ser 1/) as string });
  const prot = await ev.send(ev.evento({ numero: 1, serie: 22, tp: '110111', seq: 1, det: `${CANCEL}<EvenProt>143000000000001</EvenProt>` }));
  expect(sit(prot).SitCodigo).toBe('222');
}, 30_000);

test('110180 naming an NF-e the CT-e does not carry → 864', async () => {
  await ev.authorise(1, { serie: 23 });
  const nfe = '43240206354976000149550010000000011000000014';
  const d = await ev.send(ev.evento({
    numero: 1, serie: 23, tp: '110180', seq: 1,
    det: ev.comprovanteDet(`<hashEntrega>O2qBnkIm/76ef1ryiobcj30sMkE=</hashEntrega><InfEntrega><InfEntregaItem><chNFe>${nfe}</chNFe></InfEntregaItem></InfEntrega>`),
  }));
  expect(sit(d)).toEqual({ SitCodigo: '864', SitDescricao: expect.stringContaining(nfe) as string });
}, 30_000);

test('610110 46 days after the authorisation → 787; on a key SEFAZ does not know → 217', async () => {
  const tomador = await h.addCompany();
  const cte = await ev.authorise(1, { serie: 24, tomador: tomador.cnpj });
  const chave = String(cte.DocChaAcesso);
  shiftMs = 46 * 24 * HOUR;
  const late = await ev.send(ev.evento({ as: tomador, numero: 1, serie: 24, chave, tp: '610110', seq: 1, det: DESACORDO }), tomador);
  expect(sit(late)).toEqual({ SitCodigo: '787', SitDescricao: expect.stringMatching(/45 dias após a autorização/) as string });
  shiftMs = 0;
  const unknown = buildChave({ cUF: '43', aamm: chave.slice(2, 6), cnpj: h.main.cnpj, mod: '57', serie: '24', nNF: '999', tpEmis: '1', cNF: '12345678' });
  const d = await ev.send(ev.evento({ as: tomador, numero: 999, serie: 24, chave: unknown, tp: '610110', seq: 1, det: DESACORDO }), tomador);
  expect(sit(d).SitCodigo).toBe('217');
}, 30_000);

test('two CC-e at once get sequences 1 and 2 (reserved atomically), both registered', async () => {
  await ev.authorise(1, { serie: 25 });
  const [a, b] = await Promise.all([
    ev.send(ev.cceLayout(1, 25, (x) => x.replace('<xObs>Pagar em qualquer lugar</xObs>', '<xObs>Pagar somente na entrega</xObs>'))),
    ev.send(ev.cceLayout(1, 25, (x) => x.replace('<xCaracAd>Encomenda</xCaracAd>', '<xCaracAd>Carga fragil</xCaracAd>'))),
  ]);
  expect([sit(a).SitCodigo, sit(b).SitCodigo]).toEqual(['135', '135']);
  expect([a.DocEvenSeq, b.DocEvenSeq].sort()).toEqual(['1', '2']);
  expect(proc(a)).toContain('<evCCeCTe>');
}, 30_000);
