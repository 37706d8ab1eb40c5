// A WSDL-generated client (python-zeep) against the served WSDL: proves names, namespaces and types.
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseXml } from '../../src/xml/parse';
import { ACCESS_KEY, md5, nfe, PARTNER_KEY, startServer, type TestServer } from './helpers';

const PYTHON = '/usr/bin/python3';
const zeepAvailable = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import zeep'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!zeepAvailable) console.warn('zeep indisponível (/usr/bin/python3 -c "import zeep" falhou): teste com cliente zeep ignorado');

const run = promisify(execFile);

async function callZeep(port: number, empCK: string, documento: string): Promise<any> {
  const { stdout } = await run(PYTHON, [path.join(__dirname, 'zeep_client.py'), `http://127.0.0.1:${port}/arecepcao.aspx?wsdl`, PARTNER_KEY, empCK, documento]);
  return JSON.parse(stdout);
}

(zeepAvailable ? describe : describe.skip)('python-zeep client', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  test('wrong key → Codigo 173', async () => {
    const reply = await callZeep(s.port, md5('wrong'), nfe());
    expect(reply.MensagemItem).toHaveLength(1);
    expect(reply.MensagemItem[0].Codigo).toBe(173);
    expect(reply.MensagemItem[0].Descricao).toBe('Chave de comunicação inválida');
  });

  test('right key → Codigo 100 and a Documento that parses as XML', async () => {
    const doc = nfe(undefined, 5, 'NFe', ' ÁÉÍ');
    const reply = await callZeep(s.port, md5(ACCESS_KEY + doc), doc);
    const [item] = reply.MensagemItem;
    expect(item.Codigo).toBe(100);
    expect(item.Descricao).toBe('Documentos processados');
    const inner = parseXml(item.Documentos.DocumentosItem[0].Documento) as any;
    expect(inner.Documento.Situacao.SitCodigo).toBe('100');
    expect(s.backend.calls.at(-1)![0]!.documentXml).toBe(doc);
  });
});
