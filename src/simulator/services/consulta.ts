// NFeConsultaProtocolo4: consSitNFe → retConsSitNFe, the truth about any key the shared base has
// seen: 100 or 150 / 101 / denied (301/302) with protNFe + procEventoNFe, 124 when only an EPEC exists,
// 217 otherwise (rejected documents are never stored).
import type { DocModel } from '../../fiscal/document-state';
import { chaveDv, isChaveFormat } from '../../fiscal/chave';
import { ufFromCode } from '../../fiscal/ufs';
import { answerCuf, servesUf } from '../authorizers';
import { reject, xMotivo } from '../cstat';
import type { ServiceContext, SimulatorCore } from '../context';
import { retConsSitNFe } from '../messages';
import { schemaError } from '../validation';
import { readRoot, text } from '../xmlread';

export async function consultaProtocolo(core: SimulatorCore, ctx: ServiceContext, xml: string): Promise<string> {
  const req = readRoot(xml, 'consSitNFe');
  const chave = text(req.chNFe) ?? '';
  const cUF = answerCuf(ctx.auth, chave.slice(0, 2));
  const answer = (cStat: string, detail?: string) => retConsSitNFe(ctx, chave, cStat, reject(cStat, detail).xMotivo, cUF);
  const schema = await schemaError(core, 'consSitNFe_v4.00.xsd', xml);
  if (schema) return answer('215', schema);
  if (text(req.tpAmb) !== ctx.tpAmb) return answer('252');
  if (!isChaveFormat(chave) || chaveDv(chave.slice(0, 43)) !== chave[43]) return answer('236');
  const model = chave.slice(20, 22) as DocModel;
  if (!servesUf(ctx.auth, ufFromCode(chave.slice(0, 2)), model)) return answer('226');

  const doc = core.state.getDocument(chave, ctx.tpAmb);
  const events = core.state.eventsOf(chave, ctx.tpAmb);
  const procs = events.map((e) => e.procXml);
  // An SVC only knows what it authorised itself; the origin UF sees everything (synchronisation).
  if (!doc || (ctx.auth.kind === 'svc' && doc.authorizer !== ctx.auth.key)) {
    const epec = events.find((e) => e.tpEvento === '110140');
    return epec && ctx.auth.kind !== 'svc'
      ? retConsSitNFe(ctx, chave, '124', xMotivo('124'), cUF, '', [epec.procXml])
      : answer('217');
  }
  // Authorised documents keep their own cStat (100, or 150 when authorised late).
  const cStat = doc.status === 'cancelled' ? '101' : doc.cStat;
  return retConsSitNFe(ctx, chave, cStat, xMotivo(cStat), cUF, doc.protXml, procs);
}
