// Crash safety (issue 5 §5): the gateway runs as a child process (`serve`, external simulator in
// this process), 30 documents are fired at once while the simulator holds (`slow`) or drops
// (`lose-response`) replies, the gateway is SIGKILLed mid-flight and restarted on the same DATA_DIR.
// Then: every stored document reaches a definitive state (Autorizado 2, Rejeitado 3, Cancelado 5,
// Inutilizado 6, Denegado 12 or SVC 15), no (CNPJ, série, number) is authorised twice at the
// simulator, every document SEFAZ authorised is known to the gateway with the same key, and every
// number the ERP got an answer for is in the store. A CT-e whose reply was lost when the process died
// is settled on restart by consulta by key: authorised with SEFAZ's protocol, never sent again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server';
import { openStore, SecretBox } from '../../src/store';
import { SCHEMAS_DIR } from '../support/harness';
import { cteFor } from '../support/cte';
import { simpleNfe, inUf } from '../support/samples';
import { executeEnvelope } from '../support/soap';
import { sandboxKeys, startChildGateway, stopChild, type ChildGateway, type SandboxKeys } from '../support/child-gateway';

const MASTER_KEY = 'crash-test-master-key-0123456789';
const DEFINITIVE = [2, 3, 5, 6, 12, 15];
const N = 30;

/** The gateway child process, on the same DATA_DIR every time, with short job schedules. */
function startGateway(dataDir: string, simUrl: string): Promise<ChildGateway> {
  return startChildGateway({
    DATA_DIR: dataDir, SIM_URL: simUrl, SCHEMAS_DIR, MASTER_KEY, SEFAZ_RESPONSE_TIMEOUT_MS: '20000',
    JOB_SCHEDULE_CONTINGENCY_PROBE: '*/1 * * * * *', PROBE_MIN_INTERVAL_SECONDS: '1', JOB_SCHEDULE_PENDING_RETRY: '*/2 * * * * *', JOB_SCHEDULE_DISCARD: '*/2 * * * * *', JOB_SCHEDULE_EPEC_RECONCILE: '*/2 * * * * *',
    JOB_UNKNOWN_FATE_WAIT_MS: '2000',
    // The killed process cannot release the leases of the jobs it was running: they expire after this.
    JOB_LEASE_TTL_MS: '5000',
  }, 60_000);
}

type Sandbox = SandboxKeys;
const envelope = (s: Sandbox, documento: string) => executeEnvelope(s, [documento]);

function nfe(s: Sandbox, serie: number, nNF: number): string {
  return inUf(simpleNfe({ cnpj: s.cnpj, nNF, serie }), 'SP');
}

/** The document-level SitCodigo the ERP got, or undefined when the call got no answer (crash). */
async function emit(url: string, s: Sandbox, documento: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { method: 'POST', body: envelope(s, documento) });
    const text = await res.text();
    return /SitCodigo&gt;(\d+)&lt;|<SitCodigo>(\d+)</.exec(text)?.slice(1).find(Boolean);
  } catch {
    return undefined;
  }
}

/** DocStatus of every document of the série, through SOAP Consulta by number range. */
async function statuses(url: string, s: Sandbox, serie: number, modelo: 'NFe' | 'CTe' = 'NFe'): Promise<Map<number, number>> {
  const xml = `<Consulta><ModeloDocumento>${modelo}</ModeloDocumento><Versao>4.00</Versao><tpAmb>2</tpAmb><CnpjEmissor>${s.cnpj}</CnpjEmissor><NumeroInicial>1</NumeroInicial><NumeroFinal>${N}</NumeroFinal><Serie>${serie}</Serie></Consulta>`;
  const text = await (await fetch(url, { method: 'POST', body: envelope(s, xml) })).text();
  const decoded = text.replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  const out = new Map<number, number>();
  for (const m of decoded.matchAll(/<DocNumero>(\d+)<\/DocNumero>[\s\S]*?<DocStatus>(\d+)<\/DocStatus>/g)) out.set(Number(m[1]), Number(m[2]));
  return out;
}

