import { log, LogScope } from '../../src/log/logger';
import { captureLogs } from '../support/logs';

/** Captures lines at `level` for the tests of the block, the console silenced. */
function atLevel(level: string) {
  const saved = log.level;
  let capture: ReturnType<typeof captureLogs>;
  beforeAll(() => {
    for (const t of log.transports) t.silent = true;
    capture = captureLogs();
    log.level = level;
  });
  afterAll(() => {
    capture.detach();
    log.level = saved;
  });
  beforeEach(() => (capture.lines.length = 0));
  return { get lines(): Record<string, unknown>[] { return capture.lines; } };
}

describe('log levels', () => {
  const logs = atLevel('warn');

  test('a line below the level is never formatted, a line at the level is', () => {
    let serialised = 0;
    const probe = { toJSON: () => ++serialised };
    log.info('abaixo do nível', { probe });
    log.debug('abaixo do nível', { probe });
    expect(serialised).toBe(0);
    expect(logs.lines).toHaveLength(0);

    log.warn('no nível', { probe });
    expect(serialised).toBe(1);
    expect(logs.lines).toEqual([expect.objectContaining({ level: 'warn', message: 'no nível', probe: 1 })]);
  });
});

describe('LogScope', () => {
  const logs = atLevel('info');

  test('a line carries its scope: a child adds fields, add() grows the scope, the line itself wins', () => {
    const request = new LogScope({ requestId: 'r1' });
    request.add({ cnpj: '11222333000181' });
    const doc = request.child({ numero: '7' });
    doc.add({ chave: '4'.repeat(44) });
    doc.info('nf-e numerada', { numero: '8' });
    request.info('soap call');
    expect(logs.lines).toEqual([
      expect.objectContaining({ message: 'nf-e numerada', requestId: 'r1', cnpj: '11222333000181', numero: '8', chave: '4'.repeat(44) }),
      expect.objectContaining({ message: 'soap call', requestId: 'r1', cnpj: '11222333000181' }),
    ]);
    // What the child added stays in the child.
    expect(logs.lines[1]).not.toHaveProperty('chave');
  });

  test('fields left undefined are not written; secret-named fields are dropped', () => {
    new LogScope({ chave: undefined, accessKey: 'segredo' }).warn('linha', { senha: 'x', cStat: '100' });
    expect(logs.lines).toHaveLength(1);
    expect(logs.lines[0]).not.toHaveProperty('chave');
    expect(JSON.stringify(logs.lines[0])).not.toMatch(/segredo|senha/);
    expect(logs.lines[0]).toMatchObject({ cStat: '100' });
  });

  test('below the level nothing is built or written', () => {
    let serialised = 0;
    new LogScope({ probe: { toJSON: () => ++serialised } }).debug('abaixo do nível');
    expect(serialised).toBe(0);
    expect(logs.lines).toHaveLength(0);
  });
});
