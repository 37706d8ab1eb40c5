// The layout's side of the totals (src/layout/nfe/amounts.ts, payment.ts): the ICMSTot fields an ERP
// leaves out are written from the items as they are rendered, given ones are kept for the check, and
// pag is completed or reported.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nfeTotalsDivergence, parseNfeEnvio, renderNfe, type NfeDraft } from '../../src/layout';
import { examplesDir, withTestEmitter } from './helpers';

const base = withTestEmitter(fs.readFileSync(path.join(examplesDir, 'NFe/Exemplo_NFe Simples 4.0.xml'), 'utf8'));
const opts = { nNF: '794', cNF: '10293847', dhEmi: '2026-01-10T10:00:00-03:00', tpEmis: '1', tpAmb: '1', verProc: 'fg' };

function draftOf(xml: string): NfeDraft {
  const r = parseNfeEnvio(xml);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.draft;
}
const icmsTot = (d: NfeDraft) => /<ICMSTot>.*<\/ICMSTot>/.exec(renderNfe(d, opts).xml)?.[0] ?? '';
const withoutTotals = (xml: string) => xml.replace(/<ICMStot>[\s\S]*<\/ICMStot>/, '<ICMStot/>');

test('every ICMSTot field left out is written from the items; vNF and the draft summary follow', () => {
  const d = draftOf(withoutTotals(base));
  expect(icmsTot(d)).toBe(
    '<ICMSTot><vBC>0.00</vBC><vICMS>0.00</vICMS><vICMSDeson>0.00</vICMSDeson><vFCP>0.00</vFCP><vBCST>0.00</vBCST><vST>0.00</vST>' +
    '<vFCPST>0.00</vFCPST><vFCPSTRet>0.00</vFCPSTRet><vProd>100.00</vProd><vFrete>0.00</vFrete><vSeg>0.00</vSeg><vDesc>0.00</vDesc>' +
    '<vII>0.00</vII><vIPI>0.00</vIPI><vIPIDevol>0.00</vIPIDevol><vPIS>0.00</vPIS><vCOFINS>0.00</vCOFINS><vOutro>0.00</vOutro>' +
    '<vNF>100.00</vNF></ICMSTot>',
  );
  expect(d).toMatchObject({ vNF: '100.00', vICMS: '0.00', vST: '0.00' });
  expect(nfeTotalsDivergence(d.tree, d.modelo)).toBeUndefined();
});

test('the whole total group may be left out', () => {
  expect(icmsTot(draftOf(base.replace(/<total>[\s\S]*<\/total>/, '')))).toContain('<vProd>100.00</vProd>');
});

test('an amount the item\'s CST does not render (vBC with CST 40) counts for nothing', () => {
  const d = draftOf(withoutTotals(base).replace('<CST>40</CST>', '<CST>40</CST><vBC>50.00</vBC><vICMS_icms>9.00</vICMS_icms>'));
  expect(renderNfe(d, opts).xml).toContain('<ICMS40><orig>0</orig><CST>40</CST></ICMS40>');
  expect(icmsTot(d)).toContain('<vBC>0.00</vBC><vICMS>0.00</vICMS>');
});

test('vTotTrib is written only when an item carries one', () => {
  expect(icmsTot(draftOf(withoutTotals(base)))).not.toContain('vTotTrib');
  const d = draftOf(withoutTotals(base).replace('<imposto>', '<imposto><vTotTrib>31.45</vTotTrib>'));
  expect(icmsTot(d)).toContain('<vTotTrib>31.45</vTotTrib>');
});

test('given totals are kept as sent and checked: the first divergence names the SEFAZ field', () => {
  const d = draftOf(base.replace('<vFrete_ttlnfe>0</vFrete_ttlnfe>', '<vFrete_ttlnfe>3.00</vFrete_ttlnfe>'));
  expect(icmsTot(d)).toContain('<vFrete>3.00</vFrete>');
  expect(nfeTotalsDivergence(d.tree, d.modelo)).toEqual({
    cStat: '535', xMotivo: 'Rejeição: Total do Frete difere do somatório dos itens', field: 'vFrete', expected: '0.00', given: '3.00',
  });
});

describe('pag', () => {
  const noPag = base.replace(/<pag>[\s\S]*<\/pag>/, '');

  test.each(['3', '4'])('finNFe %s without pag → detPag tPag 90, vPag 0.00', (fin) => {
    const d = draftOf(noPag.replace('<finNFe>1</finNFe>', `<finNFe>${fin}</finNFe>`));
    expect(renderNfe(d, opts).xml).toContain('<pag><detPag><tPag>90</tPag><vPag>0.00</vPag></detPag></pag>');
  });

  test.each(['1', '2'])('finNFe %s without pag → one error naming Envio/pag', (fin) => {
    const r = parseNfeEnvio(noPag.replace('<finNFe>1</finNFe>', `<finNFe>${fin}</finNFe>`));
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual(['Envio/pag']);
    expect(r.ok ? '' : r.errors[0]!.message).toMatch(/^Envio\/pag: grupo de formas de pagamento obrigatório não informado; informe pagItem com tPag e vPag/);
  });

  test('a pag the ERP sent is never replaced', () => {
    const d = draftOf(base.replace('<finNFe>1</finNFe>', '<finNFe>4</finNFe>'));
    expect(renderNfe(d, opts).xml).toContain('<pag><detPag><tPag>01</tPag><vPag>100.00</vPag></detPag></pag>');
  });
});
