// What the simulated SEFAZ remembers, in SQLite (better-sqlite3, synchronous): documents by chave,
// events, inutilizações, async lotes, protocol/recibo counters, CSCs, denial rules and SVC flags; for
// CT-e also the facts its event rules read and which event each cancelling event cancelled.
// One shared store for every authorizer, which is how an SVC authorisation "synchronises" with the
// origin UF. Homologação and produção never see each other (tpAmb is part of every key).
import Database from 'better-sqlite3';

export type DocStatus = 'authorized' | 'denied' | 'cancelled';

/** Fields kept for EPEC reconciliation and the admin view. */
export interface DocSummary {
  dhEmi: string;
  tpNF: string;
  IE: string;
  destDoc?: string;
  destUF?: string;
  destIE?: string;
  vNF: string;
  vICMS: string;
  vST: string;
}

export interface DocumentRecord {
  chave: string;
  tpAmb: string;
  authorizer: string;
  cnpj: string;
  mod: string;
  serie: number;
  nNF: number;
  status: DocStatus;
  cStat: string;
  nProt: string;
  dhRecbto: string;
  digVal: string;
  authorizedAtMs: number;
  nfeXml: string;
  protXml: string;
  summary: DocSummary;
}

export interface EventRecord {
  tpAmb: string;
  chave: string;
  tpEvento: string;
  nSeqEvento: number;
  nProt: string;
  dhRegEvento: string;
  procXml: string;
  /** EPEC data (110140) for reconciliation; other events leave it undefined. */
  summary?: DocSummary;
  createdAtMs: number;
}

/** What the CT-e event rules need of an authorised CT-e (cte.md §6). */
export interface CteSummary {
  dhEmi: string;
  tpCTe: string;
  tpServ: string;
  /** CNPJ/CPF of the tomador (ide/toma3 names rem, exped, receb or dest; toma4 carries it). */
  tomaDoc?: string;
  /** Keys of the NF-e the CT-e carries (infDoc/infNFe). */
  nfeKeys: string[];
  /** The CT-e this substitute (tpCTe 3) replaced. */
  substitutes?: string;
  /** The substitute authorised for this CT-e (cte.md §7: later events 664, no cancel 576). */
  substitutedBy?: string;
}

export interface InutRecord {
  tpAmb: string;
  cnpj: string;
  mod: string;
  serie: number;
  nNFIni: number;
  nNFFin: number;
  nProt: string;
  createdAtMs: number;
}

export interface LoteRecord {
  nRec: string;
  tpAmb: string;
  authorizer: string;
  cUF: string;
  transmitter: string;
  receivedAtMs: number;
  readyAtMs: number;
  protXmls: string[];
}

/** An NF-e number carried by an async lote (635 while the lote is still processing). */
export interface LoteNumber {
  cnpj: string;
  mod: string;
  serie: number;
  nNF: number;
}

