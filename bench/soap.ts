// The bench's ERP side: one InvoiCy SOAP 1.1 call per document over a keep-alive pool, and the
// check that the reply says "processed and authorised" (Codigo 100 / SitCodigo 100).
import http from 'node:http';
import { computeEmpCK } from '../src/invoicy/empck';
import { escapeText } from '../src/xml/parse';

export interface Credentials {
  partnerKey: string;
  accessKey: string;
}

export interface CallOutcome {
  latencyMs: number;
  /** undefined = Codigo 100 and SitCodigo 100; otherwise a short description used to group errors. */
  error?: string;
}

function envelope(creds: Credentials, documento: string): string {
  const empCK = computeEmpCK(creds.accessKey, documento);
  if (empCK === undefined) throw new Error('bench: documento not encodable for EmpCK');
  return (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:inv="InvoiCy"><soapenv:Header/><soapenv:Body>' +
    `<inv:recepcao.Execute><inv:Invoicyrecepcao><inv:Cabecalho><inv:EmpPK>${escapeText(creds.partnerKey)}</inv:EmpPK>` +
    `<inv:EmpCK>${empCK}</inv:EmpCK><inv:EmpCO/></inv:Cabecalho><inv:Informacoes><inv:Texto/></inv:Informacoes>` +
    `<inv:Dados><inv:DadosItem><inv:Documento>${escapeText(documento)}</inv:Documento><inv:Parametros/></inv:DadosItem></inv:Dados>` +
    '</inv:Invoicyrecepcao></inv:recepcao.Execute></soapenv:Body></soapenv:Envelope>'
  );
}

function firstTag(text: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text)?.[1];
}

/** undefined when the reply is Codigo 100 with SitCodigo 100, else what went wrong. */
export function replyError(status: number, body: string): string | undefined {
  if (status !== 200) return `HTTP ${status}`;
  const codigo = firstTag(body, 'Codigo');
  if (codigo !== '100') return `Codigo ${codigo ?? '?'}: ${firstTag(body, 'Descricao') ?? ''}`;
  const sit = firstTag(body, 'SitCodigo');
  if (sit !== '100') return `SitCodigo ${sit ?? '?'}: ${firstTag(body, 'SitDescricao') ?? ''}`;
  return undefined;
}

export class SoapClient {
  private readonly agent: http.Agent;

  constructor(private readonly endpoint: string, private readonly creds: Credentials, concurrency: number, private readonly timeoutMs: number) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  }

  /** Sends one document; never throws (transport errors become outcomes). */
  async send(documento: string): Promise<CallOutcome> {
    const body = envelope(this.creds, documento);
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    try {
      const res = await this.post(body);
      return { latencyMs: elapsed(), error: replyError(res.status, res.text) };
    } catch (err) {
      return { latencyMs: elapsed(), error: `transport: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private post(body: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(this.endpoint, {
        method: 'POST', agent: this.agent, timeout: this.timeoutMs,
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"InvoiCyaction/ARECEPCAO.Execute"' },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no reply within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
