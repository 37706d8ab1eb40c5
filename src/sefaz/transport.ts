// SOAP 1.2 over mutual TLS to a SEFAZ (or to our simulator: same code, different trust and URL).
// One keep-alive agent per company certificate; every failure becomes a SefazTransportError whose
// `requestSent` says whether the SEFAZ may have processed the message (sefaz-nfe.md §2). The endpoint's
// service descriptor says how the message is wrapped and encoded and how large it may be: a message
// over SEFAZ's limit is never written (SefazMessageTooLarge), SEFAZ would refuse it whole (214).
import https from 'node:https';
import fs from 'node:fs';
import tls, { type TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { processScope, type LogScope } from '../log/logger';
import { assertXmlSafe, parseXml } from '../xml/parse';
import { SefazMessageTooLarge, SefazTransportError, type SefazTransportErrorKind } from './errors';
import { closeWrapper, encodeBody, openWrapper, type SoapService } from './services/descriptor';
import { findElements, scanElements, sliceOf, type ElementSpan } from './xml-text';

export interface SoapEndpoint {
  url: string;
  /** Names the service in error messages, which reach ERPs: e.g. "SP NFeAutorizacao4". The URL (host
   *  and port) stays in the log lines for support staff. Default: the service's operation. */
  label?: string;
  soapAction: string;
  /** The service at this address: wrapper, namespace, body encoding and size limit of its messages. */
  service: SoapService;
}

/** PEM key and certificate of the company (the A1 that also signs); fingerprint keys the agent. */
export interface SefazCredentials {
  key: string | Buffer;
  cert: string | Buffer;
  fingerprint: string;
}

export interface TransportTimeouts {
  connectTimeoutMs?: number;
  responseTimeoutMs?: number;
}

/**
 * Server trust. Simulator: only the simulator's CA. Real: Node's default CAs plus, optionally, the
 * ICP-Brasil chain (several SEFAZ servers use ICP-Brasil certificates that no public store has).
 */
export type TransportTrust = { mode: 'simulator'; caPem: string | Buffer } | { mode: 'real'; icpBrasilBundleFile?: string };

export interface TransportOptions {
  trust: TransportTrust;
  maxSockets?: number;
  timeouts?: TransportTimeouts;
  /** Idle keep-alive sockets are closed after this, before servers drop them under our feet. */
  idleSocketTimeoutMs?: number;
  /**
   * SEFAZ speaks TLS 1.2 only (§2.4). Capping there also keeps `requestSent` exact: under TLS 1.3 a
   * refused client certificate surfaces only after the client has written the request.
   */
  maxTlsVersion?: 'TLSv1.2' | 'TLSv1.3';
}

export interface SoapRequest {
  endpoint: SoapEndpoint;
  /** Business XML (enviNFe, consSitNFe, …), minified, without XML declaration. */
  bodyXml: string;
  credentials: SefazCredentials;
  timeouts?: TransportTimeouts;
  /** Scope of the lines about this exchange (the caller's request, document or job). */
  log?: LogScope;
}

export interface SoapResponse {
  /** The service's ret… element exactly as received (located by local name inside the SOAP Body of an answer that passed assertXmlSafe). */
  xml: string;
  httpStatus: number;
  durationMs: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
const DEFAULT_RESPONSE_TIMEOUT_MS = 40_000;

/** SOAP 1.2 envelope exactly as sefaz-nfe.md §2.1 (no header): the business XML in the service's wrapper, encoded as it says. */
export function soapEnvelope(service: SoapService, bodyXml: string): string {
  return (
    '<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ' +
    'xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>' +
    `${openWrapper(service.namespace, service.request.wrapper)}${encodeBody(service, bodyXml)}${closeWrapper(service.request.wrapper)}` +
    '</soap:Body></soap:Envelope>'
  );
}

// OpenSSL alerts and certificate verification failures: the handshake was refused, so the server
// application never saw the request even if Node had already queued it (TLS 1.3 client-cert alerts
// arrive after the client considers the handshake done).
const TLS_ERROR = /^(ERR_SSL_|ERR_TLS_)|CERT|SIGNATURE|ISSUER|HOSTNAME/;

function faultText(xml: string): string | undefined {
  const spans = scanElements(xml);
  const fault = findElements(spans, 'Fault')[0];
  if (!fault) return undefined;
  const obj = parseXml(sliceOf(xml, fault), { removeNSPrefix: true }) as { Fault?: Record<string, unknown> };
  const f = obj.Fault ?? {};
  const reason = (f.Reason as Record<string, unknown> | undefined)?.Text ?? f.faultstring;
  const text = typeof reason === 'object' && reason !== null ? (reason as Record<string, unknown>)['#text'] : reason;
  return String(text ?? 'sem descrição').trim().slice(0, 500);
}

/** The service's answer root (ret…) inside the SOAP Body, whatever wraps it (nfeResultMsg, or a legacy …Result). */
function retElement(spans: ElementSpan[], root: string): ElementSpan | undefined {
  const body = findElements(spans, 'Body')[0];
  return body && findElements(spans, root, body)[0];
}

export class SefazTransport {
  private readonly agents = new Map<string, https.Agent>();
  private readonly ca: (string | Buffer)[] | undefined;

  constructor(private readonly options: TransportOptions) {
    const t = options.trust;
    if (t.mode === 'simulator') this.ca = [t.caPem];
    else this.ca = t.icpBrasilBundleFile ? [...tls.rootCertificates, fs.readFileSync(t.icpBrasilBundleFile)] : undefined;
  }

  private agentFor(c: SefazCredentials): https.Agent {
    let agent = this.agents.get(c.fingerprint);
    if (!agent) {
      agent = new https.Agent({
        keepAlive: true,
        maxSockets: this.options.maxSockets ?? 4,
        timeout: this.options.idleSocketTimeoutMs ?? 10_000,
        key: c.key,
        cert: c.cert,
        ca: this.ca,
        minVersion: 'TLSv1.2',
        maxVersion: this.options.maxTlsVersion ?? 'TLSv1.2',
      });
      this.agents.set(c.fingerprint, agent);
    }
    return agent;
  }

  send(req: SoapRequest): Promise<SoapResponse> {
    const descriptor = req.endpoint.service;
    const body = Buffer.from(soapEnvelope(descriptor, req.bodyXml), 'utf8');
    // Measured on the bytes that would be written, envelope included.
    const limit = descriptor.limits.maxMessageBytes;
    if (body.length > limit) return Promise.reject(new SefazMessageTooLarge(descriptor.operation, body.length, limit));
    const url = new URL(req.endpoint.url);
    const connectTimeoutMs = req.timeouts?.connectTimeoutMs ?? this.options.timeouts?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const responseTimeoutMs = req.timeouts?.responseTimeoutMs ?? this.options.timeouts?.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS;
    const started = performance.now();
    const service = serviceName(req.endpoint);

    return new Promise<SoapResponse>((resolve, reject) => {
      let connected = false; // TLS session established: from here on the request may reach SEFAZ
      let tcpConnected = false;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;

      const finish = (outcome: SoapResponse | SefazTransportError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const durationMs = Math.round(performance.now() - started);
        if (outcome instanceof SefazTransportError) {
          request.destroy();
          (req.log ?? processScope).warn('Falha na comunicação com a SEFAZ', { url: req.endpoint.url, kind: outcome.kind, requestSent: outcome.requestSent, httpStatus: outcome.httpStatus, durationMs, error: outcome.message });
          reject(outcome);
        } else {
          (req.log ?? processScope).debug('SEFAZ respondeu', { url: req.endpoint.url, httpStatus: outcome.httpStatus, durationMs });
          resolve({ ...outcome, durationMs });
        }
      };
      const fail = (kind: SefazTransportErrorKind, message: string, requestSent: boolean, httpStatus?: number) =>
        finish(new SefazTransportError(kind, message, { requestSent, httpStatus }));

      const onConnected = () => {
        connected = true;
        clearTimeout(timer);
        timer = setTimeout(() => fail('timeout', `SEFAZ (${service}) não respondeu em ${responseTimeoutMs / 1000} s`, true), responseTimeoutMs);
      };

      const request = https.request({
        protocol: 'https:',
        hostname: url.hostname,
        port: url.port || 443,
        path: url.pathname + url.search,
        method: 'POST',
        agent: this.agentFor(req.credentials),
        headers: {
          'Content-Type': `application/soap+xml; charset=utf-8; action="${req.endpoint.soapAction}"`,
          'Content-Length': body.length,
        },
      });

      request.on('socket', (socket: TLSSocket) => {
        // A keep-alive socket is already past its handshake whether it came from the free pool
        // (reusedSocket) or was handed straight from the previous request to this queued one by the
        // agent's 'free' handler, which leaves reusedSocket false. Listening for 'secureConnect' on
        // such a socket never fires: each request's closure (body, chunks, response) stayed reachable
        // for the socket's whole life — the gateway's memory growth under load — and the response
        // timeout and requestSent were never armed. `authorized` is true only after a verified handshake.
        if (request.reusedSocket || socket.authorized) return onConnected();
        timer = setTimeout(() => fail('timeout', `Tempo de conexão com a SEFAZ (${service}) esgotado (${connectTimeoutMs / 1000} s)`, false), connectTimeoutMs);
        socket.once('connect', () => { tcpConnected = true; });
        socket.once('secureConnect', onConnected);
      });

      request.on('error', (err: NodeJS.ErrnoException) => {
        const code = err.code ?? '';
        // Node's messages name the address ("connect ECONNREFUSED 10.0.0.1:443"): the code is enough.
        const cause = code || withoutAddress(err.message, url);
        if (TLS_ERROR.test(code) || (tcpConnected && !connected)) {
          fail('tls', `Falha na negociação TLS com a SEFAZ (${service}): ${cause}`, false);
        } else if (!connected) {
          fail('connect', `Não foi possível conectar à SEFAZ (${service}): ${cause}`, false);
        } else {
          fail('reset', `Conexão com a SEFAZ (${service}) interrompida após o envio: ${cause}`, true);
        }
      });

      request.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => fail('reset', `Conexão com a SEFAZ (${service}) interrompida durante a resposta`, true));
        res.on('end', () => {
          if (!res.complete) return fail('reset', `Resposta da SEFAZ (${service}) incompleta`, true);
          const status = res.statusCode ?? 0;
          const outcome = interpret(Buffer.concat(chunks).toString('utf8'), status, service, descriptor.reply.root);
          finish(outcome instanceof SefazTransportError ? outcome : { xml: outcome, httpStatus: status, durationMs: 0 });
        });
      });

      request.end(body);
    });
  }

  /** Closes every keep-alive connection (shutdown, tests). */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/** What error messages call the endpoint: its label, never its host and port. */
