// The emission layer behind the InvoiCy SOAP layer: authenticates companies through the store and
// dispatches each document by kind and document type (document-types.ts). Documents of one call
// whose type groups them (NF-e 55) travel as async lotes within SEFAZ's limits (count and message
// size); every other document is handled on its own.
// Replies keep the order of the request.
import type { AuthenticatedCompany, CallContext, DocumentRequest, DocumentResult, InvoicyBackend } from '../invoicy/types';
import type { Company, Environment } from '../store/port';
import type { LogScope } from '../log/logger';
import { CompanyContext, type EmissionDeps } from './context';
import { SitCodigo, TEXT } from './codes';
import { refusal as refusalOf } from './results';
import { prepareEnvio, sendSync, type ReadyDocument } from './issue';
import { sendLote } from './lote';
import { processConsulta } from './consulta';
import { processDistribuicao } from './dfe/distribuicao';
import { processEvento } from './events';
import { processInutilizacao } from './inutilizacao';
import { processPuloNumeracao } from './numbering-gaps';
import { applySubstituirDocumento, processDescarte } from './discard-request';
import { reissueInReservedSerie } from './reissue';
import { documentTypeForModelo, documentTypeOf, modelRefusal } from './document-types';

export type { EmissionDeps } from './context';

function refusal(req: DocumentRequest, code: number, text: string): DocumentResult {
  return refusalOf(req.modelo, code, text);
}

