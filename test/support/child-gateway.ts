// The real `fiscal-gateway serve` as a child process (dist/ is built by the jest globalSetup): started
// on an ephemeral port, its sandbox keys read from the first-start banner, stopped by a signal.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const MAIN = path.resolve(__dirname, '../../dist/src/cli/main.js');

export interface ChildGateway {
  child: ChildProcess;
  /** Base URL, without /arecepcao.aspx. */
  url: string;
  /** Every stdout (and stderr, prefixed) line so far. */
  out: string[];
}

export interface SandboxKeys { partnerKey: string; accessKey: string; cnpj: string }

export function startChildGateway(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ChildGateway> {
  const child = spawn(process.execPath, [MAIN, 'serve'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SEFAZ_MODE: 'simulator', LOG_SILENT: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve did not start: ' + out.join('\n'))), timeoutMs);
    createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (line) => {
      out.push(line);
      if (line.includes('fiscal-gateway no ar')) {
        clearTimeout(timer);
        resolve({ child, url: (JSON.parse(line) as { url: string }).url.replace(/\/arecepcao\.aspx$/, ''), out });
      }
    });
    child.stderr!.on('data', (c: Buffer) => out.push('[stderr] ' + c.toString()));
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited ${code}: ${out.slice(-20).join('\n')}`)); });
  });
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => { child.removeAllListeners('exit'); child.once('exit', () => resolve()); child.kill(signal); });
}

/** The keys the first start prints once (src/cli/seed.ts). */
export function sandboxKeys(out: readonly string[]): SandboxKeys {
  const text = out.join('\n');
  return { partnerKey: /EmpPK\): (\S+)/.exec(text)![1]!, accessKey: /\): ([0-9a-f]{32})/.exec(text)![1]!, cnpj: /CNPJ do emitente: +(\S+)/.exec(text)![1]! };
}
