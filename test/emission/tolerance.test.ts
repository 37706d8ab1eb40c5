// The tolerant reader over SOAP (issue 14 §1): what Migrate's PHP sample still sends from the 3.10
// era (indPag, procEmi, verProc, xJus …) is authorised and logged, a misspelled field gets 145 with
// a suggestion unless the company chose to ignore unknown fields, Versao 3.10 is one plain message,
// and a foreign address's CEP "0" no longer stops an NF-e. Each test uses its own company.
import fs from 'node:fs';
import path from 'node:path';
import { startHarness, type Harness, type TestCompany } from '../support/harness';
import { adaptEnvio, readExample } from '../support/samples';
import { decodeB64 } from '../support/checks';
import { captureLogs } from '../support/logs';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../fixtures', name), 'utf8');
const sit = (d: Record<string, unknown> | undefined) => d?.Situacao as { SitCodigo: string; SitDescricao: string };
const LEFTOVERS = /indPag|procEmi|verProc|xJus|cDV|clEnq|fone/;

async function send(company: TestCompany, xml: string): Promise<Record<string, unknown>> {
  const reply = await h.call([adaptEnvio(xml, { cnpj: company.cnpj, nNF: 1 })], { as: company });
  expect(reply.messages.map((m) => m.codigo)).toEqual([100]);
  return reply.documentos[0]!;
}

describe("Migrate's PHP sample, 3.10-era documents", () => {
  test('an NF-e carrying indPag, procEmi, verProc, xJus, cDV and clEnq is authorised, with one log line naming what was tolerated', async () => {
    const company = await h.addCompany();
    const logs = captureLogs();
    let doc;
    try {
      doc = await send(company, fixture('nfe-3.10-leftovers.xml'));
    } finally {
      logs.detach();
    }
    expect(sit(doc)).toEqual({ SitCodigo: '100', SitDescricao: expect.stringMatching(/Autorizado/) });
    const proc = decodeB64(doc.DocXMLBase64);
    expect(proc).toContain('<procEmi>0</procEmi>');
    expect(proc).toMatch(/<detPag><indPag>0<\/indPag><tPag>01<\/tPag>/);
    const lines = logs.lines.filter((l) => l.message === 'layout: campos tolerados');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ cnpj: company.cnpj, modelo: 'NFe', serie: '1', numero: '1' });
    expect(lines[0]!.tolerados).toEqual(expect.arrayContaining([
      'Envio/ide/indPag "0" → pag/pagItem/indPag_pag', 'Envio/ide/procEmi descartado', 'Envio/ide/verProc descartado',
      'Envio/ide/xJus → xJust', 'Envio/ide/cDV descartado', 'Envio/det/detItem[1]/imposto/IPI/clEnq descartado',
    ]));
  });

  test('an NFC-e carrying indPag, procEmi and verProc is authorised', async () => {
    const company = await h.addCompany();
    const doc = await send(company, fixture('nfce-3.10-leftovers.xml'));
    expect(sit(doc)).toEqual({ SitCodigo: '100', SitDescricao: expect.stringMatching(/Autorizado/) });
    expect(decodeB64(doc.DocXMLBase64)).toMatch(/<detPag><indPag>0<\/indPag><tPag>01<\/tPag>/);
  });

  // The sample also omits vICMSDeson_ttlnfe, vII_ttlnfe and pag. The totals are computed from the
  // items; pag may be omitted only by an ajuste or devolução (finNFe 3/4), so a sale without it gets
  // that one clear message — never one about a tolerated leftover.
  const withoutTotals = (xml: string) => xml.replace(/\s*<vICMSDeson_ttlnfe>[^<]*<\/vICMSDeson_ttlnfe>/, '').replace(/\s*<vII_ttlnfe>[^<]*<\/vII_ttlnfe>/, '');
  test.each(['nfe-3.10-leftovers.xml', 'nfce-3.10-leftovers.xml'])('%s without vICMSDeson and vII is authorised', async (file) => {
    const company = await h.addCompany();
    const xml = withoutTotals(fixture(file));
    expect(xml).not.toMatch(/vICMSDeson_ttlnfe|vII_ttlnfe/);
    const doc = await send(company, xml);
    expect(sit(doc)).toEqual({ SitCodigo: '100', SitDescricao: expect.stringMatching(/Autorizado/) });
    expect(decodeB64(doc.DocXMLBase64)).toContain('<vICMSDeson>0.00</vICMSDeson>');
  });

  test.each(['nfe-3.10-leftovers.xml', 'nfce-3.10-leftovers.xml'])('%s without vICMSDeson, vII and pag (a sale): only the missing pag is refused', async (file) => {
    const company = await h.addCompany();
    const xml = withoutTotals(fixture(file)).replace(/\s*<pag>[\s\S]*<\/pag>/, '');
    expect(xml).not.toMatch(/<pag>/);
    const { SitCodigo, SitDescricao } = sit(await send(company, xml));
    expect(SitCodigo).toBe('145');
    expect(SitDescricao.match(/Envio\/[\w/[\]]+/g)).toEqual(['Envio/pag']);
    expect(SitDescricao).not.toMatch(LEFTOVERS);
  });
});

