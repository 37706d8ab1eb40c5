// The web services the simulator serves (NF-e 4.00, CT-e 4.00 and the DF-e distribution). Each row is the service's descriptor (sefaz/services/, the
// same the gateway's client writes with: operation, wrapper, namespaces, encoding, size limit), the
// handler that answers it and its answer carrying only a service-level cStat (108/109, 214, 242…).
// A new service is a new row; the HTTP pipeline, the envelope reader and the WSDL read the descriptor.
import type { SoapService } from '../sefaz/services/descriptor';
import { CTE_SERVICES } from '../sefaz/services/cte';
import { DFE_SERVICES } from '../sefaz/services/dfe';
import { NFE_SERVICES } from '../sefaz/services/nfe';
import { answerCuf, type Family } from './authorizers';
import type { ServiceContext, SimulatorCore } from './context';
import { retConsSitCTe, retConsStatServCTe, retCTe, retEventoCTe } from './cte-messages';
import { retConsReciNFe, retConsSitNFe, retConsStatServ, retEnviNFe, retEnvEvento, retInutNFe } from './messages';
import { autorizacao } from './services/autorizacao';
import { consultaProtocolo } from './services/consulta';
import { cteConsulta } from './services/cte-consulta';
import { cteRecepcaoEvento } from './services/cte-eventos';
import { cteRecepcao } from './services/cte-recepcao';
import { cteStatusServico } from './services/cte-status';
import { dfeDistribuicao } from './services/dfe-distribuicao';
import { retDistDFeInt } from './dfe-documents';
import { recepcaoEvento } from './services/eventos';
import { inutilizacao } from './services/inutilizacao';
import { retAutorizacao } from './services/retautorizacao';
import { statusServico } from './services/status';

export interface ServedService {
  descriptor: SoapService;
  /** Only authorizers of this family answer it (others: not found). */
  family: Family;
  handle(core: SimulatorCore, ctx: ServiceContext, xml: string): Promise<string>;
  /** The service's ret… with only a service-level cStat. */
  error(ctx: ServiceContext, cStat: string, xMotivo: string): string;
  /** The Ambiente Nacional serves it too (events, and status for monitoring). */
  atAn?: boolean;
  /** Only the Ambiente Nacional serves it (the DF-e distribution). */
  onlyAtAn?: boolean;
}

export const SERVED: readonly ServedService[] = [
  {
    family: 'nfe',
    descriptor: NFE_SERVICES.NfeStatusServico,
    handle: statusServico,
    error: (ctx, cStat, xMotivo) => retConsStatServ(ctx, cStat, xMotivo, answerCuf(ctx.auth)),
    atAn: true,
  },
  {
    family: 'nfe',
    descriptor: NFE_SERVICES.NfeAutorizacao,
    handle: autorizacao,
    error: (ctx, cStat, xMotivo) => retEnviNFe(ctx, cStat, xMotivo, answerCuf(ctx.auth)),
  },
  {
    family: 'nfe',
    descriptor: NFE_SERVICES.NfeRetAutorizacao,
    handle: retAutorizacao,
    error: (ctx, cStat, xMotivo) => retConsReciNFe(ctx, '000000000000000', cStat, xMotivo, answerCuf(ctx.auth)),
  },
  {
    family: 'nfe',
    descriptor: NFE_SERVICES.NfeConsultaProtocolo,
    handle: consultaProtocolo,
    error: (ctx, cStat, xMotivo) => retConsSitNFe(ctx, '', cStat, xMotivo, answerCuf(ctx.auth)),
  },
  {
    family: 'nfe',
    descriptor: NFE_SERVICES.NfeInutilizacao,
    handle: inutilizacao,
    error: (ctx, cStat, xMotivo) => retInutNFe(ctx, cStat, xMotivo, answerCuf(ctx.auth)),
  },
  {
    family: 'nfe',
    descriptor: NFE_SERVICES.RecepcaoEvento,
    handle: recepcaoEvento,
    error: (ctx, cStat, xMotivo) => retEnvEvento(ctx, '0', ctx.auth.kind === 'an' ? '91' : answerCuf(ctx.auth), cStat, xMotivo),
    atAn: true,
  },
  {
    family: 'cte',
    descriptor: CTE_SERVICES.CteStatusServico,
    handle: cteStatusServico,
    error: (ctx, cStat, xMotivo) => retConsStatServCTe(ctx, cStat, xMotivo, answerCuf(ctx.auth)),
  },
  {
    family: 'cte',
    descriptor: CTE_SERVICES.CteRecepcaoSinc,
    handle: cteRecepcao,
    error: (ctx, cStat, xMotivo) => retCTe(ctx, cStat, xMotivo, answerCuf(ctx.auth)),
  },
  {
    family: 'cte',
    descriptor: CTE_SERVICES.CteConsulta,
    handle: cteConsulta,
    error: (ctx, cStat, xMotivo) => retConsSitCTe(ctx, cStat, xMotivo, answerCuf(ctx.auth)),
  },
  {
    family: 'cte',
    descriptor: CTE_SERVICES.CteRecepcaoEvento,
    handle: cteRecepcaoEvento,
    error: (ctx, cStat, xMotivo) => retEventoCTe(ctx, { cOrgao: ctx.auth.defaultCuf, cStat, xMotivo }),
  },
  {
    family: 'nfe',
    descriptor: DFE_SERVICES.NfeDistribuicaoDFe,
    handle: dfeDistribuicao('nfe'),
    error: (ctx, cStat, xMotivo) => retDistDFeInt(ctx, 'nfe', { cStat, xMotivo }),
    onlyAtAn: true,
  },
  {
    family: 'cte',
    descriptor: DFE_SERVICES.CteDistribuicaoDFe,
    handle: dfeDistribuicao('cte'),
    error: (ctx, cStat, xMotivo) => retDistDFeInt(ctx, 'cte', { cStat, xMotivo }),
    onlyAtAn: true,
  },
];

const BY_OPERATION = new Map(SERVED.map((s) => [s.descriptor.operation.toLowerCase(), s]));

/** Case-insensitive lookup of a service by the operation in a URL segment. */
export function findService(segment: string): ServedService | undefined {
  return BY_OPERATION.get(segment.toLowerCase());
}
