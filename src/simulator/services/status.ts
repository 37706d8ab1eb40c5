// NFeStatusServico4: consStatServ → retConsStatServ 107 (108/109 come from the paralisado fault).
// On an SVC: 107 for a UF it serves while the origin UF keeps it active, else 114.
import { ufFromCode } from '../../fiscal/ufs';
import { answerCuf, servesUf } from '../authorizers';
import { reject, xMotivo } from '../cstat';
import type { ServiceContext, SimulatorCore } from '../context';
import { retConsStatServ } from '../messages';
import { schemaError } from '../validation';
import { readRoot, text } from '../xmlread';
import { tMedSeconds } from './autorizacao';

export async function statusServico(core: SimulatorCore, ctx: ServiceContext, xml: string): Promise<string> {
  const req = readRoot(xml, 'consStatServ');
  const cUF = text(req.cUF) ?? '';
  const answer = (cStat: string, detail?: string, tMed?: number) =>
    retConsStatServ(ctx, cStat, reject(cStat, detail).xMotivo, answerCuf(ctx.auth, cUF), tMed);
  const schema = await schemaError(core, 'consStatServ_v4.00.xsd', xml);
  if (schema) return answer('215', schema);
  if (text(req.tpAmb) !== ctx.tpAmb) return answer('252');
  const uf = ufFromCode(cUF);
  const served = ctx.auth.kind === 'an' || servesUf(ctx.auth, uf, '55') || servesUf(ctx.auth, uf, '65');
  if (!served) return answer(ctx.auth.kind === 'svc' ? '114' : '226');
  if (ctx.auth.kind === 'svc' && (uf === undefined || !core.state.isSvcActive(uf, ctx.tpAmb))) return answer('114');
  return retConsStatServ(ctx, '107', xMotivo('107'), answerCuf(ctx.auth, cUF), tMedSeconds(core.options.processingDelayMs));
}
