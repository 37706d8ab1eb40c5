// Test harness for the InvoiCy layer: a real express server on an ephemeral loopback port with the
// router mounted, an in-memory backend (a double of the BACKEND, not of HTTP) and a raw HTTP client
// that sends exactly the headers a test asks for.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { Writable } from 'node:stream';
import winston from 'winston';
import { withCnpjCheckDigits } from '../../src/fiscal/cnpj';
import { DOC_STATUS } from '../../src/fiscal/document-state';
import { log } from '../../src/log/logger';
import { escapeText } from '../../src/xml/parse';
import { createInvoicyRouter, type InvoicyRouterOptions } from '../../src/invoicy/service';
import type { AuthenticatedCompany, DocumentRequest, DocumentResult, InvoicyBackend } from '../../src/invoicy/types';

export const SHARED = path.resolve(__dirname, '../../../shared');
export const INVOICY_SAMPLES = path.join(SHARED, 'invoicy');

export const PARTNER_KEY = 'YPxRwGxIbpW568huC0m+Wg==';
export const CNPJ = withCnpjCheckDigits('112223330001');
export const OTHER_CNPJ = withCnpjCheckDigits('445556660001');
export const DISABLED_CNPJ = withCnpjCheckDigits('778889990001');

export const COMPANIES: AuthenticatedCompany[] = [
  { id: 'c1', partnerId: 'p1', cnpj: CNPJ, uf: 'RS', enabled: true, accessKey: 'a1b2c3d4e5f60718293a4b5c6d7e8f90' },
  { id: 'c2', partnerId: 'p1', cnpj: OTHER_CNPJ, uf: 'SP', enabled: true, accessKey: 'ffffeeeeddddccccbbbbaaaa99998888' },
  { id: 'c3', partnerId: 'p1', cnpj: DISABLED_CNPJ, uf: 'RS', enabled: false, accessKey: '0123456789abcdef0123456789abcdef' },
];
export const ACCESS_KEY = COMPANIES[0]!.accessKey;

export const md5 = (text: string | Buffer) => crypto.createHash('md5').update(text).digest('hex');

/** In-memory backend: companies of partner PARTNER_KEY; every document "authorised" unless told otherwise. */
export class MemoryBackend implements InvoicyBackend {
  calls: DocumentRequest[][] = [];
  recorded: { kind: string; codes: number[]; documents: number; companyId?: string }[] = [];
  requestCodes = new Map<number, 100 | 108 | 109>();
  fail = false;

  async findPartner(partnerKey: string): Promise<string | undefined> {
    return partnerKey === PARTNER_KEY ? 'p1' : undefined;
  }

  async findCompany(partnerId: string, cnpj: string): Promise<AuthenticatedCompany | undefined> {
    return COMPANIES.find((c) => c.partnerId === partnerId && c.cnpj === cnpj);
  }

  async process(_company: AuthenticatedCompany, docs: DocumentRequest[]): Promise<DocumentResult[]> {
    if (this.fail) throw new Error('falha simulada no backend');
    this.calls.push(docs);
    return docs.map((d) => {
      const code = this.requestCodes.get(d.index);
      return {
        kind: 'document', modelo: d.modelo, numero: d.index + 1, serie: 1, offset: '-03:00', docStatus: DOC_STATUS.AUTORIZADO,
        code: 100, text: `Processado ${d.kind}`, requestCode: code ?? 100,
      };
    });
  }

  async recordRequest(entry: { kind: string; codes: number[]; documents: number; companyId?: string }): Promise<void> {
    this.recorded.push(entry);
  }
}

