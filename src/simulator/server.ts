// startSimulator(): one HTTPS listener with mutual TLS (client certificate requested and checked per
// request, so /__admin/ works without one) and an optional plain-HTTP listener for manual tests,
// where service paths trust the message (transmitter = emitter). State in SQLite (file in dataDir,
// else in memory); the CA lives in dataDir so clients keep trusting the simulator across restarts.
import { mkdirSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';
import { createTestCa, issueCompanyCertificate, issueServerCertificate, loadOrCreateTestCa, toPfx, type TestCa, type Validity } from '../signing/testca';
import { normalizeCnpj } from '../fiscal/cnpj';
import { DEFAULT_CTE_CONSUMO, type CteConsumoLimits, type SimulatorCore, type SimulatorListeners } from './context';
import { simulatorDfe, type SimulatorDfe } from './dfe-admin';
import { CoConsumer } from './dfe-coconsumer';
import { DfeLists } from './dfe-lists';
import { DEFAULT_DFE_LIMITS, type DfeLimits } from './dfe-rules';
import { FaultController } from './faults';
import { createHandler } from './http';
import { SimulatorState } from './state';

export interface StartSimulatorOptions {
  host?: string;
  /** 0 (default) = ephemeral. */
  httpsPort?: number;
  /** Plain-HTTP listener; undefined/null = none, 0 = ephemeral. */
  httpPort?: number | null;
  /** SQLite file and CA PEMs; omitted = in-memory state and a fresh CA. */
  dataDir?: string;
  ca?: TestCa;
  /** Folder holding nfe/ with the official XSDs; omitted = no schema validation. */
  schemasDir?: string;
  /** How long an async lote stays "em processamento" (105). Default 0. */
  processingDelayMs?: number;
  /** 704 for NFC-e received > 5 min after dhEmi (default true). */
  nfceLateCheck?: boolean;
  /** Accept cancellations after the deadline instead of 501/220 (default false). */
  lenientCancelDeadline?: boolean;
  /** CT-e 678 thresholds (default: cte.md §8's). */
  cteConsumo?: Partial<CteConsumoLimits>;
  /** DF-e distribution thresholds (default: dfe-distribution.md §10's; the 60-day activity rule off). */
  dfe?: Partial<DfeLimits>;
  /** The simulator's clock (default: real time); tests move it to cross the distribution's hours and days. */
  now?: () => Date;
  /** Notified of what the simulated SEFAZ registers (a manifestação: the DF-e distribution lists). */
  listeners?: SimulatorListeners;
}

export interface RunningSimulator {
  httpsUrl: string;
  httpUrl?: string;
  ca: TestCa;
  faults: FaultController;
  /** Direct access to the stored state, for tests. */
  state: SimulatorState;
  /** The DF-e distribution's seeding, co-consumer fault and positions, for tests (also under /__admin/dfe/). */
  dfe: SimulatorDfe;
  registerCsc(cnpj: string, idCsc: number | string, csc: string): void;
  /** A company A1 (PFX) issued by the simulator CA, usable for TLS and signing. */
  issueCompanyPfx(name: string, cnpj: string, password: string, opts?: Validity & { legacy?: boolean }): Buffer;
  close(): Promise<void>;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const host = opts.host ?? '127.0.0.1';
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const ca = opts.ca ?? (opts.dataDir ? loadOrCreateTestCa(opts.dataDir) : createTestCa());
  const state = new SimulatorState(opts.dataDir ? path.join(opts.dataDir, 'simulator.sqlite') : ':memory:');
  const faults = new FaultController();
  const core: SimulatorCore = {
    state,
    ca,
    listeners: opts.listeners ?? {},
    now: opts.now ?? (() => new Date()),
    recentPolls: new Map(),
    cteUsage: new Map(),
    dfe: new DfeLists(),
    dfeCoConsumer: new CoConsumer(),
    options: {
      schemasDir: opts.schemasDir,
      processingDelayMs: opts.processingDelayMs ?? 0,
      nfceLateCheck: opts.nfceLateCheck ?? true,
      lenientCancelDeadline: opts.lenientCancelDeadline ?? false,
      cteConsumo: { ...DEFAULT_CTE_CONSUMO, ...opts.cteConsumo },
      dfe: { ...DEFAULT_DFE_LIMITS, ...opts.dfe },
    },
  };

  let closed = false;
  const sockets = new Set<Socket>();
  const delays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const deps = {
    core,
    faults,
    isClosed: () => closed,
    delay: (ms: number) =>
      new Promise<void>((resolve) => {
        const entry = { timer: setTimeout(() => { delays.delete(entry); resolve(); }, ms), resolve };
        delays.add(entry);
      }),
  };
  const track = (server: http.Server) =>
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });

  const serverCert = issueServerCertificate(ca, ['localhost', '127.0.0.1', '::1', host]);
  const httpsServer = https.createServer(
    { key: serverCert.keyPem, cert: serverCert.certPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
    createHandler(deps, true),
  );
  track(httpsServer);
  const httpsPort = await listen(httpsServer, opts.httpsPort ?? 0, host);
  let httpServer: http.Server | undefined;
  let httpPort: number | undefined;
  if (opts.httpPort !== undefined && opts.httpPort !== null) {
    httpServer = http.createServer(createHandler(deps, false));
    track(httpServer);
    httpPort = await listen(httpServer, opts.httpPort, host);
  }

  const closeServer = (server: http.Server) => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    httpsUrl: `https://${urlHost(host)}:${httpsPort}`,
    httpUrl: httpPort === undefined ? undefined : `http://${urlHost(host)}:${httpPort}`,
    ca,
    faults,
    state,
    dfe: simulatorDfe(core),
    registerCsc: (cnpj, idCsc, csc) => state.registerCsc(normalizeCnpj(cnpj), Number(idCsc), csc),
    issueCompanyPfx: (name, cnpj, password, o = {}) => {
      const cert = issueCompanyCertificate(ca, { name, cnpj, notBefore: o.notBefore, notAfter: o.notAfter });
      return toPfx({ ...cert, chainPems: [ca.certPem] }, password, { legacy: o.legacy });
    },
    async close() {
      if (closed) return;
      closed = true;
      faults.close();
      for (const d of delays) {
        clearTimeout(d.timer);
        d.resolve();
      }
      for (const s of sockets) s.destroy();
      await Promise.all([closeServer(httpsServer), httpServer ? closeServer(httpServer) : Promise.resolve()]);
      state.close();
    },
  };
}
