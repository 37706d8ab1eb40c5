// The two DF-e distribution services of the Ambiente Nacional (dfe-distribution.md §1–3, §9): SOAP
// 1.2, the query inline in `<method><…DadosMsg>` (two wrappers, unlike every other service), the
// answer in `<method>Response/<method>Result/retDistDFeInt`, no signature, 10 KB per message.
import { SEFAZ_LIMITS, type SefazOperation } from '../../fiscal/sefaz-limits';
import { CTE_NS } from '../cte-messages';
import { distDFeIntCTe, distDFeIntNFe, type DistDFeIntInput } from '../dfe-messages';
import { parseRetDistDFeInt } from '../dfe-responses';
import type { DistAnswer } from '../dfe-types';
import { NFE_NS } from '../messages';
import type { ServiceDescriptor } from './descriptor';

/** Names of the distribution services in the endpoint tables (Ambiente Nacional rows). */
export type DfeService = 'NfeDistribuicaoDFe' | 'CteDistribuicaoDFe';

export interface DfeServiceDescriptor extends ServiceDescriptor<DistDFeIntInput, DistAnswer> {
  service: DfeService;
  operation: SefazOperation;
}

interface DfeFacts {
  service: DfeService;
  operation: SefazOperation;
  namespace: string;
  /** nfe / cte: the prefix of the method and of its data wrapper. */
  kind: 'nfe' | 'cte';
  versao: string;
  dataNamespace: string;
  build: (m: DistDFeIntInput) => string;
}

function dfeService(f: DfeFacts): DfeServiceDescriptor {
  const method = `${f.kind}DistDFeInteresse`;
  return {
    service: f.service,
    operation: f.operation,
    method,
    namespace: f.namespace,
    request: { wrapper: [method, `${f.kind}DadosMsg`], encoding: 'xml', root: 'distDFeInt', versao: f.versao, dataNamespace: f.dataNamespace },
    reply: { wrapper: [`${method}Response`, `${method}Result`], root: 'retDistDFeInt' },
    limits: SEFAZ_LIMITS[f.operation],
    build: f.build,
    parse: parseRetDistDFeInt,
  };
}

export const DFE_SERVICES = {
  NfeDistribuicaoDFe: dfeService({
    service: 'NfeDistribuicaoDFe', operation: 'NFeDistribuicaoDFe', kind: 'nfe', versao: '1.01', dataNamespace: NFE_NS,
    namespace: 'http://www.portalfiscal.inf.br/nfe/wsdl/NFeDistribuicaoDFe', build: distDFeIntNFe,
  }),
  CteDistribuicaoDFe: dfeService({
    service: 'CteDistribuicaoDFe', operation: 'CTeDistribuicaoDFe', kind: 'cte', versao: '1.00', dataNamespace: CTE_NS,
    namespace: 'http://www.portalfiscal.inf.br/cte/wsdl/CTeDistribuicaoDFe', build: distDFeIntCTe,
  }),
} as const satisfies Record<DfeService, DfeServiceDescriptor>;
