// Every official InvoiCy example whose root is <Envio> (NF-e and NFC-e folders; a new file joins by
// itself) goes through SOAP → gateway → simulator (HTTPS) and must come back authorised with an
// nfeProc that our verifier, xmlsec1 and procNFe_v4.00.xsd all accept.
import path from 'node:path';
import { startHarness, type Harness } from '../support/harness';
import { adaptEnvio, envioExamples, readExample } from '../support/samples';
import { decodeB64, mapLimit, ourVerify, validateProcNFe, xmlsecVerify } from '../support/checks';
import fs from 'node:fs';

// `XML_Todos_Campos_40.xml` is a catalogue of every field with EMPTY values (even ModeloDocumento),
// not a document: it is expected to be refused (request code 176) and is checked apart.
const isCatalogue = (f: string) => /<ModeloDocumento\s*\/>/.test(fs.readFileSync(f, 'utf8'));
const all = [...envioExamples('NFe').map((f) => ['NFe', f] as const), ...envioExamples('NFCe').map((f) => ['NFCe', f] as const)];
// Official examples that SEFAZ itself would refuse: the gateway must answer them as layout errors.
const INVALID: Record<string, RegExp> = {
  // nRECOPI is 20 digits in leiauteNFe_v4.00.xsd; the example sends "123456".
  'NFe Conjugada 4.0.xml': /prod\/nRECOPI: valor "123456" inválido/,
};
const examples = all.filter(([, f]) => !isCatalogue(f));
const catalogues = all.filter(([, f]) => isCatalogue(f)).map(([, f]) => f);

let h: Harness;
const replies = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  h = await startHarness();
  // Limited concurrency: several SOAP calls in flight, one document each (synchronous path).
  await mapLimit(examples, 4, async ([, file], i) => {
    const xml = adaptEnvio(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), { cnpj: h.main.cnpj, nNF: 1000 + i, serie: 1 });
    const reply = await h.call([xml]);
    replies.set(file, reply.documentos[0] ?? { raw: reply.raw });
  });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

test.each(catalogues.map((f) => [path.basename(f), f]))('catalogue %s is refused as an unidentified document', async (_n, file) => {
  const reply = await h.call([fs.readFileSync(file, 'utf8')]);
  expect(reply.messages.map((m) => m.codigo)).toEqual([176]);
});

test('the example folders hold Envio documents', () => {
  expect(examples.filter(([m]) => m === 'NFe').length).toBeGreaterThan(30);
  expect(examples.filter(([m]) => m === 'NFCe').length).toBeGreaterThanOrEqual(1);
});

test.each(examples.map(([m, f]) => [`${m}/${path.basename(f)}`, f]))('%s → 100 with a verifiable, schema-valid nfeProc', async (_name, file) => {
  const doc = replies.get(file)!;
  const invalid = INVALID[path.basename(file)];
  if (invalid) {
    expect(doc.Situacao).toEqual({ SitCodigo: '145', SitDescricao: expect.stringMatching(invalid) });
    return;
  }
  expect(doc.Situacao).toEqual({ SitCodigo: '100', SitDescricao: expect.stringMatching(/Autorizado/) });
  expect(String(doc.DocProtocolo)).toMatch(/^\d{15}$/);
  expect(String(doc.DocChaAcesso)).toMatch(/^\d{44}$/);
  expect(String(doc.DocDhAut)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-03:00$/);
  const proc = decodeB64(doc.DocXMLBase64);
  expect(proc.startsWith('<?xml version="1.0" encoding="UTF-8"?><nfeProc')).toBe(true);
  expect(proc).toContain(`<chNFe>${doc.DocChaAcesso}</chNFe>`);
  expect(proc).toContain(`<digVal>${doc.DocDigestValue}</digVal>`);

  const ours = ourVerify(proc, h.sim.ca.certPem);
  expect(ours).toMatchObject({ ok: true, digestValue: doc.DocDigestValue });
  const xmlsec = xmlsecVerify(proc, h.sim.ca.certPem);
  expect(xmlsec).toMatchObject({ ok: true });
  expect(await validateProcNFe(proc)).toEqual({ ok: true });
});

test('the examples\' own placeholder parties (IE 9999999999, CNPJ 99999999999999) are rejected before sending, as SEFAZ would', async () => {
  const xml = adaptEnvio(readExample('NFe', 'Exemplo_NFe Simples 4.0.xml'), { cnpj: h.main.cnpj, nNF: 1990, serie: 1, keepPlaceholders: true });
  const doc = (await h.call([xml])).documentos[0];
  expect(doc.Situacao).toEqual({ SitCodigo: '209', SitDescricao: 'Rejeição: IE do emitente inválida' });
});
