// The DF-e distribution's part of the store (migration 004): positions, captured documents and missing
// NSUs, over the same driver as sql-store.ts, which delegates to it. Every operation takes the company id.
import { initialDfeState, nsuValue, pad15, type DfeState, type NsuRange } from '../fiscal/dfe-sweep';
import type { SqlDriver, SqlExecutor, SqlParams } from './driver';
import { newId } from './ids';
import { inList } from './mapping';
import {
  environmentTpAmb, StoreError,
  type DfeBacklog, type DfeDocumentQuery, type DfeDocumentRecord, type DfeMissingRecord, type DfeMissingStatus, type DfeModel,
  type DfeStateRecord, type DfeStep, type NewDfeDocument,
} from './port';
import * as T from './tables';

const SCOPE = 'company_id = @c AND model = @m';
/** Cancellation (NF-e and CT-e): the key's documents are cancelled once it is captured. */
const CANCEL_EVENT = '110111';
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

export class DfeStore {
  constructor(private readonly db: SqlDriver) {}

  private get d() {
    return this.db.dialect;
  }

  private async state(q: SqlExecutor, companyId: string, model: DfeModel, lock = false): Promise<DfeStateRecord | undefined> {
    const rows = await q.all(`SELECT * FROM dfe_state${lock ? this.d.lockRow : ''} WHERE ${SCOPE}`, { c: companyId, m: model });
    return rows[0] ? T.dfeStates.fromRow(rows[0]) : undefined;
  }

  setEnabled(companyId: string, model: DfeModel, enabled: boolean): Promise<DfeStateRecord> {
    return this.db.tx(async (q) => {
      const now = new Date();
      const current = await this.state(q, companyId, model, true);
      if (current) {
        await q.exec(`UPDATE dfe_state SET enabled = @e, updated_at = @now WHERE ${SCOPE}`, { e: enabled, now, c: companyId, m: model });
        return { ...current, enabled, updatedAt: now };
      }
      const company = (await q.all('SELECT cnpj, environment FROM companies WHERE id = @id', { id: companyId }))[0];
      if (!company) throw new StoreError('not_found', `Empresa não encontrada: ${companyId}.`);
      const record: DfeStateRecord = {
        ...initialDfeState(), companyId, model, tpAmb: environmentTpAmb(company.environment as 'homologacao' | 'producao'),
        cnpj: String(company.cnpj), enabled, lastSweepAt: null, updatedAt: now,
      };
      const ins = T.dfeStates.insert(record);
      await q.exec(ins.sql, ins.params);
      return record;
    });
  }

  get(companyId: string, model: DfeModel): Promise<DfeStateRecord | undefined> {
    return this.db.run((q) => this.state(q, companyId, model));
  }

  async list(filter: { enabled?: boolean; companyId?: string } = {}): Promise<DfeStateRecord[]> {
    const parts: string[] = ['1 = 1'];
    const params: SqlParams = {};
    if (filter.enabled !== undefined) {
      parts.push('enabled = @e');
      params.e = filter.enabled;
    }
    if (filter.companyId) {
      parts.push('company_id = @c');
      params.c = filter.companyId;
    }
    const rows = await this.db.run((q) => q.all(`SELECT * FROM dfe_state WHERE ${parts.join(' AND ')} ORDER BY tp_amb, cnpj, model`, params));
    return rows.map((r) => T.dfeStates.fromRow(r));
  }

  async save(companyId: string, model: DfeModel, state: DfeState, lastSweepAt?: Date): Promise<void> {
    // A transaction although it is one statement: it joins SQLite's group commit (see recordRequest).
    await this.db.tx((q) => this.saveIn(q, companyId, model, state, lastSweepAt));
  }

  private async saveIn(q: SqlExecutor, companyId: string, model: DfeModel, state: DfeState, lastSweepAt?: Date): Promise<void> {
    const patch: Partial<DfeStateRecord> = {
      ultNSU: state.ultNSU, maxNSU: state.maxNSU, holdUntil: state.holdUntil, blockedUntil: state.blockedUntil,
      backoffUntil: state.backoffUntil, backoffMs: state.backoffMs, callLog: state.callLog, keyQueryLog: state.keyQueryLog,
      continueWhenBehind: state.continueWhenBehind, updatedAt: new Date(), ...(lastSweepAt ? { lastSweepAt } : {}),
    };
    const { set, params } = T.dfeStates.setList(patch);
    const n = await q.exec(`UPDATE dfe_state SET ${set} WHERE company_id = @w_c AND model = @w_m`, { ...params, w_c: companyId, w_m: model });
    if (!n) throw new StoreError('not_found', `Distribuição DF-e do modelo ${model} não habilitada para esta empresa.`);
  }

  storeDocuments(companyId: string, model: DfeModel, docs: readonly NewDfeDocument[], receivedAt: Date): Promise<number> {
    if (docs.length === 0) return Promise.resolve(0);
    return this.db.tx((q) => this.storeIn(q, companyId, model, docs, receivedAt));
  }

