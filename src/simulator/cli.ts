// `fiscal-gateway simulator …` sub-commands.
//   simulator                        start standalone (SIM_PORT 8443, SIM_HTTP_PORT optional,
//                                    SIM_DATA_DIR ./data/simulator, SCHEMAS_DIR optional)
//   simulator fault <mode> [--authorizer X] [--service Y] [--ms N] [--cstat C] [--times N]
//   simulator fault reset | simulator fault list
//   simulator scenario FILE
// The admin commands talk to a running simulator at --url. Default: the plain-HTTP listener when
// SIM_HTTP_PORT is set (http://127.0.0.1:PORT), else the HTTPS listener https://127.0.0.1:SIM_PORT
// trusting the CA saved in SIM_DATA_DIR (admin paths need no client certificate; loopback only).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadTestCa } from '../signing/testca';
import { adminRequest, type AdminResponse } from './admin-client';
import { FAULT_MODES } from './faults';
import { startSimulator } from './server';

function env(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

function dataDir(): string {
  return path.resolve(env('SIM_DATA_DIR') ?? './data/simulator');
}

function flags(args: string[]): { positional: string[]; options: Record<string, string> } {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) options[a.slice(2)] = args[++i] ?? '';
    else positional.push(a);
  }
  return { positional, options };
}

function admin(baseUrl: string, method: string, pathname: string, body?: unknown): Promise<AdminResponse> {
  const ca = baseUrl.startsWith('https:') ? loadTestCa(dataDir())?.certPem : undefined;
  return adminRequest(baseUrl, method, pathname, body, ca);
}

async function runStandalone(): Promise<number> {
  const sim = await startSimulator({
    host: env('SIM_HOST') ?? '127.0.0.1',
    httpsPort: Number(env('SIM_PORT') ?? 8443),
    httpPort: env('SIM_HTTP_PORT') === undefined ? null : Number(env('SIM_HTTP_PORT')),
    dataDir: dataDir(),
    schemasDir: env('SCHEMAS_DIR'),
    processingDelayMs: Number(env('SIM_PROCESSING_DELAY_MS') ?? 1000),
  });
  process.stdout.write(
    `Simulador SEFAZ em execução\n  HTTPS (TLS mútuo): ${sim.httpsUrl}\n` +
      (sim.httpUrl ? `  HTTP: ${sim.httpUrl}\n` : '') +
      `  CA: ${path.join(dataDir(), 'ca-cert.pem')}\n  Caminhos: /{AUTORIZADOR}/{Operação} (homologação), /producao/{AUTORIZADOR}/{Operação}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return 0;
}

export async function simulatorCommand(argv: string[]): Promise<number> {
  const { positional, options } = flags(argv);
  const [command, sub] = positional;
  if (command === undefined) return runStandalone();
  const base = options.url ?? (env('SIM_HTTP_PORT') ? `http://127.0.0.1:${env('SIM_HTTP_PORT')}` : `https://127.0.0.1:${env('SIM_PORT') ?? 8443}`);
  let result: AdminResponse;
  if (command === 'fault' && sub === 'reset') result = await admin(base, 'POST', '/__admin/reset');
  else if (command === 'fault' && sub === 'list') result = await admin(base, 'GET', '/__admin/faults');
  else if (command === 'fault' && sub && (FAULT_MODES as readonly string[]).includes(sub)) {
    result = await admin(base, 'POST', '/__admin/faults', {
      mode: sub,
      authorizer: options.authorizer,
      service: options.service,
      ms: options.ms === undefined ? undefined : Number(options.ms),
      cStat: options.cstat,
      times: options.times === undefined ? undefined : Number(options.times),
    });
  } else if (command === 'scenario' && sub) {
    result = await admin(base, 'POST', '/__admin/scenario', JSON.parse(readFileSync(sub, 'utf8')) as unknown);
  } else {
    process.stderr.write(
      `Uso: simulator | simulator fault <${FAULT_MODES.join('|')}> [--authorizer X] [--service Y] [--ms N] [--cstat C] [--times N]` +
        ' | simulator fault reset | simulator fault list | simulator scenario ARQUIVO [--url URL]\n',
    );
    return 2;
  }
  process.stdout.write(`${result.text}\n`);
  return result.status >= 200 && result.status < 300 ? 0 : 1;
}
