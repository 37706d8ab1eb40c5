// The Ambiente Nacional's DF-e distribution in the simulator, through the gateway's own SEFAZ client
// over mutual TLS (dfe-distribution.md §4–6, §10): who receives what when the simulator authorises,
// the one-hour waits and blocks on a simulated clock, the sequence rule, the 20/hour key-query limit,
// 589, 593/472, consChNFe's refusals, the co-consumer's ultNSU jumps, the manifestação hook, seeding
// and the 90-day window. Every test uses parties of its own.
import { chaveDv } from '../../src/fiscal/chave';
import * as path from 'node:path';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import type { DistAnswer, DistQuery } from '../../src/sefaz/dfe-types';
import type { SefazClient, SefazReply } from '../../src/sefaz/client';
import type { SefazCredentials, SefazTransport } from '../../src/sefaz/transport';
import type { IssuedCertificate } from '../../src/signing/testca';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import { loadXsdValidator } from '../../src/xml/xsd';
import { buildCte, CTE_TOMA_CNPJ, cteClient, credentialsOf, signCte } from './cte-fixture';
import { adminCall, buildNfe, call, companyCert, detCancel, enviNFe, envEvento, evento, SCHEMAS_DIR, sign, tagValue } from './helpers';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WAIT = 'Rejeicao: Consumo Indevido (Deve ser aguardado 1 hora para efetuar nova solicitacao caso nao existam mais documentos a serem pesquisados. Tente apos 1 hora)';
const SEQUENCE = 'Rejeicao: Consumo Indevido (Deve ser utilizado o ultNSU nas solicitacoes subsequentes. Tente apos 1 hora)';
const LIMIT = 'Rejeicao: Consumo Indevido (Ultrapassou o limite de 20 consultas por hora)';

let sim: RunningSimulator;
let clock = Date.now();
const transports: SefazTransport[] = [];
let nextBase = 1;
let nextNumber = 1;

beforeAll(async () => {
  sim = await startSimulator({ schemasDir: SCHEMAS_DIR, now: () => new Date(clock) });
});
afterAll(async () => {
  for (const t of transports) t.close();
  await sim.close();
});

/** A CNPJ of a base no other test uses. */
function newCnpj(): string {
  return withCnpjCheckDigits(`7${String(nextBase++).padStart(7, '0')}0001`);
}

interface Party {
  cnpj: string;
  cert: IssuedCertificate;
  client: SefazClient;
  creds: SefazCredentials;
}

function party(cnpj = newCnpj()): Party {
  const cert = companyCert(sim.ca, cnpj);
  const { client, transport, creds } = cteClient(sim, cert);
  transports.push(transport);
  return { cnpj, cert, client, creds };
}

function ask(p: Party, query: DistQuery, o: { doc?: string; model?: '55' | '57' } = {}): Promise<SefazReply<DistAnswer>> {
  return p.client.distribuicao({}, p.creds, { model: o.model ?? '55', tpAmb: '2', cUFAutor: '35', doc: o.doc ?? p.cnpj, query });
}

const dist = (p: Party, ultNSU: string | number, o?: { doc?: string; model?: '55' | '57' }) => ask(p, { kind: 'distNSU', ultNSU: String(ultNSU) }, o);
const cons = (p: Party, NSU: number) => ask(p, { kind: 'consNSU', NSU: String(NSU) });
const pad = (n: number) => String(n).padStart(15, '0');
const nsus = (a: DistAnswer) => a.documents.map((d) => Number(d.NSU));

