// SVC route (contingency-and-numbering.md §3.2): is the SVC serving the origin UF for the document's
// model active (status service, cached ≤ 3 min per tpAmb/SVC/UF), and the synchronous authorisation
// there with the SVC's tpEmis key (6/7, CT-e 7/8). A document authorised by an SVC is DocStatus 15;
// its events later go to that SVC.
import { svcFor, type SvcAuthorizer } from '../../contingency/policy';
import { svcTpEmis } from '../../fiscal/ufs';
import { SefazTransportError } from '../../sefaz/errors';
import { DOC_STATUS, type DocModel } from '../../fiscal/document-state';
import { logLine } from '../document-noun';
import type { DocumentType } from '../document-type';
import type { CompanyContext, EmissionDeps } from '../context';
import { applyAnswer, sefazTarget } from '../outcome';
import { saveDocument } from '../save';
import { sentWithoutAnswer, type RouteOutcome, type RouteInput } from './common';

/** Status service usage rule (sefaz-nfe.md §5.5): at most one call per 3 minutes. */
const STATUS_CACHE_MS = 3 * 60_000;

/** SVC answers meaning "not available for this UF/document now": the next option is tried. */
export const SVC_UNAVAILABLE_CSTATS: readonly string[] = ['108', '109', '114', '582', '584', '586', '783'];

// One cache per running backend (its deps), so separate gateways/tests never share an answer.
const caches = new WeakMap<EmissionDeps, Map<string, { active: boolean; until: number }>>();

function cacheOf(ctx: CompanyContext): Map<string, { active: boolean; until: number }> {
  let cache = caches.get(ctx.deps);
  if (!cache) caches.set(ctx.deps, (cache = new Map<string, { active: boolean; until: number }>()));
  return cache;
}

/** The SVC serving the UF for the model; undefined when the model has none. */
export function svcOf(ctx: CompanyContext, model: DocModel, uf: string): SvcAuthorizer | undefined {
  return svcFor(model, uf, ctx.deps.contingency?.svcMaps);
}

function remember(ctx: CompanyContext, key: string, active: boolean): boolean {
  cacheOf(ctx).set(key, { active, until: ctx.now().getTime() + STATUS_CACHE_MS });
  return active;
}

/**
 * 107 → active. 113 (deactivation announced) still counts as active: the SVC keeps authorising
 * until it switches off, and from then on it answers 114, which moves the document to the next option.
 * Anything else, or no answer, → not active.
 */
export async function isSvcActive(ctx: CompanyContext, type: DocumentType<unknown>, model: DocModel, uf: string): Promise<boolean> {
  const svc = svcOf(ctx, model, uf);
  if (!svc) return false;
  const key = `${ctx.tpAmb}/${svc}/${uf}`;
  const hit = cacheOf(ctx).get(key);
  if (hit && hit.until > ctx.now().getTime()) return hit.active;
  const { credentials } = await ctx.certificate();
  try {
    const ret = await type.services.status(ctx.sefaz, { uf, model, tpAmb: ctx.tpAmb, authorizer: svc, log: ctx.log }, credentials);
    ctx.log.info('contingência: status da SVC', { svc, uf, cStat: ret.cStat });
    return remember(ctx, key, ret.cStat === '107' || ret.cStat === '113');
  } catch (err) {
    if (!(err instanceof SefazTransportError)) throw err;
    ctx.log.warn('contingência: status da SVC sem resposta', { svc, uf, error: err.message });
    return remember(ctx, key, false);
  }
}

function markInactive(ctx: CompanyContext, svc: SvcAuthorizer, uf: string): void {
  remember(ctx, `${ctx.tpAmb}/${svc}/${uf}`, false);
}

export async function issueViaSvc(ctx: CompanyContext, input: RouteInput): Promise<RouteOutcome> {
  const { uf } = input;
  const svc = svcOf(ctx, input.doc.model, uf);
  if (!svc) return { next: `modelo ${input.doc.model} sem SVC` };
  const r = await input.type.renderForContingency(ctx, input.draft, input.doc, uf, svcTpEmis(svc));
  if (!r.ok) return 'schema' in r ? { schema: r.schema } : { next: r.unavailable };
  const rendition = r.signed;
  let doc = await saveDocument(ctx, input.doc, {
    stage: 'sending', tpEmis: rendition.tpEmis, chave: rendition.chave, xmlSigned: rendition.xmlSigned,
    digestValue: rendition.digestValue, attempts: input.doc.attempts + 1,
  });
  const { credentials } = await ctx.certificate();
  ctx.log.info(`${logLine(input.type, 'enviad')} à SVC`, { svc, chave: rendition.chave });
  let ret;
  try {
    ret = await input.type.services.authorize(ctx, { ...sefazTarget(ctx, doc), uf, authorizer: svc }, credentials, { indSinc: '1', signedXmls: [rendition.xmlSigned] });
  } catch (err) {
    if (!(err instanceof SefazTransportError)) throw err;
    if (!err.requestSent) {
      markInactive(ctx, svc, uf);
      return { next: `${svc} inacessível: ${err.message}` };
    }
    return { done: await sentWithoutAnswer(ctx, doc, `${svc}: ${err.message}`) };
  }
  const prot = ret.protocols.find((p) => p.chave === doc.chave);
  const cStat = prot?.cStat ?? ret.cStat;
  if (SVC_UNAVAILABLE_CSTATS.includes(cStat)) {
    markInactive(ctx, svc, uf);
    return { next: `${svc} respondeu ${cStat} - ${prot?.xMotivo ?? ret.xMotivo}` };
  }
  // One write: a resend reading between "authorised" and "SVC" would get 100 instead of 109.
  doc = await applyAnswer(ctx, doc, ret, DOC_STATUS.CONTINGENCIA_SVC);
  return { done: doc };
}
