// In-process end-to-end rig for emission tests: the SEFAZ simulator (HTTPS, mutual TLS, in-memory
// state, official schemas), an in-memory store and the gateway's real composition root
// (startGateway) on loopback. `call()` speaks SOAP 1.1 exactly as an ERP does.
import http from 'node:http';
import path from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import type { SimulatorListeners } from '../../src/simulator/context';
import { openStore, SecretBox, type Company, type Store } from '../../src/store';
import type { SefazClient } from '../../src/sefaz/client';
import { startGateway } from '../../src/app';
import type { GatewayConfig } from '../../src/config';
import type { LotePolling } from '../../src/emission/context';
import { issueCompanyCertificate, toPfx } from '../../src/signing/testca';
import { loadPfx } from '../../src/signing/pfx';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import { parseXml } from '../../src/xml/parse';
import { executeEnvelope } from './soap';

export const SCHEMAS_DIR = path.resolve(__dirname, '../../../shared/schemas');
export const SHARED_DIR = path.resolve(__dirname, '../../../shared');

export interface HarnessOptions {
  uf?: string;
  /** Gateway clock (deadline checks); the simulator keeps real time unless simulatorClock is given. */
  clock?: () => Date;
  /** The simulated SEFAZ's clock (its deadlines: e.g. the manifestação's 10/180 days). */
  simulatorClock?: () => Date;
  /** What the simulator registers, heard by the test (e.g. a manifestação). */
  simulatorListeners?: SimulatorListeners;
  processingDelayMs?: number;
  lotePolling?: Partial<LotePolling>;
  /** Register an NFC-e CSC for the main company (default true). */
  csc?: boolean;
  /** InvoiCy request body limit (default 10 MB, the production default). */
  bodyLimitBytes?: number;
  /** SEFAZ response timeout (default 5 s, short so failure tests end quickly; production: 40 s). */
  sefazResponseTimeoutMs?: number;
  /** SEFAZ connect (TCP + TLS) timeout (default 5 s; production: 20 s). */
  sefazConnectTimeoutMs?: number;
  /** The gateway's store (default: a new in-memory SQLite store), for tests that watch what it is asked. */
  store?: Store;
  /** CTE_SVC_MAP: overrides of the CT-e UF → SVC table (default none). */
  cteSvcMap?: GatewayConfig['cteSvcMap'];
}

export interface TestCompany {
  company: Company;
  cnpj: string;
  accessKey: string;
  partnerKey: string;
}

export interface ReplyDocument {
  [field: string]: unknown;
}

export interface CallReply {
  status: number;
  raw: string;
  messages: { codigo: number; descricao: string; documentos: ReplyDocument[] }[];
  /** All inner Documento elements of all messages, in order. */
  documentos: ReplyDocument[];
}

export interface Harness {
  sim: RunningSimulator;
  store: Store;
  url: string;
  /** The gateway's own SEFAZ client (jobs run in tests use it). */
  sefaz: SefazClient;
  main: TestCompany;
  csc: { idCsc: string; csc: string };
  /** A company of the harness's partner, or of a new partner of its own (`partner: 'new'`). */
  addCompany(opts?: CompanyOptions): Promise<TestCompany>;
  call(documents: string[], opts?: { parametros?: (string | undefined)[]; as?: TestCompany }): Promise<CallReply>;
  close(): Promise<void>;
}

export interface CompanyOptions {
  uf?: string;
  csc?: boolean;
  certificate?: 'valid' | 'expired' | 'none';
  partner?: 'new';
}

let cnpjCounter = 0;

/** A valid CNPJ, different for each company created in this process. */
export function testCnpj(): string {
  cnpjCounter += 1;
  return withCnpjCheckDigits(`${String(process.pid % 100000).padStart(5, '0')}${String(cnpjCounter).padStart(3, '0')}0001`);
}

function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Parses the inner Documento text (a consulta may hold several sibling Documento elements). */
function parseDocumentos(text: string): ReplyDocument[] {
  const obj = parseXml(`<r>${text}</r>`, { arrays: ['Documento', 'EventosItem'] }) as { r: { Documento?: ReplyDocument[] } };
  return obj.r.Documento ?? [];
}

