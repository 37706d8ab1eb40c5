import { editDistance, nearestName } from '../../src/layout/suggest';

describe('editDistance (optimal string alignment)', () => {
  test.each([
    ['xFant', 'xFant', 0], ['xFnat', 'xFant', 1], ['natOpp', 'natOp', 1], ['vProd', 'vPrd', 1], ['cEAN', 'cEANTrib', 4], ['', 'abc', 3],
  ])('%s → %s: %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('nearestName', () => {
  const names = ['xNome', 'xFant', 'IE', 'IEST', 'CRT'];
  test.each([
    ['xFnat', 'xFant'], ['XNOME', 'xNome'], ['xNomee', 'xNome'], ['IET', 'IE'], ['campoInventado', undefined], ['Z', undefined],
  ])('%s → %s', (name, expected) => {
    expect(nearestName(name, names)).toBe(expected);
  });
});
