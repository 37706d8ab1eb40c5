// Typed façade over endpoint resolution, SOAP transport and response parsing: one method per SEFAZ
// service, each a descriptor (services/nfe.ts, services/cte.ts) that builds the message and parses the
// answer (DF-e distribution: services/dfe.ts, at the Ambiente Nacional). Messages that must be signed (NFe, inutNFe, evento, CTe, eventoCTe) arrive already signed.
// A message over SEFAZ's size limit is never written (SefazMessageTooLarge, from the transport):
// SEFAZ would refuse it whole (214).
import type { DocModel } from '../fiscal/document-state';
import { ufCode } from '../fiscal/ufs';
import type { LogScope } from '../log/logger';
import { authorizerFor, cteAuthorizerFor, type EndpointQuery, type EndpointResolver, type ResolvedEndpoint, type TpAmb } from './endpoints';
import type { RetConsSitCTe, RetConsStatServCTe, RetCTe, RetEventoCTe } from './cte-responses';
import type { DistAnswer, DistRequest } from './dfe-types';
import type { RetConsReciNFe, RetConsSitNFe, RetConsStatServ, RetEnviNFe, RetEnvEvento, RetInutNFe } from './responses';
import { CTE_SERVICES, type CteServiceDescriptor } from './services/cte';
import type { ServiceDescriptor } from './services/descriptor';
import { DFE_SERVICES } from './services/dfe';
import { NFE_SERVICES, type NfeServiceDescriptor } from './services/nfe';
import type { SefazCredentials, SefazTransport, TransportTimeouts } from './transport';

export interface SefazTarget {
  uf: string;
  model: DocModel;
  tpAmb: TpAmb;
  /** Defaults to the UF's normal authorizer; pass 'SVCAN'/'SVCRS'/'SVCSP'/'AN' (see authorizerFor). */
  authorizer?: string;
  timeouts?: TransportTimeouts;
  /** Scope of the transport's lines about this call (the caller's request, document or job). */
  log?: LogScope;
}

/** A CT-e call's target: model 57 is implied, the authorizer defaults to the UF's (see cteAuthorizerFor). */
export type CteTarget = Omit<SefazTarget, 'model'>;

/** A distribution call's target: the Ambiente Nacional, model and environment come from the DistRequest. */
export type DistTarget = Pick<SefazTarget, 'timeouts' | 'log'>;

/** Parsed answer plus the ret… element exactly as received (storage/audit) and call metadata. */
export type SefazReply<T> = T & { xml: string; endpoint: ResolvedEndpoint; durationMs: number };

export class SefazClient {
  constructor(
    private readonly resolver: EndpointResolver,
    private readonly transport: SefazTransport,
  ) {}

  private call<In, Out>(t: SefazTarget, credentials: SefazCredentials, service: NfeServiceDescriptor<In, Out>, input: In): Promise<SefazReply<Out>> {
    return this.send(t, t.model, t.authorizer ?? authorizerFor(t.uf, t.model, '1'), credentials, service, input);
  }

  private callCte<In, Out>(t: CteTarget, credentials: SefazCredentials, service: CteServiceDescriptor<In, Out>, input: In): Promise<SefazReply<Out>> {
    return this.send(t, '57', t.authorizer ?? cteAuthorizerFor(t.uf, '1'), credentials, service, input);
  }

  private async send<In, Out>(
    t: Pick<SefazTarget, 'tpAmb' | 'timeouts' | 'log'>, model: DocModel, authorizer: string, credentials: SefazCredentials,
    service: ServiceDescriptor<In, Out> & { service: EndpointQuery['service'] }, input: In,
  ): Promise<SefazReply<Out>> {
    const endpoint = this.resolver.resolve({ model, authorizer, tpAmb: t.tpAmb, service: service.service });
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

  /** CTeStatusServicoV4 (at an SVC: 113/114 say whether it serves the UF). */
  cteStatusServico(t: CteTarget, c: SefazCredentials): Promise<SefazReply<RetConsStatServCTe>> {
    return this.callCte(t, c, CTE_SERVICES.CteStatusServico, { tpAmb: t.tpAmb, cUF: ufCode(t.uf) });
  }

  /** CTeRecepcaoSincV4: one signed CTe, synchronous; the answer carries its protCTe. */
  cteRecepcao(t: CteTarget, c: SefazCredentials, signedCteXml: string): Promise<SefazReply<RetCTe>> {
    return this.callCte(t, c, CTE_SERVICES.CteRecepcaoSinc, { signedCteXml });
  }

  cteConsulta(t: CteTarget, c: SefazCredentials, chave: string): Promise<SefazReply<RetConsSitCTe>> {
    return this.callCte(t, c, CTE_SERVICES.CteConsulta, { tpAmb: t.tpAmb, chave });
  }

  /** CTeRecepcaoEventoV4: one signed eventoCTe (no lote). */
  cteRecepcaoEvento(t: CteTarget, c: SefazCredentials, signedEventoXml: string): Promise<SefazReply<RetEventoCTe>> {
    return this.callCte(t, c, CTE_SERVICES.CteRecepcaoEvento, { signedEventoXml });
  }

  /**
   * NFeDistribuicaoDFe (model 55) or CTeDistribuicaoDFe (57) at the Ambiente Nacional, with the
   * company certificate: one distNSU, consNSU or key query; each docZip comes back unzipped.
   */
  distribuicao(t: DistTarget, c: SefazCredentials, req: DistRequest): Promise<SefazReply<DistAnswer>> {
    const service = req.model === '57' ? DFE_SERVICES.CteDistribuicaoDFe : DFE_SERVICES.NfeDistribuicaoDFe;
    return this.send({ ...t, tpAmb: req.tpAmb }, req.model, 'AN', c, service, req);
  }
}
