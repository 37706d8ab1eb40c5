// Composition root: config → store → (embedded simulator) → SEFAZ client → emission backend →
// InvoiCy router → HTTP server. The CLI's `serve` and the component tests both start the gateway here.
import path from 'node:path';
import express from 'express';
import { ConfigError, DEFAULT_PARTNER_LIMITS, type GatewayConfig } from './config';
import { companyCredentialsFor } from './emission/scope-credentials';
import { scopeStatusOf } from './emission/scope-status';
import { createEmissionBackend, type EmissionDeps } from './emission/backend';
import type { LotePolling } from './emission/context';
import { contingencyProbeJob } from './jobs/probe-job';
import { discardJob } from './jobs/discard-job';
import { epecReconcileJob } from './jobs/epec-reconcile-job';
import { numberingGapsJob } from './jobs/numbering-gaps-job';
import { pendingRetryJob } from './jobs/pending-retry-job';
import { startupRecoveryJob } from './jobs/startup-recovery-job';
import { dfeDistributionJob } from './jobs/dfe-distribution-job';
import { distributionOptionsFromEnv } from './distribution/options';
import { sefazDistributionSource, type DistCall } from './distribution/sefaz-source';
import type { CaptureDeps } from './distribution/capture';
import { autoCiencia } from './emission/manifestacao/auto-ciencia';
import { CompanyContext } from './emission/context';
import { followUpOptionsFromEnv, type FollowUpOptions } from './emission/jobs/common';
import { JobScheduler } from './jobs/scheduler';
import { loadJobConfig } from './jobs/schedules';
import { createHttpServer } from './http-server';
import { PartnerLimits } from './invoicy/partner-limits';
import { createInvoicyRouter } from './invoicy/service';
import { log } from './log/logger';
import { createEndpointResolver } from './sefaz/endpoints';
import { SefazClient } from './sefaz/client';
import { SefazTransport } from './sefaz/transport';
import { registerCscRemote } from './simulator/admin-client';
import { startSimulator, type RunningSimulator } from './simulator/server';
import { loadTestCa } from './signing/testca';
import { openStore, SecretBox, type Store } from './store';
import { VER_PROC, VERSION } from './project';

export interface RunningGateway {
  url: string;
  port: number;
  store: Store;
  simulator?: RunningSimulator;
  sefaz: SefazClient;
  close(): Promise<void>;
}

export interface StartOptions {
  /** An already opened store (tests); otherwise opened from the config. */
  store?: Store;
  /** Simulator mode: reuse a running simulator instead of starting the embedded one. */
  simulator?: RunningSimulator;
  clock?: () => Date;
  /** Run the scheduled jobs (default: config.jobsEnabled). */
  jobs?: boolean;
  /** Recibo polling bounds of async lotes (tests shorten them). */
  lotePolling?: Partial<LotePolling>;
}

interface SimulatorLink { url: string; caPem: string; registerCsc: (cnpj: string, idCsc: string, csc: string) => void }

/** A simulator running in another process (SIM_URL), sharing its test CA through DATA_DIR/simulator. */
function externalSimulator(config: GatewayConfig, simulatorUrl: string): SimulatorLink {
  const ca = loadTestCa(simulatorDataDir(config));
  if (!ca) throw new ConfigError(`SIM_URL definido, mas a AC de teste do simulador não está em ${simulatorDataDir(config)} (inicie o simulador com SIM_DATA_DIR apontando para lá)`);
  const url = simulatorUrl.replace(/\/$/, '');
  return {
    url, caPem: ca.certPem,
    registerCsc: (cnpj, idCsc, csc) => {
      registerCscRemote(url, ca.certPem, cnpj, idCsc, csc).catch((err: unknown) => log.warn('falha ao registrar CSC no simulador', { err: err instanceof Error ? err.message : String(err) }));
    },
  };
}

/** Where the embedded simulator keeps its state and test CA (also used by `company cert --test`). */
export function simulatorDataDir(config: GatewayConfig): string {
  return path.join(config.dataDir, 'simulator');
}

export function openConfiguredStore(config: GatewayConfig, memory = false): Promise<Store> {
  const secrets = new SecretBox(config.masterKey);
  return config.mssqlUrl
    ? openStore({ kind: 'mssql', url: config.mssqlUrl }, secrets)
    : openStore({ kind: 'sqlite', dataDir: config.dataDir, memory }, secrets);
}

/**
 * The DF-e capture over the emission ports: the Ambiente Nacional asked with the company's certificate,
 * and the automatic ciência of each captured resNFe (distribution/ciencia.ts) through emission's use case.
 */
export function distributionCaptureDeps(deps: EmissionDeps, distribution: DistCall, owner: string, options?: CaptureDeps['options']): CaptureDeps {
  return {
    store: deps.store, owner, options, clock: deps.clock,
    source: sefazDistributionSource(distribution, async (company) => (await new CompanyContext(deps, company).certificate()).credentials),
    ciencia: (company, res, scope) => autoCiencia(new CompanyContext(deps, company, scope), res),
  };
}

