import { Writable } from 'node:stream';
import winston from 'winston';
import { log } from '../../src/log/logger';

describe('log levels', () => {
  const lines: string[] = [];
  const transport = new winston.transports.Stream({
    stream: new Writable({ write: (chunk: Buffer, _enc, done) => { lines.push(chunk.toString('utf8')); done(); } }),
  });
  const level = log.level;

  beforeAll(() => {
    for (const t of log.transports) t.silent = true;
    log.add(transport);
    log.level = 'warn';
  });
  afterAll(() => {
    log.remove(transport);
    log.level = level;
  });

  test('a line below the level is never formatted, a line at the level is', () => {
    let serialised = 0;
    const probe = { toJSON: () => ++serialised };
    log.info('abaixo do nível', { probe });
    log.debug('abaixo do nível', { probe });
    expect(serialised).toBe(0);
    expect(lines).toHaveLength(0);

    log.warn('no nível', { probe });
    expect(serialised).toBe(1);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([expect.objectContaining({ level: 'warn', message: 'no nível', probe: 1 })]);
  });
});
