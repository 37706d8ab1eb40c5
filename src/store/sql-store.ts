// The Store port over any SqlDriver: all SQL of the gateway lives here, written once for both
// databases. Writes that read-then-write run in driver transactions (SQLite: BEGIN IMMEDIATE on a
// serialised connection; SQL Server: SERIALIZABLE with UPDLOCK/HOLDLOCK hints from the dialect).
import { isValidCnpj, normalizeCnpj } from '../fiscal/cnpj';
import { DOC_STAGES, docStatusLabel, isLegalMove, legalSources, moveTarget, type DocStage, type DocState, type DocStatus, type StateChange } from '../fiscal/document-state';
import { SETTLED_STATUSES, type SerieNumbering } from '../fiscal/numbering-gaps';
import { isUf } from '../fiscal/ufs';
import type { DfeState } from '../fiscal/dfe-sweep';
import { DfeStore } from './dfe-store';
import type { SqlDriver, SqlExecutor, SqlParams } from './driver';
import { newId } from './ids';
import { inList, type Mapper } from './mapping';
import { migrate } from './migrations';
import { ReadCache } from './read-cache';
import { XmlMemo } from './xml-memo';
import {
  RECEIVED_SERIE, StoreError,
  type ActiveCertificate, type CertificateInfo, type Company, type CompanyCsc, type CompanyPatch, type ContingencyRecord,
  type ContingencyScope, type ContingencyStateInput, type CreatedCompany, type CreatedPartner, type DocModel,
  type DfeBacklog, type DfeDocumentQuery, type DfeDocumentRecord, type DfeMissingRecord, type DfeMissingStatus, type DfeModel, type DfeStateRecord, type DfeStep, type NewDfeDocument,
  type DocumentFields, type DocumentGuard, type DocumentPatch, type DocumentQuery, type DocumentRecord, type DocumentXml, type DocumentXmlField, type Environment,
  type EventPatch, type EventRecord, type EventReservation, type EventReservationResult, type InutilizacaoPatch, type InutilizacaoQuery, type InutilizacaoRecord,
  type JobDocumentQuery, type JobEventQuery, type NumberingQuery, type NewCertificate, type NewCompany, type NewDocument, type NewEvent,
  type NewInutilizacao, type NewUnnumberedDocument, type Partner, type RequestLogEntry, type RequestLogQuery,
  type RequestLogRecord, type SequenceKey, type Store, type StoreKind, type TpAmb,
} from './port';
import { SecretBox, SecretError, generateAccessKey, generatePartnerKey } from './secrets';
import * as T from './tables';

const MAX_NUMERO = 999_999_999;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const KEY_CHECK = 'master_key_check';
const KEY_CHECK_PLAINTEXT = 'fiscal-gateway';

/** Numbers inside these inutilização ranges are taken (rejected requests free them again). */
const BLOCKING_INUT = `status <> 'rejected'`;
const SEQ_KEY = 'company_id = @company_id AND tp_amb = @tp_amb AND model = @model AND serie = @serie';
/** Document reads: the row alone, its XML left in the side table (read with getDocumentXml). */
const DOCUMENTS = T.documents.select('d', { xmlSigned: null, xmlProc: null, layoutXml: null });

function withoutXml(doc: T.StoredDocument): DocumentRecord {
  const { xmlSigned: _signed, xmlProc: _proc, layoutXml: _layout, ...state } = doc;
  return state;
}

const documentRecords = {
  fromRow: (r: Record<string, unknown>): DocumentRecord => withoutXml(T.documents.fromRow(r)),
};
/** Entity reads with their detached XML (aliases e, i; bare column names in WHERE are the entity's). */
const EVENTS = T.events.select('e');
const INUTILIZACOES = T.inutilizacoes.select('i');

const DOCUMENT_DEFAULTS: Pick<DocumentFields, 'tpEmis' | 'docStatus' | 'stage' | 'attempts' | 'previousChaves' | 'discardRequested'> = {
  tpEmis: '1', docStatus: 1, stage: 'received', attempts: 0, previousChaves: [], discardRequested: false,
};
const DOCUMENT_NULLS: Omit<DocumentFields, keyof typeof DOCUMENT_DEFAULTS> = {
  chave: null, cStat: null, xMotivo: null, nProt: null, dhAut: null, dhEmi: null, digestValue: null, nRec: null,
  cNF: null, destDoc: null, destName: null, totalValue: null,
  nextAttemptAt: null, lastError: null, epecProtocol: null, substituteNumero: null, substituteSerie: null, discardState: null,
};

const NO_XML: DocumentXml = { xmlSigned: null, xmlProc: null, layoutXml: null };

/** The XML memo's key of an entity row: its company is part of it, so no read reaches another company's XML. */
function memoKey(mapper: { table: string }, companyId: string, id: string): string {
  return `${mapper.table}:${companyId}:${id}`;
}

