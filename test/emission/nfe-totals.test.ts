// ICMSTot and pag end to end (SOAP → gateway → simulator): totals an ERP omits are computed from the
// items and sent, a given total that differs from the items is answered with SEFAZ's code before
// anything is numbered or sent, and pag missing becomes tPag 90 on a devolução, a clear 145 elsewhere.
import { buildChave } from '../../src/fiscal/chave';
import { decodeB64 } from '../support/checks';
import { startHarness, type Harness, type ReplyDocument, type TestCompany } from '../support/harness';
import { simpleNfe } from '../support/samples';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});

const sit = (d: ReplyDocument | undefined) => d?.Situacao as { SitCodigo: string; SitDescricao: string } | undefined;
const icmsTot = (d: ReplyDocument) => /<ICMSTot>.*<\/ICMSTot>/.exec(decodeB64(d.DocXMLBase64))?.[0];
const tag = (name: string, value: string) => `<${name}>${value}</${name}>`;

/** The simple NF-e of `c` numbered nNF, with `edit` applied to its layout text. */
function nfe(c: TestCompany, nNF: number, edit: (xml: string) => string): string {
  return edit(simpleNfe({ cnpj: c.cnpj, nNF, serie: 1 }));
}

const dropTag = (xml: string, name: string) => xml.replace(new RegExp(`\\s*<${name}>[^<]*</${name}>`), '');
const setTag = (xml: string, name: string, value: string) => xml.replace(new RegExp(`<${name}>[^<]*</${name}>`), tag(name, value));

test('an NF-e without vICMSDeson_ttlnfe and vII_ttlnfe is authorised with both computed from its items', async () => {
  const c = await h.addCompany();
  const xml = nfe(c, 1, (x) => {
    let out = dropTag(dropTag(x, 'vICMSDeson_ttlnfe'), 'vII_ttlnfe');
    // The item's ICMS desonerado, deducted from its value (NT 2023.004): vNF 100.00 − 12.00.
    out = out.replace('<CST>40</CST>', '<CST>40</CST><vICMSDeson>12.00</vICMSDeson><motDesICMS>9</motDesICMS><indDeduzDeson>1</indDeduzDeson>');
    return setTag(setTag(out, 'vNF', '88.00'), 'vPag', '88.00');
  });
  const d = (await h.call([xml], { as: c })).documentos[0]!;
  expect(sit(d)?.SitCodigo).toBe('100');
  const tot = icmsTot(d)!;
  expect(tot).toContain('<vICMSDeson>12.00</vICMSDeson>');
  expect(tot).toContain('<vII>0.00</vII>');
  expect(tot).toContain('<vNF>88.00</vNF>');
});

test('an NF-e with no ICMSTot value but vNF is authorised with every total computed from its items', async () => {
  const c = await h.addCompany();
  const xml = nfe(c, 1, (x) => {
    let out = x.replace(/<ICMStot>[\s\S]*<\/ICMStot>/, '<ICMStot><vNF>110.00</vNF></ICMStot>');
    out = out.replace('<CST>40</CST>', '<CST>00</CST><modBC>3</modBC><vBC>100.00</vBC><pICMS>18.00</pICMS><vICMS_icms>18.00</vICMS_icms>');
    out = out.replace('<CST_pis>07</CST_pis>', '<CST_pis>01</CST_pis><vBC_pis>100.00</vBC_pis><pPIS>1.65</pPIS><vPIS>1.65</vPIS>');
    out = out.replace('<CST_cofins>07</CST_cofins>', '<CST_cofins>01</CST_cofins><vBC_cofins>100.00</vBC_cofins><pCOFINS>7.60</pCOFINS><vCOFINS>7.60</vCOFINS>');
    return setTag(setTag(out, 'vFrete', '10.00'), 'vPag', '110.00');
  });
  const d = (await h.call([xml], { as: c })).documentos[0]!;
  expect(sit(d)?.SitCodigo).toBe('100');
  expect(icmsTot(d)).toBe(
    '<ICMSTot><vBC>100.00</vBC><vICMS>18.00</vICMS><vICMSDeson>0.00</vICMSDeson><vFCP>0.00</vFCP><vBCST>0.00</vBCST><vST>0.00</vST>' +
    '<vFCPST>0.00</vFCPST><vFCPSTRet>0.00</vFCPSTRet><vProd>100.00</vProd><vFrete>10.00</vFrete><vSeg>0.00</vSeg><vDesc>0.00</vDesc>' +
    '<vII>0.00</vII><vIPI>0.00</vIPI><vIPIDevol>0.00</vIPIDevol><vPIS>1.65</vPIS><vCOFINS>7.60</vCOFINS><vOutro>0.00</vOutro>' +
    '<vNF>110.00</vNF></ICMSTot>',
  );
});

