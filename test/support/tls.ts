/**
 * Local TLS and proxy servers for the transport tests, all on 127.0.0.1 port 0. The certificates
 * are the test-only fixtures in test/fixtures/tls/ (see its README).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';

/** A name that never resolves (`.invalid`), covered by the fixture server certificate. */
export const TEST_HOST = 'sheets.sheetpipe-test.invalid';
export const CA_FILE = fileURLToPath(new URL('../fixtures/tls/ca.pem', import.meta.url));

export function fixture(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url)));
}

export interface Running {
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0 and tracks sockets, so close() ends every connection at once. */
async function listen(server: Server): Promise<Running> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * An HTTP proxy that answers CONNECT only, tunnelling every tunnel to 127.0.0.1:`targetPort`
 * whatever host was asked (so nothing leaves the machine). `connects` lists the authorities asked
 * for; `plain` counts requests that were not CONNECT (a client that sent one misused the proxy).
 */
export async function startConnectProxy(targetPort: number): Promise<Running & { url: string; connects: string[]; plain: () => number }> {
  const connects: string[] = [];
  let plain = 0;
  const server = http.createServer((_req, res) => {
    plain += 1;
    res.writeHead(405).end();
  });
  server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    const upstream = net.connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const end = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', end).on('close', end);
    client.on('error', end).on('close', end);
  });
  const running = await listen(server);
  return { ...running, url: `http://127.0.0.1:${running.port}`, connects, plain: () => plain };
}

/**
 * A TLS server with the fixture certificate for TEST_HOST that hands each connection's plaintext
 * to 127.0.0.1:`upstreamPort` (an emulator): https in front of a plain-http API. A reset upstream
 * becomes a reset here.
 */
export async function startTlsFront(upstreamPort: number): Promise<Running> {
  const server = tls.createServer({ cert: fixture('server.pem'), key: fixture('server-key.pem') }, (client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    upstream.pipe(client);
    client.pipe(upstream);
    upstream.on('error', () => client.resetAndDestroy());
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  return listen(server);
}

/** An https server with the self-signed fixture certificate (for localhost and 127.0.0.1). */
export async function startSelfSignedHttps(handler: http.RequestListener): Promise<Running> {
  return listen(https.createServer({ cert: fixture('self-signed.pem'), key: fixture('self-signed-key.pem') }, handler));
}

/** A plain http server on 127.0.0.1:0 whose close() also ends kept-alive connections. */
export async function startHttp(handler: http.RequestListener): Promise<Running & { connections: () => number }> {
  const server = http.createServer(handler);
  // Idle connections stay open long after a test: only the client's close() ends them early.
  server.keepAliveTimeout = 60_000;
  let connections = 0;
  server.on('connection', () => (connections += 1));
  return { ...(await listen(server)), connections: () => connections };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const { port, close } = await listen(server);
  await close();
  return port;
}
