// The six NF-e/NFC-e 4.00 web services (sefaz-nfe.md §1–3, Appendix B): SOAP 1.2, the message inline
// in `nfeDadosMsg`, the answer in `nfeResultMsg`, both in the namespace `…/nfe/wsdl/<operation>`.
import { SEFAZ_LIMITS, type SefazOperation } from '../../fiscal/sefaz-limits';
import { consReciNFe, consSitNFe, consStatServ, enviNFe, envEvento, NFE_NS } from '../messages';
import {
  parseRetConsReciNFe,
  parseRetConsSitNFe,
  parseRetConsStatServ,
  parseRetEnviNFe,
  parseRetEnvEvento,
  parseRetInutNFe,
  type RetConsReciNFe,
  type RetConsSitNFe,
  type RetConsStatServ,
  type RetEnviNFe,
  type RetEnvEvento,
  type RetInutNFe,
} from '../responses';
import { stripXmlDeclaration } from '../xml-text';
import type { ServiceDescriptor } from './descriptor';

/** Names of the NF-e services in the endpoint table (src/sefaz/endpoints/nfe-endpoints.json). */
export type SefazService =
  | 'NfeStatusServico'
  | 'NfeAutorizacao'
  | 'NfeRetAutorizacao'
  | 'NfeConsultaProtocolo'
  | 'NfeInutilizacao'
  | 'RecepcaoEvento';

export const NFE_WSDL_NS = 'http://www.portalfiscal.inf.br/nfe/wsdl/';

export interface NfeServiceDescriptor<In, Out> extends ServiceDescriptor<In, Out> {
  service: SefazService;
  operation: SefazOperation;
}

interface NfeFacts<In, Out> {
  service: SefazService;
  /** Canonical operation: the table has anomalies (GO/PR NFC-e list `NFeRecepcaoEvento`); Appendix B says the `…4` one. */
  operation: SefazOperation;
  method: string;
  root: string;
  versao: string;
  replyRoot: string;
  build: (input: In) => string;
  parse: ServiceDescriptor<In, Out>['parse'];
}

function nfeService<In, Out>(f: NfeFacts<In, Out>): NfeServiceDescriptor<In, Out> {
  return {
    service: f.service,
    operation: f.operation,
    method: f.method,
    namespace: NFE_WSDL_NS + f.operation,
    request: { wrapper: ['nfeDadosMsg'], encoding: 'xml', root: f.root, versao: f.versao, dataNamespace: NFE_NS },
    reply: { wrapper: ['nfeResultMsg'], root: f.replyRoot },
    limits: SEFAZ_LIMITS[f.operation],
    build: f.build,
    parse: f.parse,
  };
}

export const NFE_SERVICES = {
  NfeStatusServico: nfeService<{ tpAmb: string; cUF: string }, RetConsStatServ>({
    service: 'NfeStatusServico', operation: 'NFeStatusServico4', method: 'nfeStatusServicoNF',
    root: 'consStatServ', versao: '4.00', replyRoot: 'retConsStatServ',
    build: (m) => consStatServ(m.tpAmb, m.cUF), parse: parseRetConsStatServ,
  }),
  NfeAutorizacao: nfeService<{ idLote: string; indSinc: '0' | '1'; signedNfeXmls: readonly string[] }, RetEnviNFe>({
    service: 'NfeAutorizacao', operation: 'NFeAutorizacao4', method: 'nfeAutorizacaoLote',
    root: 'enviNFe', versao: '4.00', replyRoot: 'retEnviNFe',
    build: (m) => enviNFe(m.idLote, m.indSinc, m.signedNfeXmls), parse: parseRetEnviNFe,
  }),
  NfeRetAutorizacao: nfeService<{ tpAmb: string; nRec: string }, RetConsReciNFe>({
    service: 'NfeRetAutorizacao', operation: 'NFeRetAutorizacao4', method: 'nfeRetAutorizacaoLote',
    root: 'consReciNFe', versao: '4.00', replyRoot: 'retConsReciNFe',
    build: (m) => consReciNFe(m.tpAmb, m.nRec), parse: parseRetConsReciNFe,
  }),
  NfeConsultaProtocolo: nfeService<{ tpAmb: string; chave: string }, RetConsSitNFe>({
    service: 'NfeConsultaProtocolo', operation: 'NFeConsultaProtocolo4', method: 'nfeConsultaNF',
    root: 'consSitNFe', versao: '4.00', replyRoot: 'retConsSitNFe',
    build: (m) => consSitNFe(m.tpAmb, m.chave), parse: parseRetConsSitNFe,
  }),
  NfeInutilizacao: nfeService<{ signedInutXml: string }, RetInutNFe>({
    service: 'NfeInutilizacao', operation: 'NFeInutilizacao4', method: 'nfeInutilizacaoNF',
    root: 'inutNFe', versao: '4.00', replyRoot: 'retInutNFe',
    build: (m) => stripXmlDeclaration(m.signedInutXml), parse: parseRetInutNFe,
  }),
  RecepcaoEvento: nfeService<{ idLote: string; signedEventoXmls: readonly string[] }, RetEnvEvento>({
    service: 'RecepcaoEvento', operation: 'NFeRecepcaoEvento4', method: 'nfeRecepcaoEvento',
    root: 'envEvento', versao: '1.00', replyRoot: 'retEnvEvento',
    build: (m) => envEvento(m.idLote, m.signedEventoXmls), parse: parseRetEnvEvento,
  }),
} as const satisfies Record<SefazService, NfeServiceDescriptor<never, unknown>>;
