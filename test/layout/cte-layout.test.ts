// The CT-e layout: every error of a document at once (path, rule, value, Portuguese), the access key
// of model 57, and the InvoiCy shapes the definition alone cannot express (tomador, modal, infDoc …).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chaveDv, isValidChave, parseChave, randomCnf } from '../../src/fiscal/chave';
import { cteChave, parseCteEnvio, renderCte, type CteDraft } from '../../src/layout';
import { cteWithSerie } from '../../src/emission/cte/reserved-serie';
import { examplesDir, TEST_CNPJ, withTestEmitter } from './helpers';

const RODO = withTestEmitter(fs.readFileSync(path.join(examplesDir, 'CTe', 'ExemploLayout_CTeRodoviario.xml'), 'utf8'));
const DH = '2026-12-04T10:00:00-03:00';

function draftOf(xml: string): CteDraft {
  const parsed = parseCteEnvio(xml);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  return parsed.draft;
}
function errorsOf(xml: string): Array<{ path: string; rule: string; value?: string; message: string }> {
  const parsed = parseCteEnvio(xml);
  if (parsed.ok) throw new Error('esperava erros de layout');
  return parsed.errors;
}
function render(d: CteDraft, over: Partial<Parameters<typeof renderCte>[1]> = {}): { xml: string; chave: string } {
  return renderCte(d, { nCT: d.nCT ?? '1', cCT: '10293847', dhEmi: DH, tpEmis: '1', tpAmb: '2', verProc: 'fiscal-gateway', ...over });
}

describe('CT-e layout errors', () => {
  test('several wrong fields at once are all reported, with path, rule and value', () => {
    const xml = RODO
      .replace('<cUF>43</cUF>', '<cUF>99</cUF>')
      .replace('<vTPrest>32321.23</vTPrest>', '<vTPrest>10.123</vTPrest>')
      .replace(/<xNome>CT-E[^<]*<\/xNome>/, '')
      .replace('<UFIni>RS</UFIni>', '<UFIni>XX</UFIni>')
      .replace('<CST>00</CST>', '<CST>33</CST>')
      .replace('<compl>', '<compl><foo>1</foo>')
      .replace('<tpCTe>0</tpCTe>', '<tpCTe>2</tpCTe>')
      .replace('<RNTRC>89173646</RNTRC>', '<RNTRC>8917364A</RNTRC>');
    const errors = errorsOf(xml);
    const want: Array<[string, string, string?]> = [
      ['Envio/ide/cUF', 'valor não permitido', '99'],
      ['Envio/vPrest/vTPrest', 'no máximo 2 casas decimais, formato 13.2', '10.123'],
      ['Envio/emit/xNome', 'obrigatório'],
      ['Envio/ide/UFIni', 'valor não permitido', 'XX'],
      ['Envio/imp/ICMS/CST', 'valor não permitido', '33'],
      ['Envio/compl/foo', 'campo desconhecido'],
      ['Envio/ide/tpCTe', 'valor não permitido', '2'],
      ['Envio/infCTeNorm/infModal/rodo/RNTRC', 'formato inválido', '8917364A'],
    ];
    for (const [p, rule, value] of want) {
      expect(errors).toContainEqual(expect.objectContaining({ path: p, rule, ...(value !== undefined ? { value } : {}) }));
    }
    expect(errors).toHaveLength(want.length);
    expect(errors.find((e) => e.path === 'Envio/emit/xNome')?.message).toBe('Envio/emit/xNome: campo obrigatório não informado');
    expect(errors.find((e) => e.path === 'Envio/ide/cUF')?.message).toBe('Envio/ide/cUF: valor "99" inválido (valor não permitido)');
  });

  test('a model other than CT-e, and malformed XML, are refused', () => {
    expect(errorsOf(RODO.replace('<ModeloDocumento>CTe</ModeloDocumento>', '<ModeloDocumento>NFe</ModeloDocumento>')))
      .toContainEqual(expect.objectContaining({ path: 'Envio/ModeloDocumento', rule: 'valor não permitido', value: 'NFe' }));
    expect(errorsOf('<Envio><ide>')).toEqual([expect.objectContaining({ rule: 'XML mal formado' })]);
  });

  test('cCT equal to nCT is refused', () => {
    expect(errorsOf(RODO.replace('<cCT>17281638</cCT>', '<cCT>14</cCT>')))
      .toEqual([expect.objectContaining({ path: 'Envio/ide/cCT', rule: 'diferente de nCT', value: '14' })]);
  });

  test('the CT-e 3.00 anulação is refused with a clear rule', () => {
    const xml = RODO.replace('</Envio>', '<infCteAnu><chCte_anu>43171099999999999999570010000001261361744578</chCte_anu><dEmi_anu>2017-06-01</dEmi_anu></infCteAnu></Envio>');
    expect(errorsOf(xml)).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'Envio/infCteAnu/chCte_anu', rule: 'não existe no CT-e 4.00' }),
      expect.objectContaining({ path: 'Envio/infCteAnu/dEmi_anu', rule: 'não existe no CT-e 4.00' }),
    ]));
  });

  test('a modal group other than ide/modal, or a missing one, is an error', () => {
    const other = RODO.replace('</rodo>', '</rodo><duto><dIni_duto>2026-01-01</dIni_duto><dFim_duto>2026-01-02</dFim_duto></duto>');
    expect(errorsOf(other)).toEqual([expect.objectContaining({ path: 'Envio/infCTeNorm/infModal/duto', rule: 'grupo de outro modal (ide/modal 01)' })]);
    expect(errorsOf(RODO.replace('<modal>01</modal>', '<modal>05</modal>'))).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'Envio/infCTeNorm/infModal/duto', rule: 'obrigatório' }),
      expect.objectContaining({ path: 'Envio/infCTeNorm/infModal/rodo', rule: 'grupo de outro modal (ide/modal 05)' }),
    ]));
  });

  test('infDoc items of different kinds, or of an unknown kind, are errors', () => {
    const nfe = '<infDocItem><tipoDocumento>2</tipoDocumento><chave_nfe>43230506354976000149552650000001301000081906</chave_nfe></infDocItem>';
    expect(errorsOf(RODO.replace('</infDoc>', `${nfe}</infDoc>`)))
      .toEqual([expect.objectContaining({ path: 'Envio/infCTeNorm/infDoc/infDocItem[2]/tipoDocumento', rule: 'documentos de um só tipo por CT-e', value: '2' })]);
    expect(errorsOf(RODO.replace('<tipoDocumento>1</tipoDocumento>', '<tipoDocumento>7</tipoDocumento>')))
      .toEqual([expect.objectContaining({ path: 'Envio/infCTeNorm/infDoc/infDocItem[1]/tipoDocumento', rule: 'valor não permitido', value: '7' })]);
  });
});

