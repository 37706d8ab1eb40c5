// What every use case needs for one company in one call: the ports, the company row, its
// environment, time zone and (lazily) its signing/TLS credentials.
import { createHash } from 'node:crypto';
import type { ActiveCertificate, Company, Store, TpAmb } from '../store/port';
import { environmentTpAmb } from '../store/port';
import type { SefazClient } from '../sefaz/client';
import type { SefazCredentials } from '../sefaz/transport';
import { ufOffset } from '../fiscal/ufs';
import { ContingencyState } from '../contingency/state';
import type { SvcOverrides } from '../contingency/policy';
import { LogScope, type LogContext } from '../log/logger';
import { SitCodigo, TEXT } from './codes';
import type { DistributionOptions } from '../distribution/options';

export interface LotePolling {
  /** Upper bound of the whole recibo polling (then the documents are left for a job: 105). */
  maxWaitMs: number;
  /** Floor and ceiling of one wait between polls (tMed drives the first wait). */
  minDelayMs: number;
  maxDelayMs: number;
}

export interface EmissionDeps {
  store: Store;
  sefaz: SefazClient;
  /** Folder holding `nfe/` with the official schemas; when set, every NF-e is validated before sending. */
  schemasDir?: string;
  verProc: string;
  clock?: () => Date;
  /** Simulator mode: lets the simulator learn the company's CSC so it can check NFC-e QR codes. */
  onNfceCsc?: (cnpj: string, idCsc: string, csc: string) => void;
  lotePolling?: Partial<LotePolling>;
  /** Contingency routing settings shared by every company (contingency-and-numbering.md §11). */
  contingency?: ContingencyRouting;
  /** Wait before a document sent without answer (SEFAZ up) is consulted by the pending-retry job (JOB_UNKNOWN_FATE_WAIT_MS). */
  unknownFateWaitMs?: number;
  /** The DF-e capture's budget and lease settings (DFE_*), which an ERP's on-demand key lookup shares. */
  distribution?: DistributionOptions;
}

export interface ContingencyRouting {
  /** Overrides of the UF → SVC tables, per model (disputed UFs, sefaz-nfe.md §7.3). */
  svcMaps?: SvcOverrides;
  /** xJust of documents issued in contingency (15–256 characters). */
  xJust?: string;
}

export const DEFAULT_LOTE_POLLING: LotePolling = { maxWaitMs: 30_000, minDelayMs: 200, maxDelayMs: 5_000 };

/** A certificate problem answered as a document-level InvoiCy code (103/104). */
export class CertificateProblem extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

export class CompanyContext {
  readonly tpAmb: TpAmb;
  readonly offset: string;
  readonly contingency: ContingencyState;
  /** Shared with the contexts made by withLog: the certificate is loaded once per call. */
  private readonly loaded: { cert?: Promise<{ cert: ActiveCertificate; credentials: SefazCredentials }> } = {};
  /** Shared with the contexts made by withLog: the document rows this call numbered (created or re-used). */
  private readonly claimed = new Set<string>();

  /** `log`: the scope of the call or job run; every line about this company's work goes through it. */
  constructor(readonly deps: EmissionDeps, readonly company: Company, readonly log: LogScope = new LogScope()) {
    this.tpAmb = environmentTpAmb(company.environment);
    this.offset = ufOffset(company.uf);
    this.contingency = new ContingencyState(deps.store, this.now.bind(this));
  }

  /** The same context with a narrower log scope (one document of the call). */
  withLog(fields: LogContext): CompanyContext {
    return Object.create(this, { log: { value: this.log.child(fields) } }) as CompanyContext;
  }

  get store(): Store {
    return this.deps.store;
  }

  get sefaz(): SefazClient {
    return this.deps.sefaz;
  }

  now(): Date {
    return this.deps.clock ? this.deps.clock() : new Date();
  }

  /** Records a document row this call numbered and will send. */
  claim(doc: { id: string }): void {
    this.claimed.add(doc.id);
  }

  /** True for a row numbered by this very call (the same number twice in one call). */
  hasClaimed(id: string): boolean {
    return this.claimed.has(id);
  }

  /** The active certificate, checked for validity now; throws CertificateProblem (104/103). */
  certificate(): Promise<{ cert: ActiveCertificate; credentials: SefazCredentials }> {
    this.loaded.cert ??= this.loadCertificate();
    return this.loaded.cert;
  }

  private async loadCertificate(): Promise<{ cert: ActiveCertificate; credentials: SefazCredentials }> {
    const cert = await this.store.getActiveCertificate(this.company.id);
    if (!cert) throw new CertificateProblem(SitCodigo.semCertificado, TEXT.semCertificado);
    const now = this.now();
    if (cert.notAfter.getTime() < now.getTime()) {
      throw new CertificateProblem(SitCodigo.certificadoInvalido, `Certificado digital vencido em ${cert.notAfter.toLocaleDateString('pt-BR', { timeZone: 'America/Sao_Paulo' })}`);
    }
    if (cert.notBefore.getTime() > now.getTime()) {
      throw new CertificateProblem(SitCodigo.certificadoInvalido, 'Certificado digital ainda não é válido');
    }
    // Identifies the TLS agent of this certificate: a hash of its text, cheaper than parsing it per call.
    const fingerprint = createHash('sha256').update(cert.certPem).digest('hex');
    return { cert, credentials: { key: cert.keyPem, cert: cert.certPem, fingerprint } };
  }
}