/** An NF-e of `emit` for `dest`, with a transportador and autXML parties, authorised by the simulator (SP). */
async function authorise(emit: Party, dest: string, o: { transporter?: string; autXml?: string[] } = {}): Promise<{ chave: string; nProt: string }> {
  const built = buildNfe({ nNF: nextNumber++, cnpj: emit.cnpj, destCnpj: dest, dhEmi: new Date(clock - MINUTE) });
  let xml = built.xml;
  if (o.transporter) {
    xml = xml.replace('<transp><modFrete>9</modFrete></transp>', `<transp><modFrete>0</modFrete><transporta><CNPJ>${o.transporter}</CNPJ><xNome>TRANSPORTADORA TESTE</xNome></transporta></transp>`);
  }
  xml = xml.replace('<det nItem="1">', `${(o.autXml ?? []).map((d) => `<autXML><CNPJ>${d}</CNPJ></autXML>`).join('')}<det nItem="1">`);
  const r = await call(sim.httpsUrl, sim.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', enviNFe([await sign(xml, 'infNFe', emit.cert)], '1'), { cert: emit.cert });
  expect(r.cStats).toEqual(['104', '100']);
  return { chave: built.chave, nProt: tagValue(r.body, 'nProt') ?? '' };
}

describe('who receives what', () => {
  it('an NF-e of A for B carried by C: B gets the resNFe, C and the autXML party D the nfeProc, A nothing', async () => {
    const [a, b, c, d] = [party(), party(), party(), party()];
    const { chave } = await authorise(a, b.cnpj, { transporter: c.cnpj, autXml: [d.cnpj] });

    const toB = await dist(b, 0);
    expect(toB).toMatchObject({ cStat: '138', ultNSU: pad(1), maxNSU: pad(1) });
    expect(toB.documents).toEqual([expect.objectContaining({ NSU: pad(1), schema: 'resNFe_v1.01.xsd', root: 'resNFe' })]);
    expect(toB.documents[0].xml).toContain(`<chNFe>${chave}</chNFe><CNPJ>${a.cnpj}</CNPJ><xNome>EMPRESA TESTE LTDA</xNome>`);
    expect(toB.documents[0].xml).toContain('<cSitNFe>1</cSitNFe>');
    for (const p of [c, d]) {
      const full = await dist(p, 0);
      expect(full.documents).toEqual([expect.objectContaining({ NSU: pad(1), schema: 'procNFe_v4.00.xsd', root: 'nfeProc' })]);
      expect(full.documents[0].xml).toMatch(new RegExp(`^<nfeProc[^>]*><NFe[\\s\\S]*Id="NFe${chave}"[\\s\\S]*</NFe><protNFe[\\s\\S]*<cStat>100</cStat>`));
    }
    expect(await dist(a, 0)).toMatchObject({ cStat: '137', ultNSU: pad(0), maxNSU: pad(0), documents: [] });
  });

  it('the answer, the resNFe and the resEvento are valid against the official 1.01 schemas (nfe/, which has the xmldsig they import)', async () => {
    const [a, b] = [party(), party()];
    const { chave, nProt } = await authorise(a, b.cnpj);
    const ev = await evento({ chave, tpEvento: '110111', cnpj: a.cnpj, det: detCancel(nProt), dhEvento: new Date(clock) }, a.cert);
    expect((await call(sim.httpsUrl, sim.ca, '/SP/NFeRecepcaoEvento4', 'NFeRecepcaoEvento4', envEvento([ev]), { cert: a.cert })).cStats).toEqual(['128', '135']);
    const r = await dist(b, 0);
    const xsd = (file: string) => loadXsdValidator(path.join(SCHEMAS_DIR, 'nfe', file));
    expect((await xsd('retDistDFeInt_v1.01.xsd')).validate(r.xml)).toEqual({ ok: true });
    expect((await xsd('resNFe_v1.01.xsd')).validate(r.documents[0].xml)).toEqual({ ok: true });
    expect((await xsd('resEvento_v1.01.xsd')).validate(r.documents[1].xml)).toEqual({ ok: true });
    const seeded = party();
    sim.dfe.seed({ doc: seeded.cnpj, count: 1 });
    expect((await xsd('resNFe_v1.01.xsd')).validate((await dist(seeded, 0)).documents[0].xml)).toEqual({ ok: true });
  });

  it('a cancel reaches the same parties: resEvento to the destinatário, procEventoNFe to the transportador', async () => {
    const [a, b, c] = [party(), party(), party()];
    const { chave, nProt } = await authorise(a, b.cnpj, { transporter: c.cnpj });
    const ev = await evento({ chave, tpEvento: '110111', cnpj: a.cnpj, det: detCancel(nProt), dhEvento: new Date(clock) }, a.cert);
    const r = await call(sim.httpsUrl, sim.ca, '/SP/NFeRecepcaoEvento4', 'NFeRecepcaoEvento4', envEvento([ev]), { cert: a.cert });
    expect(r.cStats).toEqual(['128', '135']);

    const toB = await dist(b, 0);
    expect(toB.documents.map((x) => x.root)).toEqual(['resNFe', 'resEvento']);
    expect(toB.documents[1].xml).toContain(`<chNFe>${chave}</chNFe><dhEvento>`);
    expect(toB.documents[1].xml).toContain('<tpEvento>110111</tpEvento><nSeqEvento>1</nSeqEvento><xEvento>Cancelamento registrado</xEvento>');
    const toC = await dist(c, 0);
    expect(toC.documents.map((x) => [x.NSU, x.root])).toEqual([[pad(1), 'nfeProc'], [pad(2), 'procEventoNFe']]);
  });

  it('a CT-e reaches its tomador through CTeDistribuicaoDFe as cteProc; not its emitter', async () => {
    const emitter = party(newCnpj());
    const tomador = party(CTE_TOMA_CNPJ);
    const before = sim.dfe.position({ doc: CTE_TOMA_CNPJ, model: '57' }).maxNSU;
    const cte = buildCte({ nCT: 90_000 + nextNumber++, cnpj: emitter.cnpj, dhEmi: new Date(clock - MINUTE) });
    const r = await emitter.client.cteRecepcao({ uf: 'MT', tpAmb: '2' }, credentialsOf(emitter.cert), await signCte(cte.xml, emitter.cert));
    expect(r.cStat === '100' || r.prot?.cStat === '100').toBe(true);

    const got = await dist(tomador, before, { model: '57' });
    expect(got).toMatchObject({ cStat: '138', ultNSU: pad(before + 1), maxNSU: pad(before + 1) });
    expect(got.documents).toEqual([expect.objectContaining({ schema: 'procCTe_v4.00.xsd', root: 'cteProc' })]);
    expect(got.documents[0].xml).toContain(`Id="CTe${cte.chave}"`);
    expect(sim.dfe.position({ doc: emitter.cnpj, model: '57' }).maxNSU).toBe(0);
    await expect(tomador.client.distribuicao({}, tomador.creds, { model: '57', tpAmb: '2', cUFAutor: '51', doc: CTE_TOMA_CNPJ, query: { kind: 'consChave', chave: cte.chave } }))
      .rejects.toThrow(/não consulta por chave/);
  });

  it('the manifestação hook: ciência releases the nfeProc to the destinatário under a new NSU, the emitter gets the event; desconhecimento releases nothing', async () => {
    const [a, b] = [party(), party()];
    const first = await authorise(a, b.cnpj);
    const second = await authorise(a, b.cnpj);
    const proc = (chave: string, tp: string) => `<procEventoNFe xmlns="http://www.portalfiscal.inf.br/nfe" versao="1.00"><evento><infEvento><chNFe>${chave}</chNFe><tpEvento>${tp}</tpEvento></infEvento></evento></procEventoNFe>`;
    sim.dfe.manifestacao({ tpAmb: '2', chave: first.chave, tpEvento: '210210', author: b.cnpj, procEventoXml: proc(first.chave, '210210'), atMs: clock });
    sim.dfe.manifestacao({ tpAmb: '2', chave: first.chave, tpEvento: '210200', author: b.cnpj, procEventoXml: proc(first.chave, '210200'), atMs: clock });
    sim.dfe.manifestacao({ tpAmb: '2', chave: second.chave, tpEvento: '210220', author: b.cnpj, procEventoXml: proc(second.chave, '210220'), atMs: clock });

    const toB = await dist(b, 0);
    expect(toB.documents.map((x) => [x.NSU, x.root])).toEqual([[pad(1), 'resNFe'], [pad(2), 'resNFe'], [pad(3), 'nfeProc']]);
    expect(toB.documents[2].xml).toContain(`Id="NFe${first.chave}"`);
    const toA = await dist(a, 0);
    expect(toA.documents.map((x) => x.root)).toEqual(['procEventoNFe', 'procEventoNFe', 'procEventoNFe']);
    expect(toA.documents.map((x) => /<tpEvento>(\d+)</.exec(x.xml)?.[1])).toEqual(['210210', '210200', '210220']);
  });
});

describe('distNSU rules on the simulated clock', () => {
  it('137 or a caught-up answer starts the hour; a call within it is 656 and restarts it; after it the next document comes', async () => {
    const [a, b] = [party(), party()];
    await authorise(a, b.cnpj);
    expect(await dist(b, 0)).toMatchObject({ cStat: '138', ultNSU: pad(1), maxNSU: pad(1) });
    const early = await dist(b, 1);
    expect(early).toEqual(expect.objectContaining({ cStat: '656', xMotivo: WAIT, ultNSU: pad(1), maxNSU: pad(0), documents: [] }));
    clock += 59 * MINUTE;
    expect(await dist(b, 1)).toMatchObject({ cStat: '656', xMotivo: WAIT }); // the block restarted at the previous call
    clock += 61 * MINUTE;
    await authorise(a, b.cnpj);
    expect(await dist(b, 1)).toMatchObject({ cStat: '138', ultNSU: pad(2), maxNSU: pad(2) });
    clock += 61 * MINUTE;
    expect(await dist(b, 2)).toMatchObject({ cStat: '137', ultNSU: pad(2), maxNSU: pad(2) });
    clock += 30 * MINUTE;
    expect(await dist(b, 2)).toMatchObject({ cStat: '656', xMotivo: WAIT });
  });

  it('at most 50 per answer; out of sequence within the hour is 656, after a quiet hour the position is answered (137, integraNotas)', async () => {
    const x = party();
    sim.dfe.seed({ doc: x.cnpj, count: 120 });
    const one = await dist(x, 0);
    expect(one).toMatchObject({ cStat: '138', ultNSU: pad(50), maxNSU: pad(120) });
    expect(nsus(one)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await dist(x, 0)).toMatchObject({ cStat: '656', xMotivo: SEQUENCE, ultNSU: pad(50), maxNSU: pad(0) });
    clock += 61 * MINUTE;
    expect(await dist(x, 7)).toMatchObject({ cStat: '137', ultNSU: pad(50), maxNSU: pad(120), documents: [] });
    expect(nsus(await dist(x, 50))).toEqual(Array.from({ length: 50 }, (_, i) => i + 51));
    const last = await dist(x, 100);
    expect(last).toMatchObject({ cStat: '138', ultNSU: pad(120), maxNSU: pad(120) });
    expect(nsus(last)).toHaveLength(20);
  });

  it('589 past maxNSU', async () => {
    const x = party();
    sim.dfe.seed({ doc: x.cnpj, count: 5 });
    expect(await dist(x, 6)).toMatchObject({ cStat: '589', maxNSU: pad(5) });
  });

  it('documents received more than 90 days ago are not distributed', async () => {
    const x = party();
    sim.dfe.seed({ doc: x.cnpj, count: 3, receivedAtMs: clock - 91 * DAY });
    sim.dfe.seed({ doc: x.cnpj, count: 2 });
    const got = await dist(x, 0);
    expect(got).toMatchObject({ cStat: '138', ultNSU: pad(5), maxNSU: pad(5) });
    expect(nsus(got)).toEqual([4, 5]);
    expect(await cons(x, 2)).toMatchObject({ cStat: '137' });
  });
});

describe('consNSU and consChNFe', () => {
  it('20 key queries per rolling hour; the 21st is 656 and blocks every query of the CNPJ; an hour later they work again', async () => {
    const x = party();
    sim.dfe.seed({ doc: x.cnpj, count: 30 });
    for (let n = 1; n <= 20; n++) {
      const r = await cons(x, n);
      expect(r).toMatchObject({ cStat: '138', ultNSU: pad(n), maxNSU: pad(30) });
      expect(nsus(r)).toEqual([n]);
    }
    const over = await cons(x, 21);
    expect(over).toEqual({ cStat: '656', xMotivo: LIMIT, dhResp: expect.any(String), documents: [], xml: expect.any(String), endpoint: expect.anything(), durationMs: expect.any(Number) });
    expect(await dist(x, 0)).toMatchObject({ cStat: '656', xMotivo: LIMIT, ultNSU: pad(0) });
    clock += 61 * MINUTE;
    expect(await cons(x, 21)).toMatchObject({ cStat: '138' });
    expect(await cons(x, 31)).toMatchObject({ cStat: '589' });
  });

  it('consChNFe: the destinatário its resNFe, the transportador the nfeProc with its NSU; 641 emitter, 640 unrelated, 217 unknown, 653 cancelled, 654 denied, 632 past 90 days', async () => {
    const [a, b, c, other] = [party(), party(), party(), party()];
    const { chave, nProt } = await authorise(a, b.cnpj, { transporter: c.cnpj });
    const byKey = (p: Party, k = chave) => ask(p, { kind: 'consChave', chave: k });
    const toB = await byKey(b);
    expect(toB.documents).toEqual([expect.objectContaining({ NSU: pad(1), root: 'resNFe' })]);
    expect((await byKey(c)).documents).toEqual([expect.objectContaining({ NSU: pad(1), root: 'nfeProc' })]);
    expect(await byKey(a)).toMatchObject({ cStat: '641' });
    expect(await byKey(other)).toMatchObject({ cStat: '640' });
    const unknown = chave.slice(0, 25) + '999999999' + chave.slice(34, 43);
    expect(await byKey(b, unknown + chaveDv(unknown))).toMatchObject({ cStat: '217' });
    expect(await byKey(b, chave.slice(0, 43) + String((Number(chave[43]) + 1) % 10))).toMatchObject({ cStat: '236' });

    const ev = await evento({ chave, tpEvento: '110111', cnpj: a.cnpj, det: detCancel(nProt), dhEvento: new Date(clock) }, a.cert);
    expect((await call(sim.httpsUrl, sim.ca, '/SP/NFeRecepcaoEvento4', 'NFeRecepcaoEvento4', envEvento([ev]), { cert: a.cert })).cStats).toEqual(['128', '135']);
    expect(await byKey(b)).toMatchObject({ cStat: '653' });

    await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/denials', { cnpj: a.cnpj, role: 'emit' });
    const denied = buildNfe({ nNF: nextNumber++, cnpj: a.cnpj, destCnpj: b.cnpj, dhEmi: new Date(clock - MINUTE) });
    const r = await call(sim.httpsUrl, sim.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', enviNFe([await sign(denied.xml, 'infNFe', a.cert)], '1'), { cert: a.cert });
    await adminCall(sim.httpsUrl, sim.ca, 'DELETE', '/__admin/denials');
    expect(r.cStats).toEqual(['104', '301']);
    expect(await byKey(b, denied.chave)).toMatchObject({ cStat: '654' });

    const fresh = await authorise(a, c.cnpj);
    clock += 91 * DAY;
    expect(await byKey(c, fresh.chave)).toMatchObject({ cStat: '632' });
  });
});

describe('certificate and co-consumer', () => {
  it("593 with another company's certificate; a branch of the same base is served; 472 for a CPF not the certificate's", async () => {
    const [b, e] = [party(), party()];
    expect(await dist(e, 0, { doc: b.cnpj })).toMatchObject({ cStat: '593', documents: [] });
    const branch = withCnpjCheckDigits(`${b.cnpj.slice(0, 8)}0002`);
    expect(await dist(b, 0, { doc: branch })).toMatchObject({ cStat: '137' });
    expect(await dist(b, 0, { doc: '12345678909' })).toMatchObject({ cStat: '472' });
  });

  it('the co-consumer takes NSUs on demand (admin API): the gateway sees the ultNSU jump, no 656, and fetches the gap with consNSU', async () => {
    const y = party();
    expect((await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/dfe/seed', { doc: y.cnpj, count: 60 })).json).toEqual({ first: 1, last: 60 });
    expect(nsus(await dist(y, 0))).toHaveLength(50);
    expect((await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/dfe/co-consumer', { doc: y.cnpj, advance: 5 })).json).toEqual({ taken: 5 });
    expect(await dist(y, 50)).toMatchObject({ cStat: '137', ultNSU: pad(55), maxNSU: pad(60), documents: [] });
    expect(nsus(await dist(y, 55))).toEqual([56, 57, 58, 59, 60]);
    expect(nsus(await cons(y, 53))).toEqual([53]);
    const position = await adminCall(sim.httpsUrl, sim.ca, 'GET', `/__admin/dfe/${y.cnpj}`);
    expect(position.json).toMatchObject({ maxNSU: 60, consumer: { lastUltNSU: 60 } });
  });

  it('armed at random: a client that follows every ultNSU never gets 656, and every NSU arrives or is jumped over', async () => {
    const z = party();
    sim.dfe.seed({ doc: z.cnpj, count: 400 });
    sim.dfe.arm({ doc: z.cnpj, probability: 0.5, maxStep: 20, seed: 7 });
    const received: number[] = [];
    const jumped: number[] = [];
    let ult = 0;
    for (let calls = 0; calls < 100; calls++) {
      const r = await dist(z, ult);
      expect(r.cStat).not.toBe('656');
      const got = nsus(r);
      received.push(...got);
      const next = Number(r.ultNSU);
      for (let n = ult + 1; n <= next; n++) if (!got.includes(n)) jumped.push(n);
      ult = next;
      if (ult === Number(r.maxNSU)) break;
    }
    sim.dfe.disarm();
    expect(ult).toBe(400);
    expect(jumped.length).toBeGreaterThan(0);
    expect(new Set([...received, ...jumped])).toEqual(new Set(Array.from({ length: 400 }, (_, i) => i + 1)));
  });

  it('tens of thousands of seeded NSUs stay cheap: seeded through the admin API, answered 50 at a time, gzip at answer time', async () => {
    const s = party();
    expect((await adminCall(sim.httpsUrl, sim.ca, 'POST', '/__admin/dfe/seed', { doc: s.cnpj, count: 30_000 })).json).toEqual({ first: 1, last: 30_000 });
    const r = await dist(s, 0);
    expect(r).toMatchObject({ cStat: '138', ultNSU: pad(50), maxNSU: pad(30_000) });
    expect(r.documents[49].xml).toMatch(/^<resNFe xmlns="http:\/\/www.portalfiscal.inf.br\/nfe" versao="1.01"><chNFe>\d{44}<\/chNFe>/);
  });
});

describe('the 60-day activity rule (optional)', () => {
  let idle: RunningSimulator;
  beforeAll(async () => {
    idle = await startSimulator({ now: () => new Date(clock), dfe: { inactivityMs: 60 * DAY } });
  });
  afterAll(async () => idle.close());

  it('no NSU for a party that never queried; once it has queried, new documents reach it', async () => {
    const [aCnpj, bCnpj] = [newCnpj(), newCnpj()];
    const [aCert, bCert] = [companyCert(idle.ca, aCnpj), companyCert(idle.ca, bCnpj)];
    const { client, transport } = cteClient(idle, bCert);
    transports.push(transport);
    const q = (ultNSU: string) => client.distribuicao({}, credentialsOf(bCert), { model: '55', tpAmb: '2', cUFAutor: '35', doc: bCnpj, query: { kind: 'distNSU', ultNSU } });
    const send = async () => {
      const nfe = buildNfe({ nNF: nextNumber++, cnpj: aCnpj, destCnpj: bCnpj, dhEmi: new Date(clock - MINUTE) });
      const r = await call(idle.httpsUrl, idle.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', enviNFe([await sign(nfe.xml, 'infNFe', aCert)], '1'), { cert: aCert });
      expect(r.cStats).toEqual(['104', '100']);
    };
    await send();
    expect(await q('0')).toMatchObject({ cStat: '137', maxNSU: pad(0) });
    await send();
    clock += 61 * MINUTE;
    expect(await q('0')).toMatchObject({ cStat: '138', ultNSU: pad(1), maxNSU: pad(1) });
  });
});