/** The scheduled jobs (schedules from JOB_SCHEDULE_* / JOB_MAX_RUN_MS / JOB_LEASE_TTL_MS, see src/jobs/schedules.ts). */
function startJobs(store: Store, deps: EmissionDeps, followUpOptions: Partial<FollowUpOptions>, distribution: DistCall): JobScheduler {
  const { schedules, maxRunMs, leaseTtlMs, probeIntervals } = loadJobConfig(process.env);
  const scheduler = new JobScheduler({ store, maxRunMs, leaseTtlMs });
  scheduler.register(dfeDistributionJob(distributionCaptureDeps(deps, distribution, scheduler.owner, deps.distribution), schedules['dfe-distribution']));
  scheduler.register(contingencyProbeJob({ store, status: scopeStatusOf(deps), credentialsFor: companyCredentialsFor(deps), intervals: probeIntervals }, schedules['contingency-probe']));
  const followUp = { ...deps, options: followUpOptions };
  scheduler.register(startupRecoveryJob(followUp, schedules['startup-recovery']));
  scheduler.register(pendingRetryJob(followUp, schedules['pending-retry']));
  scheduler.register(epecReconcileJob(followUp, schedules['epec-reconcile']));
  scheduler.register(discardJob(followUp, schedules['discard']));
  scheduler.register(numberingGapsJob(followUp, schedules['numbering-gaps']));
  scheduler.start();
  return scheduler;
}

export async function startGateway(config: GatewayConfig, opts: StartOptions = {}): Promise<RunningGateway> {
  const startedAt = Date.now();
  const app = express();
  // Before anything is started: an unreadable TLS certificate or key stops here, with nothing to undo.
  const server = createHttpServer(config, app);
  const store = opts.store ?? (await openConfiguredStore(config));
  const external = config.sefazMode === 'simulator' && !opts.simulator && config.simulatorUrl ? externalSimulator(config, config.simulatorUrl) : undefined;
  // The embedded simulator this gateway starts itself, and so closes.
  const ownedSimulator = config.sefazMode === 'simulator' && !opts.simulator && !external
    ? await startSimulator({
      host: '127.0.0.1',
      httpsPort: config.simulatorPort,
      httpPort: null,
      dataDir: simulatorDataDir(config),
      schemasDir: config.schemasDir,
    })
    : undefined;
  if (ownedSimulator) log.info('simulador SEFAZ embutido iniciado', { simulatorUrl: ownedSimulator.httpsUrl });
  const simulator = opts.simulator ?? ownedSimulator;

  const sim = simulator ? { url: simulator.httpsUrl, caPem: simulator.ca.certPem, registerCsc: simulator.registerCsc.bind(simulator) } : external;
  const transport = new SefazTransport({
    trust: sim ? { mode: 'simulator', caPem: sim.caPem } : { mode: 'real', icpBrasilBundleFile: config.sefazCaFile },
    timeouts: { connectTimeoutMs: config.sefazConnectTimeoutMs, responseTimeoutMs: config.sefazResponseTimeoutMs },
  });
  const resolver = createEndpointResolver(sim ? { mode: 'simulator', baseUrl: sim.url } : { mode: 'real' });
  const sefaz = new SefazClient(resolver, transport);
  const followUpOptions = followUpOptionsFromEnv(process.env);
  const emissionDeps: EmissionDeps = {
    store,
    sefaz,
    schemasDir: config.schemasDir,
    verProc: VER_PROC,
    clock: opts.clock,
    onNfceCsc: sim?.registerCsc,
    // SVC_MAP overrides the NF-e table (its disputed UFs).
    contingency: { svcMaps: { '55': config.svcMap, '57': config.cteSvcMap }, xJust: config.contingencyXJust },
    lotePolling: opts.lotePolling,
    unknownFateWaitMs: followUpOptions.unknownFateWaitMs,
    distribution: distributionOptionsFromEnv(process.env),
  };
  const backend = createEmissionBackend(emissionDeps);
  const distribution: DistCall = (t, c, req) => sefaz.distribuicao(t, c, req);
  const scheduler = (opts.jobs ?? config.jobsEnabled) ? startJobs(store, emissionDeps, followUpOptions, distribution) : undefined;

  app.disable('x-powered-by');
  // SOAP answers are never cached or revalidated: an ETag would only cost a SHA-1 of every reply.
  app.disable('etag');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: VERSION, store: store.kind, sefazMode: config.sefazMode, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
  });
  const limits = new PartnerLimits(config.partnerLimits ?? DEFAULT_PARTNER_LIMITS);
  app.use(createInvoicyRouter({ backend, bodyLimitBytes: config.bodyLimitBytes, limits }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const url = `${config.tls ? 'https' : 'http'}://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;

  return {
    url, port, store, simulator, sefaz,
    async close() {
      await scheduler?.stop();
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      transport.close();
      await ownedSimulator?.close();
      if (!opts.store) await store.close();
    },
  };
}
