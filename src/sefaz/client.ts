// Typed façade over endpoint resolution, SOAP transport and response parsing: one method per SEFAZ
// service. Messages that must be signed (NFe, inutNFe, evento) arrive already signed. A message over
// SEFAZ's size limit is never written (SefazMessageTooLarge): SEFAZ would refuse it whole (214).
import { ufCode, type Model } from '../fiscal/ufs';
import { limitsOf } from '../fiscal/sefaz-limits';
import type { LogScope } from '../log/logger';
import { authorizerFor, type EndpointResolver, type ResolvedEndpoint, type SefazService, type TpAmb } from './endpoints';
import { consReciNFe, consSitNFe, consStatServ, enviNFe, envEvento } from './messages';
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
  type ResponseParseOptions,
} from './responses';
import type { SefazCredentials, SefazTransport, TransportTimeouts } from './transport';
import { SefazMessageTooLarge } from './errors';
import { soapMessageBytes } from './message-size';
import { stripXmlDeclaration } from './xml-text';

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

  private async call<T>(
    t: SefazTarget,
    credentials: SefazCredentials,
    service: SefazService,
    bodyXml: string,
    parse: (xml: string, options: ResponseParseOptions) => T,
  ): Promise<SefazReply<T>> {
    const authorizer = t.authorizer ?? authorizerFor(t.uf, t.model, '1');
    const endpoint = this.resolver.resolve({ model: t.model, authorizer, tpAmb: t.tpAmb, service });
    const bytes = soapMessageBytes(endpoint.namespace, bodyXml);
    const limit = limitsOf(endpoint.operation).maxMessageBytes;
    if (bytes > limit) throw new SefazMessageTooLarge(endpoint.operation, bytes, limit);
    const res = await this.transport.send({ endpoint, bodyXml, credentials, timeouts: t.timeouts, log: t.log });
    // The transport checked the whole answer before cutting the ret… element out of it.
    return { ...parse(res.xml, { checked: true }), xml: res.xml, endpoint, durationMs: res.durationMs };
  }

  statusServico(t: SefazTarget, c: SefazCredentials): Promise<SefazReply<RetConsStatServ>> {
    return this.call(t, c, 'NfeStatusServico', consStatServ(t.tpAmb, ufCode(t.uf)), parseRetConsStatServ);
  }

  autorizar(t: SefazTarget, c: SefazCredentials, lote: { idLote: string; indSinc: '0' | '1'; signedNfeXmls: readonly string[] }): Promise<SefazReply<RetEnviNFe>> {
    return this.call(t, c, 'NfeAutorizacao', enviNFe(lote.idLote, lote.indSinc, lote.signedNfeXmls), parseRetEnviNFe);
  }

  retAutorizacao(t: SefazTarget, c: SefazCredentials, nRec: string): Promise<SefazReply<RetConsReciNFe>> {
    return this.call(t, c, 'NfeRetAutorizacao', consReciNFe(t.tpAmb, nRec), parseRetConsReciNFe);
  }

  consultaProtocolo(t: SefazTarget, c: SefazCredentials, chave: string): Promise<SefazReply<RetConsSitNFe>> {
    return this.call(t, c, 'NfeConsultaProtocolo', consSitNFe(t.tpAmb, chave), parseRetConsSitNFe);
  }

  inutilizar(t: SefazTarget, c: SefazCredentials, signedInutXml: string): Promise<SefazReply<RetInutNFe>> {
    return this.call(t, c, 'NfeInutilizacao', stripXmlDeclaration(signedInutXml), parseRetInutNFe);
  }

  recepcaoEvento(t: SefazTarget, c: SefazCredentials, lote: { idLote: string; signedEventoXmls: readonly string[] }): Promise<SefazReply<RetEnvEvento>> {
    return this.call(t, c, 'RecepcaoEvento', envEvento(lote.idLote, lote.signedEventoXmls), parseRetEnvEvento);
  }
}
