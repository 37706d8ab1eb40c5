// Request routing and the per-request pipeline of a SEFAZ service, in SEFAZ's order with the fault
// hooks in between: transport faults → slow → TLS transmitter (280–283, HTTP 403) → size 214 (the
// service's limit, from its descriptor, answered in the service's ret… like SEFAZ, whatever the
// size read) → envelope 243/242/244/516/239/587/404 → paralisado 108/109 → service (reject fault
// inside autorização) → lose-response. The path names the service (served.ts).
//
// Missing/invalid client certificate on a service path: HTTP 403 with a SOAP Fault whose text starts
// with the cStat (280 none, 281 expired, 283 not chained to the simulator CA, 282 no CNPJ/CPF) — a real
// SEFAZ refuses at the TLS layer, which a Node client sees the same way: no SOAP answer to parse.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { describeCertificate } from '../signing/certinfo';
import { log } from '../log/logger';
import { handleAdmin, type AdminDeps } from './admin';
import { findAuthorizer, type Authorizer } from './authorizers';
import { reject, xMotivo, type Rejection } from './cstat';
import type { ServiceContext } from './context';
import type { FaultMode } from './faults';
import { findService, type ServedService } from './served';
import { detectSoapVersion, extractBusinessXml, soapContentType, soapEnvelope, soapFault, type SoapVersion } from './soap';
import { buildWsdl } from './wsdl';

/** Past a message's limit the rest is read and discarded; past this guard it is answered 413 and the connection closed. */
const MAX_READ_BYTES = 64 * 1024 * 1024;
/** Admin API bodies (JSON) are small. */
const MAX_ADMIN_BYTES = 500 * 1024;

export interface HandlerDeps extends AdminDeps {
  isClosed(): boolean;
  /** Resolves after ms unless the simulator closes first (then resolves early). */
  delay(ms: number): Promise<void>;
}

interface Route {
  auth: Authorizer;
  served: ServedService;
  tpAmb: '1' | '2';
}

function route(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean);
  const producao = parts[0]?.toLowerCase() === 'producao';
  const rest = producao ? parts.slice(1) : parts;
  if (rest.length !== 2) return undefined;
  const auth = findAuthorizer(rest[0]);
  const served = findService(rest[1]);
  if (!auth || !served || !auth.families.includes(served.family)) return undefined;
  // The Ambiente Nacional only receives events and the DF-e distribution here (and answers status for
  // monitoring); the distribution is served nowhere else.
  if (auth.kind === 'an' ? !served.atAn && !served.onlyAtAn : served.onlyAtAn) return undefined;
  return { auth, served, tpAmb: producao ? '1' : '2' };
}

interface Body {
  text: string;
  /** Larger than the limit: only the bytes up to it were kept. */
  tooLarge: boolean;
  /** Larger than MAX_READ_BYTES: reading stopped there. */
  overflow: boolean;
}

function readBody(req: IncomingMessage, limitBytes: number): Promise<Body | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_READ_BYTES) {
        req.off('data', onData);
        req.pause();
        resolve({ text: '', tooLarge: true, overflow: true });
      } else if (size <= limitBytes) chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > limitBytes, overflow: false }));
    req.on('error', () => resolve(undefined));
  });
}

type Transmitter = { ok: true; cnpj?: string } | { ok: false; rejection: Rejection };

// The client certificate cannot change within a TLS connection, and ERPs keep connections alive:
// reading and describing it once per connection instead of once per request.
const transmitters = new WeakMap<TLSSocket, Transmitter>();

function transmitterOf(socket: TLSSocket): Transmitter {
  let transmitter = transmitters.get(socket);
  if (!transmitter) {
    transmitter = readTransmitter(socket);
    transmitters.set(socket, transmitter);
  }
  return transmitter;
}

function readTransmitter(socket: TLSSocket): Transmitter {
  const peer = socket.getPeerCertificate();
  if (!peer?.raw) return { ok: false, rejection: reject('280', 'certificado cliente não apresentado') };
  if (!socket.authorized) {
    const err = String(socket.authorizationError ?? '');
    return { ok: false, rejection: reject(/EXPIRED|NOT_YET_VALID/.test(err) ? '281' : '283', err) };
  }
  const info = describeCertificate(peer.raw);
  if (!info.cnpj && !info.cpf) return { ok: false, rejection: reject('282') };
  return { ok: true, cnpj: info.cnpj ?? info.cpf };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType }).end(body);
}