describe('unknown fields', () => {
  const misspelt = fixture('nfe-3.10-leftovers.xml').replace('<xFant>Teste</xFant>', '<xFnat>Teste</xFnat>');

  test('a misspelled field is a 145 that suggests the layout name', async () => {
    const company = await h.addCompany();
    expect(sit(await send(company, misspelt))).toEqual({
      SitCodigo: '145', SitDescricao: 'Erro no layout de integração: Envio/emit/xFnat: campo desconhecido no layout (você quis dizer xFant?)',
    });
  });

  test('a company set to ignore them gets the document authorised and the field logged; set back to reject, 145 again', async () => {
    const company = await h.addCompany();
    await h.store.updateCompany(company.company.id, { unknownFields: 'ignore' });
    const logs = captureLogs();
    let doc;
    try {
      doc = await send(company, misspelt);
    } finally {
      logs.detach();
    }
    expect(sit(doc).SitCodigo).toBe('100');
    const line = logs.lines.find((l) => l.message === 'layout: campos tolerados');
    expect(line).toMatchObject({ cnpj: company.cnpj, numero: '1' });
    expect(line?.tolerados).toContain('Envio/emit/xFnat ignorado (campo desconhecido)');

    await h.store.updateCompany(company.company.id, { unknownFields: 'reject' });
    const again = await h.call([adaptEnvio(misspelt, { cnpj: company.cnpj, nNF: 2 })], { as: company });
    expect(sit(again.documentos[0])).toMatchObject({ SitCodigo: '145', SitDescricao: expect.stringContaining('você quis dizer xFant?') });
  });
});

test('Versao 3.10 is one plain message naming the supported version', async () => {
  const company = await h.addCompany();
  const xml = fixture('nfe-3.10-leftovers.xml').replace('<Versao>4.00</Versao>', '<Versao>3.10</Versao>');
  expect(sit(await send(company, xml))).toEqual({
    SitCodigo: '145',
    SitDescricao: 'Erro no layout de integração: versão 3.10 do layout não suportada: este serviço recebe NF-e e NFC-e somente no layout 4.00',
  });
});

test('an NF-e to a foreign address with CEP_dest "0" is authorised, without CEP', async () => {
  const company = await h.addCompany();
  const xml = readExample('NFe', 'Exemplo_Importacao_NFe 4.0.xml').replace(/<CEP_dest>[^<]*<\/CEP_dest>/, '<CEP_dest>0</CEP_dest>');
  expect(xml).toContain('<UF_dest>EX</UF_dest>');
  const doc = await send(company, xml);
  expect(sit(doc)).toEqual({ SitCodigo: '100', SitDescricao: expect.stringMatching(/Autorizado/) });
  const enderDest = /<enderDest>([\s\S]*?)<\/enderDest>/.exec(decodeB64(doc.DocXMLBase64))?.[1];
  expect(enderDest).toContain('<UF>EX</UF>');
  expect(enderDest).not.toContain('<CEP>');
});
