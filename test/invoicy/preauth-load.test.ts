// No work before authentication, measured on the real `fiscal-gateway serve`: requests of ~8 MB whose
// documents carry ~700k attributes and a made-up EmpPK are answered 173 without any document being
// parsed, so the event loop stays free (/health answers at once) and the process does not balloon.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sandboxKeys, startChildGateway, stopChild, type ChildGateway, type SandboxKeys } from '../support/child-gateway';
import { envelope } from './helpers';

let dataDir: string;
let gw: ChildGateway;
let keys: SandboxKeys;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-preauth-'));
  gw = await startChildGateway({ DATA_DIR: dataDir, MASTER_KEY: '', SCHEMAS_DIR: '' });
  keys = sandboxKeys(gw.out);
  // The first SOAP call loads libxml2: not what is measured here.
  expect((await post(envelope([{ documento: '<Envio/>' }], { empPK: 'x' }))).text).toMatch(/<Codigo>173<\/Codigo>/);
}, 90_000);

afterAll(async () => {
  if (gw) await stopChild(gw.child);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A document no ERP sends: 1,400 elements of 10 attributes (14,000 attributes, ~150 KB). */
function attributeHeavy(cnpj: string): string {
  const element = `<x${Array.from({ length: 10 }, (_, i) => ` a${i}="123456"`).join('')}/>`;
  return `<Envio><ModeloDocumento>NFe</ModeloDocumento><ide><tpAmb>2</tpAmb></ide><emit><CNPJ_emit>${cnpj}</CNPJ_emit></emit>${element.repeat(1400)}</Envio>`;
}

/** The child's resident set and its peak so far, in MiB (Linux /proc). */
function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function post(body: string): Promise<{ text: string; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${gw.url}/arecepcao.aspx`, { method: 'POST', body, headers: { 'Content-Type': 'text/xml; charset=utf-8' } });
  return { text: await res.text(), ms: Date.now() - started };
}

/** Polls /health one request at a time while `work` runs; returns the slowest answer (ms). */
async function slowestHealthDuring(work: Promise<unknown>): Promise<number> {
  let running = true;
  const stop = () => { running = false; };
  work.then(stop, stop);
  let slowest = 0;
  while (running) {
    const started = Date.now();
    expect((await fetch(`${gw.url}/health`)).status).toBe(200);
    slowest = Math.max(slowest, Date.now() - started);
    await new Promise((r) => setTimeout(r, 10));
  }
  return slowest;
}

const madeUpCall = () =>
  envelope(Array.from({ length: 50 }, () => ({ documento: attributeHeavy(keys.cnpj) })), { empPK: 'AAAAAAAAAAAAAAAAAAAAAA==', empCK: '0'.repeat(32), cdata: true });

/** Sends `count` copies of body at once while polling /health; every answer must be 173. */
async function measure(body: string, count: number): Promise<{ slowestHealthMs: number; slowestCallMs: number; rssMiB: number[]; peakGrowthMiB: number }> {
  const before = memoryMiB(gw.child.pid!);
  const calls = Promise.all(Array.from({ length: count }, () => post(body)));
  const slowestHealthMs = await slowestHealthDuring(calls);
  const replies = await calls;
  const after = memoryMiB(gw.child.pid!);
  for (const r of replies) expect(r.text).toMatch(/<Codigo>173<\/Codigo>/);
  const figures = { slowestHealthMs, slowestCallMs: Math.max(...replies.map((r) => r.ms)), rssMiB: [Math.round(before.rss), Math.round(after.rss)], peakGrowthMiB: Math.round(after.peak - before.peak) };
  return figures;
}

test('an ~8 MB request with ~700k attributes and a made-up EmpPK: 173 at once, /health never stalled as before, memory bounded', async () => {
  const body = madeUpCall();
  expect(body.length).toBeGreaterThan(8_000_000);
  expect(body.match(/ a\d+="123456"/g)).toHaveLength(700_000);
  // Bounds that only tell the old behaviour apart (before: /health 8.8 s and RSS +800 MiB for one such
  // request); the figures themselves are `npm run bench`'s hostile phase. Reading the envelope takes
  // ~0.2 s here, but 1 s was exceeded on a 2-core machine shared by several test runs.
  const one = await measure(body, 1);
  expect(one.slowestHealthMs).toBeLessThan(5000);
  expect(one.peakGrowthMiB).toBeLessThan(150);
}, 120_000);

test('six of them at once: all 173, /health never stalled as before, memory bounded', async () => {
  // What remains before authentication is reading the SOAP envelope (libxml2, ~0.2 s for 8.5 MB here),
  // one request after the other. Before: six stalled the process 30 s and left RSS at 1.2 GB.
  const six = await measure(madeUpCall(), 6);
  expect(six.slowestHealthMs).toBeLessThan(15_000);
  expect(six.peakGrowthMiB).toBeLessThan(300);
}, 120_000);
