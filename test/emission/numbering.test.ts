// Numbering and key rules through SOAP: automatic numbers under concurrency (distinct, no hole),
// client numbers respected, idempotent resend, rejected numbers re-usable, inutilizado numbers
// never handed out; cNF random and ≠ nNF, chave/cDV/Id consistent, homologação substitutions.
import { startHarness, type Harness } from '../support/harness';
import { simpleNfe, simpleNfce } from '../support/samples';
import { decodeB64, mapLimit } from '../support/checks';
import { chaveDv, parseChave } from '../../src/fiscal/chave';
import { formatDateTime, parseDateTime } from '../../src/fiscal/datetime';
import { HOMOLOGACAO_DEST_XNOME, HOMOLOGACAO_XPROD } from '../../src/layout';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});

const sit = (d: Record<string, unknown>) => (d.Situacao as { SitCodigo: string; SitDescricao: string });

test('200 concurrent emissions without nNF get 200 distinct consecutive numbers', async () => {
  const serie = 7;
  // 20 SOAP calls of 10 NF-e each, 5 calls in flight: every call is one async lote.
  const calls = Array.from({ length: 20 }, () => Array.from({ length: 10 }, () => simpleNfe({ cnpj: h.main.cnpj, nNF: null, serie })));
  const replies = await mapLimit(calls, 5, (docs) => h.call(docs));
  const docs = replies.flatMap((r) => r.documentos);
  expect(docs).toHaveLength(200);
  for (const d of docs) expect(sit(d).SitCodigo).toBe('100');
  const numbers = docs.map((d) => Number(d.DocNumero)).sort((a, b) => a - b);
  expect(new Set(numbers).size).toBe(200);
  expect(numbers[0]).toBe(1);
  expect(numbers[199]).toBe(200);
}, 120_000);

test('chave, cDV, Id, cNF and dhEmi are consistent; homologação substitutions applied', async () => {
  const now = new Date();
  const reply = await h.call([simpleNfe({ cnpj: h.main.cnpj, nNF: 501, serie: 2, now })]);
  const d = reply.documentos[0]!;
  expect(sit(d).SitCodigo).toBe('100');
  const chave = String(d.DocChaAcesso);
  const parts = parseChave(chave);
  expect(parts).toMatchObject({ cUF: '43', cnpj: h.main.cnpj, mod: '55', serie: 2, nNF: 501, tpEmis: '1' });
  expect(chaveDv(chave.slice(0, 43))).toBe(parts.cDV);
  expect(Number(parts.cNF)).not.toBe(501);
  const proc = decodeB64(d.DocXMLBase64);
  expect(proc).toContain(`Id="NFe${chave}"`);
  expect(proc).toContain(`<cNF>${parts.cNF}</cNF>`);
  expect(proc).toContain(`<cDV>${parts.cDV}</cDV>`);
  expect(proc).toContain(`<xNome>${HOMOLOGACAO_DEST_XNOME}</xNome>`);
  // The layout's dhEmi (local) + fusoHorario (-03:00) become one TDateTimeUTC.
  expect(proc).toContain(`<dhEmi>${formatDateTime(now, '-03:00')}</dhEmi>`);
  // A second document gets another random cNF.
  const other = (await h.call([simpleNfe({ cnpj: h.main.cnpj, nNF: 502, serie: 2 })])).documentos[0]!;
  expect(parseChave(String(other.DocChaAcesso)).cNF).not.toBe(parts.cNF);
});

test('without dhEmi/fusoHorario the emission instant is now at the emitter UF offset', async () => {
  const xml = simpleNfe({ cnpj: h.main.cnpj, nNF: 503, serie: 2 }).replace(/<dhEmi>[^<]*<\/dhEmi>/, '').replace(/<fusoHorario>[^<]*<\/fusoHorario>/, '');
  const before = Date.now();
  const d = (await h.call([xml])).documentos[0]!;
  expect(d.Situacao).toMatchObject({ SitCodigo: '100' });
  const dhEmi = /<dhEmi>([^<]+)<\/dhEmi>/.exec(decodeB64(d.DocXMLBase64))![1]!;
  expect(dhEmi).toMatch(/-03:00$/);
  const at = parseDateTime(dhEmi)!.getTime();
  expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
  expect(at).toBeLessThanOrEqual(Date.now());
});

