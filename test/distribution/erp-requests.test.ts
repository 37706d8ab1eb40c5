// What ERPs call (issue 15 §3) over SOAP: InvoiCy's DistribuicaoDFe and the "Recebidos" consulta,
// answered from what the DF-e capture stored. The state comes from the simulator: NF-e and CT-e of the
// harness's main company authorised through the gateway for a destinatário/tomador company, or NSUs
// seeded in the Ambiente Nacional's lists; the capture runs as the job would (runCapture), then the
// destinatário's ERP asks.
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { runCapture } from '../../src/distribution/capture';
import { sefazDistributionSource } from '../../src/distribution/sefaz-source';
import { CompanyContext } from '../../src/emission/context';
import { formatDateTime } from '../../src/fiscal/datetime';
import { LogScope } from '../../src/log/logger';
import { VER_PROC } from '../../src/project';
import { parseXml } from '../../src/xml/parse';
import { decodeB64 } from '../support/checks';
import { cteFor } from '../support/cte';
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { simpleNfe } from '../support/samples';
import { sit } from '../emission/jobs-support';
import { eventoXml } from '../emission/event-support';

const HOUR = 3_600_000;
let h: Harness;
let shiftMs = 0;
const now = () => new Date(Date.now() + shiftMs);
beforeAll(async () => {
  h = await startHarness({ clock: now, simulatorClock: now });
}, 30_000);
afterAll(async () => {
  await h?.close();
});
/** Companies opted in by the running test, opted out after it: each capture run sees its own test's alone. */
const optedInByTest: { company: TestCompany; model: '55' | '57' }[] = [];
afterEach(async () => {
  shiftMs = 0;
  for (const { company, model } of optedInByTest.splice(0)) await h.store.setDfeEnabled(company.company.id, model, false);
});

const pad = (n: number) => String(n).padStart(15, '0');

async function optedIn(model: '55' | '57' = '55'): Promise<TestCompany> {
  const c = await h.addCompany({ uf: 'SP' });
  await h.store.setDfeEnabled(c.company.id, model, true);
  optedInByTest.push({ company: c, model });
  return c;
}

/** The capture run as the dfe-distribution job runs it (every opted-in company). */
function capture() {
  const deps = { store: h.store, sefaz: h.sefaz, verProc: VER_PROC };
  const source = sefazDistributionSource((t, c, req) => h.sefaz.distribuicao(t, c, req), async (c) => (await new CompanyContext(deps, c).certificate()).credentials);
  return runCapture({ store: h.store, source, owner: 'gateway-test', clock: now, options: { pauseMs: 0 } }, { log: new LogScope() });
}

let nNF = 500;
/** An NF-e of the main company authorised for `dest`; its key. */
async function nfeFor(dest: TestCompany): Promise<string> {
  nNF += 1;
  const xml = simpleNfe({ cnpj: h.main.cnpj, nNF }).replace(/<CNPJ_dest>\d+<\/CNPJ_dest>/, `<CNPJ_dest>${dest.cnpj}</CNPJ_dest>`);
  const d = (await h.call([xml])).documentos[0]!;
  if (sit(d).SitCodigo !== '100') throw new Error(`NF-e ${nNF} não autorizada: ${JSON.stringify(sit(d))}`);
  return String(d.DocChaAcesso);
}

interface Retorno {
  UltimoNSU: string;
  MaximoNSU: string;
  items: Record<string, string>[];
  SitCodigo: string;
  SitDescricao: string;
}

async function distribuicao(as: TestCompany, fields: string, modelo = 'NFe', cnpj = as.cnpj): Promise<Retorno & { codigo: number }> {
  const xml = `<DistribuicaoDFe><ModeloDocumento>${modelo}</ModeloDocumento><Versao>${modelo === 'CTe' ? '1.00' : '1.01'}</Versao><CNPJEmissor>${cnpj}</CNPJEmissor><tpAmb>2</tpAmb>${fields}</DistribuicaoDFe>`;
  const reply = await h.call([xml], { as });
  const inner = /<!\[CDATA\[([\s\S]*?)\]\]>/.exec(reply.raw)?.[1];
  if (!inner) return { codigo: reply.messages[0]!.codigo, UltimoNSU: '', MaximoNSU: '', items: [], SitCodigo: '', SitDescricao: reply.messages[0]!.descricao };
  const r = (parseXml(inner, { arrays: ['DocumentosItem'] }) as { RetornoDFe: Record<string, any> }).RetornoDFe;
  return {
    codigo: reply.messages[0]!.codigo, UltimoNSU: String(r.UltimoNSU ?? ''), MaximoNSU: String(r.MaximoNSU ?? ''),
    items: (r.Documentos?.DocumentosItem ?? []).map((i: Record<string, unknown>) => Object.fromEntries(Object.entries(i).map(([k, v]) => [k, String(v)]))),
    SitCodigo: String(r.Situacao.SitCodigo), SitDescricao: String(r.Situacao.SitDescricao),
  };
}

