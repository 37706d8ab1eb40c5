// The simulator applies SEFAZ's totals rule to an NF-e posted directly (no gateway in between): a
// total that differs from the items is rejected with SEFAZ's cStat and text, as homologação would.
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import type { IssuedCertificate } from '../../src/signing/testca';
import { buildNfe, call, companyCert, enviNFe, SCHEMAS_DIR, sign } from './helpers';

let sim: RunningSimulator;
let cert: IssuedCertificate;
let nextNumber = 7000;

beforeAll(async () => {
  sim = await startSimulator({ schemasDir: SCHEMAS_DIR });
  cert = companyCert(sim.ca);
});
afterAll(async () => sim.close());

async function authorize(edit: (xml: string) => string): Promise<{ cStats: string[]; xMotivo?: string }> {
  const nfe = buildNfe({ nNF: nextNumber++, vNF: '500.00' });
  const signed = await sign(edit(nfe.xml), 'infNFe', cert);
  const r = await call(sim.httpsUrl, sim.ca, '/SP/NFeAutorizacao4', 'NFeAutorizacao4', enviNFe([signed], '1'), { cert });
  return { cStats: r.cStats, xMotivo: /<protNFe[\s\S]*<xMotivo>([^<]*)<\/xMotivo>/.exec(r.body)?.[1] };
}

test.each([
  ['vNF', '610', '<vNF>500.00</vNF>', '<vNF>499.99</vNF>', 'Rejeição: Total da NF difere do somatório dos Valores compõe o valor Total da NF.'],
  ['vProd', '564', '<vProd>500.00</vProd><vFrete>', '<vProd>400.00</vProd><vFrete>', 'Rejeição: Total do Produto / Serviço difere do somatório dos itens'],
  ['vBC', '531', '<vBC>0.00</vBC><vICMS>0.00</vICMS><vICMSDeson>', '<vBC>10.00</vBC><vICMS>0.00</vICMS><vICMSDeson>', 'Rejeição: Total da BC ICMS difere do somatório dos itens'],
  ['vFrete', '535', '<vFrete>0.00</vFrete><vSeg>', '<vFrete>5.00</vFrete><vSeg>', 'Rejeição: Total do Frete difere do somatório dos itens'],
])('a wrong %s posted directly → %s', async (_f, cStat, right, wrong, xMotivo) => {
  const r = await authorize((xml) => {
    expect(xml).toContain(right);
    return xml.replace(right, wrong);
  });
  expect(r).toEqual({ cStats: ['104', cStat], xMotivo });
});

test('totals that match the items are authorised', async () => {
  expect((await authorize((xml) => xml)).cStats).toEqual(['104', '100']);
});

test('a vNF without the ICMS desonerado deducted is accepted (NT 2013/005 exceção 3)', async () => {
  // A regime normal emitter (CRT 3): CST 40 with ICMS desonerado, the total's vNF left at 500.00.
  const r = await authorize((xml) => xml
    .replace('<CRT>1</CRT>', '<CRT>3</CRT>')
    .replace('<ICMSSN102><orig>0</orig><CSOSN>102</CSOSN></ICMSSN102>',
      '<ICMS40><orig>0</orig><CST>40</CST><vICMSDeson>20.00</vICMSDeson><motDesICMS>9</motDesICMS></ICMS40>')
    .replace('<vICMSDeson>0.00</vICMSDeson><vFCP>', '<vICMSDeson>20.00</vICMSDeson><vFCP>'));
  expect(r.cStats).toEqual(['104', '100']);
});
