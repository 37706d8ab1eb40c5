import { Writable } from 'node:stream';
import winston from 'winston';
import { log, LogScope } from '../../src/log/logger';

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

describe('LogScope', () => {
  const lines: Record<string, unknown>[] = [];
  const transport = new winston.transports.Stream({
    stream: new Writable({ write: (chunk: Buffer, _enc, done) => { lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>); done(); } }),
  });
  const level = log.level;
  beforeAll(() => {
    for (const t of log.transports) t.silent = true;
    log.add(transport);
    log.level = 'info';
  });
  afterAll(() => {
    log.remove(transport);
    log.level = level;
  });
  beforeEach(() => (lines.length = 0));

  test('a line carries its scope: a child adds fields, add() grows the scope, the line itself wins', () => {
    const request = new LogScope({ requestId: 'r1' });
    request.add({ cnpj: '11222333000181' });
    const doc = request.child({ numero: '7' });
    doc.add({ chave: '4'.repeat(44) });
    doc.info('nf-e numerada', { numero: '8' });
    request.info('soap call');
    expect(lines).toEqual([
      expect.objectContaining({ message: 'nf-e numerada', requestId: 'r1', cnpj: '11222333000181', numero: '8', chave: '4'.repeat(44) }),
      expect.objectContaining({ message: 'soap call', requestId: 'r1', cnpj: '11222333000181' }),
    ]);
    // What the child added stays in the child.
    expect(lines[1]).not.toHaveProperty('chave');
  });

  test('fields left undefined are not written; secret-named fields are dropped', () => {
    new LogScope({ chave: undefined, accessKey: 'segredo' }).warn('linha', { senha: 'x', cStat: '100' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toHaveProperty('chave');
    expect(JSON.stringify(lines[0])).not.toMatch(/segredo|senha/);
    expect(lines[0]).toMatchObject({ cStat: '100' });
  });

  test('below the level nothing is built or written', () => {
    let serialised = 0;
    new LogScope({ probe: { toJSON: () => ++serialised } }).debug('abaixo do nível');
    expect(serialised).toBe(0);
    expect(lines).toHaveLength(0);
  });
});
