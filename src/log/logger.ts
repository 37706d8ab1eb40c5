// winston logger for support staff: JSON lines to stdout and to a daily rotating file. Lines about a
// request, a job run or a document carry its context (request id, partner, CNPJ, model, série, number,
// chave, codes) through a LogScope handed down explicitly, so call sites only add what is new. Not
// AsyncLocalStorage: on Node 20 it hooks every promise, measured at ~9 % of the gateway's CPU per
// NF-e. Secrets never go in: the redact format drops fields whose name says they are secret, whatever
// a caller passes.
import winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../private-files';

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

type Level = 'error' | 'warn' | 'info' | 'debug';

/** The context of one request, job run or document: every line written through it carries its fields. */
export class LogScope {
  constructor(private readonly fields: LogContext = {}) {}

  /** A scope with more fields (a document within a request); what it adds stays in it. */
  child(fields: LogContext): LogScope {
    return new LogScope({ ...this.fields, ...fields });
  }

  /** Adds fields to this scope (e.g. the chave once it is known). */
  add(fields: LogContext): void {
    Object.assign(this.fields, fields);
  }

  error(message: string, meta?: Record<string, unknown>): void {
    this.write('error', message, meta);
  }

  warn(message: string, meta?: Record<string, unknown>): void {
    this.write('warn', message, meta);
  }

  info(message: string, meta?: Record<string, unknown>): void {
    this.write('info', message, meta);
  }

  debug(message: string, meta?: Record<string, unknown>): void {
    this.write('debug', message, meta);
  }

  private write(level: Level, message: string, meta: Record<string, unknown> = {}): void {
    if (!log.isLevelEnabled(level)) return;
    // A field the line itself gives wins over the scope's.
    const line: Record<string, unknown> = { ...meta };
    for (const [k, v] of Object.entries(this.fields)) if (line[k] === undefined && v !== undefined) line[k] = v;
    log.log(level, message, line);
  }
}

/** Lines about the process itself (start, shutdown, schedules): no request or document context. */
export const processScope = new LogScope();

const SECRET_FIELD = /(accesskey|access_key|empck|password|senha|pfx|privatekey|private_key|masterkey|master_key|csc$|cscToken)/i;

const redactFormat = winston.format((info) => {
  for (const k of Object.keys(info)) if (SECRET_FIELD.test(k)) delete info[k];
  return info;
});

// winston formats every line before its transports drop the levels they do not log (measured: a tenth
// of a millisecond per NF-e at LOG_LEVEL=warn); lines no transport takes stop here instead.
const LEVEL = Symbol.for('level');
const enabledOnly = winston.format((info) => (log.isLevelEnabled(String(info[LEVEL] ?? info.level)) ? info : false));

function baseFormat() {
  return winston.format.combine(enabledOnly(), redactFormat(), winston.format.timestamp(), winston.format.errors({ stack: false }), winston.format.json());
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
  makePrivateDir(logDir);
  fileTransport = new DailyRotateFile({
    dirname: logDir,
    filename: 'fiscal-gateway-%DATE%.log',
    datePattern: 'YYYY-MM-DD',
    maxFiles: '90d',
    auditFile: `${logDir}/.audit.json`,
    // Log lines name taxpayers and documents: readable by the gateway's user only.
    options: { flags: 'a', mode: PRIVATE_FILE_MODE },
  });
  log.add(fileTransport);
}

/** Flushes and closes file transports (tests and shutdown). */
export async function closeFileLogging(): Promise<void> {
  if (!fileTransport) return;
  const t = fileTransport;
  fileTransport = undefined;
  log.remove(t);
  // The transport finishing means its lines reached the rotating file stream, which opens its file
  // asynchronously; close() ends that stream and emits 'finish' again once the lines are in the file.
  // (Resolving on a fixed 500 ms instead lost lines on a loaded machine.) Bounded, so shutdown never hangs.
  const finished = () => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    t.once('finish', () => { clearTimeout(timer); resolve(); });
  });
  const ended = finished();
  t.end();
  await ended;
  const closed = finished();
  t.close?.();
  await closed;
}
