// hashEntrega of the CT-e comprovante de entrega (cte.md §6.4) and the coordinates it carries.
import { hashEntrega, isHashEntrega } from '../../src/fiscal/cte/hash-entrega';
import { formatCoordinate } from '../../src/fiscal/cte/coordinates';

const IMAGE = Uint8Array.from({ length: 16 }, (_, i) => i);

describe('hashEntrega = Base64(SHA-1(chCTe + Base64(image)))', () => {
  test.each([
    ['43171099999999999999570010000001261361744574', 'udusZegTST+iO7B7i1AMqTE3AQU='], // DV not valid: irrelevant to the hash
    ['43171099999999999999570010000001261361744578', 'O2qBnkIm/76ef1ryiobcj30sMkE='],
  ])('cte.md vector %s', (chave, hash) => {
    expect(Buffer.from(IMAGE).toString('base64')).toBe('AAECAwQFBgcICQoLDA0ODw==');
    expect(hashEntrega(chave, IMAGE)).toBe(hash);
    expect(isHashEntrega(hash)).toBe(true);
  });

  test.each([
    ['OrikW3hImskYcHzoL6Ir8wJtDvY=', true], // the official InvoiCy example's
    ['OrikW3hImskYcHzoL6Ir8wJtDvY', false], // no padding
    ['OrikW3hImskYcHzoL6Ir8wJtDvZ=', false], // padding bits set: not 20 bytes
    ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==', false], // 22 bytes
    ['OrikW3hImskYcHzoL6Ir8wJtD*Y=', false],
    ['', false],
  ])('%j is a hashEntrega: %s', (text, ok) => {
    expect(isHashEntrega(text)).toBe(ok);
  });
});

describe('latitude/longitude with exactly 6 decimals', () => {
  test.each([
    ['-27.86882359', 90, '-27.868824'], // InvoiCy's example, rounded
    ['-53.98509979', 180, '-53.985100'],
    ['-27.8688235', 90, '-27.868824'], // half away from zero
    ['-27.8688234', 90, '-27.868823'],
    ['12', 90, '12.000000'],
    ['0.0000004', 90, '0.000000'],
    ['-0.0000004', 90, '0.000000'], // no "-0"
    ['90', 90, '90.000000'],
    ['-180.000000', 180, '-180.000000'],
    ['1.9999995', 90, '2.000000'], // carries into the integer part
  ] as const)('%s (±%d) → %s', (text, limit, formatted) => {
    expect(formatCoordinate(text, limit)).toBe(formatted);
  });

  test.each([
    ['90.000001', 90], ['-91', 90], ['180.5', 180], ['abc', 90], ['1,5', 90], ['', 180], ['1e2', 180], ['1000', 180],
  ] as const)('%j (±%d) is refused', (text, limit) => {
    expect(formatCoordinate(text, limit)).toBeUndefined();
  });
});
