// NFC-e QR code v2 (sefaz-nfe.md §10.1) with the manual's test vectors.
import {
  buildQrCodeV2Offline, buildQrCodeV2Online, digestValueHex, parseQrCodeV2, qrHashV2, qrParamsOffline, qrParamsOnline, verifyQrHashV2,
} from '../../src/fiscal/qrcode';

const CSC = 'SEU-CODIGO-CSC-CONTRIBUINTE-36-CARACTERES';
const ONLINE_KEY = '28170800156225000131650110000151341562040824';
const OFFLINE_KEY = '28170800156225000131650110000151349562040824';
const DIG_VAL = 'yzGYhUx1/XYYzksWB+fPR3Qc50c=';
const BASE = 'http://www.sefaz.se.gov.br/nfce/qrcode';

describe('QR code v2 hash vectors', () => {
  it.each([
    ['online', qrParamsOnline({ chave: ONLINE_KEY, tpAmb: '1', idCsc: '000001' }), 'DC6AE2C2B9A992BE59679AC365E29922DE6B7511'],
    ['off-line', qrParamsOffline({ chave: OFFLINE_KEY, tpAmb: '1', idCsc: 1, dhEmi: '2017-08-02T10:00:00-03:00', vNF: '60.9', digestValue: DIG_VAL }),
      '4615A93BB0D7C4E780F8D30EE77EDD5BA55C7D66'],
  ])('%s', (_name, params, hash) => {
    expect(qrHashV2(params, CSC)).toBe(hash);
  });

  it('hex-encodes the ASCII of the DigestValue', () => {
    expect(digestValueHex(DIG_VAL)).toBe('797a4759685578312f5859597a6b7357422b6650523351633530633d');
  });
});

describe('build, parse and verify', () => {
  it('builds the online URL and verifies it with the right CSC only', () => {
    const qr = buildQrCodeV2Online({ baseUrl: BASE, chave: ONLINE_KEY, tpAmb: '1', idCsc: 1, csc: CSC });
    expect(qr).toBe(`${BASE}?p=${ONLINE_KEY}|2|1|1|DC6AE2C2B9A992BE59679AC365E29922DE6B7511`);
    const parsed = parseQrCodeV2(qr)!;
    expect(parsed).toEqual(expect.objectContaining({ chave: ONLINE_KEY, offline: false, idCsc: '1' }));
    expect(verifyQrHashV2(parsed, CSC)).toBe(true);
    expect(verifyQrHashV2(parsed, 'OUTRO-CSC')).toBe(false);
  });

  it('builds the off-line URL with day, value and digest hex', () => {
    const qr = buildQrCodeV2Offline({ baseUrl: `${BASE}?x=1`, chave: OFFLINE_KEY, tpAmb: '1', idCsc: 1, csc: CSC, dhEmi: '2017-08-02T10:00:00-03:00', vNF: 60.9, digestValue: DIG_VAL });
    expect(qr).toBe(`${BASE}?x=1&p=${OFFLINE_KEY}|2|1|02|60.90|${digestValueHex(DIG_VAL)}|1|4615A93BB0D7C4E780F8D30EE77EDD5BA55C7D66`);
    const parsed = parseQrCodeV2(qr)!;
    expect(parsed).toEqual(expect.objectContaining({ offline: true, dia: '02', vNF: '60.90' }));
    expect(verifyQrHashV2(parsed, CSC)).toBe(true);
  });

  it.each(['http://x/qrcode?chNFe=1', `http://x?p=${ONLINE_KEY}|3|1`, `http://x?p=${ONLINE_KEY}|2|1|1`])('does not parse %s as v2', (qr) => {
    expect(parseQrCodeV2(qr)).toBeUndefined();
  });
});
