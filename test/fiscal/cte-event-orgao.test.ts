// cOrgao of a CT-e event (src/fiscal/cte/event-orgao.ts): the authorizer that holds the CT-e.
import { cteEventOrgao } from '../../src/fiscal/cte/event-orgao';

// cUF, AAMM, CNPJ, mod 57, série 1, nCT 1, tpEmis, cCT, DV (not checked here).
const key = (cUF: string, tpEmis: string) => `${cUF}24020635497600014957001000000001${tpEmis}123456780`;

test.each([
  ['RS, own authorizer', '43', '1', '43'],
  ['SP, own authorizer', '35', '1', '35'],
  ['MG, own authorizer', '31', '1', '31'],
  ['SC, served by SVRS', '42', '1', '43'],
  ['BA, served by SVRS', '29', '1', '43'],
  ['PE, served by SVSP', '26', '1', '35'],
  ['AP, served by SVSP', '16', '1', '35'],
  ['a CT-e authorised by SVC-RS (tpEmis 7)', '35', '7', '43'],
  ['a CT-e authorised by SVC-SP (tpEmis 8)', '43', '8', '35'],
  ['an EPEC CT-e (tpEmis 4): its UF authorizer', '42', '4', '43'],
])('%s', (_name, cUF, tpEmis, expected) => {
  const chave = key(cUF, tpEmis);
  expect(chave).toHaveLength(44);
  expect(cteEventOrgao(chave)).toBe(expected);
});
