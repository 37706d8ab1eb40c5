// The gateway's HTTP listener, with every timeout and the connection cap set on purpose rather than
// left to Node's defaults.
import http from 'node:http';
import type { RequestListener } from 'node:http';
import { DEFAULT_HTTP_LIMITS, type GatewayConfig } from './config';

// How often Node looks for requests past their headers/request timeout.
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

export function createHttpServer(config: Pick<GatewayConfig, 'http'>, listener: RequestListener): http.Server {
  const limits = config.http ?? DEFAULT_HTTP_LIMITS;
  const server = http.createServer({
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    // Longer than the idle timeout of the load balancers and ERP client pools in front of us.
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
  }, listener);
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  return server;
}
