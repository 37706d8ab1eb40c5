// The gateway's HTTP(S) listener: plain HTTP by default, HTTPS when TLS_CERT_FILE/TLS_KEY_FILE are
// set (EmpCK protects only the first document and InvoiCy's contract has no replay protection, so it
// should not travel in clear), with every timeout and the connection cap set on purpose rather than
// left to Node's defaults.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { RequestListener } from 'node:http';
import { ConfigError, DEFAULT_HTTP_LIMITS, type GatewayConfig } from './config';

// How often Node looks for requests past their headers/request timeout.
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

function readPem(name: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${name}: não foi possível ler ${file} (${err instanceof Error ? err.message : String(err)})`);
  }
}

export function createHttpServer(config: Pick<GatewayConfig, 'http' | 'tls'>, listener: RequestListener): http.Server {
  const limits = config.http ?? DEFAULT_HTTP_LIMITS;
  const options: http.ServerOptions = {
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    // Longer than the idle timeout of the load balancers and ERP client pools in front of us.
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
  };
  let server: http.Server;
  if (config.tls) {
    const cert = readPem('TLS_CERT_FILE', config.tls.certFile);
    const key = readPem('TLS_KEY_FILE', config.tls.keyFile);
    try {
      server = https.createServer({ ...options, cert, key, minVersion: 'TLSv1.2' }, listener);
    } catch (err) {
      throw new ConfigError(`TLS_CERT_FILE/TLS_KEY_FILE inválidos (esperados certificado e chave privada correspondentes em PEM): ${err instanceof Error ? err.message : String(err)}`);
    }
  } else {
    server = http.createServer(options, listener);
  }
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  return server;
}