describe('CT-e access key', () => {
  const d = draftOf(RODO);

  test('model 57, the parts in place, DV módulo 11 and Id="CTe"+chave', () => {
    const { xml, chave } = render(d, { nCT: '14', cCT: '10293847' });
    expect(isValidChave(chave)).toBe(true);
    expect(chave[43]).toBe(chaveDv(chave.slice(0, 43)));
    expect(parseChave(chave)).toMatchObject({ cUF: '43', aamm: '2612', cnpj: TEST_CNPJ, mod: '57', serie: 50, nNF: 14, tpEmis: '1', cNF: '10293847' });
    expect(xml).toContain(`<infCte versao="4.00" Id="CTe${chave}">`);
    expect(xml).toContain(`<cCT>10293847</cCT>`);
    expect(xml).toContain(`<cDV>${chave[43]}</cDV>`);
    expect(xml).toContain('<mod>57</mod>');
    expect(cteChave(d, { nCT: '14', cCT: '10293847', dhEmi: DH, tpEmis: '1' })).toBe(chave);
  });

  test('the MOC test vector of the DV', () => {
    expect(chaveDv('5206043300991100250655012000000780026730161')).toBe('5');
  });

  test('a contingency tpEmis goes into the key and ide, with dhCont and xJust', () => {
    const { xml, chave } = render(d, { tpEmis: '7', dhCont: DH, xJust: 'SEFAZ de origem fora do ar' });
    expect(parseChave(chave).tpEmis).toBe('7');
    expect(xml).toContain('<tpEmis>7</tpEmis>');
    expect(xml).toContain(`<dhCont>${DH}</dhCont><xJust>SEFAZ de origem fora do ar</xJust></ide>`);
  });

  test('a random cCT is 8 digits and never the number', () => {
    for (let i = 0; i < 200; i++) {
      const cCT = randomCnf(7);
      expect(cCT).toMatch(/^\d{8}$/);
      expect(Number(cCT)).not.toBe(7);
    }
  });
});

