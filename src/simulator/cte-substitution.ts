// A CT-e de substituição (tpCTe 3) at recepção, in the MOC's order as cte.md §7 lists it: tpEmis
// normal 503, infCteSub 505, the substituted key valid 847, known 568, not the same 673, not cancelled
// 569, not substituted before 570, an authorised 610110 of its tomador 739, itself normal or a
// substitute 571, the same emitter 510, within 60 days 563. The party, NF-e-set and tomador-change
// checks (511–560, 734, 738–742, 834) are not simulated.
import { chaveDv, isChaveFormat } from '../fiscal/chave';
import type { ServiceContext, SimulatorCore } from './context';
import { cteReject } from './cte-cstat';
import type { CteFacts } from './cte-rules';
import type { Rejection } from './cstat';

const DAY = 24 * 3_600_000;

export function substitutionProblem(core: SimulatorCore, ctx: ServiceContext, f: CteFacts): Rejection | undefined {
  if (f.tpCTe !== '3') return undefined;
  if (f.tpEmis !== '1') return cteReject('503');
  const sub = f.chCteSub;
  if (sub === undefined) return cteReject('505');
  if (!isChaveFormat(sub) || sub.slice(20, 22) !== '57' || chaveDv(sub.slice(0, 43)) !== sub[43]) return cteReject('847');
  const old = core.state.getDocument(sub, ctx.tpAmb);
  const facts = core.state.getCteSummary(sub, ctx.tpAmb);
  if (!old || !facts) return cteReject('568');
  if (sub === f.chave) return cteReject('673');
  if (old.status === 'cancelled') return cteReject('569');
  if (facts.substitutedBy !== undefined) return cteReject('570');
  if (core.state.activeEvents(sub, ctx.tpAmb, '610110').length === 0) return cteReject('739');
  if (facts.tpCTe !== '0' && facts.tpCTe !== '3') return cteReject('571');
  if (sub.slice(6, 20) !== f.chave.slice(6, 20)) return cteReject('510');
  if (ctx.now.getTime() - old.authorizedAtMs > 60 * DAY) return cteReject('563');
  return undefined;
}
