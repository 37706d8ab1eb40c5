// Where `company cert` reads the PFX password: flag, file, environment, or a prompt without echo.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { UsageError } from '../../src/cli/args';
import { pfxPassword, promptHidden, type PromptIo } from '../../src/cli/password';

/** A terminal double: what is typed goes into input, what is shown comes out of output. */
function fakeTerminal(): { input: PassThrough & { isTTY: boolean }; output: PassThrough; shown(): string; rawModes: boolean[] } {
  const rawModes: boolean[] = [];
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (m: boolean) => rawModes.push(m) });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (c: Buffer) => { shown += c.toString(); });
  return { input, output, shown: () => shown, rawModes };
}

test('the prompt reads a line in raw mode, echoes nothing, and honours backspace', async () => {
  const t = fakeTerminal();
  const answer = promptHidden('Senha: ', t);
  t.input.write('sx\u007fen');
  t.input.write('ha 1\r');
  expect(await answer).toBe('senha 1');
  expect(t.shown()).toBe('Senha: \n');
  expect(t.rawModes).toEqual([true, false]);
});

test('Ctrl-C at the prompt cancels', async () => {
  const t = fakeTerminal();
  const answer = promptHidden('Senha: ', t);
  t.input.write('abc\u0003');
  await expect(answer).rejects.toThrow(UsageError);
});

describe('pfxPassword', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-pw-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const notTty: PromptIo = { input: Object.assign(new PassThrough(), { isTTY: false }), output: new PassThrough() };

  test('--password, then --password-file (one trailing line break dropped), then FISCAL_PFX_PASSWORD, then the prompt, else empty', async () => {
    const file = path.join(dir, 'senha.txt');
    fs.writeFileSync(file, ' s3nha \r\n');
    expect(await pfxPassword({ password: 'a' }, { FISCAL_PFX_PASSWORD: 'b' }, notTty)).toBe('a');
    expect(await pfxPassword({ 'password-file': file }, { FISCAL_PFX_PASSWORD: 'b' }, notTty)).toBe(' s3nha ');
    expect(await pfxPassword({}, { FISCAL_PFX_PASSWORD: 'b' }, notTty)).toBe('b');
    expect(await pfxPassword({}, {}, notTty)).toBe('');
    const t = fakeTerminal();
    const prompted = pfxPassword({}, {}, t);
    t.input.write('digitada\n');
    expect(await prompted).toBe('digitada');
    expect(t.shown()).toMatch(/^Senha do certificado \(PFX\): \n$/);
  });

  test('both flags, or a missing file, are usage errors', async () => {
    await expect(pfxPassword({ password: 'a', 'password-file': 'x' }, {}, notTty)).rejects.toThrow(/não pelos dois/);
    await expect(pfxPassword({ 'password-file': path.join(dir, 'nao-existe') }, {}, notTty)).rejects.toThrow(/não encontrado/);
  });
});