const usarUltimo = (u: number) => `<UsarUltimoNSU>S</UsarUltimoNSU><UltimoNSU>${pad(u)}</UltimoNSU>`;

describe('DistribuicaoDFe', () => {
  test('UsarUltimoNSU S pages over the captured documents, 50 at a time, then 137', async () => {
    const b = await optedIn();
    h.sim.dfe.seed({ doc: b.cnpj, count: 120 });
    expect(await capture()).toMatchObject({ docsStored: 120, consumoIndevido: 0 });
    const first = await distribuicao(b, usarUltimo(0));
    expect(first).toMatchObject({ codigo: 100, SitCodigo: '138', UltimoNSU: pad(50), MaximoNSU: pad(120) });
    expect(first.items.map((i) => i.DocNSU)).toEqual(Array.from({ length: 50 }, (_, i) => pad(i + 1)));
    const item = first.items[0]!;
    const xml = decodeB64(item.DocXML);
    expect(xml).toMatch(/^<resNFe/);
    expect(xml).toContain(`<chNFe>${item.DocChaAcesso}</chNFe>`);
    expect(item).toMatchObject({ DocTipoArquivo: '1', DocCNPJEmitente: item.DocChaAcesso!.slice(6, 20), DocNumero: String(Number(item.DocChaAcesso!.slice(25, 34))), DocSerie: '1' });
    expect((await distribuicao(b, usarUltimo(50))).items.map((i) => i.DocNSU)).toEqual(Array.from({ length: 50 }, (_, i) => pad(i + 51)));
    const last = await distribuicao(b, usarUltimo(100));
    expect([last.SitCodigo, last.UltimoNSU, last.items.length]).toEqual(['138', pad(120), 20]);
    expect(await distribuicao(b, usarUltimo(120))).toMatchObject({ SitCodigo: '137', UltimoNSU: pad(120), MaximoNSU: pad(120), items: [] });
    // Nothing of this reached the Ambiente Nacional: the sweep is its one consumer.
    expect(h.sim.dfe.position({ doc: b.cnpj }).consumer.keyQueries).toEqual([]);
  });

  test('a page never passes an NSU still being recovered; the ERP continues from it once it is fetched', async () => {
    const b = await optedIn();
    h.sim.dfe.seed({ doc: b.cnpj, count: 10 });
    await capture();
    shiftMs = 2 * HOUR;
    h.sim.dfe.seed({ doc: b.cnpj, count: 40 }); // 11–50
    expect(h.sim.dfe.advance({ doc: b.cnpj }, 25)).toBe(25); // another system takes 11–35
    expect(await capture()).toMatchObject({ missingAdded: 25, gapsFetched: 18, consumoIndevido: 0 }); // 29–35 still pending
    const page = await distribuicao(b, usarUltimo(0));
    expect(page).toMatchObject({ SitCodigo: '138', UltimoNSU: pad(28), MaximoNSU: pad(50) });
    expect(page.items.map((i) => i.DocNSU)).toEqual(Array.from({ length: 28 }, (_, i) => pad(i + 1)));
    expect(page.SitDescricao).toContain(`NSU ${pad(29)} ainda está em recuperação`);
    expect(await distribuicao(b, usarUltimo(28))).toMatchObject({ SitCodigo: '137', UltimoNSU: pad(28), items: [] });
    shiftMs = 4 * HOUR;
    expect(await capture()).toMatchObject({ gapsFetched: 7 });
    const rest = await distribuicao(b, usarUltimo(28));
    expect([rest.SitCodigo, rest.UltimoNSU]).toEqual(['138', pad(50)]);
    expect(rest.items.map((i) => i.DocNSU)).toEqual(Array.from({ length: 22 }, (_, i) => pad(i + 29)));
  });

  test('NSUEspecifico and chaAcesso of a captured NF-e answer that one document', async () => {
    const b = await optedIn();
    const chave = await nfeFor(b);
    await capture();
    const [doc] = await h.store.queryDfeDocuments(b.company.id, { chave });
    const one = await distribuicao(b, `<UsarUltimoNSU>N</UsarUltimoNSU><NSUEspecifico>${doc!.nsu}</NSUEspecifico>`);
    expect(one).toMatchObject({ SitCodigo: '138', UltimoNSU: doc!.nsu });
    expect(one.items).toEqual([expect.objectContaining({ DocChaAcesso: chave, DocNSU: doc!.nsu, DocTipoArquivo: '1', DocCNPJEmitente: h.main.cnpj })]);
    const byKey = await distribuicao(b, `<chaAcesso>${chave}</chaAcesso>`);
    expect(byKey.items).toEqual([expect.objectContaining({ DocChaAcesso: chave, DocTipoArquivo: '1' })]);
    expect(h.sim.dfe.position({ doc: b.cnpj }).consumer.keyQueries).toEqual([]);
    expect(await distribuicao(b, `<UsarUltimoNSU>N</UsarUltimoNSU><NSUEspecifico>${pad(999)}</NSUEspecifico>`)).toMatchObject({ SitCodigo: '137', SitDescricao: expect.stringMatching(/ainda não capturado/) });
  });

  test('chaAcesso not captured: one on-demand consChNFe within the key budget, stored, then answered', async () => {
    const b = await optedIn();
    const chave = await nfeFor(b);
    const d = await distribuicao(b, `<chaAcesso>${chave}</chaAcesso>`);
    expect(d).toMatchObject({ SitCodigo: '138' });
    expect(d.items).toEqual([expect.objectContaining({ DocChaAcesso: chave, DocTipoArquivo: '1', DocNSU: pad(1) })]);
    expect(decodeB64(d.items[0]!.DocXML)).toContain(`<chNFe>${chave}</chNFe>`);
    expect(await h.store.queryDfeDocuments(b.company.id, { chave })).toEqual([expect.objectContaining({ nsu: pad(1), root: 'resNFe', best: true })]);
    expect((await h.store.getDfeState(b.company.id, '55'))?.keyQueryLog).toHaveLength(1);
    expect(h.sim.dfe.position({ doc: b.cnpj }).consumer.keyQueries).toHaveLength(1);
    // Asked again: answered from the store, the AN is not asked twice.
    expect((await distribuicao(b, `<chaAcesso>${chave}</chaAcesso>`)).items).toHaveLength(1);
    expect(h.sim.dfe.position({ doc: b.cnpj }).consumer.keyQueries).toHaveLength(1);
    // The sweep later finds that NSU stored already.
    expect(await capture()).toMatchObject({ docsStored: 0, missingAdded: 0, consumoIndevido: 0 });
  });

  test('the key budget spent, a 656 block or the CNPJ\'s sweep running: no call, a message saying when to try again', async () => {
    const b = await optedIn();
    const chave = await nfeFor(b);
    const state = (await h.store.getDfeState(b.company.id, '55'))!;
    const at = now();
    await h.store.saveDfeState(b.company.id, '55', { ...state, keyQueryLog: Array.from({ length: 20 }, () => at), callLog: [at] });
    const d = await distribuicao(b, `<chaAcesso>${chave}</chaAcesso>`);
    expect(d).toMatchObject({ codigo: 100, SitCodigo: '179', items: [] });
    expect(d.SitDescricao).toMatch(/limite de consultas por chave.*tente novamente após \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-03:00/);
    await h.store.saveDfeState(b.company.id, '55', { ...state, blockedUntil: new Date(at.getTime() + HOUR) });
    expect((await distribuicao(b, `<chaAcesso>${chave}</chaAcesso>`)).SitDescricao).toMatch(/bloqueou/);
    // A sweep of the CNPJ running (its lease held elsewhere): nothing is sent beside it.
    await h.store.saveDfeState(b.company.id, '55', state);
    expect(await h.store.acquireLease(`dfe:2:${b.cnpj}`, 'another-gateway', 60_000)).toBe(true);
    expect(await distribuicao(b, `<chaAcesso>${chave}</chaAcesso>`)).toMatchObject({ SitCodigo: '179', SitDescricao: expect.stringMatching(/está consultando o Ambiente Nacional agora/) });
    await h.store.releaseLease(`dfe:2:${b.cnpj}`, 'another-gateway');
    expect(h.sim.dfe.position({ doc: b.cnpj }).consumer.keyQueries).toEqual([]);
  });

  test('another company\'s CNPJ → 173; not opted in → the CLI command; MDF-e not supported', async () => {
    const b = await optedIn();
    const other = await optedIn();
    expect(await distribuicao(b, usarUltimo(0), 'NFe', other.cnpj)).toMatchObject({ codigo: 173 });
    const c = await h.addCompany();
    expect(await distribuicao(c, usarUltimo(0))).toMatchObject({ SitCodigo: '607', SitDescricao: expect.stringContaining(`fiscal-gateway company dfe --cnpj ${c.cnpj} --model 55 on`) });
    expect(await distribuicao(b, '<UsarUltimoNSU>N</UsarUltimoNSU><NSUEspecifico>000000000000001</NSUEspecifico>', 'MDFe')).toMatchObject({ SitCodigo: '607', SitDescricao: expect.stringMatching(/MDFe não suportada/) });
  });

  test('CT-e (tomador): the cteProc captured from CTeDistribuicaoDFe', async () => {
    const b = await optedIn('57');
    const xml = cteFor(h.main, 'RS', 900 + Math.floor(Math.random() * 90_000), { serie: 7 }).replace(/<CPF_toma>[^<]*<\/CPF_toma>/, `<CNPJ_toma>${b.cnpj}</CNPJ_toma>`);
    const cte = (await h.call([xml])).documentos[0]!;
    expect(sit(cte).SitCodigo).toBe('100');
    await capture();
    const d = await distribuicao(b, '<UsarUltimoNSU>S</UsarUltimoNSU>', 'CTe');
    expect(d).toMatchObject({ SitCodigo: '138', UltimoNSU: pad(1) });
    expect(d.items).toEqual([expect.objectContaining({ DocChaAcesso: cte.DocChaAcesso, DocTipoArquivo: '2', DocCNPJEmitente: h.main.cnpj, DocSerie: '7' })]);
    expect(decodeB64(d.items[0]!.DocXML)).toMatch(/<cteProc/);
  });
});

