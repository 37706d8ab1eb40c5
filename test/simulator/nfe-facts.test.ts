// nfeFacts reads the rules' fields from the xmldom tree the signature is verified on (one parse per NF-e).
import { parseForVerification } from '../../src/signing/verify';
import { nfeFacts, type NfeFacts } from '../../src/simulator/nfe-rules';

const NS = 'http://www.portalfiscal.inf.br/nfe';
const CHAVE = '35250112345678000195650010000000011000000010';

function nfe(inner: { dest?: string; supl?: string; emit?: string } = {}): string {
  return (
    `<NFe xmlns="${NS}"><infNFe versao="4.00" Id="NFe${CHAVE}"><ide><cUF>35</cUF><cNF>00000001</cNF><mod>65</mod><serie>1</serie>` +
    `<nNF>1</nNF><dhEmi>2025-01-10T10:00:00-03:00</dhEmi><tpNF>1</tpNF><tpEmis>9</tpEmis><cDV>0</cDV><tpAmb>2</tpAmb>` +
    `<dhCont>2025-01-10T09:00:00-03:00</dhCont><xJust>Sem internet &amp; sem SEFAZ</xJust></ide>` +
    `<emit>${inner.emit ?? '<CNPJ>12345678000195</CNPJ>'}<xNome>EMPRESA</xNome><IE>111</IE></emit>${inner.dest ?? ''}` +
    `<det nItem="1"><prod><xProd>PRIMEIRO &lt;A&gt;</xProd></prod></det><det nItem="2"><prod><xProd>SEGUNDO</xProd></prod></det>` +
    `<total><ICMSTot><vICMS>1.00</vICMS><vST>0.00</vST><vNF>10.00</vNF></ICMSTot></total></infNFe>${inner.supl ?? ''}</NFe>`
  );
}

const common: Partial<NfeFacts> = {
  id: `NFe${CHAVE}`, chave: CHAVE, cUF: '35', cNF: '00000001', mod: '65', serie: '1', nNF: '1', tpEmis: '9', tpAmb: '2',
  dhCont: '2025-01-10T09:00:00-03:00', xJust: 'Sem internet & sem SEFAZ', emitIE: '111', firstXProd: 'PRIMEIRO <A>',
  vNF: '10.00', vICMS: '1.00', vST: '0.00',
};

test.each<[string, string, Partial<NfeFacts>]>([
  ['no dest, no infNFeSupl', nfe(), { ...common, emitDoc: '12345678000195', destDoc: undefined, destName: undefined, qrCode: undefined }],
  ['emitter by CPF', nfe({ emit: '<CPF>12345678909</CPF>' }), { emitDoc: '12345678909' }],
  [
    'dest with address and IE',
    nfe({ dest: '<dest><CNPJ>98765432000198</CNPJ><xNome>CLIENTE</xNome><enderDest><UF>RJ</UF></enderDest><IE>222</IE></dest>' }),
    { destDoc: '98765432000198', destName: 'CLIENTE', destUF: 'RJ', destIE: '222' },
  ],
  ['foreign dest', nfe({ dest: '<dest><idEstrangeiro>X1</idEstrangeiro></dest>' }), { destDoc: 'X1', destUF: undefined }],
  [
    'QR-Code in CDATA, trimmed',
    nfe({ supl: '<infNFeSupl><qrCode><![CDATA[ https://qr?p=1|2 ]]></qrCode><urlChave> https://consulta </urlChave></infNFeSupl>' }),
    { qrCode: 'https://qr?p=1|2', urlChave: 'https://consulta' },
  ],
])('%s', (_label, xml, expected) => {
  expect(nfeFacts(parseForVerification(xml))).toMatchObject(expected);
});

test('a document that is not an NFe gives empty facts', () => {
  expect(nfeFacts(parseForVerification(`<evento xmlns="${NS}"/>`))).toMatchObject({ id: '', chave: '', emitDoc: '', vNF: '' });
});