  /** One query's outcome, at once: what a crash between its parts would tear (documents, missing NSUs, position). */
  recordStep(companyId: string, model: DfeModel, step: DfeStep): Promise<{ stored: number; missing: number }> {
    return this.db.tx(async (q) => {
      const stored = step.documents?.length ? await this.storeIn(q, companyId, model, step.documents, step.at) : 0;
      const missing = step.missing?.length ? await this.addMissingIn(q, companyId, model, step.missing, step.at) : 0;
      if (step.missingUpdate) {
        const { set, params } = T.dfeMissing.setList({ ...step.missingUpdate, lastAttemptAt: step.at, updatedAt: step.at });
        await q.exec(`UPDATE dfe_missing SET ${set} WHERE company_id = @w_c AND model = @w_m AND nsu = @w_n`,
          { ...params, w_c: companyId, w_m: model, w_n: step.missingUpdate.nsu });
      }
      await this.saveIn(q, companyId, model, step.state, step.lastSweepAt);
      return { stored, missing };
    });
  }

  private async storeIn(q: SqlExecutor, companyId: string, model: DfeModel, docs: readonly NewDfeDocument[], receivedAt: Date): Promise<number> {
    const scope = await this.state(q, companyId, model);
    if (!scope) throw new StoreError('not_found', `Distribuição DF-e do modelo ${model} não habilitada para esta empresa.`);
    let inserted = 0;
    for (const doc of docs) {
      if (doc.nsu !== null && (await q.all(`SELECT id FROM dfe_documents WHERE ${SCOPE} AND nsu = @nsu`, { c: companyId, m: model, nsu: doc.nsu })).length) continue;
      const record: DfeDocumentRecord = { ...doc, id: newId(), companyId, model, tpAmb: scope.tpAmb, best: null, receivedAt };
      if (doc.chave) {
        if (doc.tpEvento === CANCEL_EVENT) {
          await q.exec(`UPDATE dfe_documents SET situation = @s WHERE ${SCOPE} AND chave = @k AND best IS NOT NULL`, { s: 'cancelled', c: companyId, m: model, k: doc.chave });
        }
        if (doc.rank > 0) {
          record.best = await this.takeBest(q, companyId, model, doc.chave, doc.rank);
          const cancelled = await q.all(`SELECT id FROM dfe_documents WHERE ${SCOPE} AND chave = @k AND tp_evento = @tp`, { c: companyId, m: model, k: doc.chave, tp: CANCEL_EVENT });
          if (cancelled.length) record.situation = 'cancelled';
        }
      }
      const ins = T.dfeDocuments.insert(record, { cnpj: scope.cnpj });
      await q.exec(ins.sql, ins.params);
      inserted++;
      if (doc.nsu !== null) {
        await q.exec(`UPDATE dfe_missing SET status = @s, updated_at = @now WHERE ${SCOPE} AND nsu = @nsu`, { s: 'fetched', now: receivedAt, c: companyId, m: model, nsu: doc.nsu });
      }
    }
    return inserted;
  }

  /** Whether a document of `rank` becomes its key's best one (the previous best, if outranked, is demoted). */
  private async takeBest(q: SqlExecutor, companyId: string, model: DfeModel, chave: string, rank: number): Promise<boolean> {
    const best = (await q.all(`SELECT id, doc_rank FROM dfe_documents WHERE ${SCOPE} AND chave = @k AND best = @on`, { c: companyId, m: model, k: chave, on: true }))[0];
    if (!best) return true;
    if (Number(best.doc_rank) >= rank) return false;
    await q.exec('UPDATE dfe_documents SET best = @off WHERE id = @id', { off: false, id: String(best.id) });
    return true;
  }

  private async addMissingIn(q: SqlExecutor, companyId: string, model: DfeModel, ranges: readonly NsuRange[], firstSeenAt: Date): Promise<number> {
    let added = 0;
    for (const range of ranges) {
      const params = { c: companyId, m: model, lo: range.from, hi: range.to };
      const known = new Set([
        ...(await q.all(`SELECT nsu FROM dfe_documents WHERE ${SCOPE} AND nsu >= @lo AND nsu <= @hi`, params)),
        ...(await q.all(`SELECT nsu FROM dfe_missing WHERE ${SCOPE} AND nsu >= @lo AND nsu <= @hi`, params)),
      ].map((r) => String(r.nsu)));
      for (let n = nsuValue(range.from); n <= nsuValue(range.to); n++) {
        const nsu = pad15(n);
        if (known.has(nsu)) continue;
        const row: DfeMissingRecord = { companyId, model, nsu, status: 'pending', firstSeenAt, attempts: 0, lastAttemptAt: null, updatedAt: firstSeenAt };
        const ins = T.dfeMissing.insert(row);
        await q.exec(ins.sql, ins.params);
        added++;
      }
    }
    return added;
  }

