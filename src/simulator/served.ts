// The web services the simulator serves. Each row is the service's descriptor (sefaz/services/, the
// same the gateway's client writes with: operation, wrapper, namespaces, encoding, size limit), the
// handler that answers it and its answer carrying only a service-level cStat (108/109, 214, 242…).
// A new service is a new row; the HTTP pipeline, the envelope reader and the WSDL read the descriptor.
import type { SoapService } from '../sefaz/services/descriptor';
import { NFE_SERVICES } from '../sefaz/services/nfe';
import { answerCuf } from './authorizers';
import type { ServiceContext, SimulatorCore } from './context';
import { retConsReciNFe, retConsSitNFe, retConsStatServ, retEnviNFe, retEnvEvento, retInutNFe } from './messages';
import { autorizacao } from './services/autorizacao';
import { consultaProtocolo } from './services/consulta';
import { recepcaoEvento } from './services/eventos';
import { inutilizacao } from './services/inutilizacao';
import { retAutorizacao } from './services/retautorizacao';
import { statusServico } from './services/status';

export interface ServedService {
  descriptor: SoapService;
  handle(core: SimulatorCore, ctx: ServiceContext, xml: string): Promise<string>;
  /** The service's ret… with only a service-level cStat. */
  error(ctx: ServiceContext, cStat: string, xMotivo: string): string;
  /** The Ambiente Nacional serves it too (events, and status for monitoring). */
  atAn?: boolean;
}

export const SERVED: readonly ServedService[] = [
  {
    descriptor: NFE_SERVICES.NfeStatusServico,
    handle: statusServico,
    error: (ctx, cStat, xMotivo) => retConsStatServ(ctx, cStat, xMotivo, answerCuf(ctx.auth)),
    atAn: true,
  },
  {
    descriptor: NFE_SERVICES.NfeAutorizacao,
    handle: autorizacao,
    error: (ctx, cStat, xMotivo) => retEnviNFe(ctx, cStat, xMotivo, answerCuf(ctx.auth)),
  },
  {
    descriptor: NFE_SERVICES.NfeRetAutorizacao,
    handle: retAutorizacao,
    error: (ctx, cStat, xMotivo) => retConsReciNFe(ctx, '000000000000000', cStat, xMotivo, answerCuf(ctx.auth)),
  },
  {
    descriptor: NFE_SERVICES.NfeConsultaProtocolo,
    handle: consultaProtocolo,
    error: (ctx, cStat, xMotivo) => retConsSitNFe(ctx, '', cStat, xMotivo, answerCuf(ctx.auth)),
  },
  {
    descriptor: NFE_SERVICES.NfeInutilizacao,
    handle: inutilizacao,
    error: (ctx, cStat, xMotivo) => retInutNFe(ctx, cStat, xMotivo, answerCuf(ctx.auth)),
  },
  {
    descriptor: NFE_SERVICES.RecepcaoEvento,
    handle: recepcaoEvento,
    error: (ctx, cStat, xMotivo) => retEnvEvento(ctx, '0', ctx.auth.kind === 'an' ? '91' : answerCuf(ctx.auth), cStat, xMotivo),
    atAn: true,
  },
];

const BY_OPERATION = new Map(SERVED.map((s) => [s.descriptor.operation.toLowerCase(), s]));

/** Case-insensitive lookup of a service by the operation in a URL segment. */
export function findService(segment: string): ServedService | undefined {
  return BY_OPERATION.get(segment.toLowerCase());
}
