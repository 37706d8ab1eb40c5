// Whether an SVC serves an origin UF's CT-e right now (cte.md §2.2): the origin UF switched it on
// (admin `/__admin/svc`) and any end it announced (113) has not passed. Off, the status service
// answers 114 and the SVC refuses the CT-e and the EPEC it would otherwise take.
import { ufFromCode } from '../fiscal/ufs';
import type { ServiceContext, SimulatorCore } from './context';
import { cteReject } from './cte-cstat';
import type { Rejection } from './cstat';

export function svcServing(core: SimulatorCore, uf: string, tpAmb: string, nowMs: number): boolean {
  const endsAtMs = core.state.svcDeactivation(uf, tpAmb);
  return core.state.isSvcActive(uf, tpAmb) && (endsAtMs === undefined || endsAtMs > nowMs);
}

/**
 * 114 at an SVC the origin UF (of `cUF`) has not switched on. The MOC's rejection tables name no code
 * for a CT-e or an EPEC sent there; the status service's 114 and its text are what SEFAZ answers the
 * same fact with (cte.md §2.2), so the refusal carries them [I].
 */
export function svcDisabled(core: SimulatorCore, ctx: ServiceContext, cUF: string): Rejection | undefined {
  if (ctx.auth.kind !== 'svc') return undefined;
  const uf = ufFromCode(cUF);
  return uf && !svcServing(core, uf, ctx.tpAmb, ctx.now.getTime()) ? cteReject('114') : undefined;
}
