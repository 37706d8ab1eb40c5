// An ERP's on-demand lookup of one NF-e key the capture has not stored (issue 15 §3, dfe-distribution.md
// §8.3–8.4): one consChNFe through the capture's machinery — under the per-CNPJ lease (never beside a
// running sweep), within the key-query budget including the reserve gap filling leaves for it, the
// call logged in the position before it is sent, the answer's documents and position stored together.
// Nothing is asked while the CNPJ is blocked, backing off or out of budget: never a 656.
import { randomUUID } from 'node:crypto';
import { decideKeyLookup, type KeyLookupResult } from '../fiscal/dfe-answers';
import { keyQueryGate, recordCall, type DistOutcome } from '../fiscal/dfe-sweep';
import { ufCode } from '../fiscal/ufs';
import type { LogScope } from '../log/logger';
import type { DistDocument } from '../sefaz/dfe-types';
import { environmentTpAmb, type Company, type DfeDocumentRecord, type Store } from '../store/port';
import { dfeLeaseName, type DistributionSource } from './capture';
import { capturedDocument } from './document-facts';
import { DEFAULT_DISTRIBUTION, type DistributionOptions } from './options';

export interface OnDemandDeps {
  store: Store;
  source: DistributionSource;
  options?: DistributionOptions;
  clock?: () => Date;
}

export type OnDemandOutcome =
  | { kind: 'stored'; documents: DfeDocumentRecord[] }
  | Exclude<KeyLookupResult<DistDocument>, { kind: 'found' | 'failed' }>
  /** No usable answer: the position is blocked or backing off until `until`. */
  | { kind: 'failed'; alert: string; until: Date | null }
  /** Nothing asked: a sweep holds the CNPJ, or the gate is closed until `until`. */
  | { kind: 'busy' }
  | { kind: 'closed'; reason: 'blocked' | 'backoff' | 'hold' | 'cap'; until: Date };

/** consChNFe of `chave` for the company's NF-e distribution (the company opted in). */
export async function lookupKey(deps: OnDemandDeps, company: Company, chave: string, log: LogScope): Promise<OnDemandOutcome> {
  const { store } = deps;
  const options = deps.options ?? DEFAULT_DISTRIBUTION;
  const now = () => deps.clock?.() ?? new Date();
  const tpAmb = environmentTpAmb(company.environment);
  const lease = dfeLeaseName(tpAmb, company.cnpj);
  // An owner of its own: a sweep of this very process must not be re-entered.
  const owner = `on-demand:${randomUUID()}`;
  if (!(await store.acquireLease(lease, owner, options.leaseTtlMs))) return { kind: 'busy' };
  try {
    const state = await store.getDfeState(company.id, '55');
    if (!state) throw new Error(`distribuição DF-e de NF-e não habilitada para a empresa ${company.id}`);
    const at = now();
    const gate = keyQueryGate(state, at, options.policy, 'on-demand');
    if (!gate.go) return { kind: 'closed', reason: gate.reason, until: gate.until };
    const logged = recordCall(state, at, 'key');
    await store.saveDfeState(company.id, '55', logged);
    let outcome: DistOutcome & { documents?: readonly DistDocument[] };
    try {
      const answer = await deps.source(company, { model: '55', tpAmb, cUFAutor: ufCode(company.uf), doc: company.cnpj, query: { kind: 'consChave', chave } }, log);
      outcome = { kind: 'answer', ...answer };
    } catch (err) {
      outcome = { kind: 'transport', error: err instanceof Error ? err.message : String(err) };
    }
    const d = decideKeyLookup(logged, outcome, at, options.policy);
    const documents = d.result.kind === 'found' ? d.result.documents.map(capturedDocument) : [];
    await store.recordDfeStep(company.id, '55', { state: d.state, at, documents });
    log.info('distribuição DF-e: consulta por chave sob demanda', { chave, resultado: d.result.kind, ...(outcome.kind === 'answer' ? { cStat: outcome.cStat } : {}) });
    if (d.result.kind === 'failed') return { ...d.result, until: d.state.blockedUntil ?? d.state.backoffUntil };
    if (d.result.kind !== 'found') return d.result;
    return { kind: 'stored', documents: await store.queryDfeDocuments(company.id, { model: '55', chave, bestOnly: true, limit: 1 }) };
  } finally {
    await store.releaseLease(lease, owner);
  }
}
