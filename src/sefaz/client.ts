// Typed façade over endpoint resolution, SOAP transport and response parsing: one method per SEFAZ
// service, each a descriptor (services/nfe.ts) that builds the message and parses the answer. Messages
// that must be signed (NFe, inutNFe, evento) arrive already signed. A message over SEFAZ's size limit
// is never written (SefazMessageTooLarge, from the transport): SEFAZ would refuse it whole (214).
import { ufCode, type Model } from '../fiscal/ufs';
import type { LogScope } from '../log/logger';
import { authorizerFor, type EndpointResolver, type ResolvedEndpoint, type TpAmb } from './endpoints';
import type { RetConsReciNFe, RetConsSitNFe, RetConsStatServ, RetEnviNFe, RetEnvEvento, RetInutNFe } from './responses';
import { NFE_SERVICES, type NfeServiceDescriptor } from './services/nfe';
import type { SefazCredentials, SefazTransport, TransportTimeouts } from './transport';

export interface SefazTarget {
  uf: string;
  model: Model;
  tpAmb: TpAmb;
  /** Defaults to the UF's normal authorizer; pass 'SVCAN'/'SVCRS'/'AN' (see authorizerFor). */
  authorizer?: string;
  timeouts?: TransportTimeouts;
  /** Scope of the transport's lines about this call (the caller's request, document or job). */
  log?: LogScope;
}

/** Parsed answer plus the ret… element exactly as received (storage/audit) and call metadata. */
export type SefazReply<T> = T & { xml: string; endpoint: ResolvedEndpoint; durationMs: number };

export class SefazClient {
  constructor(
    private readonly resolver: EndpointResolver,
    private readonly transport: SefazTransport,
  ) {}

  private async call<In, Out>(t: SefazTarget, credentials: SefazCredentials, service: NfeServiceDescriptor<In, Out>, input: In): Promise<SefazReply<Out>> {
    const authorizer = t.authorizer ?? authorizerFor(t.uf, t.model, '1');
    const endpoint = this.resolver.resolve({ model: t.model, authorizer, tpAmb: t.tpAmb, service: service.service });
    const res = await this.transport.send({ endpoint, bodyXml: service.build(input), credentials, timeouts: t.timeouts, log: t.log });
    // The transport checked the whole answer before cutting the ret… element out of it.
    return { ...service.parse(res.xml, { checked: true }), xml: res.xml, endpoint, durationMs: res.durationMs };
  }

  statusServico(t: SefazTarget, c: SefazCredentials): Promise<SefazReply<RetConsStatServ>> {
    return this.call(t, c, NFE_SERVICES.NfeStatusServico, { tpAmb: t.tpAmb, cUF: ufCode(t.uf) });
  }

  autorizar(t: SefazTarget, c: SefazCredentials, lote: { idLote: string; indSinc: '0' | '1'; signedNfeXmls: readonly string[] }): Promise<SefazReply<RetEnviNFe>> {
    return this.call(t, c, NFE_SERVICES.NfeAutorizacao, lote);
  }

  retAutorizacao(t: SefazTarget, c: SefazCredentials, nRec: string): Promise<SefazReply<RetConsReciNFe>> {
    return this.call(t, c, NFE_SERVICES.NfeRetAutorizacao, { tpAmb: t.tpAmb, nRec });
  }

  consultaProtocolo(t: SefazTarget, c: SefazCredentials, chave: string): Promise<SefazReply<RetConsSitNFe>> {
    return this.call(t, c, NFE_SERVICES.NfeConsultaProtocolo, { tpAmb: t.tpAmb, chave });
  }

  inutilizar(t: SefazTarget, c: SefazCredentials, signedInutXml: string): Promise<SefazReply<RetInutNFe>> {
    return this.call(t, c, NFE_SERVICES.NfeInutilizacao, { signedInutXml });
  }

  recepcaoEvento(t: SefazTarget, c: SefazCredentials, lote: { idLote: string; signedEventoXmls: readonly string[] }): Promise<SefazReply<RetEnvEvento>> {
    return this.call(t, c, NFE_SERVICES.RecepcaoEvento, lote);
  }
}