function serviceName(endpoint: SoapEndpoint): string {
  return endpoint.label ?? endpoint.service.operation;
}

function withoutAddress(message: string, url: URL): string {
  return [url.host, url.hostname].reduce((text, address) => text.split(address).join('servidor'), message);
}

/** Turns a complete HTTP answer into the text of its `root` element (ret…) or the matching error. */
function interpret(text: string, status: number, service: string, root: string): string | SefazTransportError {
  const sent = { requestSent: true, httpStatus: status };
  let spans: ElementSpan[] | undefined;
  if (text.trim() !== '') {
    try {
      assertXmlSafe(text);
      spans = scanElements(text);
    } catch {
      spans = undefined;
    }
  }
  const fault = spans && faultText(text);
  if (fault) return new SefazTransportError('http', `SEFAZ (${service}) retornou SOAP Fault (HTTP ${status}): ${fault}`, sent);
  if (status !== 200) return new SefazTransportError('http', `SEFAZ (${service}) retornou HTTP ${status}`, sent);
  if (text.trim() === '') return new SefazTransportError('empty', `SEFAZ (${service}) retornou resposta vazia`, sent);
  const ret = spans && retElement(spans, root);
  if (!ret) return new SefazTransportError('garbage', `SEFAZ (${service}) retornou conteúdo que não é uma resposta SOAP válida`, sent);
  return sliceOf(text, ret);
}

let defaultTransport: SefazTransport | undefined;

/** Sets up the process-wide transport used by sendSoap (closing the previous one). */
export function configureTransport(options: TransportOptions): SefazTransport {
  defaultTransport?.close();
  defaultTransport = new SefazTransport(options);
  return defaultTransport;
}

export function sendSoap(req: SoapRequest): Promise<SoapResponse> {
  if (!defaultTransport) throw new Error('Transporte SEFAZ não configurado (configureTransport)');
  return defaultTransport.send(req);
}

export function closeAgents(): void {
  defaultTransport?.close();
}
