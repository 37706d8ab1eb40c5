// Captures the JSON lines winston writes while a test runs (add it, then detach it).
import { Writable } from 'node:stream';
import winston from 'winston';
import { log } from '../../src/log/logger';

export interface LogLine {
  level: string;
  message: string;
  [k: string]: unknown;
}

export function captureLogs(): { lines: LogLine[]; detach(): void } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as LogLine);
      done();
    },
  });
  const transport = new winston.transports.Stream({ stream });
  log.add(transport);
  return { lines, detach: () => log.remove(transport) };
}
