// CTeConsultaV4: consSitCTe → retConsSitCTe, the truth about any CT-e key the shared base has seen
// (also after a lost answer): 100 / 101 with protCTe and every procEventoCTe, 731 for a CT-e emitted
// more than 180 days ago, only the procEventoCTe when just an EPEC exists for the natural key
// (cte.md §2.2), 217 otherwise; more than the CI02 threshold of consultas of one key in an hour → 678
// (cte.md §8).
import { chaveDv, isChaveFormat } from '../../fiscal/chave';
import { parseDateTime } from '../../fiscal/datetime';
import { ufFromCode } from '../../fiscal/ufs';
import { answerCuf, servesUf } from '../authorizers';
import type { ServiceContext, SimulatorCore } from '../context';
import { consumoIndevido } from '../cte-consumo';
import { cteReject, cteXMotivo } from '../cte-cstat';
import { retConsSitCTe } from '../cte-messages';
import { schemaError } from '../validation';
import { readRoot, text } from '../xmlread';

const DAY = 86_400_000;

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
  if (!doc) {
    // No code is documented for this answer: the CT-e itself is still unknown (217) [I].
    const epec = core.state.epecByNumber(ctx.tpAmb, chave, '110113');
    return retConsSitCTe(ctx, '217', cteXMotivo('217'), cUF, '', epec ? [epec.procXml] : []);
  }
  // An SVC only knows what it authorised itself; the origin UF sees everything (synchronisation).
  if (ctx.auth.kind === 'svc' && doc.authorizer !== ctx.auth.key) return answer('217');
  const dhEmi = parseDateTime(doc.summary.dhEmi);
  if (dhEmi && ctx.now.getTime() - dhEmi.getTime() > 180 * DAY) return answer('731');
  const procs = core.state.eventsOf(chave, ctx.tpAmb).map((e) => e.procXml);
  const cStat = doc.status === 'cancelled' ? '101' : doc.cStat;
  return retConsSitCTe(ctx, cStat, cteXMotivo(cStat), cUF, doc.protXml, procs);
}