function clampLimit(limit: number | undefined): number {
  return Math.min(Math.max(Math.trunc(limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
}

function seqParams(key: SequenceKey): SqlParams {
  return { company_id: key.companyId, tp_amb: key.tpAmb, model: key.model, serie: key.serie };
}

function checkNumero(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_NUMERO) throw new StoreError('invalid', `${what} inválido: ${n} (esperado de 1 a ${MAX_NUMERO}).`);
}

/** Collects `AND …` conditions with their params. */
class Where {
  readonly parts: string[] = [];
  readonly params: SqlParams = {};
  add(sql: string, params: SqlParams = {}): this {
    this.parts.push(sql);
    Object.assign(this.params, params);
    return this;
  }
  in(column: string, prefix: string, values: readonly (string | number)[] | undefined): this {
    if (values) {
      const l = inList(column, prefix, values);
      this.add(l.sql, l.params);
    }
    return this;
  }
  get sql(): string {
    return this.parts.length ? this.parts.join(' AND ') : '1 = 1';
  }
}

/** The document's state change a patch asks for, if any. */
function stateChange(patch: DocumentPatch): StateChange | undefined {
  if (patch.docStatus === undefined && patch.stage === undefined) return undefined;
  return { docStatus: patch.docStatus, stage: patch.stage };
}

// The legal-move condition of each state change (at most 15 statuses × 7 stage values), built once.
const legalSourceConditions = new Map<string, string>();

/**
 * `doc_status`/`stage` values from which the change is legal, as one SQL condition of the UPDATE: the
 * table's check costs no extra statement. Literals come from the state machine's own constants.
 */
function legalSourceCondition(change: StateChange): string {
  const key = `${change.docStatus ?? ''}|${change.stage ?? ''}`;
  let sql = legalSourceConditions.get(key);
  if (sql === undefined) {
    const parts = legalSources(change).map(({ statuses, stages }) => {
      const status = `doc_status IN (${statuses.join(', ')})`;
      return stages.length === DOC_STAGES.length ? status : `(${status} AND stage IN (${stages.map((st) => `'${st}'`).join(', ')}))`;
    });
    sql = parts.length ? `(${parts.join(' OR ')})` : '1 = 0';
    legalSourceConditions.set(key, sql);
  }
  return sql;
}

/** The row `id` of `companyId` (update targets; params prefixed so they never clash with SET params). */
function ownedBy(id: string, companyId: string): Where {
  return new Where().add('id = @w_id AND company_id = @w_company', { w_id: id, w_company: companyId });
}

// Every emission reads the company's active certificate; reading and opening its three sealed secrets
// (AES-GCM, ~10 KB) each time was a measurable share of a small NF-e. A certificate row's secrets never
// change (a new certificate is a new row; only `active` is ever updated), so they are read and opened
// once per certificate id.
const MAX_OPENED_CERTIFICATES = 64;
type OpenedCertificate = { keyPem: string; pfx: Buffer; password: string };

export class SqlStore implements Store {
  readonly kind: StoreKind;
  private readonly openedCertificates = new Map<string, OpenedCertificate>();
  /** Partners, companies, certificates and contingency state: read on every call, rarely written. */
  private readonly cache: ReadCache;
  private readonly xmlMemo: XmlMemo;
  private readonly dfe: DfeStore;

  private constructor(private readonly db: SqlDriver, private readonly secrets: SecretBox) {
    this.kind = db.dialect.name;
    this.dfe = new DfeStore(db);
    this.cache = new ReadCache(db.changeCounter?.bind(db));
    this.xmlMemo = new XmlMemo(db.changeCounter?.bind(db));
  }

  /** Runs migrations and checks that the MASTER_KEY is the one this database was sealed with. */
  static async open(db: SqlDriver, secrets: SecretBox): Promise<SqlStore> {
    try {
      await migrate(db);
      const store = new SqlStore(db, secrets);
      await store.checkMasterKey();
      return store;
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  private async checkMasterKey(): Promise<void> {
    const sealed = await this.db.tx(async (q) => {
      const rows = await q.all(`SELECT value FROM store_meta${this.db.dialect.lockRow} WHERE name = @name`, { name: KEY_CHECK });
      if (rows[0]) return String(rows[0].value);
      await q.exec('INSERT INTO store_meta (name, value) VALUES (@name, @value)', { name: KEY_CHECK, value: this.secrets.seal(KEY_CHECK_PLAINTEXT) });
      return undefined;
    });
    if (sealed === undefined) return;
    try {
      if (this.secrets.openText(sealed) === KEY_CHECK_PLAINTEXT) return;
    } catch {
      // reported below with the message that names the cause
    }
    throw new SecretError('A MASTER_KEY informada não é a usada para cifrar este banco de dados: os segredos armazenados não podem ser abertos. Use a MASTER_KEY original.');
  }

  private get d() {
    return this.db.dialect;
  }

  private one<R>(q: SqlExecutor, mapper: { fromRow(r: Record<string, unknown>): R }, sql: string, params: SqlParams): Promise<R | undefined> {
    return q.all(sql, params).then((rows) => (rows[0] ? mapper.fromRow(rows[0]) : undefined));
  }

  private async many<R>(mapper: { fromRow(r: Record<string, unknown>): R }, sql: string, params: SqlParams): Promise<R[]> {
    const rows = await this.db.run((q) => q.all(sql, params));
    return rows.map((r) => mapper.fromRow(r));
  }

  /**
   * Stores the detached XML values present in `values` in the mapper's side table, so each value is
   * written only when given; null removes it. Delete-then-insert binds the (large) value once and is
   * the same SQL on both databases; the owner row, written first in this transaction, locks out
   * concurrent writers of the same owner. `fresh`: the owner row was just inserted (nothing to delete).
   */
  private async writeXml<R extends object>(
    q: SqlExecutor, mapper: Mapper<R>, companyId: string, ownerId: string, values: NoInfer<Partial<R>>, fresh = false,
  ): Promise<void> {
    const table = mapper.xmlTable;
    for (const { column: kind, value } of mapper.detachedIn(values)) {
      if (!table) throw new Error(`${mapper.table}: detached fields need a side table`);
      if (!fresh) await q.exec(`DELETE FROM ${table} WHERE owner_id = @owner AND kind = @kind`, { owner: ownerId, kind });
      if (value !== null) await q.exec(`INSERT INTO ${table} (owner_id, kind, content) VALUES (@owner, @kind, @content)`, { owner: ownerId, kind, content: value });
    }
    this.xmlMemo.note(memoKey(mapper, companyId, ownerId), mapper.detachedValues(values));
  }

  /**
   * Updates one entity row (when `where` matches), then its detached XML, and returns what `readBack`
   * reads of it in the same transaction. Only the patch's columns are written.
   */
  private async updateEntity<R extends { updatedAt: Date }, Out>(
    mapper: Mapper<R>, companyId: string, id: string, patch: NoInfer<Partial<R>>, where: Where,
    readBack: (q: SqlExecutor, key: string) => Promise<Out | undefined>,
    /** Called in the transaction when `where` matched no row (may throw to say why). */
    onMiss?: (q: SqlExecutor) => Promise<void>,
  ): Promise<Out | undefined> {
    const { set, params } = mapper.setList({ ...patch, updatedAt: new Date() });
    const key = memoKey(mapper, companyId, id);
    try {
      return await this.db.tx(async (q) => {
        try {
          if (!(await q.exec(`UPDATE ${mapper.table} SET ${set} WHERE ${where.sql}`, { ...params, ...where.params }))) {
            await onMiss?.(q);
            return undefined;
          }
          await this.writeXml(q, mapper, companyId, id, patch);
          return await readBack(q, key);
        } catch (err) {
          // Rolled back to its savepoint: what it noted was never written.
          this.xmlMemo.forget(key);
          throw err;
        }
      });
    } catch (err) {
      // Or its whole group commit failed.
      this.xmlMemo.forget(key);
      throw err;
    }
  }

  /** A read-back with the detached XML, where XML the patch carries or the memo holds is not read again. */
  private wholeReadBack<R extends object>(mapper: Mapper<R>, id: string, patch: Partial<R>) {
    return async (q: SqlExecutor, key: string): Promise<R | undefined> => {
      const known = { ...this.xmlMemo.known(key), ...patch } as Partial<R>;
      const record = await this.one(q, mapper, `${mapper.select('t', known)} WHERE id = @id`, { id });
      if (!record) return undefined;
      const full = mapper.withKnown(record, known);
      this.xmlMemo.note(key, mapper.detachedValues(full));
      return full;
    };
  }

  /** A sealed secret of a cached table, opened (the sealed text is what the cache keeps). */
  private async sealedColumn(table: string, column: string, id: string): Promise<string | undefined> {
    const sealed = await this.cache.get(`${table}.${column}:${id}`, async () => {
      const rows = await this.db.run((q) => q.all(`SELECT ${column} AS v FROM ${table} WHERE id = @id`, { id }));
      const v = rows[0]?.v;
      return v === null || v === undefined ? undefined : String(v);
    });
    return sealed === undefined ? undefined : this.secrets.openText(sealed);
  }

  // ------------------------------------------------------------ partners

  async createPartner(name: string): Promise<CreatedPartner> {
    if (!name?.trim()) throw new StoreError('invalid', 'Nome do parceiro é obrigatório.');
    const partner: Partner = { id: newId(), name: name.trim(), createdAt: new Date() };
    const partnerKey = generatePartnerKey();
    const accessKey = generateAccessKey();
    const ins = T.partners.insert(partner, { key_hash: this.secrets.lookupHash(partnerKey), access_key_sealed: this.secrets.seal(accessKey) });
    await this.cache.write(() => this.db.run((q) => q.exec(ins.sql, ins.params)));
    return { partner, partnerKey, accessKey };
  }

  findPartnerByKey(partnerKey: string): Promise<Partner | undefined> {
    const h = this.secrets.lookupHash(partnerKey);
    return this.cache.get(`partners.key:${h}`, () => this.db.run((q) => this.one(q, T.partners, 'SELECT * FROM partners WHERE key_hash = @h', { h })));
  }

  getPartner(id: string): Promise<Partner | undefined> {
    return this.cache.get(`partners:${id}`, () => this.db.run((q) => this.one(q, T.partners, 'SELECT * FROM partners WHERE id = @id', { id })));
  }

  listPartners(): Promise<Partner[]> {
    return this.many(T.partners, 'SELECT * FROM partners ORDER BY name, id', {});
  }

  getPartnerAccessKey(partnerId: string): Promise<string | undefined> {
    return this.sealedColumn('partners', 'access_key_sealed', partnerId);
  }

  // ------------------------------------------------------------ companies

  async createCompany(input: NewCompany): Promise<CreatedCompany> {
    const cnpj = normalizeCnpj(input.cnpj ?? '');
    if (!isValidCnpj(cnpj)) throw new StoreError('invalid', `CNPJ inválido: ${input.cnpj}.`);
    if (!isUf(input.uf)) throw new StoreError('invalid', `UF inválida: ${input.uf}.`);
    if (input.environment !== 'homologacao' && input.environment !== 'producao') {
      throw new StoreError('invalid', `Ambiente inválido: ${String(input.environment)} (use homologacao ou producao).`);
    }
    const now = new Date();
    const company: Company = {
      id: newId(), partnerId: input.partnerId, cnpj, uf: input.uf, name: input.name, ie: input.ie ?? null,
      environment: input.environment, enabled: input.enabled ?? true, cscId: input.cscId ?? null, hasCsc: !!input.csc,
      contingency: input.contingency ?? {}, unknownFields: input.unknownFields ?? 'reject', voidGaps: input.voidGaps ?? false, autoCiencia: false,
      createdAt: now, updatedAt: now,
    };
    const accessKey = generateAccessKey();
    const ins = T.companies.insert(company, {
      access_key_sealed: this.secrets.seal(accessKey),
      csc_sealed: input.csc ? this.secrets.seal(input.csc) : null,
    });
    await this.cache.write(() => this.db.tx(async (q) => {
      if (!(await q.all('SELECT id FROM partners WHERE id = @id', { id: input.partnerId })).length) {
        throw new StoreError('not_found', `Parceiro não encontrado: ${input.partnerId}.`);
      }
      try {
        await q.exec(ins.sql, ins.params);
      } catch (err) {
        if (this.d.isUniqueViolation(err)) throw new StoreError('conflict', `O CNPJ ${cnpj} já está cadastrado no ambiente de ${input.environment}.`);
        throw err;
      }
    }));
    return { company, accessKey };
  }

  findCompanyForPartner(partnerId: string, cnpj: string, environment: Environment): Promise<Company | undefined> {
    const params = { p: partnerId, cnpj: normalizeCnpj(cnpj), env: environment };
    return this.cache.get(`companies.partner:${params.p}:${params.cnpj}:${params.env}`, () => this.db.run((q) => this.one(q, T.companies,
      'SELECT * FROM companies WHERE partner_id = @p AND cnpj = @cnpj AND environment = @env', params)));
  }

  getCompany(id: string): Promise<Company | undefined> {
    return this.cache.get(`companies:${id}`, () => this.db.run((q) => this.one(q, T.companies, 'SELECT * FROM companies WHERE id = @id', { id })));
  }

  listCompanies(partnerId?: string): Promise<Company[]> {
    const w = new Where();
    if (partnerId !== undefined) w.add('partner_id = @p', { p: partnerId });
    return this.many(T.companies, `SELECT * FROM companies WHERE ${w.sql} ORDER BY cnpj, environment`, w.params);
  }

  async updateCompany(id: string, patch: CompanyPatch): Promise<Company | undefined> {
    if (patch.uf !== undefined && !isUf(patch.uf)) throw new StoreError('invalid', `UF inválida: ${patch.uf}.`);
    const { csc, ...fields } = patch;
    const { set, params } = T.companies.setList({ ...fields, updatedAt: new Date() });
    const extra = csc === undefined ? '' : ', csc_sealed = @csc_sealed';
    const all: SqlParams = { ...params, w_id: id, csc_sealed: csc ? this.secrets.seal(csc) : null };
    return this.cache.write(() => this.db.tx(async (q) => {
      if (!(await q.exec(`UPDATE companies SET ${set}${extra} WHERE id = @w_id`, all))) return undefined;
      return this.one(q, T.companies, 'SELECT * FROM companies WHERE id = @id', { id });
    }));
  }

  getCompanyAccessKey(id: string): Promise<string | undefined> {
    return this.sealedColumn('companies', 'access_key_sealed', id);
  }

  async rotateCompanyAccessKey(id: string): Promise<string | undefined> {
    const accessKey = generateAccessKey();
    const n = await this.cache.write(() => this.db.run((q) => q.exec('UPDATE companies SET access_key_sealed = @s, updated_at = @now WHERE id = @id', {
      s: this.secrets.seal(accessKey), now: new Date(), id,
    })));
    return n ? accessKey : undefined;
  }

  async getCompanyCsc(id: string): Promise<CompanyCsc | undefined> {
    const r = await this.cache.get(`companies.csc:${id}`, async () =>
      (await this.db.run((q) => q.all('SELECT csc_id, csc_sealed FROM companies WHERE id = @id', { id })))[0]);
    if (!r || r.csc_id == null || r.csc_sealed == null) return undefined;
    return { cscId: String(r.csc_id), csc: this.secrets.openText(String(r.csc_sealed)) };
  }

  // ------------------------------------------------------------ certificates

  async saveCertificate(companyId: string, cert: NewCertificate): Promise<CertificateInfo> {
    const info: CertificateInfo = {
      id: newId(), companyId, certPem: cert.certPem, subject: cert.subject, cnpj: cert.cnpj, serial: cert.serial,
      notBefore: cert.notBefore, notAfter: cert.notAfter, active: true, createdAt: new Date(),
    };
    const ins = T.certificates.insert(info, {
      pfx_sealed: this.secrets.seal(cert.pfx), password_sealed: this.secrets.seal(cert.password), key_pem_sealed: this.secrets.seal(cert.keyPem),
    });
    await this.cache.write(() => this.db.tx(async (q) => {
      if (!(await q.all(`SELECT id FROM companies${this.d.lockRow} WHERE id = @id`, { id: companyId })).length) {
        throw new StoreError('not_found', `Empresa não encontrada: ${companyId}.`);
      }
      await q.exec('UPDATE certificates SET active = @off WHERE company_id = @c AND active = @on', { c: companyId, on: true, off: false });
      await q.exec(ins.sql, ins.params);
    }));
    return info;
  }

  async getActiveCertificate(companyId: string): Promise<ActiveCertificate | undefined> {
    const info = await this.cache.get(`certificates.active:${companyId}`, () => this.db.run((q) => this.one(q, T.certificates,
      `SELECT ${T.certificates.columns()} FROM certificates WHERE company_id = @c AND active = @on`, { c: companyId, on: true })));
    if (!info) return undefined;
    let opened = this.openedCertificates.get(info.id);
    if (!opened) {
      const rows = await this.db.run((q) => q.all('SELECT key_pem_sealed, pfx_sealed, password_sealed FROM certificates WHERE id = @id', { id: info.id }));
      const r = rows[0];
      if (!r) return undefined;
      opened = {
        keyPem: this.secrets.openText(String(r.key_pem_sealed)),
        pfx: this.secrets.open(String(r.pfx_sealed)),
        password: this.secrets.openText(String(r.password_sealed)),
      };
      if (this.openedCertificates.size >= MAX_OPENED_CERTIFICATES) {
        const oldest = this.openedCertificates.keys().next();
        if (!oldest.done) this.openedCertificates.delete(oldest.value);
      }
      this.openedCertificates.set(info.id, opened);
    }
    return { ...info, keyPem: opened.keyPem, pfx: opened.pfx, password: opened.password };
  }

  listCertificates(companyId: string): Promise<CertificateInfo[]> {
    return this.many(T.certificates, 'SELECT * FROM certificates WHERE company_id = @c ORDER BY created_at DESC, id', { c: companyId });
  }

  // ------------------------------------------------------------ numbering

  /** Creates the sequence row when missing (locked on SQL Server so concurrent creators serialise). */
  private async ensureSequence(q: SqlExecutor, key: SequenceKey): Promise<void> {
    await q.exec(
      `INSERT INTO number_sequences (company_id, tp_amb, model, serie, next_numero, updated_at)
       SELECT @company_id, @tp_amb, @model, @serie, 1, @now
       WHERE NOT EXISTS (SELECT 1 FROM number_sequences${this.d.lockRow} WHERE ${SEQ_KEY})`,
      { ...seqParams(key), now: new Date() });
  }

  private async advanceSequence(q: SqlExecutor, key: SequenceKey, numero: number): Promise<void> {
    await this.ensureSequence(q, key);
    await q.exec(`UPDATE number_sequences SET next_numero = @next, updated_at = @now WHERE ${SEQ_KEY} AND next_numero <= @numero`,
      { ...seqParams(key), next: numero + 1, numero, now: new Date() });
  }

  /** End of the blocking inutilização range covering n, if any. */
  private async inutRangeEnd(q: SqlExecutor, key: SequenceKey, n: number): Promise<number | undefined> {
    const rows = await q.all(`SELECT MAX(n_fin) AS n_fin FROM inutilizacoes WHERE ${SEQ_KEY} AND n_ini <= @n AND n_fin >= @n AND ${BLOCKING_INUT}`,
      { ...seqParams(key), n });
    const end = rows[0]?.n_fin;
    return end === null || end === undefined ? undefined : Number(end);
  }

  async noteClientNumber(key: SequenceKey, numero: number): Promise<void> {
    checkNumero(numero, 'Número');
    await this.db.tx((q) => this.advanceSequence(q, key, numero));
  }

  async peekSequence(key: SequenceKey): Promise<number> {
    const rows = await this.db.run((q) => q.all(`SELECT next_numero FROM number_sequences WHERE ${SEQ_KEY}`, seqParams(key)));
    return rows[0] ? Math.max(Number(rows[0].next_numero), 1) : 1;
  }

  // ------------------------------------------------------------ documents

  private newDocument(companyId: string, doc: NewDocument): T.StoredDocument {
    const now = new Date();
    const clean = Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)) as NewDocument;
    return { ...DOCUMENT_NULLS, ...NO_XML, ...DOCUMENT_DEFAULTS, ...clean, id: newId(), companyId, createdAt: now, updatedAt: now };
  }

  private async insertDocumentRow(q: SqlExecutor, doc: T.StoredDocument): Promise<void> {
    const ins = T.documents.insert(doc);
    try {
      await q.exec(ins.sql, ins.params);
    } catch (err) {
      if (this.d.isUniqueViolation(err)) {
        throw new StoreError('conflict', `Número ${doc.numero} da série ${doc.serie} (modelo ${doc.model}) já utilizado por outro documento.`);
      }
      throw err;
    }
    await this.writeXml(q, T.documents, doc.companyId, doc.id, doc, true);
  }

  async insertDocument(companyId: string, doc: NewDocument, opts: { sequence?: boolean } = {}): Promise<DocumentRecord> {
    checkNumero(doc.numero, 'Número');
    const record = this.newDocument(companyId, doc);
    const key: SequenceKey = { companyId, tpAmb: doc.tpAmb, model: doc.model, serie: doc.serie };
    await this.db.tx(async (q) => {
      if (opts.sequence !== false) await this.advanceSequence(q, key, doc.numero);
      await this.insertDocumentRow(q, record);
    });
    return withoutXml(record);
  }

  async allocateAndInsertDocument(companyId: string, doc: NewUnnumberedDocument, numbered?: (numero: number) => DocumentPatch): Promise<DocumentRecord> {
    const key: SequenceKey = { companyId, tpAmb: doc.tpAmb, model: doc.model, serie: doc.serie };
    const nextNumero = (q: SqlExecutor) => q.all(`SELECT next_numero FROM number_sequences${this.d.lockRow} WHERE ${SEQ_KEY}`, seqParams(key));
    return this.db.tx(async (q) => {
      // The sequence row exists but for a série's first document (locked on SQL Server either way).
      let seq = await nextNumero(q);
      if (!seq.length) {
        await this.ensureSequence(q, key);
        seq = await nextNumero(q);
      }
      let n = Math.max(Number(seq[0]?.next_numero ?? 1), 1);
      for (;;) {
        checkNumero(n, 'Próximo número da sequência');
        const used = await q.all(`SELECT 1 AS x FROM documents WHERE ${SEQ_KEY} AND numero = @n`, { ...seqParams(key), n });
        if (used.length) {
          n += 1;
          continue;
        }
        const end = await this.inutRangeEnd(q, key, n);
        if (end === undefined) break;
        n = end + 1;
      }
      const record = this.newDocument(companyId, { ...doc, ...numbered?.(n), numero: n });
      await this.insertDocumentRow(q, record);
      await q.exec(`UPDATE number_sequences SET next_numero = @next, updated_at = @now WHERE ${SEQ_KEY}`, { ...seqParams(key), next: n + 1, now: new Date() });
      return withoutXml(record);
    });
  }

  /**
   * A state change applies only from a (status, stage) the state machine allows it from: that is part
   * of the UPDATE's condition. When no row matched, the row is read to tell a missing document or an
   * unmatched guard (undefined) from an illegal move (StoreError naming both states).
   */
  updateDocument(companyId: string, id: string, patch: DocumentPatch, guard: DocumentGuard = {}): Promise<DocumentRecord | undefined> {
    const where = ownedBy(id, companyId).in('stage', 'g_stage', guard.stage).in('doc_status', 'g_status', guard.docStatus);
    const change = stateChange(patch);
    // The state alone is read back: the XML stays where it was written (getDocumentXml).
    const readBack = (q: SqlExecutor) => this.one(q, documentRecords, `${DOCUMENTS} WHERE id = @id`, { id });
    if (!change) return this.updateEntity(T.documents, companyId, id, patch, where, readBack);
    return this.updateEntity(T.documents, companyId, id, patch, where.add(legalSourceCondition(change)), readBack, async (q) => {
      const rows = await q.all('SELECT doc_status, stage FROM documents WHERE id = @id AND company_id = @c', { id, c: companyId });
      const row = rows[0];
      if (!row) return;
      const from: DocState = { docStatus: Number(row.doc_status) as DocStatus, stage: String(row.stage) as DocStage };
      if (guard.stage && !guard.stage.includes(from.stage)) return;
      if (guard.docStatus && !guard.docStatus.includes(from.docStatus)) return;
      const to = moveTarget(from, change);
      if (isLegalMove(from, to)) return; // changed by another writer between the UPDATE and this read
      throw new StoreError('illegal_transition',
        `Documento ${id}: transição de estado recusada, ${docStatusLabel(from.docStatus)}/${from.stage} → ${docStatusLabel(to.docStatus)}/${to.stage}.`);
    });
  }

  getDocument(companyId: string, id: string): Promise<DocumentRecord | undefined> {
    return this.db.run((q) => this.one(q, documentRecords, `${DOCUMENTS} WHERE id = @id AND company_id = @c`, { id, c: companyId }));
  }

  findDocumentByNumber(companyId: string, tpAmb: TpAmb, model: DocModel, serie: number, numero: number): Promise<DocumentRecord | undefined> {
    return this.db.run((q) => this.one(q, documentRecords, `${DOCUMENTS} WHERE ${SEQ_KEY} AND numero = @numero`,
      { ...seqParams({ companyId, tpAmb, model, serie }), numero }));
  }

  async findDocumentByChave(companyId: string, chave: string): Promise<DocumentRecord | undefined> {
    return this.db.run(async (q) =>
      (await this.one(q, documentRecords, `${DOCUMENTS} WHERE company_id = @c AND chave = @chave`, { c: companyId, chave }))
      // Previous keys are a JSON array of quoted strings: the quotes make the LIKE exact.
      ?? this.one(q, documentRecords, `${DOCUMENTS} WHERE company_id = @c AND previous_chaves LIKE @pattern`, { c: companyId, pattern: `%"${chave.replace(/[%_[\]"\\]/g, '')}"%` }));
  }

  /**
   * One SELECT of the asked values that the XML memo does not hold; none at all when it holds every one
   * (XML this store has just written or read, while no other connection has committed): the hot path
   * reads back nothing it wrote. The memo's keys name the company, so it never answers for another's row.
   */
  async getDocumentXml<F extends DocumentXmlField>(companyId: string, id: string, fields: readonly F[]): Promise<Pick<DocumentXml, F> | undefined> {
    const key = memoKey(T.documents, companyId, id);
    const split = () => {
      const known = this.xmlMemo.known(key);
      const held = Object.fromEntries(fields.filter((f) => f in known).map((f) => [f, known[f]])) as Pick<DocumentXml, F>;
      return { held, missing: fields.filter((f) => !(f in known)) };
    };
    const first = split();
    if (first.missing.length === 0 && fields.length > 0) return first.held;
    return this.db.run(async (q) => {
      // Split again in the connection's turn: no write of this store comes between this read and its note.
      const { held, missing } = split();
      const rows = await q.all(`${T.documents.selectDetached('d', missing)} WHERE d.id = @id AND d.company_id = @c`, { id, c: companyId });
      if (!rows[0]) return undefined;
      const read = T.documents.detachedFromRow(rows[0], missing);
      this.xmlMemo.note(key, read);
      return { ...held, ...read };
    });
  }

  queryDocuments(companyId: string, filter: DocumentQuery): Promise<DocumentRecord[]> {
    const w = new Where().add('company_id = @c', { c: companyId });
    if (filter.tpAmb) w.add('tp_amb = @tp_amb', { tp_amb: filter.tpAmb });
    if (filter.model) w.add('model = @model', { model: filter.model });
    if (filter.serie !== undefined) w.add('serie = @serie', { serie: filter.serie });
    if (filter.ownOnly) w.add('serie <> @received', { received: RECEIVED_SERIE });
    if (filter.numeroFrom !== undefined) w.add('numero >= @n_from', { n_from: filter.numeroFrom });
    if (filter.numeroTo !== undefined) w.add('numero <= @n_to', { n_to: filter.numeroTo });
    if (filter.chave) w.add('chave = @chave', { chave: filter.chave });
    if (filter.emissionFrom) w.add('dh_emi >= @e_from', { e_from: filter.emissionFrom });
    if (filter.emissionTo) w.add('dh_emi <= @e_to', { e_to: filter.emissionTo });
    if (filter.includedFrom) w.add('created_at >= @i_from', { i_from: filter.includedFrom });
    if (filter.includedTo) w.add('created_at <= @i_to', { i_to: filter.includedTo });
    w.in('doc_status', 'st', filter.docStatus).in('stage', 'sg', filter.stage);
    return this.many(documentRecords, `${DOCUMENTS} WHERE ${w.sql} ORDER BY model, serie, numero ${this.d.limit('lim')}`,
      { ...w.params, lim: clampLimit(filter.limit) });
  }

  findDocumentsForJob(filter: JobDocumentQuery): Promise<DocumentRecord[]> {
    const w = new Where().in('d.doc_status', 'st', filter.docStatus).in('d.stage', 'sg', filter.stage);
    if (filter.dueBefore) w.add('(d.next_attempt_at IS NULL OR d.next_attempt_at <= @due)', { due: filter.dueBefore });
    if (filter.tpAmb) w.add('d.tp_amb = @tp_amb', { tp_amb: filter.tpAmb });
    if (filter.model) w.add('d.model = @model', { model: filter.model });
    if (filter.uf) w.add('c.uf = @uf', { uf: filter.uf });
    if (filter.discardRequested !== undefined) w.add('d.discard_requested = @discard', { discard: filter.discardRequested });
    return this.many(documentRecords,
      `${DOCUMENTS} JOIN companies c ON c.id = d.company_id WHERE ${w.sql}
       ORDER BY d.next_attempt_at, d.created_at, d.id ${this.d.limit('lim')}`,
      { ...w.params, lim: clampLimit(filter.limit) });
  }

  /**
   * One statement: of the documents, only each run's first and last number (LAG/LEAD over the série)
   * and the ones not settled for good; the inutilização ranges beside them (UNION ALL). A série of a
   * million authorised numbers without gaps is two rows.
   */
  async numberingFacts(companyId: string, filter: NumberingQuery = {}): Promise<SerieNumbering[]> {
    const w = new Where().add('company_id = @c', { c: companyId }).in('model', 'md', filter.models);
    if (filter.tpAmb) w.add('tp_amb = @tp_amb', { tp_amb: filter.tpAmb });
    if (filter.serie !== undefined) w.add('serie = @serie', { serie: filter.serie });
    const series = 'PARTITION BY tp_amb, model, serie ORDER BY numero';
    const rows = await this.db.run((q) => q.all(
      `SELECT 'd' AS src, tp_amb, model, serie, numero AS n_ini, numero AS n_fin, prev_numero, next_numero, doc_status, discard_requested, created_at, updated_at
       FROM (SELECT tp_amb, model, serie, numero, doc_status, discard_requested, created_at, updated_at,
               LAG(numero) OVER (${series}) AS prev_numero, LEAD(numero) OVER (${series}) AS next_numero
             FROM documents WHERE ${w.sql} AND serie <> @received) x
       WHERE doc_status NOT IN (${SETTLED_STATUSES.join(', ')})
          OR prev_numero IS NULL OR prev_numero <> numero - 1 OR next_numero IS NULL OR next_numero <> numero + 1
       UNION ALL
       SELECT 'i' AS src, tp_amb, model, serie, n_ini, n_fin, NULL, NULL, NULL, NULL, created_at, updated_at
       FROM inutilizacoes WHERE ${w.sql} AND ${BLOCKING_INUT}
       ORDER BY tp_amb, model, serie, n_ini`, { ...w.params, received: RECEIVED_SERIE }));
    const out: SerieNumbering[] = [];
    for (const r of rows) {
      const [tpAmb, model, serie] = [String(r.tp_amb), String(r.model) as DocModel, Number(r.serie)];
      let s = out.at(-1);
      if (!s || s.tpAmb !== tpAmb || s.model !== model || s.serie !== serie) {
        s = { tpAmb, model, serie, runs: [], open: [], inutilizacoes: [] };
        out.push(s);
      }
      const [nIni, nFin] = [Number(r.n_ini), Number(r.n_fin)];
      if (r.src === 'i') {
        s.inutilizacoes.push({ nIni, nFin });
        continue;
      }
      const prev = r.prev_numero === null ? undefined : Number(r.prev_numero);
      if (prev === undefined || prev !== nIni - 1) s.runs.push({ from: nIni, to: nIni, since: new Date(r.created_at as string | Date) });
      const current = s.runs.at(-1);
      if (current) current.to = nIni;
      const docStatus = Number(r.doc_status) as DocStatus;
      if (!SETTLED_STATUSES.includes(docStatus)) {
        s.open.push({ numero: nIni, docStatus, discardRequested: r.discard_requested === true || Number(r.discard_requested) === 1, updatedAt: new Date(r.updated_at as string | Date) });
      }
    }
    return out;
  }

  // ------------------------------------------------------------ events

  async insertEvent(companyId: string, event: NewEvent): Promise<EventRecord> {
    const now = new Date();
    const clean = Object.fromEntries(Object.entries(event).filter(([, v]) => v !== undefined)) as NewEvent;
    const record: EventRecord = {
      status: 'pending', cStat: null, xMotivo: null, nProt: null, dhReg: null, xmlSigned: null, xmlProc: null, requestXml: null,
      attempts: 0, nextAttemptAt: null, lastError: null, ...clean, id: newId(), companyId, createdAt: now, updatedAt: now,
    };
    const ins = T.events.insert(record);
    await this.db.tx(async (q) => {
      if (!(await q.all('SELECT id FROM documents WHERE id = @id AND company_id = @c', { id: event.documentId, c: companyId })).length) {
        throw new StoreError('not_found', 'Documento do evento não encontrado para esta empresa.');
      }
      try {
        await q.exec(ins.sql, ins.params);
      } catch (err) {
        if (this.d.isUniqueViolation(err)) throw new StoreError('conflict', `Evento ${event.tpEvento} com nSeqEvento ${event.nSeq} já registrado para este documento.`);
        throw err;
      }
      await this.writeXml(q, T.events, companyId, record.id, record, true);
    });
    return record;
  }

  async reserveEvent(companyId: string, r: EventReservation): Promise<EventReservationResult> {
    let taken: string | undefined;
    try {
      return await this.db.tx(async (q) => {
        // The document row, locked, serialises the reservations of its events on SQL Server.
        if (!(await q.all(`SELECT id FROM documents${this.d.lockRow} WHERE id = @id AND company_id = @c`, { id: r.documentId, c: companyId })).length) {
          throw new StoreError('not_found', 'Documento do evento não encontrado para esta empresa.');
        }
        const rows = await q.all('SELECT id, n_seq, status, c_stat, attempts FROM events WHERE document_id = @d AND tp_evento = @tp',
          { d: r.documentId, tp: r.tpEvento });
        const held = new Set(r.heldBy ?? []);
        const inUse = rows.filter((x) => x.status !== 'rejected' || held.has(String(x.c_stat))).map((x) => Number(x.n_seq));
        const nSeq = r.nSeq ?? Math.max(0, ...inUse) + 1;
        if (nSeq > r.maxSeq) return { kind: 'exhausted' };
        const row = rows.find((x) => Number(x.n_seq) === nSeq);
        if (row && row.status !== 'rejected') {
          const event = await this.one(q, T.events, `${EVENTS} WHERE id = @id`, { id: row.id as string });
          if (!event) throw new Error(`evento ${String(row.id)} lido e não encontrado na mesma transação`);
          return { kind: 'taken', event };
        }
        const now = new Date();
        const fields = {
          status: 'sending', cStat: null, xMotivo: null, nProt: null, dhReg: null, xmlSigned: null, xmlProc: null,
          requestXml: r.requestXml, nextAttemptAt: null, lastError: null, updatedAt: now,
        } satisfies Partial<EventRecord>;
        if (!row) {
          const event: EventRecord = { ...fields, attempts: 1, id: newId(), companyId, documentId: r.documentId, tpEvento: r.tpEvento, nSeq, createdAt: now };
          const ins = T.events.insert(event);
          await q.exec(ins.sql, ins.params);
          await this.writeXml(q, T.events, companyId, event.id, event, true);
          return { kind: 'reserved', event };
        }
        // A rejected sequence is free again: its row is taken over (SEFAZ accepts a rejected nSeqEvento anew).
        const id = String(row.id);
        taken = memoKey(T.events, companyId, id);
        const patch = { ...fields, attempts: Number(row.attempts) + 1 };
        const { set, params } = T.events.setList(patch);
        await q.exec(`UPDATE events SET ${set} WHERE id = @w_id`, { ...params, w_id: id });
        await this.writeXml(q, T.events, companyId, id, patch);
        const record = await this.one(q, T.events, `${T.events.select('e', patch)} WHERE id = @id`, { id });
        if (!record) throw new Error(`evento ${id} atualizado e não encontrado na mesma transação`);
        return { kind: 'reserved', event: T.events.withKnown(record, patch) };
      });
    } catch (err) {
      // Rolled back: what the takeover noted in the XML memo was never written.
      if (taken) this.xmlMemo.forget(taken);
      throw err;
    }
  }

  updateEvent(companyId: string, id: string, patch: EventPatch): Promise<EventRecord | undefined> {
    return this.updateEntity(T.events, companyId, id, patch, ownedBy(id, companyId), this.wholeReadBack<EventRecord>(T.events, id, patch));
  }

  getEvent(companyId: string, id: string): Promise<EventRecord | undefined> {
    return this.db.run((q) => this.one(q, T.events, `${EVENTS} WHERE id = @id AND company_id = @c`, { id, c: companyId }));
  }

  listEvents(companyId: string, documentId: string): Promise<EventRecord[]> {
    return this.many(T.events, `${EVENTS} WHERE document_id = @d AND company_id = @c ORDER BY created_at, tp_evento, n_seq`,
      { d: documentId, c: companyId });
  }

  findEventsForJob(filter: JobEventQuery): Promise<EventRecord[]> {
    const w = new Where().in('status', 'st', filter.status);
    if (filter.dueBefore) w.add('(next_attempt_at IS NULL OR next_attempt_at <= @due)', { due: filter.dueBefore });
    return this.many(T.events, `${EVENTS} WHERE ${w.sql} ORDER BY next_attempt_at, created_at, id ${this.d.limit('lim')}`,
      { ...w.params, lim: clampLimit(filter.limit) });
  }

  // ------------------------------------------------------------ inutilizações

  async insertInutilizacao(companyId: string, inut: NewInutilizacao): Promise<InutilizacaoRecord> {
    checkNumero(inut.nIni, 'Número inicial');
    checkNumero(inut.nFin, 'Número final');
    if (inut.nIni > inut.nFin) throw new StoreError('invalid', `Faixa de inutilização inválida: ${inut.nIni} > ${inut.nFin}.`);
    const now = new Date();
    const clean = Object.fromEntries(Object.entries(inut).filter(([, v]) => v !== undefined)) as NewInutilizacao;
    const record: InutilizacaoRecord = {
      status: 'pending', cStat: null, xMotivo: null, nProt: null, dhReg: null, xmlProc: null,
      ...clean, id: newId(), companyId, createdAt: now, updatedAt: now,
    };
    const ins = T.inutilizacoes.insert(record);
    await this.db.tx(async (q) => {
      await q.exec(ins.sql, ins.params);
      await this.writeXml(q, T.inutilizacoes, companyId, record.id, record, true);
    });
    return record;
  }

  updateInutilizacao(companyId: string, id: string, patch: InutilizacaoPatch): Promise<InutilizacaoRecord | undefined> {
    return this.updateEntity(T.inutilizacoes, companyId, id, patch, ownedBy(id, companyId), this.wholeReadBack<InutilizacaoRecord>(T.inutilizacoes, id, patch));
  }

  getInutilizacao(companyId: string, id: string): Promise<InutilizacaoRecord | undefined> {
    return this.db.run((q) => this.one(q, T.inutilizacoes, `${INUTILIZACOES} WHERE id = @id AND company_id = @c`, { id, c: companyId }));
  }

  listInutilizacoes(companyId: string, filter: InutilizacaoQuery = {}): Promise<InutilizacaoRecord[]> {
    const w = new Where().add('company_id = @c', { c: companyId }).in('status', 'st', filter.status);
    if (filter.tpAmb) w.add('tp_amb = @tp_amb', { tp_amb: filter.tpAmb });
    if (filter.model) w.add('model = @model', { model: filter.model });
    if (filter.serie !== undefined) w.add('serie = @serie', { serie: filter.serie });
    return this.many(T.inutilizacoes, `${INUTILIZACOES} WHERE ${w.sql} ORDER BY model, serie, n_ini, id ${this.d.limit('lim')}`,
      { ...w.params, lim: clampLimit(filter.limit) });
  }

  async isNumberInutilizado(companyId: string, tpAmb: TpAmb, model: DocModel, serie: number, numero: number): Promise<boolean> {
    return (await this.db.run((q) => this.inutRangeEnd(q, { companyId, tpAmb, model, serie }, numero))) !== undefined;
  }

  // ------------------------------------------------------------ request log

  async recordRequest(entry: RequestLogEntry): Promise<void> {
    // A transaction although it is one statement: on SQLite it then joins the group commit instead of
    // paying an fsync of its own (it is written once per request, beside the document's transactions).
    await this.db.tx((q) => q.exec(
      `INSERT INTO request_log (request_id, partner_id, company_id, kind, documents, codes, duration_ms, created_at)
       VALUES (@request_id, @partner_id, @company_id, @kind, @documents, @codes, @duration_ms, @created_at)`,
      {
        request_id: entry.requestId, partner_id: entry.partnerId ?? null, company_id: entry.companyId ?? null, kind: entry.kind,
        documents: entry.documents, codes: entry.codes.join(',').slice(0, 400), duration_ms: Math.round(entry.durationMs), created_at: new Date(),
      }));
  }

  listRequests(filter: RequestLogQuery = {}): Promise<RequestLogRecord[]> {
    const w = new Where();
    if (filter.partnerId) w.add('partner_id = @p', { p: filter.partnerId });
    if (filter.companyId) w.add('company_id = @c', { c: filter.companyId });
    if (filter.since) w.add('created_at >= @since', { since: filter.since });
    return this.many(T.requestLog, `SELECT * FROM request_log WHERE ${w.sql} ORDER BY id DESC ${this.d.limit('lim')}`,
      { ...w.params, lim: clampLimit(filter.limit) });
  }

  // ------------------------------------------------------------ job leases

  // Expiry uses the instances' clocks (kept in sync by NTP); a lease TTL of minutes dwarfs any skew.
  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.db.tx(async (q) => {
      const now = new Date();
      const expires = new Date(now.getTime() + ttlMs);
      const rows = await q.all(`SELECT owner, expires_at FROM job_leases${this.d.lockRow} WHERE name = @name`, { name });
      const row = rows[0];
      if (!row) {
        await q.exec('INSERT INTO job_leases (name, owner, expires_at, acquired_at) VALUES (@name, @owner, @expires, @now)', { name, owner, expires, now });
        return true;
      }
      const mine = row.owner === owner;
      if (!mine && new Date(row.expires_at as string).getTime() > now.getTime()) return false;
      await q.exec(`UPDATE job_leases SET owner = @owner, expires_at = @expires${mine ? '' : ', acquired_at = @now'} WHERE name = @name`,
        { name, owner, expires, now });
      return true;
    });
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.db.run((q) => q.exec('DELETE FROM job_leases WHERE name = @name AND owner = @owner', { name, owner }));
  }

  // ------------------------------------------------------------ contingency state

  private scopeParams(scope: ContingencyScope): SqlParams {
    return { tp_amb: scope.tpAmb, uf: scope.uf, model: scope.model };
  }

  async getContingency(scope: ContingencyScope): Promise<ContingencyRecord | undefined> {
    // A scope never in contingency has no row, and is asked about on every emission: its absence is
    // cached too, as null (the cache keeps only defined values).
    const record = await this.cache.get(`contingency_state:${scope.tpAmb}:${scope.uf}:${scope.model}`, async () =>
      (await this.db.run((q) => this.one(q, T.contingencies,
        'SELECT * FROM contingency_state WHERE tp_amb = @tp_amb AND uf = @uf AND model = @model', this.scopeParams(scope)))) ?? null);
    return record ?? undefined;
  }

  setContingency(scope: ContingencyScope, value: ContingencyStateInput, opts: { ifState?: 'normal' | 'contingency' } = {}): Promise<boolean> {
    const record: ContingencyRecord = {
      ...scope, state: value.state, since: value.since, cause: value.cause, detectingDocumentId: value.detectingDocumentId ?? null,
      nextProbeAt: value.nextProbeAt ?? null, probeFailures: value.probeFailures, updatedAt: new Date(),
    };
    return this.cache.write(() => this.db.tx(async (q) => {
      const rows = await q.all(`SELECT state FROM contingency_state${this.d.lockRow} WHERE tp_amb = @tp_amb AND uf = @uf AND model = @model`,
        this.scopeParams(scope));
      const current = rows[0] ? String(rows[0].state) : 'normal';
      if (opts.ifState && current !== opts.ifState) return false;
      if (rows[0]) {
        const { set, params } = T.contingencies.setList(record);
        await q.exec(`UPDATE contingency_state SET ${set} WHERE tp_amb = @tp_amb AND uf = @uf AND model = @model`, params);
      } else {
        const ins = T.contingencies.insert(record);
        await q.exec(ins.sql, ins.params);
      }
      return true;
    }));
  }

  listContingencies(state?: 'normal' | 'contingency'): Promise<ContingencyRecord[]> {
    const w = new Where();
    if (state) w.add('state = @state', { state });
    return this.many(T.contingencies, `SELECT * FROM contingency_state WHERE ${w.sql} ORDER BY tp_amb, uf, model`, w.params);
  }

  // ------------------------------------------------------------ DF-e distribution (dfe-store.ts)

  setDfeEnabled(companyId: string, model: DfeModel, enabled: boolean): Promise<DfeStateRecord> {
    return this.dfe.setEnabled(companyId, model, enabled);
  }

  getDfeState(companyId: string, model: DfeModel): Promise<DfeStateRecord | undefined> {
    return this.dfe.get(companyId, model);
  }

  listDfeStates(filter?: { enabled?: boolean; companyId?: string }): Promise<DfeStateRecord[]> {
    return this.dfe.list(filter);
  }

  saveDfeState(companyId: string, model: DfeModel, state: DfeState, lastSweepAt?: Date): Promise<void> {
    return this.dfe.save(companyId, model, state, lastSweepAt);
  }

  storeDfeDocuments(companyId: string, model: DfeModel, docs: readonly NewDfeDocument[], receivedAt: Date): Promise<number> {
    return this.dfe.storeDocuments(companyId, model, docs, receivedAt);
  }

  recordDfeStep(companyId: string, model: DfeModel, step: DfeStep): Promise<{ stored: number; missing: number }> {
    return this.dfe.recordStep(companyId, model, step);
  }

  listDfeMissing(companyId: string, model: DfeModel, filter: { status?: DfeMissingStatus[]; limit?: number; after?: string }): Promise<DfeMissingRecord[]> {
    return this.dfe.listMissing(companyId, model, filter);
  }

  expireDfeMissing(companyId: string, model: DfeModel, firstSeenBefore: Date): Promise<number> {
    return this.dfe.expireMissing(companyId, model, firstSeenBefore);
  }

  dfeBacklog(companyId: string, model: DfeModel): Promise<DfeBacklog> {
    return this.dfe.backlog(companyId, model);
  }

  queryDfeDocuments(companyId: string, filter?: DfeDocumentQuery): Promise<DfeDocumentRecord[]> {
    return this.dfe.queryDocuments(companyId, filter);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
