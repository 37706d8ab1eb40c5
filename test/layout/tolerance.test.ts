// The tolerant reader (issue 14 §1): the tolerance table applied to NF-e/NFC-e documents, the layout
// version check and unknown fields (suggestion, or left out for a company that chose to ignore them).
// Each rendering is validated against the official NF-e schema.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseNfeEnvio, renderNfe, type NfeDraft, type RenderOptions } from '../../src/layout';
import { checkValue } from '../../src/layout/format';
import type { IField } from '../../src/layout/definition';
import { nfeLayout, sefazElement } from '../../src/layout/nfe/definition';
import { NFE_TOLERANCE } from '../../src/layout/nfe/tolerance';
import { tolerateNfe } from '../../src/layout/nfe/tolerate';
import { kidsOf } from '../../src/xml/ordered';
import { parseXmlOrdered } from '../../src/xml/parse';
import { loadXsdValidator } from '../../src/xml/xsd';
import { examplesDir, nfeXsd, TEST_CNPJ, withPlaceholderSignature, withTestEmitter } from './helpers';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../fixtures', name), 'utf8').replace(/00000000000000/, TEST_CNPJ);
const leftovers = fixture('nfe-3.10-leftovers.xml');
const opts: RenderOptions = { nNF: '1', cNF: '10293847', dhEmi: '2026-01-10T10:00:00-03:00', tpEmis: '1', tpAmb: '2', verProc: 'fiscal-gateway' };

function read(xml: string): NfeDraft {
  const r = parseNfeEnvio(xml);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.draft;
}
async function rendered(xml: string): Promise<string> {
  const { xml: nfe, chave } = renderNfe(read(xml), opts);
  expect((await loadXsdValidator(nfeXsd)).validate(withPlaceholderSignature(nfe, chave))).toEqual({ ok: true });
  return nfe;
}
const errorsOf = (xml: string, unknownFields?: 'reject' | 'ignore') => {
  const r = parseNfeEnvio(xml, undefined, unknownFields);
  return r.ok ? [] : r.errors.map((e) => e.message);
};
const between = (xml: string, tag: string) => new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml)?.[1] ?? '';

describe('the tolerance table', () => {
  test.each(NFE_TOLERANCE.filter((r) => r.action.kind === 'omit-zero').map((r) => [r.path, r.action.kind === 'omit-zero' ? r.action.sefaz : '']))(
    '%s: its SEFAZ element %s is optional and refuses "0"',
    (_path, sefaz) => {
      const el = sefazElement(sefaz.split('/'));
      expect(el?.min).toBe(0);
      expect(checkValue('0', el?.type)).toBeDefined();
    },
  );

  test('leaves the parsed input as it was, and passes a document with nothing to tolerate on as it is', () => {
    const envio = (xml: string) => kidsOf(parseXmlOrdered(xml, { removeNSPrefix: true })[0]!);
    const parsed = envio(leftovers);
    const copy = JSON.parse(JSON.stringify(parsed)) as unknown;
    expect(tolerateNfe(parsed).envio).not.toEqual(parsed);
    expect(parsed).toEqual(copy);
    const clean = envio(fs.readFileSync(path.join(examplesDir, 'NFe/Exemplo_NFe Simples 4.0.xml'), 'utf8').replace(/^\uFEFF/, ''));
    expect(tolerateNfe(clean)).toEqual({ envio: clean, notes: [] });
    expect(tolerateNfe(clean).envio).toBe(clean);
  });

  test('the fields it omits or completes are layout fields; the leftovers it maps or drops are not (clEnq aside: an InvoiCy-only field)', () => {
    const known = (p: string) => {
      let f: IField | undefined = nfeLayout().invoicy;
      for (const seg of p.split('/').slice(1)) f = f?.children?.find((c) => c.name === seg);
      return f !== undefined;
    };
    for (const r of NFE_TOLERANCE) {
      const inLayout = r.action.kind === 'omit-zero' || r.action.kind === 'retained-st-rate' || r.path.endsWith('/clEnq');
      expect([r.path, known(r.path)]).toEqual([r.path, inLayout]);
    }
  });

  test('every rule says why', () => {
    for (const r of NFE_TOLERANCE) expect(r.why.length).toBeGreaterThan(10);
  });
});

