// HTTP entry of the InvoiCy-compatible service: GET …/arecepcao.aspx?wsdl serves the WSDL, POST (also
// to the ?wsdl URL, with or without SOAPAction/Content-Type) executes recepcao.Execute. The raw body is
// read here (with a byte limit) because the EmpCK hash depends on the exact bytes received.
import crypto from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { LogScope } from '../log/logger';
import { parseExecuteEnvelope } from './envelope';
import { executeRequest, type ExecuteOutcome } from './execute';
import type { PartnerLimits } from './partner-limits';
import { buildRequestError, buildSoapFault } from './reply';
import type { InvoicyBackend } from './types';
import { publicBaseUrl, renderWsdl, SERVICE_PATH } from './wsdl';

export interface InvoicyRouterOptions {
  backend: InvoicyBackend;
  /** Largest request body accepted, in bytes (default 10 MB). */
  bodyLimitBytes?: number;
  /** EmpCK over the exact received text only. */
  strictEmpCK?: boolean;
  /** Per-partner concurrency and rate limits of authenticated calls. */
  limits?: PartnerLimits;
}

const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;
const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';

class BodyTooLarge extends Error {}

function wantsWsdl(req: Request): boolean {
  return Object.keys(req.query).some((k) => k.toLowerCase() === 'wsdl');
}

/** Reads the raw body; rejects with BodyTooLarge as soon as the limit is passed (and stops reading). */
function readBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function sendXml(res: Response, status: number, xml: string): void {
  res.status(status).set('Content-Type', XML_CONTENT_TYPE).send(xml);
}

// How long the rest of a refused body is read after the 413 (nginx's lingering_time).
const LINGER_MS = 30_000;

/**
 * The 413 goes out at once, but the connection is closed only after the rest of the body has been
 * read and discarded (or LINGER_MS): closing a socket with unread data makes the kernel send a reset,
 * and a client still writing its body — most do not read before they finish — would get the reset
 * instead of the answer.
 */
function refuseTooLarge(req: Request, res: Response, xml: string): void {
  res.writeHead(413, { 'Content-Type': XML_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(xml), Connection: 'close' });
  res.write(xml);
  const timer = setTimeout(() => {
    res.end();
    req.socket.destroy();
  }, LINGER_MS);
  const finish = () => {
    clearTimeout(timer);
    res.end();
  };
  req.once('end', finish);
  req.once('close', finish);
  req.on('data', () => undefined);
  req.resume();
}

export function createInvoicyRouter(options: InvoicyRouterOptions): express.Router {
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const router = express.Router({ caseSensitive: false });

  router.get(SERVICE_PATH, (req, res) => {
    if (wantsWsdl(req)) {
      res.set('Content-Type', XML_CONTENT_TYPE).send(renderWsdl(publicBaseUrl(req.headers, req.protocol)));
      return;
    }
    res
      .set('Content-Type', 'text/html; charset=utf-8')
      .send('<!DOCTYPE html><html lang="pt-BR"><head><meta charset="utf-8"><title>recepcao</title></head><body>' +
        '<p>Serviço SOAP 1.1 <b>recepcao</b> (operação Execute). Envie requisições via POST; a descrição do serviço está em ' +
        '<a href="?wsdl">?wsdl</a>.</p></body></html>');
  });

  router.post(SERVICE_PATH, async (req, res) => {
    const requestId = crypto.randomUUID();
    const started = process.hrtime.bigint();
    const log = new LogScope({ requestId });
    let outcome: Pick<ExecuteOutcome, 'kind' | 'documents' | 'codes' | 'docCodes' | 'company' | 'keyMatch'> = { kind: 'none', documents: 0, codes: [] };
    try {
      const body = await readBody(req, limit);
      const parsed = await parseExecuteEnvelope(body);
      if (!parsed.ok) {
        const err = parsed.error;
        if (err.kind === 'fault') {
          outcome = { ...outcome, kind: 'fault' };
          sendXml(res, 500, buildSoapFault(err.faultstring, err.faultcode));
        } else {
          outcome = { ...outcome, codes: [err.code] };
          sendXml(res, 200, buildRequestError(err.code, err.descricao));
        }
      } else {
        const result = await executeRequest(parsed.request, options, { requestId, log });
        outcome = result;
        sendXml(res, 200, result.xml);
      }
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        outcome = { ...outcome, kind: 'fault' };
        refuseTooLarge(req, res, buildSoapFault(`Requisição recusada: o corpo excede o limite de ${limit} bytes`));
      } else {
        const err = e instanceof Error ? e : new Error(String(e));
        log.error('erro interno na chamada SOAP', { error: err.message, stack: err.stack });
        outcome = { ...outcome, codes: [999] };
        sendXml(res, 200, buildRequestError(999, `Erro interno: ${requestId}`));
      }
    }
    const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
    const { kind, documents, codes, docCodes, company, keyMatch } = outcome;
    log.info('soap call', { kind, documents, codes, ...(docCodes ? { docCodes } : {}), durationMs, ...(keyMatch ? { keyMatch } : {}) });
    await options.backend
      .recordRequest?.({ requestId, partnerId: company?.partnerId, companyId: company?.id, kind, documents, codes, docCodes: docCodes ?? [], durationMs })
      .catch((e: unknown) => log.warn('falha ao registrar a chamada SOAP', { error: e instanceof Error ? e.message : String(e) }));
  });

  router.all(SERVICE_PATH, (_req, res) => {
    res.set('Allow', 'GET, POST').status(405).type('text/plain; charset=utf-8').send('Método não permitido: use GET ?wsdl ou POST');
  });

  return router;
}
