// `fiscal-gateway logs`: answers "what happened to note 1234?" from the JSON log files. Lines that
// match the filter are shown together with every other line of the same SOAP calls (same request
// id), so support staff see the whole story of a call, not only the lines that named the chave.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

export interface LogFilter {
  chave?: string;
  cnpj?: string;
  requestId?: string;
  numero?: string;
  since?: Date;
}

interface LogLine { [key: string]: unknown; timestamp?: string; level?: string; message?: string; requestId?: string }

const ORDERED_FIELDS = ['partner', 'cnpj', 'modelo', 'serie', 'numero', 'chave', 'kind', 'documents', 'codes', 'cStat', 'durationMs'];

function matches(line: LogLine, f: LogFilter): boolean {
  if (f.chave && line.chave !== f.chave) return false;
  if (f.cnpj && line.cnpj !== f.cnpj) return false;
  if (f.requestId && line.requestId !== f.requestId) return false;
  if (f.numero && String(line.numero ?? '') !== f.numero) return false;
  return Boolean(f.chave || f.cnpj || f.requestId || f.numero);
}

async function* readLines(logDir: string, since?: Date): AsyncGenerator<LogLine> {
  if (!fs.existsSync(logDir)) return;
  const files = fs.readdirSync(logDir).filter((n) => /^fiscal-gateway-\d{4}-\d{2}-\d{2}\.log$/.test(n)).sort();
  const sinceDay = since?.toISOString().slice(0, 10);
  for (const name of files) {
    if (sinceDay && name.slice(15, 25) < sinceDay) continue;
    const rl = readline.createInterface({ input: fs.createReadStream(path.join(logDir, name)), crlfDelay: Infinity });
    for await (const raw of rl) {
      if (!raw.trim()) continue;
      let line: LogLine;
      try { line = JSON.parse(raw) as LogLine; } catch { continue; }
      if (since && line.timestamp && new Date(line.timestamp) < since) continue;
      yield line;
    }
  }
}

export function formatLogLine(line: LogLine): string {
  const parts = [line.timestamp ?? '-', (line.level ?? 'info').toUpperCase().padEnd(5)];
  if (line.requestId) parts.push(`[${line.requestId.slice(0, 8)}]`);
  parts.push(line.message ?? '');
  const shown = new Set(['timestamp', 'level', 'message', 'requestId']);
  for (const k of ORDERED_FIELDS) {
    if (line[k] !== undefined) parts.push(`${k}=${Array.isArray(line[k]) ? (line[k] as unknown[]).join(',') : String(line[k])}`);
    shown.add(k);
  }
  for (const [k, v] of Object.entries(line)) {
    if (shown.has(k) || v === undefined) continue;
    parts.push(`${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  return parts.join(' ');
}

/** Returns the readable lines for a filter (two passes: find the calls, then print them whole). */
export async function searchLogs(logDir: string, filter: LogFilter): Promise<string[]> {
  const requestIds = new Set<string>();
  for await (const line of readLines(logDir, filter.since)) {
    if (matches(line, filter) && line.requestId) requestIds.add(line.requestId);
  }
  const out: string[] = [];
  for await (const line of readLines(logDir, filter.since)) {
    if (matches(line, filter) || (line.requestId && requestIds.has(line.requestId))) out.push(formatLogLine(line));
  }
  return out;
}