async function handleService(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse, r: Route, secure: boolean): Promise<void> {
  const { core, faults } = deps;
  const service = r.served.descriptor;
  const take = (modes: readonly FaultMode[]) => faults.take(r.auth.key, service.operation, modes);
  const transport = take(['down', 'timeout', 'http-500', 'garbage']);
  if (transport?.mode === 'down') {
    req.socket.destroy();
    return;
  }
  if (transport?.mode === 'timeout') {
    req.resume(); // accept the request and never answer; close() destroys the socket
    return;
  }
  const body = await readBody(req, service.limits.maxMessageBytes);
  if (!body) return;
  if (body.overflow) {
    res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('Mensagem excede o limite de leitura do simulador', () => req.socket.destroy());
    return;
  }
  const version: SoapVersion = detectSoapVersion(body.text, req.headers['content-type']);
  if (transport?.mode === 'http-500') return send(res, 500, soapContentType(version), soapFault(version, 'Erro interno do servidor (falha simulada)'));
  if (transport?.mode === 'garbage') return send(res, 200, 'text/html; charset=utf-8', 'Service Unavailable - falha simulada, resposta sem XML');
  const slow = take(['slow']);
  if (slow) await deps.delay(slow.ms ?? 0);
  if (deps.isClosed()) return;

  let transmitter: string | undefined;
  if (secure) {
    const t = transmitterOf(req.socket as TLSSocket);
    if (!t.ok) return send(res, 403, soapContentType(version), soapFault(version, `${t.rejection.cStat} - ${t.rejection.xMotivo}`));
    transmitter = t.cnpj;
  }
  const ctx: ServiceContext = { auth: r.auth, tpAmb: r.tpAmb, operation: service.operation, now: core.now(), transmitter, takeFault: take };
  const respond = (retXml: string) => send(res, 200, soapContentType(version), soapEnvelope(version, service, retXml));
  const fail = (rej: Rejection) => respond(r.served.error(ctx, rej.cStat, rej.xMotivo));
  if (body.tooLarge) return fail(reject('214'));
  const extracted = extractBusinessXml(body.text, service);
  if (!extracted.ok) return fail(extracted.rejection);
  const paralisado = take(['paralisado']);
  if (paralisado) {
    const cStat = paralisado.cStat ?? '108';
    return fail({ cStat, xMotivo: xMotivo(cStat) });
  }
  const lose = take(['lose-response']);
  const retXml = await r.served.handle(core, ctx, extracted.xml);
  if (deps.isClosed()) return;
  if (lose) {
    // Processed and stored, but the client never hears back (the "necessita interação" case).
    req.socket.destroy();
    return;
  }
  respond(retXml);
}

export function createHandler(deps: HandlerDeps, secure: boolean): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const run = async () => {
      if (url.pathname.startsWith('/__admin/')) {
        const body = await readBody(req, MAX_ADMIN_BYTES);
        return handleAdmin(deps, req, res, url.pathname, body?.text ?? '');
      }
      const r = route(url.pathname);
      if (!r) return send(res, 404, 'text/plain; charset=utf-8', 'Serviço não encontrado neste simulador');
      if (req.method === 'GET' && [...url.searchParams.keys()].some((k) => k.toLowerCase() === 'wsdl')) {
        const location = `${secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${url.pathname}`;
        return send(res, 200, 'text/xml; charset=utf-8', buildWsdl(r.served.descriptor, location));
      }
      if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'Use POST (SOAP) ou GET ?wsdl');
      return handleService(deps, req, res, r, secure);
    };
    run().catch((err: unknown) => {
      if (deps.isClosed()) return;
      log.error('simulador: erro ao processar requisição', { path: url.pathname, erro: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) send(res, 500, 'application/soap+xml; charset=utf-8', soapFault('1.2', 'Erro interno do simulador'));
    });
  };
}