describe('3.10-era leftovers and fields the gateway fills', () => {
  test('a 3.10-era NF-e reads as 4.00 and notes each change', async () => {
    const draft = read(leftovers);
    expect([...draft.tolerated ?? []].sort()).toEqual([
      'Envio/dest/enderDest/fone_dest "0" omitido',
      'Envio/det/detItem[1]/imposto/IPI/clEnq descartado',
      'Envio/emit/enderEmit/fone "0" omitido',
      'Envio/ide/cDV descartado',
      'Envio/ide/indPag "0" → pag/pagItem/indPag_pag',
      'Envio/ide/procEmi descartado',
      'Envio/ide/verProc descartado',
      'Envio/ide/xJus → xJust',
    ]);
    expect(draft.tree.groups.get('ide')?.[0]?.fields.get('xJust')?.[0]?.value).toMatch(/^Sem contingência/);
    const nfe = await rendered(leftovers);
    expect(nfe).toContain('<procEmi>0</procEmi><verProc>fiscal-gateway</verProc>');
    expect(between(nfe, 'detPag')).toBe('<indPag>0</indPag><tPag>01</tPag><vPag>100.00</vPag>');
    expect(between(nfe, 'enderEmit')).not.toContain('<fone>');
    expect(between(nfe, 'enderDest')).not.toContain('<fone>');
  });

  test.each([
    ['1 on a payment without its own', '<indPag>1</indPag>', '<tPag>01</tPag>', '<indPag>1</indPag><tPag>01</tPag>', '"1" → pag/pagItem/indPag_pag'],
    ['0 beside a payment that gives its own', '<indPag>0</indPag>', '<indPag_pag>1</indPag_pag><tPag>01</tPag>', '<indPag>1</indPag><tPag>01</tPag>', '"0" → pag/pagItem/indPag_pag'],
    ['2 (outros, no 4.00 value)', '<indPag>2</indPag>', '<tPag>01</tPag>', '<tPag>01</tPag>', '"2" descartado'],
  ])('ide/indPag %s', async (_name, indPag, pagItem, detPag, note) => {
    const xml = leftovers.replace('<indPag>0</indPag>', indPag).replace('<tPag>01</tPag>', pagItem);
    expect(read(xml).tolerated).toContain(`Envio/ide/indPag ${note}`);
    expect(between(await rendered(xml), 'detPag')).toBe(`${detPag}<vPag>100.00</vPag>`);
  });

  test('a medicine lot of the 3.10 med group becomes the product\'s rastro', async () => {
    const med = '<med><medItem><nLote>L-42</nLote><qLote>1.000</qLote><dFab>2025-01-01</dFab><dVal>2027-01-01</dVal>' +
      '<vPMC>120.00</vPMC><cProdANVISA>1234567890123</cProdANVISA></medItem></med>';
    const xml = leftovers.replace('<indTot>1</indTot>', `<indTot>1</indTot>${med}`);
    expect(read(xml).tolerated).toEqual(expect.arrayContaining([
      'Envio/det/detItem[1]/prod/med/medItem[1]/nLote → Rastro/RastroItem/nLote',
      'Envio/det/detItem[1]/prod/med/medItem[1]/dVal → Rastro/RastroItem/dVal',
    ]));
    const nfe = await rendered(xml);
    expect(nfe).toContain('<rastro><nLote>L-42</nLote><qLote>1.000</qLote><dFab>2025-01-01</dFab><dVal>2027-01-01</dVal></rastro>');
    expect(nfe).toContain('<med><cProdANVISA>1234567890123</cProdANVISA><vPMC>120.00</vPMC></med>');
  });

  test('pMixGN of a 3.10 fuel group is dropped', () => {
    const comb = '<comb><cProdANP>210203001</cProdANP><descANP>GLP</descANP><pMixGN>10.00</pMixGN><UFcons>RS</UFcons></comb>';
    const draft = read(leftovers.replace('<indTot>1</indTot>', `<indTot>1</indTot>${comb}`));
    expect(draft.tolerated).toContain('Envio/det/detItem[1]/prod/comb/pMixGN descartado');
  });
});

