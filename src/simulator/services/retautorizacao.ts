// NFeRetAutorizacao4: consReciNFe → retConsReciNFe (sefaz-nfe.md §5.3 rules): 252, 106 unknown,
// 553/248 recibo of another authorizer, 223 other transmitter, 656 > 40 polls/hour, 105 then 104.
import { reject, xMotivo } from '../cstat';
import type { ServiceContext, SimulatorCore } from '../context';
import { retConsReciNFe } from '../messages';
import { schemaError } from '../validation';
import { readRoot, text } from '../xmlread';

const POLLS_PER_HOUR = 40;
const HOUR = 3_600_000;

function tooManyPolls(core: SimulatorCore, nRec: string, nowMs: number): boolean {
  const recent = (core.recentPolls.get(nRec) ?? []).filter((t) => t > nowMs - HOUR);
  recent.push(nowMs);
  core.recentPolls.set(nRec, recent);
  return recent.length > POLLS_PER_HOUR;
}

export async function retAutorizacao(core: SimulatorCore, ctx: ServiceContext, xml: string): Promise<string> {
  const req = readRoot(xml, 'consReciNFe');
  const nRec = text(req.nRec) ?? '';
  const lote = core.state.getLote(nRec);
  const cUF = lote?.cUF ?? nRec.slice(0, 2);
  const answer = (cStat: string, detail?: string) => retConsReciNFe(ctx, nRec, cStat, reject(cStat, detail).xMotivo, cUF);
  const schema = await schemaError(core, 'consReciNFe_v4.00.xsd', xml);
  if (schema) return answer('215', schema);
  if (text(req.tpAmb) !== ctx.tpAmb) return answer('252');
  if (!lote || lote.tpAmb !== ctx.tpAmb) return answer('106');
  if (lote.authorizer !== ctx.auth.key) return answer(nRec[2] !== ctx.auth.tipo ? '553' : '248');
  if (ctx.transmitter && ctx.transmitter !== lote.transmitter) return answer('223');
  const nowMs = ctx.now.getTime();
  if (tooManyPolls(core, nRec, nowMs)) return answer('656');
  if (nowMs < lote.readyAtMs) return answer('105');
  return retConsReciNFe(ctx, nRec, '104', xMotivo('104'), cUF, lote.protXmls);
}
