// CTeConsultaV4: consSitCTe → retConsSitCTe, the truth about any CT-e key the shared base has seen
// (also after a lost answer): 100 / 101 with protCTe and every procEventoCTe, 217 otherwise; more than
// the CI02 threshold of consultas of one key in an hour → 678 (cte.md §8).
import { chaveDv, isChaveFormat } from '../../fiscal/chave';
import { ufFromCode } from '../../fiscal/ufs';
import { answerCuf, servesUf } from '../authorizers';
import type { ServiceContext, SimulatorCore } from '../context';
import { consumoIndevido } from '../cte-consumo';
import { cteReject, cteXMotivo } from '../cte-cstat';
import { retConsSitCTe } from '../cte-messages';
import { schemaError } from '../validation';
import { readRoot, text } from '../xmlread';

export async function cteConsulta(core: SimulatorCore, ctx: ServiceContext, xml: string): Promise<string> {
  const req = readRoot(xml, 'consSitCTe');
  const chave = text(req.chCTe) ?? '';
  const cUF = answerCuf(ctx.auth, chave.slice(0, 2));
  const answer = (cStat: string, detail?: string) => retConsSitCTe(ctx, cStat, cteReject(cStat, detail).xMotivo, cUF);
  const schema = await schemaError(core, 'consSitCTe_v4.00.xsd', xml, 'cte');
  if (schema) return answer('215', schema);
  if (text(req.tpAmb) !== ctx.tpAmb) return answer('252');
  if (!isChaveFormat(chave) || chave.slice(20, 22) !== '57' || chaveDv(chave.slice(0, 43)) !== chave[43]) return answer('236');
  if (!servesUf(ctx.auth, ufFromCode(chave.slice(0, 2)), '57')) return answer('226');
  if (consumoIndevido(core, `CI02:${chave}`, core.options.cteConsumo.consultasPerHour, ctx.now.getTime())) return answer('678');

  const doc = core.state.getDocument(chave, ctx.tpAmb);
  const procs = core.state.eventsOf(chave, ctx.tpAmb).map((e) => e.procXml);
  // An SVC only knows what it authorised itself; the origin UF sees everything (synchronisation).
  if (!doc || (ctx.auth.kind === 'svc' && doc.authorizer !== ctx.auth.key)) return answer('217');
  const cStat = doc.status === 'cancelled' ? '101' : doc.cStat;
  return retConsSitCTe(ctx, cStat, cteXMotivo(cStat), cUF, doc.protXml, procs);
}
