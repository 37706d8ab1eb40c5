// The four CT-e 4.00 web services (cte.md §2, §2.1): SOAP 1.2, the message in `cteDadosMsg` of the
// namespace `…/cte/wsdl/<operation>` — the CT-e gzip-compressed and base64-encoded as text, the other
// messages inline — and the answer in `<method>Result` (names from third-party stubs, cte.md §12; the
// transport finds the ret… by local name whatever wraps it).
import { SEFAZ_LIMITS, type SefazOperation } from '../../fiscal/sefaz-limits';
import { consSitCTe, consStatServCTe, CTE_NS } from '../cte-messages';
import {
  parseRetConsSitCTe,
  parseRetConsStatServCTe,
  parseRetCTe,
  parseRetEventoCTe,
  type RetConsSitCTe,
  type RetConsStatServCTe,
  type RetCTe,
  type RetEventoCTe,
} from '../cte-responses';
import { stripXmlDeclaration } from '../xml-text';
import type { BodyEncoding, ServiceDescriptor } from './descriptor';

/** Names of the CT-e services in the endpoint table (src/sefaz/endpoints/cte-endpoints.json). */
export type CteService = 'CteRecepcaoSinc' | 'CteConsulta' | 'CteStatusServico' | 'CteRecepcaoEvento';

export const CTE_WSDL_NS = 'http://www.portalfiscal.inf.br/cte/wsdl/';

export interface CteServiceDescriptor<In, Out> extends ServiceDescriptor<In, Out> {
  service: CteService;
  operation: SefazOperation;
}

interface CteFacts<In, Out> {
  service: CteService;
  operation: SefazOperation;
  method: string;
  encoding: BodyEncoding;
  root: string;
  /** Absent for CTe, whose versao is on infCte. */
  versao?: string;
  replyRoot: string;
  build: (input: In) => string;
  parse: ServiceDescriptor<In, Out>['parse'];
}

function cteService<In, Out>(f: CteFacts<In, Out>): CteServiceDescriptor<In, Out> {
  return {
    service: f.service,
    operation: f.operation,
    method: f.method,
    namespace: CTE_WSDL_NS + f.operation,
    request: { wrapper: ['cteDadosMsg'], encoding: f.encoding, root: f.root, versao: f.versao, dataNamespace: CTE_NS },
    reply: { wrapper: [`${f.method}Result`], root: f.replyRoot },
    limits: SEFAZ_LIMITS[f.operation],
    build: f.build,
    parse: f.parse,
  };
}

export const CTE_SERVICES = {
  CteRecepcaoSinc: cteService<{ signedCteXml: string }, RetCTe>({
    service: 'CteRecepcaoSinc', operation: 'CTeRecepcaoSincV4', method: 'cteRecepcao', encoding: 'gzip-base64',
    root: 'CTe', replyRoot: 'retCTe',
    build: (m) => stripXmlDeclaration(m.signedCteXml), parse: parseRetCTe,
  }),
  CteConsulta: cteService<{ tpAmb: string; chave: string }, RetConsSitCTe>({
    service: 'CteConsulta', operation: 'CTeConsultaV4', method: 'cteConsultaCT', encoding: 'xml',
    root: 'consSitCTe', versao: '4.00', replyRoot: 'retConsSitCTe',
    build: (m) => consSitCTe(m.tpAmb, m.chave), parse: parseRetConsSitCTe,
  }),
  CteStatusServico: cteService<{ tpAmb: string; cUF: string }, RetConsStatServCTe>({
    service: 'CteStatusServico', operation: 'CTeStatusServicoV4', method: 'cteStatusServicoCT', encoding: 'xml',
    root: 'consStatServCTe', versao: '4.00', replyRoot: 'retConsStatServCTe',
    build: (m) => consStatServCTe(m.tpAmb, m.cUF), parse: parseRetConsStatServCTe,
  }),
  CteRecepcaoEvento: cteService<{ signedEventoXml: string }, RetEventoCTe>({
    service: 'CteRecepcaoEvento', operation: 'CTeRecepcaoEventoV4', method: 'cteRecepcaoEvento', encoding: 'xml',
    root: 'eventoCTe', versao: '4.00', replyRoot: 'retEventoCTe',
    build: (m) => stripXmlDeclaration(m.signedEventoXml), parse: parseRetEventoCTe,
  }),
} as const satisfies Record<CteService, CteServiceDescriptor<never, unknown>>;