describe('Consulta of received documents (EmitidoRecebido R)', () => {
  const recebidos = (b: TestCompany, filter: string) =>
    `<Consulta><ModeloDocumento>NFe</ModeloDocumento><Versao>4.0</Versao><tpAmb>2</tpAmb><CnpjEmpresa>${b.cnpj}</CnpjEmpresa>${filter}<EmitidoRecebido>R</EmitidoRecebido></Consulta>`;
  const PARAMS = '<ParametrosConsulta><Situacao>S</Situacao><XMLCompleto>S</XMLCompleto><Eventos>S</Eventos></ParametrosConsulta>';
  const ask = async (b: TestCompany, filter: string) => (await h.call([recebidos(b, filter)], { as: b, parametros: [PARAMS] })).documentos;

  test('by key, dates and status, from the captured documents', async () => {
    const b = await optedIn();
    const chave = await nfeFor(b);
    await capture();
    const [d] = await ask(b, `<ChaveAcesso>${chave}</ChaveAcesso>`);
    const serie = String(Number(chave.slice(22, 25)));
    expect(d).toMatchObject({ DocModelo: 'NFe', DocChaAcesso: chave, DocNumero: String(nNF), DocSerie: serie, DocSitCodigo: '100', DocStatus: '2' });
    expect(String(d!.DocProtocolo)).toMatch(/^\d{15}$/);
    expect(decodeB64(d!.DocXML)).toMatch(/^<resNFe/);
    expect(d!.Resumo).toMatchObject({ DocNomeEmitente: expect.any(String), DocCNPJDestinatario: b.cnpj });
    const today = formatDateTime(now(), '-03:00').slice(0, 10);
    expect((await ask(b, `<DataEmissaoInicial>${today}</DataEmissaoInicial><DataEmissaoFinal>${today}</DataEmissaoFinal>`)).map((x) => x.DocChaAcesso)).toEqual([chave]);
    expect((await ask(b, `<DataInclusaoInicial>${today}</DataInclusaoInicial><DataInclusaoFinal>${today}</DataInclusaoFinal>`)).map((x) => x.DocChaAcesso)).toEqual([chave]);
    expect((await ask(b, `<NumeroInicial>${nNF}</NumeroInicial><NumeroFinal>${nNF}</NumeroFinal><Serie>${serie}</Serie>`)).map((x) => x.DocChaAcesso)).toEqual([chave]);
    expect(await ask(b, `<NumeroInicial>${nNF + 1}</NumeroInicial><NumeroFinal>${nNF + 9}</NumeroFinal><Serie>${serie}</Serie>`)).toEqual([expect.objectContaining({ DocSitCodigo: '117' })]);
    expect((await ask(b, '<StatusDocumento>2</StatusDocumento>')).map((x) => x.DocChaAcesso)).toEqual([chave]);
    expect(await ask(b, '<StatusDocumento>5</StatusDocumento>')).toEqual([expect.objectContaining({ DocSitCodigo: '117' })]);
  });

  test('after the ciência the capture brings the nfeProc: the full NF-e, with the manifestação in Eventos', async () => {
    const b = await optedIn();
    const chave = await nfeFor(b);
    await capture();
    const ciencia = (await h.call([eventoXml(b.cnpj, { chave, tp: '210210', det: '<EveDesc>Ciencia da Operacao</EveDesc>' })], { as: b })).documentos[0]!;
    expect(sit(ciencia).SitCodigo).toBe('135');
    shiftMs = 2 * HOUR;
    expect(await capture()).toMatchObject({ docsStored: 1, consumoIndevido: 0 });
    const [d] = await ask(b, `<ChaveAcesso>${chave}</ChaveAcesso>`);
    expect(decodeB64(d!.DocXML)).toMatch(/^<nfeProc/);
    expect((d!.Eventos as { EventosItem: Record<string, unknown>[] }).EventosItem).toEqual([
      expect.objectContaining({ DocEveTp: '210210', DocEvenSeq: '1', cStat: '135', DocEveProtocolo: ciencia.DocProtocolo }),
    ]);
    const full = await distribuicao(b, `<chaAcesso>${chave}</chaAcesso>`);
    expect(full.items).toEqual([expect.objectContaining({ DocTipoArquivo: '2', DocNSU: pad(2) })]);
  });

  test('never the company\'s own emitted documents', async () => {
    const b = await optedIn();
    const received = await nfeFor(b);
    await capture();
    const own = (await h.call([simpleNfe({ cnpj: b.cnpj, nNF: null })], { as: b })).documentos[0]!;
    expect(sit(own).SitCodigo).toBe('100');
    expect(await ask(b, `<ChaveAcesso>${String(own.DocChaAcesso)}</ChaveAcesso>`)).toEqual([expect.objectContaining({ DocSitCodigo: '117' })]);
    const today = formatDateTime(now(), '-03:00').slice(0, 10);
    expect((await ask(b, `<DataEmissaoInicial>${today}</DataEmissaoInicial>`)).map((x) => x.DocChaAcesso)).toEqual([received]);
  });
});

