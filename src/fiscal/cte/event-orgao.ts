// cOrgao of a CT-e event (cte.md §5.1, 677): the IBGE code of the authorizer that holds the CT-e — the
// UF's own, SVRS's (43) or SVSP's (35) for the UFs they serve, and the SVC's for a CT-e it authorised
// (tpEmis 7 SVC-RS → 43, 8 SVC-SP → 35).
import { normalAuthorizer, ufCode, ufFromCode } from '../ufs';

const VIRTUAL: Readonly<Record<string, string>> = { SVRS: '43', SVSP: '35' };
const SVC_BY_TP_EMIS: Readonly<Record<string, string>> = { 7: '43', 8: '35' };

export function cteEventOrgao(chCTe: string): string {
  const bySvc = SVC_BY_TP_EMIS[chCTe.charAt(34)];
  if (bySvc) return bySvc;
  const uf = ufFromCode(chCTe.slice(0, 2));
  if (!uf) return chCTe.slice(0, 2);
  return VIRTUAL[normalAuthorizer(uf, '57')] ?? ufCode(uf);
}