/** Captures the JSON log lines written while a test runs; the console transport is silenced. */
export class CapturedLog {
  lines: string[] = [];
  readonly transport = new winston.transports.Stream({
    stream: new Writable({
      write: (chunk: Buffer, _enc, done) => {
        this.lines.push(chunk.toString('utf8'));
        done();
      },
    }),
  });
  get records(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

export interface TestServer {
  port: number;
  backend: MemoryBackend;
  logs: CapturedLog;
  close(): Promise<void>;
}

export async function startServer(options: Partial<InvoicyRouterOptions> = {}): Promise<TestServer> {
  const backend = new MemoryBackend();
  const app = express();
  app.use(createInvoicyRouter({ backend, ...options }));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const logs = new CapturedLog();
  for (const t of log.transports) t.silent = true;
  log.add(logs.transport);
  return {
    port: (server.address() as AddressInfo).port,
    backend,
    logs,
    close: async () => {
      log.remove(logs.transport);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw HTTP request: sends only the given headers (plus Host and Content-Length). */
export function request(port: number, method: string, urlPath: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: { ...headers, ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const SOAP_HEADERS = { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"InvoiCyaction/ARECEPCAO.Execute"' };

export function postSoap(port: number, body: string | Buffer, headers: Record<string, string> = SOAP_HEADERS, urlPath = '/arecepcao.aspx'): Promise<HttpReply> {
  return request(port, 'POST', urlPath, body, headers);
}

export type EnvelopeStyle = 'prefixed' | 'default' | 'unqualified';

export interface EnvelopeOptions {
  empPK?: string;
  empCK?: string;
  style?: EnvelopeStyle;
  cdata?: boolean;
  omitOptional?: boolean;
}

export interface Item {
  documento: string;
  parametros?: string;
}

/** A recepcao.Execute envelope; EmpCK defaults to md5(ACCESS_KEY + first document). */
export function envelope(items: Item[], o: EnvelopeOptions = {}): string {
  const style = o.style ?? 'prefixed';
  const p = style === 'prefixed' ? 'inv:' : '';
  const payload = (t: string) => (o.cdata ? `<![CDATA[${t}]]>` : escapeText(t));
  const e = (name: string, content?: string) => (content === undefined ? `<${p}${name}/>` : `<${p}${name}>${content}</${p}${name}>`);
  const empCK = o.empCK ?? md5(ACCESS_KEY + (items[0]?.documento ?? ''));
  const dados = items
    .map((i) => e('DadosItem', e('Documento', payload(i.documento)) + (o.omitOptional && i.parametros === undefined ? '' : e('Parametros', i.parametros === undefined ? undefined : payload(i.parametros)))))
    .join('');
  const recepcao =
    e('Cabecalho', e('EmpPK', o.empPK ?? PARTNER_KEY) + e('EmpCK', empCK) + (o.omitOptional ? '' : e('EmpCO'))) +
    (o.omitOptional ? '' : e('Informacoes', e('Texto'))) +
    e('Dados', dados);
  const execute =
    style === 'prefixed'
      ? `<inv:recepcao.Execute><inv:Invoicyrecepcao>${recepcao}</inv:Invoicyrecepcao></inv:recepcao.Execute>`
      : style === 'default'
        ? `<recepcao.Execute xmlns="InvoiCy"><Invoicyrecepcao>${recepcao}</Invoicyrecepcao></recepcao.Execute>`
        : `<ns1:recepcao.Execute xmlns:ns1="InvoiCy"><Invoicyrecepcao>${recepcao}</Invoicyrecepcao></ns1:recepcao.Execute>`;
  return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:inv="InvoiCy"><soapenv:Header/><soapenv:Body>${execute}</soapenv:Body></soapenv:Envelope>`;
}

/** A minimal NF-e <Envio> for the given emitter. */
export function nfe(cnpj = CNPJ, nNF = 1, modelo = 'NFe', extra = ''): string {
  return `<Envio><ModeloDocumento>${modelo}</ModeloDocumento><Versao>4.00</Versao><ide><serie>1</serie><nNF>${nNF}</nNF><tpAmb>2</tpAmb></ide><emit><CNPJ_emit>${cnpj}</CNPJ_emit><xNome>Empresa${extra}</xNome></emit></Envio>`;
}

export function cancelEvent(cnpj = CNPJ): string {
  return `<EnvioEvento><ModeloDocumento>NFe</ModeloDocumento><Versao>4.00</Versao><Evento><NtfCnpjEmissor>${cnpj}</NtfCnpjEmissor><NtfNumero>1</NtfNumero><NtfSerie>1</NtfSerie><tpAmb>2</tpAmb><EveInf><EveTp>110111</EveTp><EvenSeq>1</EvenSeq></EveInf></Evento></EnvioEvento>`;
}
