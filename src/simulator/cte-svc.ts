// Whether an SVC serves an origin UF's CT-e right now (cte.md §2.2): the origin UF switched it on
// (admin `/__admin/svc`) and any end it announced (113) has not passed. Off, the status service
// answers 114 and the SVC refuses the CT-e (the EPEC it still takes: services/cte-eventos.ts).
import { ufFromCode } from '../fiscal/ufs';
import type { ServiceContext, SimulatorCore } from './context';
import { cteReject } from './cte-cstat';
import type { Rejection } from './cstat';

export function svcServing(core: SimulatorCore, uf: string, tpAmb: string, nowMs: number): boolean {
  const endsAtMs = core.state.svcDeactivation(uf, tpAmb);
  return core.state.isSvcActive(uf, tpAmb) && (endsAtMs === undefined || endsAtMs > nowMs);
}

/**
 * 114 at an SVC the origin UF (of `cUF`) has not switched on. cte.md names no rejection code for a
 * CT-e sent there; the status service's 114 and its text are what SEFAZ answers the same fact with
 * (cte.md §2.2), and what NF-e emitters get from an SVC in that state, so the refusal carries them [I].
 */
export function svcDisabled(core: SimulatorCore, ctx: ServiceContext, cUF: string): Rejection | undefined {
  if (ctx.auth.kind !== 'svc') return undefined;
  const uf = ufFromCode(cUF);
  return uf && !svcServing(core, uf, ctx.tpAmb, ctx.now.getTime()) ? cteReject('114') : undefined;
}
