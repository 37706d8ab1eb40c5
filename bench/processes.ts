// The system under test as separate processes on loopback: the SEFAZ simulator first (it creates
// the test CA the gateway must trust), then `serve` pointed at it. Every child is tracked so that
// the bench can always stop them, gracefully first, on any exit path.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

const OUTPUT_TAIL_LINES = 40;

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** Last lines of stdout/stderr, for diagnostics when a child fails. */
  tail(): string;
}

export interface GatewayProcess extends Child {
  endpoint: string;
  cnpj: string;
  partnerKey: string;
  accessKey: string;
}

export interface SystemOptions {
  root: string;
  dataDir: string;
  schemasDir?: string;
  startupTimeoutMs: number;
  /** Extra node arguments per child, e.g. --cpu-prof (not allowed in NODE_OPTIONS). */
  gatewayNodeArgs?: string[];
  simulatorNodeArgs?: string[];
  /** CPU lists (taskset -c) the children run on; undefined lets the scheduler place them. */
  gatewayCpus?: string;
  simulatorCpus?: string;
}

export class ProcessGroup {
  private readonly children: Child[] = [];
  /** Set by the bench: a child that dies while the bench still needs it is fatal. */
  onUnexpectedExit: (child: Child, code: number | null, signal: NodeJS.Signals | null) => void = () => undefined;
  private stopping = false;

  /** `cpus`: started through taskset on those CPUs (taskset execs node: the pid is node's). */
  spawn(name: string, args: string[], env: NodeJS.ProcessEnv, cpus?: string): Child & { lines: AsyncLineSource } {
    const [command, argv] = cpus ? ['taskset', ['-c', cpus, process.execPath, ...args]] : [process.execPath, args];
    // Own process group: a terminal Ctrl-C reaches only the bench, which then stops the children in order.
    const proc = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    if (proc.pid === undefined) throw new Error(`could not start ${name}`);
    const tailLines: string[] = [];
    const lines = new AsyncLineSource();
    // Always drain both pipes: a full pipe would block the child and distort the measurement.
    for (const stream of [proc.stdout, proc.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        tailLines.push(line);
        if (tailLines.length > OUTPUT_TAIL_LINES) tailLines.shift();
        lines.push(line);
      });
    }
    const child = { name, process: proc, pid: proc.pid, tail: () => tailLines.join('\n'), lines };
    proc.once('exit', (code, signal) => {
      lines.end();
      if (!this.stopping) this.onUnexpectedExit(child, code, signal);
    });
    this.children.push(child);
    return child;
  }

  /** SIGTERM (graceful shutdown), then SIGKILL after graceMs; children stop in reverse start order. */
  async stopAll(graceMs = 5000): Promise<void> {
    this.stopping = true;
    for (const child of [...this.children].reverse()) {
      const p = child.process;
      if (p.exitCode !== null || p.signalCode !== null) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          process.stderr.write(`bench: ${child.name} did not stop within ${graceMs} ms of SIGTERM; killing it\n`);
          p.kill('SIGKILL');
        }, graceMs);
        p.once('exit', () => { clearTimeout(timer); resolve(); });
        p.kill('SIGTERM');
      });
    }
  }

  /** Last resort from a synchronous 'exit' handler. */
  killAllNow(): void {
    this.stopping = true;
    for (const child of this.children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  }
}

/** Lines of a child's output, awaited one by one until a predicate matches. */
export class AsyncLineSource {
  private readonly seen: string[] = [];
  private waiter?: () => void;
  private ended = false;
  private detached = false;

  push(line: string): void {
    if (this.detached) return;
    this.seen.push(line);
    this.waiter?.();
  }

  /** Start-up is over: stop keeping lines (a long soak must not grow the bench's own memory). */
  detach(): void {
    this.detached = true;
    this.seen.length = 0;
  }

  end(): void {
    this.ended = true;
    this.waiter?.();
  }

  /** Resolves with the first non-undefined pick() over the output so far and to come. */
  async find<T>(pick: (line: string) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let next = 0;
    for (;;) {
      while (next < this.seen.length) {
        const v = pick(this.seen[next++]);
        if (v !== undefined) return v;
      }
      if (this.ended) throw new Error(`process exited before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => { clearTimeout(timer); resolve(); };
      });
      this.waiter = undefined;
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(baseUrl: string, timeoutMs: number, child: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited during start-up:\n${child.tail()}`);
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${child.name} did not answer /health within ${timeoutMs} ms:\n${child.tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // The bench's own NODE_OPTIONS (e.g. a profiler) must not leak into the children.
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  return { ...env, ...extra };
}

export async function startSimulator(group: ProcessGroup, o: SystemOptions): Promise<Child & { url: string }> {
  const child = group.spawn('simulator', [...(o.simulatorNodeArgs ?? []), path.join(o.root, 'dist/src/cli/main.js'), 'simulator'], cleanEnv({
    SIM_PORT: '0', SIM_HTTP_PORT: '', SIM_DATA_DIR: path.join(o.dataDir, 'simulator'), SIM_PROCESSING_DELAY_MS: '0',
    SCHEMAS_DIR: o.schemasDir ?? '',
  }), o.simulatorCpus);
  const url = await child.lines.find((l) => /HTTPS \(TLS mútuo\): (https:\/\/\S+)/.exec(l)?.[1], o.startupTimeoutMs, 'the simulator URL')
    .catch((err: unknown) => { throw new Error(`${err instanceof Error ? err.message : String(err)}\n${child.tail()}`); });
  child.lines.detach();
  return { ...child, url };
}

export async function startGateway(group: ProcessGroup, o: SystemOptions, simulatorUrl: string): Promise<GatewayProcess> {
  // At LOG_LEVEL=warn the "no ar" line (with the port) is not printed, so the port is chosen here.
  const port = await freePort();
  const child = group.spawn('gateway', [...(o.gatewayNodeArgs ?? []), path.join(o.root, 'dist/src/cli/main.js'), 'serve'], cleanEnv({
    PORT: String(port), HOST: '127.0.0.1', DATA_DIR: o.dataDir, SEFAZ_MODE: 'simulator', SIM_URL: simulatorUrl,
    SCHEMAS_DIR: o.schemasDir ?? '', LOG_LEVEL: 'warn', MASTER_KEY: '', MSSQL_URL: '',
    // The bench drives one partner far past an ERP's pace on purpose: no per-partner limits.
    PARTNER_MAX_CONCURRENT: '0', PARTNER_RATE_PER_MINUTE: '0',
  }), o.gatewayCpus);
  const field = (re: RegExp, what: string) =>
    child.lines.find((l) => re.exec(l)?.[1], o.startupTimeoutMs, what).catch((err: unknown) => { throw new Error(`${err instanceof Error ? err.message : String(err)}\n${child.tail()}`); });
  const cnpj = await field(/CNPJ do emitente:\s+(\d{14})/, 'the sandbox CNPJ');
  const partnerKey = await field(/\(EmpPK\):\s+(\S+)/, 'the partner key');
  const accessKey = await field(/\(EmpCK = [^)]*\)\):\s+(\S+)/, 'the access key');
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, o.startupTimeoutMs, child);
  child.lines.detach();
  return { ...child, endpoint: `${baseUrl}/arecepcao.aspx`, cnpj, partnerKey, accessKey };
}
