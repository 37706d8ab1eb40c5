// The bench's hostile phase (issue 11 §4, "no work before authentication"): calls of ~8.7 MB whose 50
// documents carry 700,000 attributes in all, with a made-up EmpPK, sent one alone and then six at
// once while /health is polled. Every call must come back 173; the figures are the slowest answer to
// the hostile calls and to /health, and the gateway's CPU and resident memory those calls cost.
import http from 'node:http';
import { cpuTimeMs, rssMb } from './procfs';

export interface HostileResult {
  calls: number;
  bodyMb: number;
  /** Calls not answered HTTP 200 with Codigo 173. */
  wrongAnswers: number;
  slowestCallMs: number;
  slowestHealthMs: number;
  gatewayCpuMsPerCall: number;
  rssBeforeMb: number;
  /** Highest RSS sampled while the calls ran (between /health polls). */
  rssMaxMb: number;
  rssAfterMb: number;
}

/** A document no ERP sends: 1,400 elements of 10 attributes (~150 KB). */
function attributeHeavy(cnpj: string): string {
  const element = `<x${Array.from({ length: 10 }, (_, i) => ` a${i}="123456"`).join('')}/>`;
  return `<Envio><ModeloDocumento>NFe</ModeloDocumento><ide><tpAmb>2</tpAmb></ide><emit><CNPJ_emit>${cnpj}</CNPJ_emit></emit>${element.repeat(1400)}</Envio>`;
}

function hostileBody(cnpj: string): string {
  const item = `<DadosItem><Documento><![CDATA[${attributeHeavy(cnpj)}]]></Documento></DadosItem>`;
  return (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><recepcao.Execute xmlns="InvoiCy"><Invoicyrecepcao>' +
    `<Cabecalho><EmpPK>AAAAAAAAAAAAAAAAAAAAAA==</EmpPK><EmpCK>${'0'.repeat(32)}</EmpCK></Cabecalho>` +
    `<Dados>${item.repeat(50)}</Dados></Invoicyrecepcao></recepcao.Execute></soapenv:Body></soapenv:Envelope>`
  );
}

function request(url: string, body?: string): Promise<{ status: number; text: string; ms: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: body === undefined ? 'GET' : 'POST', agent: false, timeout: 120_000,
      headers: body === undefined ? {} : { 'Content-Type': 'text/xml; charset=utf-8' },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no reply within 120 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends `count` hostile calls at once to a gateway process, polling its /health one at a time meanwhile. */
export async function hostileCalls(gateway: { pid: number; endpoint: string; cnpj: string }, count: number): Promise<HostileResult> {
  const body = hostileBody(gateway.cnpj);
  const health = new URL('/health', gateway.endpoint).toString();
  const rssBeforeMb = rssMb(gateway.pid);
  const cpu0 = cpuTimeMs(gateway.pid);
  let running = true;
  const calls = Promise.all(Array.from({ length: count }, () => request(gateway.endpoint, body))).finally(() => { running = false; });
  let slowestHealthMs = 0;
  let rssMaxMb = rssBeforeMb;
  while (running) {
    slowestHealthMs = Math.max(slowestHealthMs, (await request(health)).ms);
    rssMaxMb = Math.max(rssMaxMb, rssMb(gateway.pid));
    await new Promise((r) => setTimeout(r, 10));
  }
  const replies = await calls;
  return {
    calls: count,
    bodyMb: Buffer.byteLength(body) / 1024 / 1024,
    wrongAnswers: replies.filter((r) => r.status !== 200 || !/<Codigo>173<\/Codigo>/.test(r.text)).length,
    slowestCallMs: Math.max(...replies.map((r) => r.ms)),
    slowestHealthMs,
    gatewayCpuMsPerCall: (cpuTimeMs(gateway.pid) - cpu0) / count,
    rssBeforeMb,
    rssMaxMb,
    rssAfterMb: rssMb(gateway.pid),
  };
}