export interface Denial {
  cnpj: string;
  role: 'emit' | 'dest';
  cStat: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (
  chave TEXT NOT NULL, tpAmb TEXT NOT NULL, authorizer TEXT NOT NULL, cnpj TEXT NOT NULL, mod TEXT NOT NULL,
  serie INTEGER NOT NULL, nNF INTEGER NOT NULL, status TEXT NOT NULL, cStat TEXT NOT NULL, nProt TEXT NOT NULL,
  dhRecbto TEXT NOT NULL, digVal TEXT NOT NULL, authorizedAtMs INTEGER NOT NULL, nfeXml TEXT NOT NULL,
  protXml TEXT NOT NULL, summary TEXT NOT NULL, PRIMARY KEY (chave, tpAmb));
CREATE UNIQUE INDEX IF NOT EXISTS documents_number ON documents (tpAmb, cnpj, mod, serie, nNF);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, tpAmb TEXT NOT NULL, chave TEXT NOT NULL, tpEvento TEXT NOT NULL,
  nSeqEvento INTEGER NOT NULL, nProt TEXT NOT NULL, dhRegEvento TEXT NOT NULL, procXml TEXT NOT NULL,
  summary TEXT, createdAtMs INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS events_chave ON events (chave, tpAmb);
CREATE TABLE IF NOT EXISTS inutilizacoes (
  id INTEGER PRIMARY KEY AUTOINCREMENT, tpAmb TEXT NOT NULL, cnpj TEXT NOT NULL, mod TEXT NOT NULL,
  serie INTEGER NOT NULL, nNFIni INTEGER NOT NULL, nNFFin INTEGER NOT NULL, nProt TEXT NOT NULL,
  createdAtMs INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS lotes (
  nRec TEXT PRIMARY KEY, tpAmb TEXT NOT NULL, authorizer TEXT NOT NULL, cUF TEXT NOT NULL,
  transmitter TEXT NOT NULL, receivedAtMs INTEGER NOT NULL, readyAtMs INTEGER NOT NULL, protXmls TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lote_numbers (
  nRec TEXT NOT NULL, tpAmb TEXT NOT NULL, cnpj TEXT NOT NULL, mod TEXT NOT NULL, serie INTEGER NOT NULL, nNF INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS lote_numbers_number ON lote_numbers (tpAmb, cnpj, mod, serie, nNF);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cscs (cnpj TEXT NOT NULL, idCsc INTEGER NOT NULL, csc TEXT NOT NULL, PRIMARY KEY (cnpj, idCsc));
CREATE TABLE IF NOT EXISTS denials (cnpj TEXT PRIMARY KEY, role TEXT NOT NULL, cStat TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS svc_flags (uf TEXT NOT NULL, tpAmb TEXT NOT NULL, active INTEGER NOT NULL, PRIMARY KEY (uf, tpAmb));
CREATE TABLE IF NOT EXISTS svc_deactivations (uf TEXT NOT NULL, tpAmb TEXT NOT NULL, atMs INTEGER NOT NULL, PRIMARY KEY (uf, tpAmb));
CREATE TABLE IF NOT EXISTS cte_summaries (chave TEXT NOT NULL, tpAmb TEXT NOT NULL, summary TEXT NOT NULL, PRIMARY KEY (chave, tpAmb));
CREATE TABLE IF NOT EXISTS cte_event_cancellations (tpAmb TEXT NOT NULL, chave TEXT NOT NULL, nProt TEXT NOT NULL, PRIMARY KEY (tpAmb, chave, nProt));
`;

type Row = Record<string, unknown>;

function toDocument(r: Row): DocumentRecord {
  return { ...(r as unknown as DocumentRecord), summary: JSON.parse(r.summary as string) as DocSummary };
}

function toEvent(r: Row): EventRecord {
  return { ...(r as unknown as EventRecord), summary: r.summary ? (JSON.parse(r.summary as string) as DocSummary) : undefined };
}

export class SimulatorState {
  readonly db: Database.Database;
  // Compiling a statement cost more than running it (better-sqlite3 `prepare` showed up per request).
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file = ':memory:') {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  /** The prepared statement for `sql`, compiled on first use. */
  private sql(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Next value of a named sequence (nRec, nProt), persisted so numbers never repeat. */
  nextSeq(name: string): number {
    const row = this.sql('INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value')
      .get(name) as { value: number };
    return row.value;
  }

  getDocument(chave: string, tpAmb: string): DocumentRecord | undefined {
    const r = this.sql('SELECT * FROM documents WHERE chave = ? AND tpAmb = ?').get(chave, tpAmb) as Row | undefined;
    return r && toDocument(r);
  }

  findByNumber(tpAmb: string, cnpj: string, mod: string, serie: number, nNF: number): DocumentRecord | undefined {
    const r = this.sql('SELECT * FROM documents WHERE tpAmb = ? AND cnpj = ? AND mod = ? AND serie = ? AND nNF = ?')
      .get(tpAmb, cnpj, mod, serie, nNF) as Row | undefined;
    return r && toDocument(r);
  }

  insertDocument(d: DocumentRecord): void {
    this.sql(`INSERT INTO documents VALUES (@chave, @tpAmb, @authorizer, @cnpj, @mod, @serie, @nNF, @status, @cStat,
        @nProt, @dhRecbto, @digVal, @authorizedAtMs, @nfeXml, @protXml, @summary)`)
      .run({ ...d, summary: JSON.stringify(d.summary) });
  }

  setStatus(chave: string, tpAmb: string, status: DocStatus): void {
    this.sql('UPDATE documents SET status = ? WHERE chave = ? AND tpAmb = ?').run(status, chave, tpAmb);
  }

  /** Any authorised/denied document of that emitter/model/série inside [ini, fin]. */
  usedNumberInRange(tpAmb: string, cnpj: string, mod: string, serie: number, ini: number, fin: number): DocumentRecord | undefined {
    const r = this.sql('SELECT * FROM documents WHERE tpAmb = ? AND cnpj = ? AND mod = ? AND serie = ? AND nNF BETWEEN ? AND ? LIMIT 1')
      .get(tpAmb, cnpj, mod, serie, ini, fin) as Row | undefined;
    return r && toDocument(r);
  }

  inutilizacoesOverlapping(tpAmb: string, cnpj: string, mod: string, serie: number, ini: number, fin: number): InutRecord[] {
    return this.sql('SELECT * FROM inutilizacoes WHERE tpAmb = ? AND cnpj = ? AND mod = ? AND serie = ? AND nNFIni <= ? AND nNFFin >= ?')
      .all(tpAmb, cnpj, mod, serie, fin, ini) as InutRecord[];
  }

  insertInutilizacao(i: InutRecord): void {
    this.sql('INSERT INTO inutilizacoes (tpAmb, cnpj, mod, serie, nNFIni, nNFFin, nProt, createdAtMs) VALUES (@tpAmb, @cnpj, @mod, @serie, @nNFIni, @nNFFin, @nProt, @createdAtMs)')
      .run(i);
  }

  insertEvent(e: EventRecord): void {
    this.sql(`INSERT INTO events (tpAmb, chave, tpEvento, nSeqEvento, nProt, dhRegEvento, procXml, summary, createdAtMs)
        VALUES (@tpAmb, @chave, @tpEvento, @nSeqEvento, @nProt, @dhRegEvento, @procXml, @summary, @createdAtMs)`)
      .run({ ...e, summary: e.summary ? JSON.stringify(e.summary) : null });
  }

  eventsOf(chave: string, tpAmb: string, tpEvento?: string): EventRecord[] {
    const rows = tpEvento
      ? this.sql('SELECT * FROM events WHERE chave = ? AND tpAmb = ? AND tpEvento = ? ORDER BY id').all(chave, tpAmb, tpEvento)
      : this.sql('SELECT * FROM events WHERE chave = ? AND tpAmb = ? ORDER BY id').all(chave, tpAmb);
    return (rows as Row[]).map(toEvent);
  }

  /** EPEC (NF-e 110140, CT-e 110113) registered for the same emitter/model/série/number (whatever the rest of the key). */
  epecByNumber(tpAmb: string, chave: string, tpEvento = '110140'): EventRecord | undefined {
    // chave positions: CNPJ 7-20, mod 21-22, série 23-25, nNF 26-34 (1-based, as substr counts).
    const r = this.sql('SELECT * FROM events WHERE tpAmb = ? AND tpEvento = ? AND substr(chave, 7, 28) = ? LIMIT 1')
      .get(tpAmb, tpEvento, chave.slice(6, 34)) as Row | undefined;
    return r && toEvent(r);
  }

  /** Keys of the emitter's EPECs registered before `beforeMs` whose NF-e never reached the authorizer. */
  pendingEpecs(tpAmb: string, cnpj: string, beforeMs: number, limit: number): string[] {
    const rows = this.sql(`SELECT e.chave FROM events e WHERE e.tpAmb = ? AND e.tpEvento = '110140' AND substr(e.chave, 7, 14) = ?
        AND e.createdAtMs < ? AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.chave = e.chave AND d.tpAmb = e.tpAmb)
        ORDER BY e.id LIMIT ?`)
      .all(tpAmb, cnpj, beforeMs, limit) as { chave: string }[];
    return rows.map((r) => r.chave);
  }

  insertLote(l: LoteRecord, numbers: LoteNumber[]): void {
    const lote = this.sql('INSERT INTO lotes VALUES (@nRec, @tpAmb, @authorizer, @cUF, @transmitter, @receivedAtMs, @readyAtMs, @protXmls)');
    const number = this.sql('INSERT INTO lote_numbers VALUES (@nRec, @tpAmb, @cnpj, @mod, @serie, @nNF)');
    this.db.transaction(() => {
      lote.run({ ...l, protXmls: JSON.stringify(l.protXmls) });
      for (const n of numbers) number.run({ ...n, nRec: l.nRec, tpAmb: l.tpAmb });
    })();
  }

  /** nRec of a lote still processing at `nowMs` that carries this emitter/model/série/number. */
  numberInProcessing(tpAmb: string, n: LoteNumber, nowMs: number): string | undefined {
    const r = this.sql(`SELECT l.nRec FROM lote_numbers n JOIN lotes l ON l.nRec = n.nRec
        WHERE n.tpAmb = ? AND n.cnpj = ? AND n.mod = ? AND n.serie = ? AND n.nNF = ? AND l.readyAtMs > ? LIMIT 1`)
      .get(tpAmb, n.cnpj, n.mod, n.serie, n.nNF, nowMs) as { nRec: string } | undefined;
    return r?.nRec;
  }

  getLote(nRec: string): LoteRecord | undefined {
    const r = this.sql('SELECT * FROM lotes WHERE nRec = ?').get(nRec) as Row | undefined;
    return r && { ...(r as unknown as LoteRecord), protXmls: JSON.parse(r.protXmls as string) as string[] };
  }

  registerCsc(cnpj: string, idCsc: number, csc: string): void {
    this.sql('INSERT OR REPLACE INTO cscs VALUES (?, ?, ?)').run(cnpj, idCsc, csc);
  }

  getCsc(cnpj: string, idCsc: number): string | undefined {
    const r = this.sql('SELECT csc FROM cscs WHERE cnpj = ? AND idCsc = ?').get(cnpj, idCsc) as { csc: string } | undefined;
    return r?.csc;
  }

  setDenial(d: Denial): void {
    this.sql('INSERT OR REPLACE INTO denials VALUES (@cnpj, @role, @cStat)').run(d);
  }

  clearDenials(): void {
    this.sql('DELETE FROM denials').run();
  }

  denialFor(emitCnpj: string, destDoc: string | undefined): Denial | undefined {
    const rows = this.sql('SELECT * FROM denials WHERE cnpj IN (?, ?)').all(emitCnpj, destDoc ?? '') as Denial[];
    return rows.find((d) => d.role === 'emit' && d.cnpj === emitCnpj) ?? rows.find((d) => d.role === 'dest' && d.cnpj === destDoc);
  }

  setSvcActive(uf: string, tpAmb: string, active: boolean): void {
    this.sql('INSERT OR REPLACE INTO svc_flags VALUES (?, ?, ?)').run(uf, tpAmb, active ? 1 : 0);
  }

  /** SVC activation per origin UF; homologação defaults to active (sefaz-nfe.md §7.3), produção to inactive. */
  isSvcActive(uf: string, tpAmb: string): boolean {
    const r = this.sql('SELECT active FROM svc_flags WHERE uf = ? AND tpAmb = ?').get(uf, tpAmb) as { active: number } | undefined;
    return r ? r.active === 1 : tpAmb === '2';
  }

  /** The origin UF announced the end of its SVC at `atMs` (113 until then); undefined clears it. */
  setSvcDeactivation(uf: string, tpAmb: string, atMs: number | undefined): void {
    if (atMs === undefined) this.sql('DELETE FROM svc_deactivations WHERE uf = ? AND tpAmb = ?').run(uf, tpAmb);
    else this.sql('INSERT OR REPLACE INTO svc_deactivations VALUES (?, ?, ?)').run(uf, tpAmb, atMs);
  }

  svcDeactivation(uf: string, tpAmb: string): number | undefined {
    const r = this.sql('SELECT atMs FROM svc_deactivations WHERE uf = ? AND tpAmb = ?').get(uf, tpAmb) as { atMs: number } | undefined;
    return r?.atMs;
  }

  insertCteSummary(chave: string, tpAmb: string, summary: CteSummary): void {
    this.sql('INSERT INTO cte_summaries VALUES (?, ?, ?)').run(chave, tpAmb, JSON.stringify(summary));
  }

  getCteSummary(chave: string, tpAmb: string): CteSummary | undefined {
    const r = this.sql('SELECT summary FROM cte_summaries WHERE chave = ? AND tpAmb = ?').get(chave, tpAmb) as { summary: string } | undefined;
    return r && (JSON.parse(r.summary) as CteSummary);
  }

  /** The substitute `by` was authorised for `chave`. */
  markCteSubstituted(chave: string, tpAmb: string, by: string): void {
    const summary = this.getCteSummary(chave, tpAmb);
    if (!summary) return;
    this.sql('UPDATE cte_summaries SET summary = ? WHERE chave = ? AND tpAmb = ?').run(JSON.stringify({ ...summary, substitutedBy: by }), chave, tpAmb);
  }

  /** Records that the event with protocol `nProt` of this CT-e was cancelled (110181, 610111). */
  cancelCteEvent(tpAmb: string, chave: string, nProt: string): void {
    this.sql('INSERT INTO cte_event_cancellations VALUES (?, ?, ?)').run(tpAmb, chave, nProt);
  }

  /** Registered events of the type not cancelled by a later event. */
  activeEvents(chave: string, tpAmb: string, tpEvento: string): EventRecord[] {
    const rows = this.sql(`SELECT * FROM events e WHERE e.chave = ? AND e.tpAmb = ? AND e.tpEvento = ? AND NOT EXISTS
        (SELECT 1 FROM cte_event_cancellations c WHERE c.tpAmb = e.tpAmb AND c.chave = e.chave AND c.nProt = e.nProt) ORDER BY e.id`)
      .all(chave, tpAmb, tpEvento) as Row[];
    return rows.map(toEvent);
  }
}
