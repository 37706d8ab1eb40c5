// infCTeSupl/qrCodCTe: the URL form, when the contingency signature goes in, and reading it back.
import { createTestCa, issueCompanyCertificate } from '../../src/signing/testca';
import { signChaveForQr, verifyQrSign } from '../../src/signing/qr-sign';
import { buildCteQrCode, cteQrNeedsSign, parseCteQrCode } from '../../src/fiscal/cte-qrcode';

const URL = 'https://dfe-portal.svrs.rs.gov.br/cte/qrCode';
const CHAVE = '43171099999999999999570010000001261361744578';
// The XSD pattern of qrCodCTe (cteTiposBasico_v4.00.xsd).
const XSD_PATTERN = /^((HTTPS?|https?):\/\/.*\?chCTe=[0-9]{44}&tpAmb=[1-2](&sign=[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})?)$/;

describe('CT-e QR code', () => {
  test.each([
    ['1', false], ['3', false], ['4', true], ['5', true], ['7', false], ['8', false],
  ])('tpEmis %s needs the signature: %s', (tpEmis, needs) => {
    expect(cteQrNeedsSign(tpEmis)).toBe(needs);
  });

  test.each([
    { tpAmb: '1', tpEmis: '1', sign: undefined, want: `${URL}?chCTe=${CHAVE}&tpAmb=1` },
    { tpAmb: '2', tpEmis: '7', sign: undefined, want: `${URL}?chCTe=${CHAVE}&tpAmb=2` },
    { tpAmb: '2', tpEmis: '1', sign: 'ignorada', want: `${URL}?chCTe=${CHAVE}&tpAmb=2` },
    { tpAmb: '1', tpEmis: '4', sign: 'QUJD+/==', want: `${URL}?chCTe=${CHAVE}&tpAmb=1&sign=QUJD+/==` },
    { tpAmb: '2', tpEmis: '5', sign: 'QUJD', want: `${URL}?chCTe=${CHAVE}&tpAmb=2&sign=QUJD` },
  ])('tpAmb $tpAmb tpEmis $tpEmis → $want', ({ tpAmb, tpEmis, sign, want }) => {
    const qr = buildCteQrCode({ baseUrl: URL, chave: CHAVE, tpAmb, tpEmis, sign });
    expect(qr).toBe(want);
    expect(qr).toMatch(XSD_PATTERN);
    expect(parseCteQrCode(qr)).toEqual({ baseUrl: URL, chave: CHAVE, tpAmb, ...(cteQrNeedsSign(tpEmis) ? { sign } : {}) });
  });

  test.each([
    [{ chave: CHAVE.slice(1), tpAmb: '1', tpEmis: '1' }, /chave/],
    [{ chave: CHAVE, tpAmb: '3', tpEmis: '1' }, /tpAmb/],
    [{ chave: CHAVE, tpAmb: '1', tpEmis: '4' }, /assinatura/],
  ])('refuses %o', (input, message) => {
    expect(() => buildCteQrCode({ baseUrl: URL, ...input })).toThrow(message);
  });

  test('parse refuses what is not a CT-e QR code', () => {
    expect(parseCteQrCode(`${URL}?chNFe=${CHAVE}&tpAmb=1`)).toBeUndefined();
    expect(parseCteQrCode(`${URL}?chCTe=${CHAVE}&tpAmb=9`)).toBeUndefined();
  });

  test('the contingency signature is the key signed with the emitter certificate', () => {
    const ca = createTestCa();
    const company = issueCompanyCertificate(ca, { name: 'TRANSPORTADORA QR LTDA', cnpj: '11222333000181' });
    const sign = signChaveForQr(CHAVE, company.keyPem);
    expect(Buffer.from(sign, 'base64').length).toBeGreaterThanOrEqual(128);
    expect(verifyQrSign(CHAVE, sign, company.certPem)).toBe(true);
    expect(verifyQrSign(CHAVE.replace(/8$/, '7'), sign, company.certPem)).toBe(false);
    const qr = buildCteQrCode({ baseUrl: URL, chave: CHAVE, tpAmb: '2', tpEmis: '4', sign });
    expect(qr).toMatch(XSD_PATTERN);
    expect(parseCteQrCode(qr)?.sign).toBe(sign);
  });
});
