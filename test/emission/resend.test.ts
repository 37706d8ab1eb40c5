// Resends of a number the gateway already holds, over SOAP against the simulator: concurrent sends of
// one number during contingency all name the key that is authorised (the SVC one, not the tpEmis 1
// key the document had before it was re-keyed); a resend of an authorised number with another content
// keeps the stored answer but says it was not transmitted (and logs it), while the same content —
// whitespace aside — gets exactly the first answer.
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { simpleNfe } from '../support/samples';
import { captureLogs } from '../support/logs';
import { nfeFor } from './jobs-support';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});
afterEach(() => h.sim.faults.reset());

const sit = (d: Record<string, unknown>) => d.Situacao as { SitCodigo: string; SitDescricao: string };

test('twenty concurrent sends of one number during contingency all name the SVC key that is authorised', async () => {
  const c: TestCompany = await h.addCompany({ uf: 'RS' });
  await h.store.updateCompany(c.company.id, { contingency: { '55': { options: ['SVC'], transitionMode: 'invoicy' } } });
  await h.store.setContingency({ tpAmb: '2', uf: 'RS', model: '55' }, { state: 'contingency', since: new Date(), cause: 'teste', probeFailures: 0 });
  // A slow SVC status check keeps the first call's row on its tpEmis 1 key for a while before the re-keying.
  h.sim.faults.add({ authorizer: 'SVCAN', service: 'NFeStatusServico4', mode: 'slow', ms: 500, times: 1 });

  const xml = simpleNfe({ cnpj: c.cnpj, nNF: 5, serie: 1 });
  const replies = await Promise.all(Array.from({ length: 20 }, () => h.call([xml], { as: c })));

  const row = (await h.store.findDocumentByNumber(c.company.id, '2', '55', 1, 5))!;
  expect(row).toMatchObject({ docStatus: 15, tpEmis: '6' });
  expect(h.sim.state.getDocument(row.chave!, '2')).toMatchObject({ authorizer: 'SVCAN', status: 'authorized' });
  const docs = replies.map((r) => r.documentos[0]!);
  expect([...new Set(docs.map((d) => String(d.DocChaAcesso)))]).toEqual([row.chave]);
  expect(docs.map((d) => sit(d).SitCodigo)).toEqual(Array(20).fill('100'));
  // Issued in contingency, for every reply: the SVC status is stored in the same write as the protocol.
  expect(replies.map((r) => r.messages[0]!.codigo)).toEqual(Array(20).fill(109));
});

test('one number twice in one call: the first is sent, the second answered 105 at once without a key', async () => {
  const c = await h.addCompany({ uf: 'SP' });
  const xml = nfeFor(c, 'SP', 3);
  const started = Date.now();
  const reply = await h.call([xml, xml], { as: c });
  expect(Date.now() - started).toBeLessThan(15_000);
  const [a, b] = reply.documentos;
  expect(sit(a!).SitCodigo).toBe('100');
  expect(sit(b!)).toEqual({ SitCodigo: '105', SitDescricao: 'Documento em processamento; consulte a situação antes de reenviar' });
  expect(b!.DocChaAcesso ?? '').toBe('');
});

describe('resend of an authorised number', () => {
  let c: TestCompany;
  let first: Record<string, unknown>;
  let original: string;

  beforeAll(async () => {
    c = await h.addCompany({ uf: 'MG' });
    original = nfeFor(c, 'MG', 1);
    first = (await h.call([original], { as: c })).documentos[0]!;
    expect(sit(first).SitCodigo).toBe('100');
  });

  test('the same content (whitespace aside) gets exactly the first answer, without warning', async () => {
    const logs = captureLogs();
    try {
      const again = await h.call([original.replace(/>\s*</g, '>\n    <')], { as: c });
      expect(again.documentos[0]).toEqual(first);
      expect(logs.lines.filter((l) => l.level === 'warn')).toEqual([]);
    } finally {
      logs.detach();
    }
  });

  test('another content keeps the stored authorisation, says it was not transmitted, and logs a warning', async () => {
    const logs = captureLogs();
    try {
      const changed = original.replace('<vProd>100.00</vProd>', '<vProd>90.00</vProd>');
      expect(changed).not.toBe(original);
      const again = (await h.call([changed], { as: c })).documentos[0]!;
      expect(again).toMatchObject({ DocChaAcesso: first.DocChaAcesso, DocProtocolo: first.DocProtocolo, DocXMLBase64: first.DocXMLBase64 });
      expect(sit(again)).toEqual({
        SitCodigo: '100',
        SitDescricao: `${sit(first).SitDescricao}. Atenção: o conteúdo reenviado difere do documento original deste número e não foi transmitido à SEFAZ`,
      });
      expect(logs.lines).toContainEqual(expect.objectContaining({
        level: 'warn', message: 'reenvio com conteúdo diferente do documento original: não transmitido', numero: '1', serie: '1', chave: String(first.DocChaAcesso),
      }));
      // Nothing reached SEFAZ: the stored row is untouched.
      const row = (await h.store.findDocumentByNumber(c.company.id, '2', '55', 1, 1))!;
      expect((await h.store.getDocumentXml(c.company.id, row.id, ['layoutXml']))?.layoutXml).toBe(original);
      expect(row.xMotivo).toBe(sit(first).SitDescricao);
    } finally {
      logs.detach();
    }
  });
});