const zeepAvailable = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import zeep'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// The WSDL-generated client of test/invoicy/zeep.test.ts, against the real gateway.
(zeepAvailable ? test : test.skip)('python-zeep: DistribuicaoDFe through the WSDL', async () => {
  const b = await optedIn();
  h.sim.dfe.seed({ doc: b.cnpj, count: 3 });
  await capture();
  const doc = `<DistribuicaoDFe><ModeloDocumento>NFe</ModeloDocumento><Versao>1.01</Versao><CNPJEmissor>${b.cnpj}</CNPJEmissor><tpAmb>2</tpAmb>${usarUltimo(0)}</DistribuicaoDFe>`;
  const empCK = crypto.createHash('md5').update(b.accessKey + doc).digest('hex');
  const { stdout } = await promisify(execFile)('/usr/bin/python3', [path.join(__dirname, '../invoicy/zeep_client.py'), `${h.url}?wsdl`, b.partnerKey, empCK, doc]);
  const [item] = JSON.parse(stdout).MensagemItem;
  expect([item.Codigo, item.Descricao]).toEqual([100, 'Consulta de distribuição DF-e processada']);
  const r = (parseXml(item.Documentos.DocumentosItem[0].Documento, { arrays: ['DocumentosItem'] }) as { RetornoDFe: Record<string, any> }).RetornoDFe;
  expect([String(r.UltimoNSU), r.Documentos.DocumentosItem.length, String(r.Situacao.SitCodigo)]).toEqual([pad(3), 3, '138']);
});
