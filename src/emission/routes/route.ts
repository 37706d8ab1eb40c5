// A new document of a scope in contingency (contingency-and-numbering.md §3): it keeps the ERP's
// number and walks the company's ordered options for its model — SVC, EPEC, OFFLINE — until one
// stores an answer; an option that is not available (or fails before its request was written) falls
// to the next; the end of the list (or NONE) leaves it pending (109/105) with its tpEmis 1 key.
import { defaultOptions, hasSvc, nextOption } from '../../contingency/policy';
import type { ContingencyOption } from '../../store/port';
import { DOC_STATUS } from '../../fiscal/document-state';
import type { DocumentResult } from '../../invoicy/types';
import type { CompanyContext } from '../context';
import { SitCodigo, TEXT } from '../codes';
import { ofThe } from '../document-noun';
import { resultOf } from '../outcome';
import { issueViaSvc, isSvcActive } from './svc';
import { issueViaEpec } from './epec';
import { issueOffline } from './offline';
import { type RouteInput, type RouteOutcome } from './common';
import { saveDocument } from '../save';

const ROUTES: Record<Exclude<ContingencyOption, 'NONE'>, (ctx: CompanyContext, input: RouteInput) => Promise<RouteOutcome>> = {
  SVC: issueViaSvc,
  EPEC: issueViaEpec,
  OFFLINE: issueOffline,
};

/** Every answer given while the scope is in contingency carries request code 109. */
export async function contingencyResult(ctx: CompanyContext, doc: RouteInput['doc']): Promise<DocumentResult> {
  return { ...(await resultOf(ctx, doc)), requestCode: 109 };
}

export async function issueInContingency(ctx: CompanyContext, input: RouteInput): Promise<{ result: DocumentResult; doc: RouteInput['doc'] }> {
  const model = input.doc.model;
  const options = ctx.company.contingency[model]?.options ?? defaultOptions(model);
  const tried: ContingencyOption[] = [];
  for (;;) {
    // The SVC status is asked only while SVC is still a candidate (usage rules of the status service).
    const svcActive = hasSvc(model) && options.includes('SVC') && !tried.includes('SVC') && (await isSvcActive(ctx, input.type, model, input.uf));
    const option = nextOption(options, tried, { model, uf: input.uf, svcActive });
    if (option === 'NONE') break;
    tried.push(option);
    const outcome = await ROUTES[option](ctx, input);
    if ('done' in outcome) {
      ctx.log.info('contingência: documento emitido', { opcao: option, docStatus: outcome.done.docStatus, cStat: outcome.done.cStat });
      return { result: await contingencyResult(ctx, outcome.done), doc: outcome.done };
    }
    if ('schema' in outcome) {
      const doc = await saveDocument(ctx, input.doc, {
        docStatus: DOC_STATUS.REJEITADO, stage: 'settled', cStat: String(SitCodigo.schema),
        xMotivo: `Rejeição: Falha no Schema XML ${ofThe(input.type)}: ${outcome.schema.slice(0, 3).join('; ')}`,
      });
      return { result: await contingencyResult(ctx, doc), doc };
    }
    ctx.log.warn('contingência: opção indisponível', { opcao: option, motivo: outcome.next });
  }
  // Pending with its normal (tpEmis 1) rendition: the pending job sends it once the scope is normal.
  const { chave, digestValue } = input.doc;
  const doc = await saveDocument(ctx, input.doc, {
    docStatus: DOC_STATUS.PENDENTE, stage: 'signed', tpEmis: '1', chave, xmlSigned: input.signedXml, digestValue,
    cStat: String(SitCodigo.pendente), xMotivo: TEXT.pendente,
  });
  ctx.log.info('contingência: nenhuma opção disponível; documento pendente', { tentadas: tried.join(',') || 'nenhuma' });
  return { result: await contingencyResult(ctx, doc), doc };
}
