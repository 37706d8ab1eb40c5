// CTeStatusServicoV4: consStatServCTe → retConsStatServCTe 107 (108/109 come from the paralisado
// fault). At an SVC (cte.md §2.2): 114 unless the origin UF has it active; 113 while its end is
// announced (dhRetorno = when it ends); 107 otherwise.
import { formatDateTime } from '../../fiscal/datetime';
import { ufFromCode } from '../../fiscal/ufs';
import { answerCuf, servesUf } from '../authorizers';
import type { ServiceContext, SimulatorCore } from '../context';
import { cteReject, cteXMotivo } from '../cte-cstat';
import { retConsStatServCTe } from '../cte-messages';
import { svcServing } from '../cte-svc';
import { schemaError } from '../validation';
import { readRoot, text } from '../xmlread';
import { tMedSeconds } from './autorizacao';

export async function cteStatusServico(core: SimulatorCore, ctx: ServiceContext, xml: string): Promise<string> {
  const req = readRoot(xml, 'consStatServCTe');
  const cUF = text(req.cUF) ?? '';
  const answerUf = answerCuf(ctx.auth, cUF);
  const answer = (cStat: string, detail?: string) => retConsStatServCTe(ctx, cStat, cteReject(cStat, detail).xMotivo, answerUf);
  const schema = await schemaError(core, 'consStatServCTe_v4.00.xsd', xml, 'cte');
  if (schema) return answer('215', schema);
  if (text(req.tpAmb) !== ctx.tpAmb) return answer('252');
  const uf = ufFromCode(cUF);
  if (!servesUf(ctx.auth, uf, '57')) return answer(ctx.auth.kind === 'svc' ? '114' : '226');
  const ok = { tMed: tMedSeconds(core.options.processingDelayMs) };
  if (ctx.auth.kind !== 'svc' || uf === undefined) return retConsStatServCTe(ctx, '107', cteXMotivo('107'), answerUf, ok);
  if (!svcServing(core, uf, ctx.tpAmb, ctx.now.getTime())) return answer('114');
  const endsAtMs = core.state.svcDeactivation(uf, ctx.tpAmb);
  if (endsAtMs === undefined) return retConsStatServCTe(ctx, '107', cteXMotivo('107'), answerUf, ok);
  const dhRetorno = formatDateTime(new Date(endsAtMs), ctx.auth.offset);
  return retConsStatServCTe(ctx, '113', `${cteXMotivo('113')} ${uf} em ${dhRetorno}`, answerUf, { ...ok, dhRetorno });
}