describe('crash safety: SIGKILL mid-flight, restart, every document settles', () => {
  let dataDir: string;
  let sim: RunningSimulator;
  let gw: ChildGateway | undefined;
  let sandbox: Sandbox;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-crash-'));
    sim = await startSimulator({ httpsPort: 0, httpPort: null, dataDir: path.join(dataDir, 'simulator'), schemasDir: SCHEMAS_DIR });
    gw = await startGateway(dataDir, sim.httpsUrl);
    sandbox = sandboxKeys(gw.out);
  }, 120_000);

  afterAll(async () => {
    if (gw) await stopChild(gw.child, 'SIGKILL');
    await sim?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * Fires the N calls and SIGKILLs the gateway once `inFlight` holds: the moment is observed, not
   * guessed with a fixed sleep (a loaded CI machine may not have stored anything after a second).
   */
  async function scenario(serie: number, fault: () => void, inFlight: () => Promise<boolean>): Promise<{ unanswered: number; stored: number }> {
    fault();
    const answers = new Map<number, string | undefined>();
    const calls = Array.from({ length: N }, (_, i) => emit(`${gw!.url}/arecepcao.aspx`, sandbox, nfe(sandbox, serie, i + 1)).then((c) => answers.set(i + 1, c)));
    for (let waited = 0; waited < 30_000 && !(await inFlight()); waited += 100) await sleep(100);
    await stopChild(gw!.child, 'SIGKILL');
    await Promise.all(calls);
    sim.faults.reset();

    const seen = await restartAndSettle(serie, 'NFe');
    expect(seen.size).toBeGreaterThan(0);
    expect([...seen.entries()].filter(([, st]) => !DEFINITIVE.includes(st))).toEqual([]);
    // No accepted document lost: every number the ERP got an answer for is stored.
    for (const [n, code] of answers) if (code !== undefined) expect(seen.has(n)).toBe(true);

    // The simulator's truth: each number at most once, and every authorised key is the gateway's.
    const rows = sim.state.db.prepare(`SELECT chave, nNF, status FROM documents WHERE cnpj = ? AND serie = ? AND mod = '55'`).all(sandbox.cnpj, serie) as { chave: string; nNF: number; status: string }[];
    expect(new Set(rows.map((r) => r.nNF)).size).toBe(rows.length);
    const check = await openStore({ kind: 'sqlite', dataDir }, new SecretBox(MASTER_KEY));
    try {
      const company = (await check.listCompanies()).find((c) => c.cnpj === sandbox.cnpj)!;
      for (const r of rows) {
        const doc = await check.findDocumentByChave(company.id, r.chave);
        expect({ n: r.nNF, ok: (r.status === 'cancelled' ? [5] : [2, 15]).includes(doc?.docStatus ?? 0) }).toEqual({ n: r.nNF, ok: true });
      }
    } finally {
      await check.close();
    }
    return { unanswered: [...answers.values()].filter((c) => c === undefined).length, stored: seen.size };
  }

  /**
   * Whatever the crash left (and any contingency it entered) is the restarted gateway's job: its
   * probe (1 s interval here) sees 107 and the follow-up jobs settle every document. Returns the
   * DocStatus per number of the série once all are definitive (or after 70 s).
   */
  async function restartAndSettle(serie: number, modelo: 'NFe' | 'CTe'): Promise<Map<number, number>> {
    gw = await startGateway(dataDir, sim.httpsUrl);
    let seen = new Map<number, number>();
    for (let i = 0; i < 70; i += 1) {
      seen = await statuses(`${gw.url}/arecepcao.aspx`, sandbox, serie, modelo);
      if ([...seen.values()].every((st) => DEFINITIVE.includes(st))) break;
      await sleep(1000);
    }
    return seen;
  }

  /** Uses of a fault of this operation added with `times` (a removed fault was used up). */
  const usesOf = (operation: string, times: number) => times - (sim.faults.list().find((f) => f.service === operation)?.times ?? 0);
  /** Uses of the scenario's fault (added with `times`): that many authorisation requests reached the simulator. */
  const faultUses = (times: number) => usesOf('NFeAutorizacao4', times);

  test('simulator holding replies (slow)', async () => {
    // Held far longer than it takes to store the N documents, far shorter than the response timeout.
    // The gateway sends 4 requests at a time per certificate: the kill comes once one is held and all are stored.
    const r = await scenario(11, () => sim.faults.add({ authorizer: '*', service: 'NFeAutorizacao4', mode: 'slow', ms: 10_000, times: N / 2 }),
      async () => faultUses(N / 2) > 0 && (await statuses(`${gw!.url}/arecepcao.aspx`, sandbox, 11)).size === N);
    // The kill really caught documents in flight, and every document was stored.
    expect(r.unanswered).toBeGreaterThan(0);
    expect(r.stored).toBe(N);
  }, 150_000);

  test('simulator dropping replies (lose-response)', async () => {
    // Calls the gateway had not read before the kill are neither answered nor stored: that is allowed.
    const r = await scenario(12, () => sim.faults.add({ authorizer: '*', service: 'NFeAutorizacao4', mode: 'lose-response', times: N / 3 }), async () => faultUses(N / 3) === N / 3);
    expect(r.stored).toBeGreaterThanOrEqual(N / 3);
  }, 150_000);

  test('CT-e whose reply was lost (lose-response): settled on restart by consulta by key, never sent again', async () => {
    // Within the transport's 4 connections per certificate, so that all are in flight together.
    const serie = 13;
    const count = 4;
    // SEFAZ authorises each CT-e and the reply is lost; the gateway, seeing SEFAZ up (status 107),
    // asks by key at once, and those consultas are held until the process dies.
    sim.faults.add({ authorizer: '*', service: 'CTeRecepcaoSincV4', mode: 'lose-response', times: count });
    sim.faults.add({ authorizer: '*', service: 'CTeConsultaV4', mode: 'slow', ms: 15_000, times: count });
    const answers = new Map<number, string | undefined>();
    const calls = Array.from({ length: count }, (_, i) => emit(`${gw!.url}/arecepcao.aspx`, sandbox, cteFor(sandbox, 'SP', i + 1, { serie })).then((c) => answers.set(i + 1, c)));
    for (let waited = 0; waited < 30_000 && !(usesOf('CTeRecepcaoSincV4', count) === count && usesOf('CTeConsultaV4', count) === count); waited += 100) await sleep(100);
    expect([usesOf('CTeRecepcaoSincV4', count), usesOf('CTeConsultaV4', count)]).toEqual([count, count]);
    await stopChild(gw!.child, 'SIGKILL');
    await Promise.all(calls);
    sim.faults.reset();
    // Every CT-e was in flight at the kill: the ERP got no answer for any.
    expect([...answers.values()]).toEqual(Array<undefined>(count).fill(undefined));

    // From the restart on, every CTeRecepcaoSincV4 request reaching the simulator uses this (harmless) fault.
    const watch = 1000;
    sim.faults.add({ authorizer: '*', service: 'CTeRecepcaoSincV4', mode: 'slow', ms: 1, times: watch });
    const seen = await restartAndSettle(serie, 'CTe');
    expect([...seen.entries()].sort(([a], [b]) => a - b)).toEqual(Array.from({ length: count }, (_, i) => [i + 1, 2]));
    expect(usesOf('CTeRecepcaoSincV4', watch)).toBe(0);

    // The simulator's truth: each number authorised once, with the key and protocol the gateway holds.
    const rows = sim.state.db.prepare(`SELECT chave, nNF, nProt FROM documents WHERE cnpj = ? AND serie = ? AND mod = '57'`).all(sandbox.cnpj, serie) as { chave: string; nNF: number; nProt: string }[];
    expect(rows.map((r) => r.nNF).sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
    const check = await openStore({ kind: 'sqlite', dataDir }, new SecretBox(MASTER_KEY));
    try {
      const company = (await check.listCompanies()).find((c) => c.cnpj === sandbox.cnpj)!;
      for (const r of rows) {
        const doc = await check.findDocumentByChave(company.id, r.chave);
        const proc = doc && (await check.getDocumentXml(company.id, doc.id, ['xmlProc']))?.xmlProc;
        expect({ n: r.nNF, docStatus: doc?.docStatus, nProt: doc?.nProt, proc: proc?.includes(`<nProt>${r.nProt}</nProt>`) })
          .toEqual({ n: r.nNF, docStatus: 2, nProt: r.nProt, proc: true });
      }
    } finally {
      await check.close();
    }
  }, 150_000);
});