export function createEmissionBackend(deps: EmissionDeps): InvoicyBackend {
  const store = deps.store;
  // The row read to authenticate a call serves its processing too (read a moment before).
  const authenticated = new WeakMap<AuthenticatedCompany, Company>();
  return {
    async findPartner(partnerKey) {
      return (await store.findPartnerByKey(partnerKey))?.id;
    },

    async findCompany(partnerId, cnpj, tpAmb) {
      // The document's tpAmb picks the environment first (each has its own access key); the other
      // one is the fallback, so a document sent with the wrong tpAmb gets a clear 252 rejection
      // instead of 173. Without tpAmb, produção is tried first.
      const environments: Environment[] = tpAmb === '2' ? ['homologacao', 'producao'] : ['producao', 'homologacao'];
      let company: Company | undefined;
      for (const env of environments) company ??= await store.findCompanyForPartner(partnerId, cnpj, env);
      if (!company) return undefined;
      const accessKey = await store.getCompanyAccessKey(company.id);
      if (!accessKey) return undefined;
      const auth: AuthenticatedCompany = { id: company.id, partnerId: company.partnerId, cnpj: company.cnpj, uf: company.uf, enabled: company.enabled, accessKey };
      authenticated.set(auth, company);
      return auth;
    },

    async recordRequest(entry) {
      // Request-level codes first, then one document-level code per document.
      await store.recordRequest({ ...entry, codes: [...entry.codes.map(String), ...entry.docCodes] });
    },

    async process(auth: AuthenticatedCompany, docs: DocumentRequest[], call: CallContext): Promise<DocumentResult[]> {
      const company: Company | undefined = authenticated.get(auth) ?? (await store.getCompany(auth.id));
      if (!company) throw new Error(`empresa ${auth.id} não encontrada`);
      const ctx = new CompanyContext(deps, company, call.log);
      const results: (DocumentResult | undefined)[] = new Array<DocumentResult | undefined>(docs.length);
      // Each ready document keeps its own context: its lines go on carrying its number and chave.
      const ready: { index: number; doc: ReadyDocument; ctx: CompanyContext }[] = [];

      // One document's unexpected failure must not take the others of the call down with it.
      const guarded = async (log: LogScope, indexes: number[], fn: () => Promise<void>): Promise<void> => {
        try {
          await fn();
        } catch (err) {
          log.error('erro interno ao processar documento', { error: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined });
          for (const i of indexes) {
            results[i] ??= refusal(docs[i], SitCodigo.erroInterno, `Erro interno ao processar o documento (requisição ${call.requestId}); consulte o documento antes de reenviá-lo`);
          }
        }
      };

      // Sequential preparation keeps numbering and log context per document simple; signing is ms.
      for (const [i, req] of docs.entries()) {
        const docCtx = ctx.withLog({ modelo: req.modelo, documento: req.index });
        await guarded(docCtx.log, [i], () => prepare(docCtx, i, req));
      }

      async function prepare(ctx: CompanyContext, i: number, req: DocumentRequest): Promise<void> {
        if (req.kind === 'Envio') {
          const type = documentTypeForModelo(req.modelo);
          if (!type) {
            const r = modelRefusal(req.modelo);
            results[i] = refusal(req, r.code, r.text);
            return;
          }
          const refused = await applySubstituirDocumento(ctx, req);
          if (refused) {
            results[i] = refused;
            return;
          }
          const prepared = await prepareEnvio(ctx, type, req);
          if ('result' in prepared) results[i] = prepared.result;
          else ready.push({ index: i, doc: prepared.ready, ctx });
        } else if (req.kind === 'EnvioEvento') {
          results[i] = await processEvento(ctx, req);
        } else if (req.kind === 'Inutilizacao') {
          results[i] = await processInutilizacao(ctx, req);
        } else if (req.kind === 'Consulta') {
          results[i] = await processConsulta(ctx, req);
        } else if (req.kind === 'DescartarDocumento') {
          results[i] = await processDescarte(ctx, req);
        } else if (req.kind === 'DistribuicaoDFe') {
          results[i] = await processDistribuicao(ctx, req);
        } else if (req.kind === 'PuloNumeracao') {
          results[i] = await processPuloNumeracao(ctx, req);
        } else {
          results[i] = refusal(req, SitCodigo.naoDisponivel, TEXT.operacaoNaoSuportada('Consulta de cadastro'));
        }
      }

      // Per model, the type says which documents travel together in lotes; the others go one by one.
      const lotes: (typeof ready)[] = [];
      const single: typeof ready = [];
      for (const model of new Set(ready.map((r) => r.doc.doc.model))) {
        const same = ready.filter((r) => r.doc.doc.model === model);
        const type = documentTypeOf(model);
        const groups = type.lotes(model, same.map((r) => r.doc.signedXml));
        if (!groups) {
          single.push(...same);
          continue;
        }
        if (groups.length > 1) ctx.log.info(`${type.label} da chamada divididas em lotes (limites da SEFAZ)`, { documentos: same.length, lotes: groups.length });
        lotes.push(...groups.map((group) => group.map((k) => same[k])));
      }
      await Promise.all([
        ...lotes.map((lote) => guarded(ctx.log, lote.map((l) => l.index), async () => {
          // A lote of one NF-e cannot go async (452): it goes synchronously.
          if (lote.length === 1) {
            results[lote[0].index] = await sendSync(lote[0].ctx, lote[0].doc);
            return;
          }
          const out = await sendLote(ctx, lote.map((l) => l.doc));
          lote.forEach((l, k) => (results[l.index] = out[k]));
        })),
        ...single.map((r) => guarded(r.ctx.log, [r.index], async () => {
          results[r.index] = await sendSync(r.ctx, r.doc);
        })),
      ]);
      // Focus transition mode: a document just answered 108 is re-issued in the reserved série.
      for (const r of ready.filter((x) => company.contingency[x.doc.doc.model]?.transitionMode === 'focus')) {
        const doc = await store.getDocument(company.id, r.doc.doc.id);
        const reissued = doc && (await reissueInReservedSerie(r.ctx, doc));
        if (reissued) results[r.index] = reissued;
      }
      ctx.log.debug('documentos processados', { documentos: docs.length });
      return results.map((r, i) => r ?? refusal(docs[i], SitCodigo.erroInterno, 'Documento não processado'));
    },
  };
}