test('NFC-e: first item xProd replaced in homologação, QR code v2 and urlChave present', async () => {
  const d = (await h.call([simpleNfce({ cnpj: h.main.cnpj, nNF: 1, serie: 3 })])).documentos[0]!;
  expect(sit(d)).toMatchObject({ SitCodigo: '100' });
  const proc = decodeB64(d.DocXMLBase64);
  expect(proc).toContain(`<xProd>${HOMOLOGACAO_XPROD}</xProd>`);
  expect(proc).toMatch(new RegExp(`</infNFe><infNFeSupl><qrCode>[^<]*\\?p=${d.DocChaAcesso}\\|2\\|2\\|1\\|[0-9A-F]{40}</qrCode><urlChave>[^<]+</urlChave></infNFeSupl><Signature`));
});

test('a given nNF is respected and a resend returns the stored result without reaching SEFAZ', async () => {
  const xml = simpleNfe({ cnpj: h.main.cnpj, nNF: 777, serie: 4 });
  const first = (await h.call([xml])).documentos[0]!;
  expect(first).toMatchObject({ DocNumero: '777', DocSerie: '4' });
  expect(sit(first).SitCodigo).toBe('100');
  // Any transmission would consume this fault; a resend must not transmit.
  h.sim.faults.add({ authorizer: '*', service: 'NFeAutorizacao4', mode: 'reject', cStat: '999', times: 1 });
  const again = (await h.call([xml])).documentos[0]!;
  expect(again.DocProtocolo).toBe(first.DocProtocolo);
  expect(again.DocChaAcesso).toBe(first.DocChaAcesso);
  expect(again.DocXMLBase64).toBe(first.DocXMLBase64);
  expect(h.sim.faults.list()).toHaveLength(1);
  h.sim.faults.reset();
});

test('a rejected number may be sent again after correction and is then authorised', async () => {
  h.sim.faults.add({ authorizer: '*', service: 'NFeAutorizacao4', mode: 'reject', cStat: '999', times: 1 });
  const rejected = (await h.call([simpleNfe({ cnpj: h.main.cnpj, nNF: 900, serie: 5 })])).documentos[0]!;
  expect(sit(rejected).SitCodigo).toBe('999');
  const row = await h.store.findDocumentByNumber(h.main.company.id, '2', '55', 5, 900);
  expect(row?.docStatus).toBe(3);
  const ok = (await h.call([simpleNfe({ cnpj: h.main.cnpj, nNF: 900, serie: 5 })])).documentos[0]!;
  expect(sit(ok).SitCodigo).toBe('100');
  expect(ok.DocNumero).toBe('900');
  expect(ok.DocChaAcesso).not.toBe(rejected.DocChaAcesso);
});

test('inutilizado numbers are refused and never handed out automatically', async () => {
  const serie = 6;
  const inut = `<Inutilizacao><ModeloDocumento>NFe</ModeloDocumento><Versao>4.00</Versao><CnpjEmissor>${h.main.cnpj}</CnpjEmissor><Ambiente>2</Ambiente><NumeroInicial>1</NumeroInicial><NumeroFinal>3</NumeroFinal><Serie>${serie}</Serie><Justificativa>inutilizacao por motivos de pulo de numeracao</Justificativa></Inutilizacao>`;
  const r = (await h.call([inut])).documentos[0]!;
  expect(sit(r).SitCodigo).toBe('102');
  const auto = (await h.call([simpleNfe({ cnpj: h.main.cnpj, nNF: null, serie })])).documentos[0]!;
  expect(sit(auto).SitCodigo).toBe('100');
  expect(auto.DocNumero).toBe('4');
  const given = (await h.call([simpleNfe({ cnpj: h.main.cnpj, nNF: 2, serie })])).documentos[0]!;
  expect(sit(given).SitCodigo).toBe('206');
  expect(sit(given).SitDescricao).toMatch(/inutilizado/);
});