describe('optional codes sent as "0"', () => {
  test('the CEP of a foreign address is omitted, a CEP of eight zeros (which SEFAZ accepts) kept', async () => {
    const zero = leftovers.replace('<CEP_dest>98910000</CEP_dest>', '<CEP_dest>0</CEP_dest>');
    expect(read(zero).tolerated).toContain('Envio/dest/enderDest/CEP_dest "0" omitido');
    expect(between(await rendered(zero), 'enderDest')).not.toContain('<CEP>');
    const zeros = leftovers.replace('<CEP_dest>98910000</CEP_dest>', '<CEP_dest>00000000</CEP_dest>');
    expect(between(await rendered(zeros), 'enderDest')).toContain('<CEP>00000000</CEP>');
  });
});

describe('ICMS-ST retido without pST', () => {
  const st = (fields: string) => leftovers.replace(/<ICMS>[\s\S]*?<\/ICMS>/, `<ICMS><orig>0</orig><CST>60</CST>${fields}</ICMS>`);
  test.each([
    ['the rate of the amounts', '<vBCSTRet>100.00</vBCSTRet><vICMSSTRet>17.00</vICMSSTRet>', '17.0000'],
    ['own ICMS of the substitute and FCP included', '<vBCSTRet>100.00</vBCSTRet><vICMSSubstituto>1.00</vICMSSubstituto><vICMSSTRet>17.00</vICMSSTRet><vBCFCPSTRet>100.00</vBCFCPSTRet><pFCPSTRet>2.0000</pFCPSTRet><vFCPSTRet>2.00</vFCPSTRet>', '20.0000'],
    ['the rate the ERP gave kept', '<vBCSTRet>100.00</vBCSTRet><pST>18.0000</pST><vICMSSTRet>17.00</vICMSSTRet>', '18.0000'],
  ])('CST 60: %s', async (_name, fields, pST) => {
    const nfe = await rendered(st(fields));
    expect(between(nfe, 'ICMS60')).toContain(`<vBCSTRet>100.00</vBCSTRet><pST>${pST}</pST>`);
  });

  test('the official CSOSN 500 example (vBCSTRet 100.00, vICMSSTRet 17.00, no pST) gets pST 17.0000', async () => {
    const example = fs.readFileSync(path.join(examplesDir, 'NFe/500_NFe 4.0.xml'), 'utf8').replace(/^\uFEFF/, '');
    expect(between(await rendered(withTestEmitter(example)), 'ICMSSN500')).toContain('<vBCSTRet>100.00</vBCSTRet><pST>17.0000</pST><vICMSSTRet>17.00</vICMSSTRet>');
  });

  test('the computed rate is noted', () => {
    expect(read(st('<vBCSTRet>100.00</vBCSTRet><vICMSSTRet>17.00</vICMSSTRet>')).tolerated).toContain('Envio/det/detItem[1]/imposto/ICMS/pST calculado: 17.00');
  });
});

describe('layout version', () => {
  test.each(['4', '4.0', '4.00'])('Versao %s is read', (v) => {
    expect(errorsOf(leftovers.replace('<Versao>4.00</Versao>', `<Versao>${v}</Versao>`))).toEqual([]);
  });

  test.each(['3.10', '3.00', '5.00'])('Versao %s is one plain refusal naming 4.00', (v) => {
    expect(errorsOf(leftovers.replace('<Versao>4.00</Versao>', `<Versao>${v}</Versao>`).replace('<natOp>', '<natOpp>').replace('</natOp>', '</natOpp>'))).toEqual([
      `versão ${v} do layout não suportada: este serviço recebe NF-e e NFC-e somente no layout 4.00`,
    ]);
  });
});

describe('unknown fields', () => {
  const misspelt = leftovers.replace('<xFant>Teste</xFant>', '<xFnat>Teste</xFnat>');
  test('a misspelled field is refused with the nearest name of its group', () => {
    expect(errorsOf(misspelt)).toEqual(['Envio/emit/xFnat: campo desconhecido no layout (você quis dizer xFant?)']);
  });

  test('a name near nothing gets no guess', () => {
    expect(errorsOf(leftovers.replace('<xFant>Teste</xFant>', '<campoInventado>1</campoInventado>'))).toEqual(['Envio/emit/campoInventado: campo desconhecido no layout']);
  });

  test('a company that ignores them gets the document read, the field noted', () => {
    const r = parseNfeEnvio(misspelt, undefined, 'ignore');
    expect(r.ok && r.draft.tolerated).toContain('Envio/emit/xFnat ignorado (campo desconhecido)');
  });
});
