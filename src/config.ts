// Gateway configuration from the environment, validated once at start-up with Portuguese messages.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { isUf } from './fiscal/ufs';
import { makePrivateDir, PRIVATE_FILE_MODE } from './private-files';
import type { PartnerLimitsConfig } from './invoicy/partner-limits';

export type SefazMode = 'simulator' | 'real';

export interface GatewayConfig {
  port: number;
  host: string;
  dataDir: string;
  logDir: string;
  masterKey: string;
  /** True when the master key was generated into DATA_DIR on this start (simulator mode only). */
  masterKeyGenerated: boolean;
  sefazMode: SefazMode;
  schemasDir?: string;
  bodyLimitBytes: number;
  mssqlUrl?: string;
  /** Simulator mode: where the in-process simulator listens (0 = ephemeral). */
  simulatorPort: number;
  /** Simulator mode: use an already running simulator at this URL instead of the embedded one
   *  (its test CA must be in DATA_DIR/simulator, e.g. SIM_DATA_DIR pointing there). */
  simulatorUrl?: string;
  sefazConnectTimeoutMs: number;
  sefazResponseTimeoutMs: number;
  /** Optional PEM bundle of ICP-Brasil CAs for real mode. */
  sefazCaFile?: string;
  jobsEnabled: boolean;
  /** Overrides of the NF-e UF → SVC table, from SVC_MAP="CE=SVCRS,PA=SVCRS" (disputed UFs). */
  svcMap: Record<string, 'SVCAN' | 'SVCRS'>;
  /** Overrides of the CT-e UF → SVC table (cte.md §4.1), from CTE_SVC_MAP="PR=SVCRS,SP=SVCSP". */
  cteSvcMap?: Record<string, 'SVCRS' | 'SVCSP'>;
  /** xJust of documents issued in contingency (CONTINGENCY_XJUST, 15–256 characters). */
  contingencyXJust?: string;
  /** Per-partner limits of authenticated SOAP calls (default DEFAULT_PARTNER_LIMITS). */
  partnerLimits?: PartnerLimitsConfig;
  /** HTTP server protections (default DEFAULT_HTTP_LIMITS). */
  http?: HttpServerLimits;
  /** PEM files of the optional HTTPS listener: both or neither. */
  tls?: { certFile: string; keyFile: string };
}

// A normal ERP sends a few calls at a time: these bound a runaway loop, not ordinary peaks.
export const DEFAULT_PARTNER_LIMITS: PartnerLimitsConfig = { maxConcurrent: 32, ratePerMinute: 6000 };