describe('CT-e draft and rendering', () => {
  test('the draft carries the pipeline facts', () => {
    const d = draftOf(RODO);
    expect(d).toMatchObject({
      modelo: '57', cUF: '43', serie: '50', nCT: '14', cCT: '17281638', dhEmi: '2017-06-06T15:00:01', fusoHorario: '-03:00',
      tpEmis: '1', tpAmb: '2', tpCTe: '0', modal: '01', tpServ: '0', UFIni: 'RS', UFFim: 'RS',
      emitCnpj: TEST_CNPJ, emitIe: '9999999999', emitUf: 'RS', toma: '4', tomador: { cpf: '99999999999', xNome: 'Ricardo', uf: 'RS' },
      vTPrest: '32321.23', vRec: '12312.23', vICMS: '1.56', vCarga: '599.65', nfeKeys: [],
    });
    expect(d.rem).toMatchObject({ cpf: '99999999999', ie: '9999999999', uf: 'RS' });
  });

  test('toma 0-3 renders toma3 and points the tomador at that party; referenced NF-e keys are listed', () => {
    const key = '43230506354976000149552650000001301000081906';
    const xml = RODO
      .replace(/<tomador>[\s\S]*<\/tomador>/, '<tomador><toma>3</toma></tomador>')
      .replace(/<infDocItem>[\s\S]*<\/infDocItem>/, `<infDocItem><tipoDocumento>2</tipoDocumento><chave_nfe>${key}</chave_nfe></infDocItem>`);
    const d = draftOf(xml);
    expect(d.toma).toBe('3');
    expect(d.tomador).toEqual(d.dest);
    expect(d.nfeKeys).toEqual([key]);
    const out = render(d).xml;
    expect(out).toContain('<indIEToma>9</indIEToma><toma3><toma>3</toma></toma3></ide>');
    expect(out).toContain(`<infDoc><infNFe><chave>${key}</chave></infNFe></infDoc>`);
  });

  test('flat InvoiCy groups land in SEFAZ shape and order (Entrega, tomador, modal with versaoModal 4.00)', () => {
    const out = render(draftOf(RODO)).xml;
    expect(out).toContain('<Entrega><comData><tpPer>1</tpPer><dProg>2014-07-03</dProg></comData><comHora><tpHor>1</tpHor><hProg>10:30:22</hProg></comHora></Entrega>');
    expect(out).toContain('<toma4><toma>4</toma><CPF>99999999999</CPF><xNome>Ricardo</xNome>');
    expect(out).toContain('<infModal versaoModal="4.00"><rodo><RNTRC>89173646</RNTRC><occ><serie>123</serie><nOcc>123456</nOcc>');
    expect(out).toContain('<ICMS><ICMS00><CST>00</CST><vBC>12.00</vBC><pICMS>13.00</pICMS><vICMS>1.56</vICMS></ICMS00></ICMS>');
    expect(out).toContain('<Comp><xNome>Componente 1</xNome><vComp>812.44</vComp></Comp><Comp><xNome>Componente 2</xNome>');
  });

  test('re-issued under another série (focus mode): the série changes, the number is left to the sequence, the original draft is kept', () => {
    const original = draftOf(RODO);
    const moved = cteWithSerie(original, 7);
    expect(moved).toMatchObject({ serie: '7', nCT: undefined });
    const ide = moved.tree.groups.get('ide')?.[0];
    expect(ide?.fields.get('serie')?.[0]?.value).toBe('7');
    expect(ide?.fields.has('nCT')).toBe(false);
    expect(original).toMatchObject({ serie: '50', nCT: '14' });
    expect(render(moved, { nCT: '3' }).xml).toContain('<serie>7</serie><nCT>3</nCT>');
  });

  test('the QR code goes in infCTeSupl after infCte', () => {
    const { xml, chave } = render(draftOf(RODO), { qrCodCTe: `https://dfe-portal.svrs.rs.gov.br/cte/qrCode?chCTe=X&tpAmb=2` });
    expect(chave).toHaveLength(44);
    expect(xml.endsWith('</infCte><infCTeSupl><qrCodCTe>https://dfe-portal.svrs.rs.gov.br/cte/qrCode?chCTe=X&amp;tpAmb=2</qrCodCTe></infCTeSupl></CTe>')).toBe(true);
  });
});