test('a vNF that differs from the items → 610 naming the field, the expected and the given value; nothing sent, the number resent corrected → 100', async () => {
  const c = await h.addCompany();
  const d = (await h.call([nfe(c, 5, (x) => setTag(setTag(x, 'vNF', '90.00'), 'vPag', '90.00'))], { as: c })).documentos[0]!;
  expect(sit(d)).toEqual({
    SitCodigo: '610',
    SitDescricao: 'Rejeição: Total da NF difere do somatório dos Valores compõe o valor Total da NF. [vNF informado 90.00, calculado a partir dos itens 100.00]',
  });
  const row = (await h.store.findDocumentByNumber(c.company.id, '2', '55', 1, 5))!;
  expect(row).toMatchObject({ docStatus: 3, stage: 'settled', cStat: '610' });
  expect((await h.store.getDocumentXml(c.company.id, row.id, ['xmlSigned']))?.xmlSigned ?? null).toBeNull();
  expect(h.sim.state.getDocument(row.chave!, '2')).toBeUndefined();
  const fixed = (await h.call([nfe(c, 5, (x) => x)], { as: c })).documentos[0]!;
  expect(sit(fixed)?.SitCodigo).toBe('100');
});

test('a resend of an authorised number with a wrong total gets the stored authorisation, not the rejection', async () => {
  const c = await h.addCompany();
  const first = (await h.call([nfe(c, 1, (x) => x)], { as: c })).documentos[0]!;
  expect(sit(first)?.SitCodigo).toBe('100');
  const again = (await h.call([nfe(c, 1, (x) => setTag(x, 'vNF', '90.00'))], { as: c })).documentos[0]!;
  expect(sit(again)?.SitCodigo).toBe('100');
  expect(again.DocProtocolo).toBe(first.DocProtocolo);
});

test('the first divergent total in SEFAZ order is the one answered (vProd 564 before vNF 610)', async () => {
  const c = await h.addCompany();
  const d = (await h.call([nfe(c, 1, (x) => setTag(setTag(x, 'vProd_ttlnfe', '90.00'), 'vNF', '90.00'))], { as: c })).documentos[0]!;
  expect(sit(d)).toMatchObject({ SitCodigo: '564', SitDescricao: expect.stringContaining('[vProd informado 90.00, calculado a partir dos itens 100.00]') });
});

test('a devolução (finNFe 4) without pag → 100 with tPag 90 Sem pagamento', async () => {
  const c = await h.addCompany();
  const ref = buildChave({ cUF: '43', aamm: '2601', cnpj: c.cnpj, mod: '55', serie: 1, nNF: 900, tpEmis: '1', cNF: '12345678' });
  const xml = nfe(c, 1, (x) => x
    .replace('<finNFe>1</finNFe>', `<finNFe>4</finNFe><NFRef><NFRefItem><refNFe>${ref}</refNFe></NFRefItem></NFRef>`)
    .replace(/<pag>[\s\S]*<\/pag>/, ''));
  const d = (await h.call([xml], { as: c })).documentos[0]!;
  expect(sit(d)?.SitCodigo).toBe('100');
  expect(decodeB64(d.DocXMLBase64)).toContain('<pag><detPag><tPag>90</tPag><vPag>0.00</vPag></detPag></pag>');
});

test('a sale (finNFe 1) without pag → 145 with a message naming pag and how to fill it', async () => {
  const c = await h.addCompany();
  const d = (await h.call([nfe(c, 1, (x) => x.replace(/<pag>[\s\S]*<\/pag>/, ''))], { as: c })).documentos[0]!;
  expect(sit(d)).toEqual({
    SitCodigo: '145',
    SitDescricao: 'Erro no layout de integração: Envio/pag: grupo de formas de pagamento obrigatório não informado; informe pagItem com tPag ' +
      'e vPag (só a NF-e de ajuste ou devolução, finNFe 3 ou 4, pode omiti-lo: recebe tPag 90 Sem pagamento)',
  });
});
