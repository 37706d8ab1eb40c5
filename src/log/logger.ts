// winston logger for support staff: JSON lines to stdout and to a daily rotating file. Every line
// carries the per-request context (request id, partner, CNPJ, model, série, number, chave, codes)
// held in AsyncLocalStorage, so call sites only add what is new. Secrets never go in: the redact
// format drops fields whose name says they are secret, whatever a caller passes.
import { AsyncLocalStorage } from 'node:async_hooks';
import winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';

export interface LogContext {
  requestId?: string;
  partner?: string;
  cnpj?: string;
  modelo?: string;
  serie?: string;
  numero?: string;
  chave?: string;
  [key: string]: unknown;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs fn with ctx merged over the current context. */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return storage.run({ ...(storage.getStore() ?? {}), ...ctx }, fn);
}

/** Adds fields to the current context (e.g. the chave once it is known). */
export function addLogContext(ctx: LogContext): void {
  const store = storage.getStore();
  if (store) Object.assign(store, ctx);
}

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}

const SECRET_FIELD = /(accesskey|access_key|empck|password|senha|pfx|privatekey|private_key|masterkey|master_key|csc$|cscToken)/i;

const contextFormat = winston.format((info) => {
  const ctx = storage.getStore();
  if (ctx) for (const [k, v] of Object.entries(ctx)) if (info[k] === undefined && v !== undefined) info[k] = v;
  for (const k of Object.keys(info)) if (SECRET_FIELD.test(k)) delete info[k];
  return info;
});

// winston formats every line before its transports drop the levels they do not log (measured: a tenth
// of a millisecond per NF-e at LOG_LEVEL=warn); lines no transport takes stop here instead.
const LEVEL = Symbol.for('level');
const enabledOnly = winston.format((info) => (log.isLevelEnabled(String(info[LEVEL] ?? info.level)) ? info : false));

function baseFormat() {
  return winston.format.combine(enabledOnly(), contextFormat(), winston.format.timestamp(), winston.format.errors({ stack: false }), winston.format.json());
}

export const log = winston.createLogger({
  level: process.env.LOG_LEVEL ?? 'info',
  format: baseFormat(),
  transports: [new winston.transports.Console({ silent: process.env.LOG_SILENT === '1' })],
});

let fileTransport: DailyRotateFile | undefined;

/** Adds the daily rotating file in logDir (fiscal-gateway-YYYY-MM-DD.log). */
export function enableFileLogging(logDir: string): void {
  if (fileTransport) log.remove(fileTransport);
  fileTransport = new DailyRotateFile({
    dirname: logDir,
    filename: 'fiscal-gateway-%DATE%.log',
    datePattern: 'YYYY-MM-DD',
    maxFiles: '90d',
    auditFile: `${logDir}/.audit.json`,
  });
  log.add(fileTransport);
}

/** Flushes and closes file transports (tests and shutdown). */
export async function closeFileLogging(): Promise<void> {
  if (!fileTransport) return;
  const t = fileTransport;
  fileTransport = undefined;
  log.remove(t);
  await new Promise<void>((resolve) => { t.on('finish', () => resolve()); t.end(); setTimeout(resolve, 500); });
}
