// Where `company cert` takes the PFX password from, so that it need not sit in the shell history and
// the process list: `--password-file F`, the FISCAL_PFX_PASSWORD variable, or a prompt without echo
// when stdin is a terminal. `--password` stays for compatibility with existing scripts.
import fs from 'node:fs';
import { UsageError, type Flags } from './args';

export const PFX_PASSWORD_ENV = 'FISCAL_PFX_PASSWORD';

/** The terminal side of a prompt (process.stdin/stderr; a fake one in tests). */
export interface PromptIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  output: NodeJS.WritableStream;
}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACES = new Set(['\u007f', '\b']);

/** Reads one line from a terminal in raw mode, echoing nothing. */
export function promptHidden(question: string, io: PromptIo): Promise<string> {
  const { input, output } = io;
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (err?: Error) => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n' || ch === CTRL_D) return done();
        if (ch === CTRL_C) return done(new UsageError('leitura da senha cancelada'));
        if (BACKSPACES.has(ch)) typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    output.write(question);
    input.setRawMode?.(true);
    input.on('data', onData);
    input.resume();
  });
}

/** The PFX password from --password, --password-file, FISCAL_PFX_PASSWORD or a prompt; '' when none (a PFX without password). */
export async function pfxPassword(flags: Flags, env: NodeJS.ProcessEnv, io: PromptIo): Promise<string> {
  const given = typeof flags.password === 'string';
  const file = typeof flags['password-file'] === 'string' ? flags['password-file'] : undefined;
  if (given && file !== undefined) throw new UsageError('informe a senha por --password ou por --password-file, não pelos dois');
  if (given) return flags.password as string;
  if (file !== undefined) {
    if (!fs.existsSync(file)) throw new UsageError(`arquivo de senha não encontrado: ${file}`);
    // One trailing line break is the editor's (or echo's), not the password's.
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  }
  if (env[PFX_PASSWORD_ENV] !== undefined) return env[PFX_PASSWORD_ENV];
  if (io.input.isTTY) return promptHidden('Senha do certificado (PFX): ', io);
  return '';
}