  async listMissing(companyId: string, model: DfeModel, filter: { status?: DfeMissingStatus[]; limit?: number; after?: string }): Promise<DfeMissingRecord[]> {
    const status = filter.status ? inList('status', 'st', filter.status) : { sql: '1 = 1', params: {} };
    const after = filter.after ? ' AND nsu > @after' : '';
    const rows = await this.db.run((q) => q.all(`SELECT * FROM dfe_missing WHERE ${SCOPE} AND ${status.sql}${after} ORDER BY nsu ${this.d.limit('lim')}`,
      { c: companyId, m: model, ...status.params, ...(filter.after ? { after: filter.after } : {}), lim: clamp(filter.limit) }));
    return rows.map((r) => T.dfeMissing.fromRow(r));
  }

  expireMissing(companyId: string, model: DfeModel, firstSeenBefore: Date): Promise<number> {
    return this.db.tx((q) => q.exec(`UPDATE dfe_missing SET status = @exp, updated_at = @now WHERE ${SCOPE} AND status = @pending AND first_seen_at <= @before`,
      { exp: 'expired', pending: 'pending', now: new Date(), before: firstSeenBefore, c: companyId, m: model }));
  }

  async backlog(companyId: string, model: DfeModel): Promise<DfeBacklog> {
    return this.db.run(async (q) => {
      const counts = new Map((await q.all(`SELECT status, COUNT(*) AS n FROM dfe_missing WHERE ${SCOPE} GROUP BY status`, { c: companyId, m: model }))
        .map((r) => [String(r.status), Number(r.n)]));
      const oldest = (await q.all(`SELECT nsu, first_seen_at FROM dfe_missing WHERE ${SCOPE} AND status = @p ORDER BY nsu ${this.d.limit('lim')}`,
        { c: companyId, m: model, p: 'pending', lim: 1 }))[0];
      return {
        pending: counts.get('pending') ?? 0,
        oldestPendingNsu: oldest ? String(oldest.nsu) : null,
        oldestPendingSince: oldest ? new Date(oldest.first_seen_at as string) : null,
        fetched: counts.get('fetched') ?? 0,
        neverGenerated: counts.get('never_generated') ?? 0,
        expired: counts.get('expired') ?? 0,
      };
    });
  }

  async queryDocuments(companyId: string, filter: DfeDocumentQuery = {}): Promise<DfeDocumentRecord[]> {
    const parts = ['company_id = @c'];
    const params: SqlParams = { c: companyId };
    const add = (sql: string, p: SqlParams) => {
      parts.push(sql);
      Object.assign(params, p);
    };
    if (filter.model) add('model = @m', { m: filter.model });
    if (filter.nsuFrom) add('nsu >= @n_from', { n_from: filter.nsuFrom });
    if (filter.nsuTo) add('nsu <= @n_to', { n_to: filter.nsuTo });
    if (filter.chave) add('chave = @k', { k: filter.chave });
    if (filter.emitterDoc) add('emitter_doc = @emitter', { emitter: filter.emitterDoc });
    if (filter.serie !== undefined) {
      // série and number are fixed-width in the key (positions 23–25 and 26–34).
      const serie = String(filter.serie).padStart(3, '0');
      const pos = (n: number) => `${serie}${String(n).padStart(9, '0')}`;
      add('SUBSTRING(chave, 23, 12) >= @sn_from AND SUBSTRING(chave, 23, 12) <= @sn_to', { sn_from: pos(filter.numeroFrom ?? 0), sn_to: pos(filter.numeroTo ?? 999_999_999) });
    }
    if (filter.bestOnly) add('best = @on', { on: true });
    if (filter.roots) {
      const l = inList('root', 'rt', filter.roots);
      add(l.sql, l.params);
    }
    if (filter.situation) {
      const l = inList('situation', 'si', filter.situation);
      add(l.sql, l.params);
    }
    if (filter.emittedFrom) add('dh_emi >= @e_from', { e_from: filter.emittedFrom });
    if (filter.emittedTo) add('dh_emi <= @e_to', { e_to: filter.emittedTo });
    if (filter.receivedFrom) add('received_at >= @r_from', { r_from: filter.receivedFrom });
    if (filter.receivedTo) add('received_at <= @r_to', { r_to: filter.receivedTo });
    const rows = await this.db.run((q) => q.all(
      `SELECT * FROM dfe_documents WHERE ${parts.join(' AND ')} ORDER BY CASE WHEN nsu IS NULL THEN 1 ELSE 0 END, nsu, received_at, id ${this.d.limit('lim')}`,
      { ...params, lim: clamp(filter.limit) }));
    return rows.map((r) => T.dfeDocuments.fromRow(r));
  }
}

function clamp(limit: number | undefined): number {
  return Math.min(Math.max(Math.trunc(limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
}
