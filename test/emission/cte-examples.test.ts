// Every official InvoiCy CT-e example (a new file joins by itself; a SOAP envelope gives its inner
// documents) goes through SOAP → gateway → simulator (HTTPS) and comes back authorised with a cteProc
// that our verifier, xmlsec1 and procCTe_v4.00.xsd all accept, its parties named as homologação requires.
import path from 'node:path';
import { startHarness, SCHEMAS_DIR, type Harness } from '../support/harness';
import { adaptCte, cteExamples } from '../support/cte';
import { decodeB64, ourVerify, xmlsecVerify } from '../support/checks';
import { loadXsdValidator } from '../../src/xml/xsd';
import { HOMOLOGACAO_CTE_XNOME } from '../../src/layout';

let h: Harness;
let examples: Array<[string, string]> = [];
const replies = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  h = await startHarness();
  examples = await cteExamples();
  for (const [i, [name, xml]] of examples.entries()) {
    const reply = await h.call([adaptCte(xml, { cnpj: h.main.cnpj, uf: 'RS', nCT: 500 + i, serie: 7 })]);
    replies.set(name, reply.documentos[0] ?? { raw: reply.raw });
  }
}, 120_000);

afterAll(async () => {
  await h?.close();
});

test('the CT-e example folder is found, the SOAP one included', () => {
  expect(examples.length).toBeGreaterThanOrEqual(3);
  expect(examples.map(([f]) => f)).toContain('Exemplo_EnvioSOAP_CTe.xml');
});

test('each official CT-e example → 100 with a verifiable, schema-valid cteProc', async () => {
  const procXsd = await loadXsdValidator(path.join(SCHEMAS_DIR, 'cte', 'procCTe_v4.00.xsd'));
  for (const [name] of examples) {
    const doc = replies.get(name)!;
    expect({ name, sit: doc.Situacao }).toEqual({ name, sit: { SitCodigo: '100', SitDescricao: expect.stringMatching(/Autorizado/) } });
    expect(doc.DocModelo).toBe('CTe');
    expect(String(doc.DocProtocolo)).toMatch(/^\d{15}$/);
    expect(String(doc.DocChaAcesso)).toMatch(/^43\d{18}57\d{22}$/);
    expect(String(doc.DocDhAut)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-03:00$/);
    const proc = decodeB64(doc.DocXMLBase64);
    expect(proc.startsWith('<?xml version="1.0" encoding="UTF-8"?><cteProc')).toBe(true);
    expect(proc).toContain(`<infCte versao="4.00" Id="CTe${String(doc.DocChaAcesso)}">`);
    expect(proc).toContain(`<chCTe>${String(doc.DocChaAcesso)}</chCTe>`);
    expect(proc).toContain(`<digVal>${String(doc.DocDigestValue)}</digVal>`);
    expect(proc).toContain(`<qrCodCTe>https://dfe-portal.svrs.rs.gov.br/cte/qrCode?chCTe=${String(doc.DocChaAcesso)}&amp;tpAmb=2</qrCodCTe>`);
    // Homologação: SEFAZ's fixed name for every party that has one (646–649).
    const names = [...proc.matchAll(/<(rem|exped|receb|dest)>(?:(?!<\/\1>).)*?<xNome>([^<]*)<\/xNome>/g)].map((m) => [m[1], m[2]]);
    expect(names.length).toBeGreaterThanOrEqual(2);
    for (const [party, xNome] of names) expect({ name, party, xNome }).toEqual({ name, party, xNome: HOMOLOGACAO_CTE_XNOME });
    expect(ourVerify(proc, h.sim.ca.certPem, 'infCte')).toMatchObject({ ok: true, digestValue: doc.DocDigestValue });
    const xmlsec = xmlsecVerify(proc, h.sim.ca.certPem, 'infCte', 'cte');
    expect({ name, ok: xmlsec.ok, output: xmlsec.ok ? '' : xmlsec.output }).toEqual({ name, ok: true, output: '' });
    const valid = procXsd.validate(proc);
    expect({ name, errors: valid.ok ? [] : valid.errors }).toEqual({ name, errors: [] });
  }
});
