// SEFAZ message limits per service and the packing of NF-e into lotes under them (sefaz-nfe.md §3.2).
import { kilobytes, limitsOf, packLotes, SEFAZ_LIMITS } from '../../src/fiscal/sefaz-limits';

const KB = 1024;

describe('SEFAZ limits table', () => {
  test.each([
    ['NFeStatusServico4', 500 * KB, undefined],
    ['NFeAutorizacao4', 500 * KB, 50],
    ['NFeRetAutorizacao4', 500 * KB, undefined],
    ['NFeConsultaProtocolo4', 500 * KB, undefined],
    ['NFeInutilizacao4', 500 * KB, undefined],
    ['NFeRecepcaoEvento4', 500 * KB, 20],
    ['CTeRecepcaoSincV4', 512 * KB, undefined],
    ['CTeConsultaV4', 512 * KB, undefined],
    ['CTeStatusServicoV4', 512 * KB, undefined],
    ['CTeRecepcaoEventoV4', 512 * KB, undefined],
  ])('%s: %d bytes, %s documents per lote', (operation, bytes, documents) => {
    expect(limitsOf(operation)).toEqual(SEFAZ_LIMITS[operation as keyof typeof SEFAZ_LIMITS]);
    expect(limitsOf(operation).maxMessageBytes).toBe(bytes);
    expect(limitsOf(operation).maxDocuments).toBe(documents);
  });

  test('an unknown operation gets the common 500 KB', () => {
    expect(limitsOf('CadConsultaCadastro4')).toEqual({ maxMessageBytes: 500 * KB });
  });

  test.each([[0, 0], [1, 1], [1024, 1], [1025, 2], [512_000, 500], [512_001, 501]])('kilobytes(%d) = %d', (bytes, kb) => {
    expect(kilobytes(bytes)).toBe(kb);
  });
});

describe('packLotes', () => {
  const limits = { maxMessageBytes: 100, maxDocuments: 3 };
  test.each<[string, number[], number, number[][]]>([
    ['nothing', [], 10, []],
    ['one document', [50], 10, [[0]]],
    ['fits in one lote exactly at the limit', [30, 30, 30], 10, [[0, 1, 2]]],
    ['one byte over: the last one opens a new lote', [30, 30, 31], 10, [[0, 1], [2]]],
    ['count limit closes the lote', [1, 1, 1, 1, 1, 1, 1], 10, [[0, 1, 2], [3, 4, 5], [6]]],
    ['order is kept (no reordering to fill gaps)', [60, 50, 20, 10], 10, [[0], [1, 2, 3]]],
    ['a document too large alone is set aside, the others stay together', [20, 95, 20], 10, [[1], [0, 2]]],
    ['too large first and last', [200, 10, 10, 300], 10, [[0], [3], [1, 2]]],
    ['exactly the limit alone fits; one byte more is set aside', [90, 91], 10, [[1], [0]]],
  ])('%s', (_name, sizes, fixed, expected) => {
    expect(packLotes(sizes, fixed, limits)).toEqual(expected);
  });

  test('50 NF-e of ~200 KB under the autorização limits → lotes of 2, none over 500 KB', () => {
    const sizes = Array.from({ length: 50 }, () => 200 * KB);
    const lotes = packLotes(sizes, 400, SEFAZ_LIMITS.NFeAutorizacao4);
    expect(lotes).toHaveLength(25);
    for (const lote of lotes) expect(400 + lote.reduce((n, i) => n + sizes[i]!, 0)).toBeLessThanOrEqual(500 * KB);
  });

  test('without a count limit only bytes matter', () => {
    expect(packLotes([1, 1, 1, 1], 0, { maxMessageBytes: 2 })).toEqual([[0, 1], [2, 3]]);
  });
});
