// The HTTP server as configured from the environment: a body over BODY_LIMIT_BYTES gets the 413 SOAP
// Fault and a clean close (never a reset), however it arrives; headers and requests that take too long
// are cut; connections past HTTP_MAX_CONNECTIONS are refused. Raw sockets, so every byte is the test's.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startGateway, type RunningGateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import { openStore, SecretBox, type Store } from '../../src/store';

const LIMIT = 64 * 1024;

let dataDir: string;
let store: Store;
let gateway: RunningGateway;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-http-'));
  store = await openStore({ kind: 'sqlite', memory: true }, new SecretBox('test-master-key-0123456789'));
  const config = loadConfig({
    DATA_DIR: dataDir, SEFAZ_MODE: 'real', MASTER_KEY: 'k'.repeat(32), PORT: '0', HOST: '127.0.0.1', BODY_LIMIT_BYTES: String(LIMIT),
    HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2500', HTTP_KEEPALIVE_TIMEOUT_MS: '4000', HTTP_MAX_CONNECTIONS: '3',
  });
  gateway = await startGateway(config, { store, jobs: false });
});

afterAll(async () => {
  await gateway.close();
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface RawExchange {
  socket: net.Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves when the server has sent a whole response (headers + Content-Length bytes). */
  response(): Promise<{ status: number; headers: string; body: string }>;
  /** Resolves when the socket closes: how (a reset is an error code) and after how long. */
  closed: Promise<{ error?: string; afterMs: number }>;
}

function connect(): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(gateway.port, '127.0.0.1');
    let data = '';
    let error: string | undefined;
    const opened = Date.now();
    const waiters: (() => void)[] = [];
    socket.on('data', (c: Buffer) => {
      data += c.toString('latin1');
      for (const w of waiters.splice(0)) w();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => { error = e.code ?? e.message; });
    const closed = new Promise<{ error?: string; afterMs: number }>((r) => socket.once('close', () => r({ ...(error ? { error } : {}), afterMs: Date.now() - opened })));
    const complete = () => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const headers = data.slice(0, end);
      const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? 0);
      const body = data.slice(end + 4);
      return body.length >= length ? { status: Number(headers.slice(9, 12)), headers, body: Buffer.from(body.slice(0, length), 'latin1').toString('utf8') } : undefined;
    };
    const response = () => new Promise<{ status: number; headers: string; body: string }>((r, j) => {
      const check = () => {
        const done = complete();
        if (done) return r(done);
        waiters.push(check);
      };
      void closed.then(() => { const done = complete(); if (done) r(done); else j(new Error(`closed without a whole response: ${JSON.stringify(data.slice(0, 200))} ${error ?? ''}`)); });
      check();
    });
    socket.once('connect', () => resolve({ socket, received: () => data, response, closed }));
    socket.once('error', reject);
  });
}

/**
 * A connection that has answered a GET /health, kept alive. Retried for a moment: connections the
 * previous test closed may still count against the cap until the server sees them close.
 */
async function servedConnection(): Promise<RawExchange & { health: { status: number; headers: string } }> {
  for (let attempt = 0; ; attempt++) {
    const x = await connect();
    x.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    try {
      return { ...x, health: await x.response() };
    } catch (err) {
      if (attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const HEAD = (extra: string) => `POST /arecepcao.aspx HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml; charset=utf-8\r\n${extra}\r\n`;

/** Writes n bytes in 64 KB pieces, respecting back-pressure; stops quietly if the socket goes away. */
async function writeBytes(socket: net.Socket, n: number, piece = (size: number) => Buffer.alloc(size, 'x')): Promise<void> {
  for (let sent = 0; sent < n && !socket.destroyed; sent += 65536) {
    if (!socket.write(piece(Math.min(65536, n - sent)))) await new Promise((r) => { socket.once('drain', r); socket.once('close', r); });
  }
}

function expectFault413(r: { status: number; body: string }): void {
  expect(r.status).toBe(413);
  expect(r.body).toContain('<faultcode>SOAP-ENV:Client</faultcode>');
  expect(r.body).toContain(`o corpo excede o limite de ${LIMIT} bytes`);
}

describe('bodies over BODY_LIMIT_BYTES', () => {
  test('announced by Content-Length: 413 Fault after the headers and part of the body; the rest is read, then a clean close', async () => {
    const total = 20 * 1024 * 1024;
    const x = await connect();
    x.socket.write(HEAD(`Content-Length: ${total}\r\n`));
    await writeBytes(x.socket, 100 * 1024);
    // Answered while most of the body is still to come.
    expectFault413(await x.response());
    await writeBytes(x.socket, total - 100 * 1024);
    x.socket.end();
    expect(await x.closed).toEqual({ afterMs: expect.any(Number) });
  });

  test('chunked, past the limit while the client goes on writing: 413 Fault and a clean close, no reset', async () => {
    const x = await connect();
    x.socket.write(HEAD('Transfer-Encoding: chunked\r\n'));
    // 8 MB in 32 KB chunks, then the last chunk.
    const chunk = Buffer.from(`8000\r\n${'x'.repeat(0x8000)}\r\n`);
    await writeBytes(x.socket, 256 * 65536, () => Buffer.concat([chunk, chunk]));
    x.socket.write('0\r\n\r\n');
    expectFault413(await x.response());
    expect(await x.closed).toEqual({ afterMs: expect.any(Number) });
  });

  test('a client that writes its whole 8 MB body before reading still gets the 413, not a reset', async () => {
    const total = 8 * 1024 * 1024;
    const x = await connect();
    x.socket.write(HEAD(`Content-Length: ${total}\r\n`));
    await writeBytes(x.socket, total);
    expectFault413(await x.response());
    expect((await x.closed).error).toBeUndefined();
  });
});

describe('timeouts and the connection cap', () => {
  test('headers not finished within HTTP_HEADERS_TIMEOUT_MS: 408 and closed', async () => {
    const x = await connect();
    x.socket.write('POST /arecepcao.aspx HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const closed = await x.closed;
    expect(x.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(closed.afterMs).toBeGreaterThanOrEqual(900);
    expect(closed.afterMs).toBeLessThan(5000);
  });

  test('a body not finished within HTTP_REQUEST_TIMEOUT_MS: 408 and closed', async () => {
    const x = await connect();
    x.socket.write(HEAD('Content-Length: 1000\r\n') + '<soapenv:Envelope');
    const closed = await x.closed;
    expect(x.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(closed.afterMs).toBeGreaterThanOrEqual(2400);
    expect(closed.afterMs).toBeLessThan(7000);
  });

  test('past HTTP_MAX_CONNECTIONS a connection is closed at once; the others still answer', async () => {
    const open = [await servedConnection(), await servedConnection(), await servedConnection()];
    const extra = await connect();
    await extra.closed;
    expect(extra.received()).toBe('');
    const before = open[0]!.received().length;
    open[0]!.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    while (open[0]!.received().length === before) await new Promise((r) => setTimeout(r, 10));
    expect(open[0]!.received().slice(before)).toMatch(/^HTTP\/1\.1 200/);
    for (const x of open) x.socket.destroy();
    await Promise.all(open.map((x) => x.closed));
  });

  test('idle keep-alive connections are closed after HTTP_KEEPALIVE_TIMEOUT_MS', async () => {
    const x = await servedConnection();
    const answeredAt = Date.now();
    expect(x.health.headers).toMatch(/Keep-Alive: timeout=4/i);
    expect((await x.closed).error).toBeUndefined();
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(3900);
  });
});