function parseReply(raw: string, status: number): CallReply {
  const obj = parseXml(raw, { removeNSPrefix: true, arrays: ['MensagemItem', 'DocumentosItem'] }) as Record<string, any>;
  const items = asArray(obj.Envelope?.Body?.['recepcao.ExecuteResponse']?.Invoicyretorno?.Mensagem?.MensagemItem) as any[];
  const messages = items.map((m) => ({
    codigo: Number(m.Codigo),
    descricao: String(m.Descricao ?? ''),
    documentos: asArray(m.Documentos?.DocumentosItem).flatMap((d: any) => parseDocumentos(String(d.Documento ?? ''))),
  }));
  return { status, raw, messages, documentos: messages.flatMap((m) => m.documentos) };
}


function post(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'InvoiCyaction/ARECEPCAO.Execute' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const uf = opts.uf ?? 'RS';
  const sim = await startSimulator({ httpsPort: 0, httpPort: null, schemasDir: SCHEMAS_DIR, processingDelayMs: opts.processingDelayMs ?? 0, now: opts.simulatorClock, listeners: opts.simulatorListeners });
  const store = opts.store ?? (await openStore({ kind: 'sqlite', memory: true }, new SecretBox('test-master-key-0123456789')));
  // The real composition root, with an in-memory store, this simulator and no scheduled jobs
  // (tests run the jobs explicitly).
  const config: GatewayConfig = {
    port: 0, host: '127.0.0.1', dataDir: '/nonexistent', logDir: '/nonexistent', masterKey: 'unused-test-master-key', masterKeyGenerated: false,
    sefazMode: 'simulator', schemasDir: SCHEMAS_DIR, bodyLimitBytes: opts.bodyLimitBytes ?? 10 * 1024 * 1024, simulatorPort: 0,
    sefazConnectTimeoutMs: opts.sefazConnectTimeoutMs ?? 5000, sefazResponseTimeoutMs: opts.sefazResponseTimeoutMs ?? 5000, jobsEnabled: false, svcMap: {},
    cteSvcMap: opts.cteSvcMap,
  };
  const gateway = await startGateway(config, {
    store, simulator: sim, jobs: false, clock: opts.clock,
    lotePolling: { minDelayMs: 50, maxDelayMs: 500, maxWaitMs: 20_000, ...opts.lotePolling },
  });
  const url = `${gateway.url}/arecepcao.aspx`;
  const { partner, partnerKey } = await store.createPartner('Parceiro de teste');
  const csc = { idCsc: '1', csc: 'CSC-TESTE-0123456789ABCDEF' };

  async function addCompany(o: CompanyOptions = {}): Promise<TestCompany> {
    const cnpj = testCnpj();
    const withCsc = o.csc ?? true;
    const owner = o.partner === 'new' ? await store.createPartner(`Parceiro de teste ${cnpj}`) : { partner, partnerKey };
    const { company, accessKey } = await store.createCompany({
      partnerId: owner.partner.id, cnpj, uf: o.uf ?? uf, name: `Empresa ${cnpj}`, ie: '9999999999', environment: 'homologacao',
      ...(withCsc ? { cscId: csc.idCsc, csc: csc.csc } : {}),
    });
    if (o.certificate !== 'none') {
      const now = Date.now();
      const validity = o.certificate === 'expired'
        ? { notBefore: new Date(now - 400 * 86_400_000), notAfter: new Date(now - 86_400_000) }
        : {};
      const issued = issueCompanyCertificate(sim.ca, { name: company.name, cnpj, ...validity });
      const pfx = toPfx({ keyPem: issued.keyPem, certPem: issued.certPem, chainPems: [sim.ca.certPem] }, 'senha-teste');
      const a1 = loadPfx(pfx, 'senha-teste');
      await store.saveCertificate(company.id, {
        pfx, password: 'senha-teste', keyPem: a1.keyPem, certPem: a1.certPem, subject: a1.subject, cnpj: a1.cnpj ?? null,
        serial: a1.serialNumber, notBefore: a1.notBefore, notAfter: a1.notAfter,
      });
    }
    return { company, cnpj, accessKey, partnerKey: owner.partnerKey };
  }

  const main = await addCompany({ csc: opts.csc });

  return {
    sim, store, url, sefaz: gateway.sefaz, main, csc, addCompany,
    async call(documents, callOpts = {}) {
      const as = callOpts.as ?? main;
      const res = await post(url, executeEnvelope(as, documents, { parametros: callOpts.parametros }));
      return parseReply(res.text, res.status);
    },
    async close() {
      await gateway.close();
      await sim.close();
      await store.close();
    },
  };
}