export interface HttpServerLimits {
  /** Longest time to receive a whole request, headers and body (slow uploads, slowloris). */
  requestTimeoutMs: number;
  /** Longest time to receive the headers of a request. */
  headersTimeoutMs: number;
  /** Idle keep-alive connections are closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this are refused at once (0 = no limit). */
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpServerLimits = { requestTimeoutMs: 120_000, headersTimeoutMs: 20_000, keepAliveTimeoutMs: 65_000, maxConnections: 1000 };

export class ConfigError extends Error {}

function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} deve ser um número inteiro não negativo (recebido: ${raw})`);
  return n;
}

const MASTER_KEY_FILE = 'master.key';

function resolveMasterKey(env: NodeJS.ProcessEnv, dataDir: string, mode: SefazMode): { key: string; generated: boolean } {
  if (env.MASTER_KEY) {
    if (env.MASTER_KEY.length < 16) throw new ConfigError('MASTER_KEY deve ter pelo menos 16 caracteres');
    return { key: env.MASTER_KEY, generated: false };
  }
  if (mode === 'real') throw new ConfigError('MASTER_KEY é obrigatória com SEFAZ_MODE=real (ela cifra chaves e certificados no banco)');
  const file = path.join(dataDir, MASTER_KEY_FILE);
  if (fs.existsSync(file)) return { key: fs.readFileSync(file, 'utf8').trim(), generated: false };
  makePrivateDir(dataDir);
  const key = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, key + '\n', { mode: PRIVATE_FILE_MODE });
  return { key, generated: true };
}

function parseSvcMap<S extends string>(name: string, raw: string | undefined, svcs: readonly [S, S]): Record<string, S> {
  const map: Record<string, S> = {};
  for (const pair of (raw ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [uf, svc] = pair.split('=').map((p) => p.trim().toUpperCase());
    if (!uf || !isUf(uf) || !(svcs as readonly string[]).includes(svc)) {
      throw new ConfigError(`${name} inválido em "${pair}": use UF=${svcs[0]} ou UF=${svcs[1]}, separados por vírgula`);
    }
    map[uf] = svc as S;
  }
  return map;
}

function contingencyXJust(raw: string | undefined): string | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  if (text.length < 15 || text.length > 256) throw new ConfigError('CONTINGENCY_XJUST deve ter de 15 a 256 caracteres');
  return text;
}

function httpServerLimits(env: NodeJS.ProcessEnv): HttpServerLimits {
  const d = DEFAULT_HTTP_LIMITS;
  const limits = {
    requestTimeoutMs: intEnv(env, 'HTTP_REQUEST_TIMEOUT_MS', d.requestTimeoutMs),
    headersTimeoutMs: intEnv(env, 'HTTP_HEADERS_TIMEOUT_MS', d.headersTimeoutMs),
    keepAliveTimeoutMs: intEnv(env, 'HTTP_KEEPALIVE_TIMEOUT_MS', d.keepAliveTimeoutMs),
    maxConnections: intEnv(env, 'HTTP_MAX_CONNECTIONS', d.maxConnections),
  };
  // Node refuses a headers timeout longer than the request timeout (the headers are part of the request).
  if (limits.requestTimeoutMs > 0 && (limits.headersTimeoutMs === 0 || limits.headersTimeoutMs > limits.requestTimeoutMs)) {
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_MS deve ser maior que zero e no máximo HTTP_REQUEST_TIMEOUT_MS');
  }
  return limits;
}

function tlsFiles(env: NodeJS.ProcessEnv): GatewayConfig['tls'] {
  const certFile = env.TLS_CERT_FILE || undefined;
  const keyFile = env.TLS_KEY_FILE || undefined;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new ConfigError('HTTPS exige TLS_CERT_FILE e TLS_KEY_FILE juntos (certificado e chave privada em PEM)');
  for (const [name, file] of [['TLS_CERT_FILE', certFile], ['TLS_KEY_FILE', keyFile]] as const) {
    if (!fs.existsSync(file)) throw new ConfigError(`${name}: arquivo não encontrado (${file})`);
  }
  return { certFile: path.resolve(certFile), keyFile: path.resolve(keyFile) };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const mode = (env.SEFAZ_MODE ?? 'simulator') as SefazMode;
  if (mode !== 'simulator' && mode !== 'real') throw new ConfigError(`SEFAZ_MODE deve ser "simulator" ou "real" (recebido: ${env.SEFAZ_MODE})`);
  const dataDir = path.resolve(env.DATA_DIR ?? './data');
  const { key, generated } = resolveMasterKey(env, dataDir, mode);
  const schemasDir = env.SCHEMAS_DIR ? path.resolve(env.SCHEMAS_DIR) : undefined;
  if (schemasDir && !fs.existsSync(path.join(schemasDir, 'nfe'))) {
    throw new ConfigError(`SCHEMAS_DIR (${schemasDir}) não contém a pasta nfe/ com os XSD oficiais`);
  }
  return {
    port: intEnv(env, 'PORT', 8080),
    host: env.HOST ?? '0.0.0.0',
    dataDir,
    logDir: path.resolve(env.LOG_DIR ?? path.join(dataDir, 'logs')),
    masterKey: key,
    masterKeyGenerated: generated,
    sefazMode: mode,
    schemasDir,
    bodyLimitBytes: intEnv(env, 'BODY_LIMIT_BYTES', 10 * 1024 * 1024),
    mssqlUrl: env.MSSQL_URL || undefined,
    simulatorPort: intEnv(env, 'SIM_PORT', 0),
    simulatorUrl: env.SIM_URL || undefined,
    sefazConnectTimeoutMs: intEnv(env, 'SEFAZ_CONNECT_TIMEOUT_MS', 20_000),
    sefazResponseTimeoutMs: intEnv(env, 'SEFAZ_RESPONSE_TIMEOUT_MS', 40_000),
    sefazCaFile: env.SEFAZ_CA_FILE || undefined,
    jobsEnabled: env.JOBS_ENABLED !== '0',
    svcMap: parseSvcMap('SVC_MAP', env.SVC_MAP, ['SVCAN', 'SVCRS']),
    cteSvcMap: parseSvcMap('CTE_SVC_MAP', env.CTE_SVC_MAP, ['SVCRS', 'SVCSP']),
    contingencyXJust: contingencyXJust(env.CONTINGENCY_XJUST),
    partnerLimits: {
      maxConcurrent: intEnv(env, 'PARTNER_MAX_CONCURRENT', DEFAULT_PARTNER_LIMITS.maxConcurrent),
      ratePerMinute: intEnv(env, 'PARTNER_RATE_PER_MINUTE', DEFAULT_PARTNER_LIMITS.ratePerMinute),
    },
    http: httpServerLimits(env),
    tls: tlsFiles(env),
  };
}
