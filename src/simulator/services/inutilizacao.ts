// NFeInutilizacao4: signed inutNFe → retInutNFe. Id recomposition (502), 224 range order, 453 year,
// 241 a number already used (authorised or denied), 563 same range already voided, 256 overlap.
import type { DocModel } from '../../fiscal/document-state';
import { ufFromCode } from '../../fiscal/ufs';
import { answerCuf, servesUf } from '../authorizers';
import { reject, xMotivo } from '../cstat';
import { nextProtocol, type ServiceContext, type SimulatorCore } from '../context';
import { retInutNFe } from '../messages';
import { checkSignature, schemaError } from '../validation';
import { node, readRoot, text } from '../xmlread';

export async function inutilizacao(core: SimulatorCore, ctx: ServiceContext, xml: string): Promise<string> {
  const inf = node(readRoot(xml, 'inutNFe').infInut);
  const f = (k: string) => text(inf[k]) ?? '';
  const cUF = answerCuf(ctx.auth, f('cUF'));
  const answer = (cStat: string, detail?: string) => retInutNFe(ctx, cStat, reject(cStat, detail).xMotivo, cUF);
  const schema = await schemaError(core, 'inutNFe_v4.00.xsd', xml);
  if (schema) return answer('215', schema);
  // The SVC offers no inutilização (sefaz-nfe.md §7.3).
  if (ctx.auth.kind !== 'uf' && ctx.auth.kind !== 'virtual') return answer('586');
  const cnpj = f('CNPJ');
  const sig = checkSignature(core, xml, 'infInut', cnpj);
  if (!sig.ok) return retInutNFe(ctx, sig.rejection.cStat, sig.rejection.xMotivo, cUF);
  if (f('tpAmb') !== ctx.tpAmb) return answer('252');
  if (!servesUf(ctx.auth, ufFromCode(f('cUF')), f('mod') as DocModel)) return answer('226');
  const [serie, ini, fin] = [Number(f('serie')), Number(f('nNFIni')), Number(f('nNFFin'))];
  const id = `ID${f('cUF')}${f('ano')}${cnpj.padStart(14, '0')}${f('mod')}${f('serie').padStart(3, '0')}` +
    `${f('nNFIni').padStart(9, '0')}${f('nNFFin').padStart(9, '0')}`;
  if (inf['@_Id'] !== id) return answer('502', 'Id do pedido de inutilização');
  if (ini > fin) return answer('224');
  if (Number(f('ano')) > ctx.now.getUTCFullYear() % 100) return answer('453');
  if (core.state.usedNumberInRange(ctx.tpAmb, cnpj, f('mod'), serie, ini, fin)) return answer('241');
  const overlapping = core.state.inutilizacoesOverlapping(ctx.tpAmb, cnpj, f('mod'), serie, ini, fin);
  if (overlapping.some((i) => i.nNFIni === ini && i.nNFFin === fin)) return answer('563');
  if (overlapping.length > 0) return answer('256');

  const nProt = nextProtocol(core, ctx, f('cUF'));
  core.state.insertInutilizacao({ tpAmb: ctx.tpAmb, cnpj, mod: f('mod'), serie, nNFIni: ini, nNFFin: fin, nProt, createdAtMs: ctx.now.getTime() });
  return retInutNFe(ctx, '102', xMotivo('102'), cUF, {
    ano: f('ano'), CNPJ: cnpj, mod: f('mod'), serie: f('serie'), nNFIni: f('nNFIni'), nNFFin: f('nNFFin'), nProt,
  });
}
