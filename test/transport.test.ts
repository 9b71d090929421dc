/**
 * The HTTP transport over real sockets: local servers on 127.0.0.1 port 0 (no nock here: its
 * interceptor opens a new connection per request, which would hide how the pool behaves). Bodies
 * stream (gzip inflated as it arrives), failures mid-body are HttpFailure with the facts, network
 * failures carry their codes, aborts carry the signal's reason. Remote-host behaviour (gzip asked
 * for, proxies) is tested through nock in api.test.ts and through a local proxy in proxy.test.ts.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { gzipSync, constants as zlib, createGzip } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpFailure } from '../src/google/failure.js';
import { type ResponseBody, type Transport, createTransport } from '../src/google/transport.js';
import { TEST_HOST, closedPort, startHttp, startSelfSignedHttps } from './support/tls.js';

const transports: Transport[] = [];
const closers: (() => Promise<void>)[] = [];

function transport(options: Parameters<typeof createTransport>[0] = {}): Transport {
  const t = createTransport(options);
  transports.push(t);
  return t;
}

async function server(handler: Parameters<typeof startHttp>[0]) {
  const s = await startHttp(handler);
  closers.push(s.close);
  return s;
}

const signal = () => new AbortController().signal;

async function readAll(body: ResponseBody): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(chunk);
  return Buffer.concat(parts);
}

/** What iterating `body` throws (failing the test if it does not throw). */
async function failureWhileReading(body: ResponseBody): Promise<unknown> {
  try {
    await readAll(body);
  } catch (error) {
    return error;
  }
  throw new Error('the body was read without an error');
}

/** A values-shaped answer of `rows` rows, as the API sends it with prettyPrint=false. */
function answer(rows: number): Buffer {
  const values = Array.from({ length: rows }, (_, r) => [`r${r + 1}`, String(r * 7), 'some text, quoted "here"']);
  return Buffer.from(JSON.stringify({ range: `Sheet1!A1:C${rows}`, majorDimension: 'ROWS', values }));
}

afterEach(async () => {
  for (const t of transports.splice(0)) t.close();
  for (const c of closers.splice(0)) await c();
});

describe('compression', () => {
  it('asks a loopback host for identity: compression would only cost CPU there', async () => {
    const body = answer(50);
    const seen: (string | undefined)[] = [];
    const s = await server((req, res) => {
      seen.push(req.headers['accept-encoding']);
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    const res = await transport().request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: signal() });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect((await readAll(res.body)).equals(body)).toBe(true);
    expect(seen).toEqual(['identity']);
  });

  it('inflates gzip as it arrives: the first rows are delivered before the rest is sent', async () => {
    const body = answer(5000);
    const half = Math.floor(body.length / 2);
    let sendRest: (() => void) | undefined;
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      const gzip = createGzip();
      gzip.pipe(res);
      gzip.write(body.subarray(0, half));
      // Push the first half out now; the rest waits until the client has seen inflated bytes.
      gzip.flush(zlib.Z_SYNC_FLUSH);
      sendRest = () => gzip.end(body.subarray(half));
    });
    const res = await transport({ compress: true }).request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: signal() });
    const parts: Buffer[] = [];
    let received = 0;
    // Were the body buffered whole, no byte would come before sendRest(), and this would hang.
    for await (const chunk of res.body) {
      parts.push(chunk);
      received += chunk.length;
      if (sendRest && received > 0) {
        expect(received).toBeLessThanOrEqual(half);
        sendRest();
        sendRest = undefined;
      }
    }
    expect(Buffer.concat(parts).equals(body)).toBe(true);
  });

  it('is pull-based: a consumer that stops reading stops the server writing', async () => {
    const total = 64 * 1024 * 1024;
    const piece = Buffer.alloc(1024 * 1024, 'a');
    let written = 0;
    const s = await server((_req, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': total });
      const pump = () => {
        while (written < total) {
          written += piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const res = await transport().request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: signal() });
    await res.body[Symbol.asyncIterator]().next();
    // Ample time for a client that reads ahead to drain the whole body over loopback.
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Only socket buffers' worth left the server: the unread body holds the connection back.
    expect(written).toBeLessThan(total / 4);
    res.body.destroy();
  });
});

describe('a body cut mid-way is an HttpFailure while iterating', () => {
  it('a reset after half the body: ECONNRESET, phase body', async () => {
    const body = answer(3000);
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.write(body.subarray(0, body.length / 2), () => res.socket?.resetAndDestroy());
    });
    const res = await transport().request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: signal() });
    expect(res.status).toBe(200);
    const error = await failureWhileReading(res.body);
    expect(error).toBeInstanceOf(HttpFailure);
    expect((error as HttpFailure).failure).toMatchObject({ networkCode: 'ECONNRESET', phase: 'body', host: `127.0.0.1:${s.port}` });
    expect((error as HttpFailure).failure.status).toBeUndefined();
  });

  it('a clean close before Content-Length bytes came (truncation): a network code, phase body', async () => {
    const body = answer(3000);
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.write(body.subarray(0, body.length / 2), () => res.socket?.end());
    });
    const res = await transport().request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: signal() });
    const error = await failureWhileReading(res.body);
    expect(error).toBeInstanceOf(HttpFailure);
    const f = (error as HttpFailure).failure;
    expect(f.phase).toBe('body');
    expect(f.networkCode).toMatch(/^(ECONNRESET|ERR_STREAM_PREMATURE_CLOSE)$/);
  });

  it('a gzip stream cut short in a body that ends at the close: Z_BUF_ERROR, phase body', async () => {
    const gz = gzipSync(answer(3000));
    const s = await server((_req, res) => {
      // No Content-Length and Connection: close, so the cut is seen only by the inflater.
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', connection: 'close' });
      res.end(gz.subarray(0, gz.length / 2));
    });
    const res = await transport({ compress: true }).request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: signal() });
    const error = await failureWhileReading(res.body);
    expect(error).toBeInstanceOf(HttpFailure);
    expect((error as HttpFailure).failure).toMatchObject({ networkCode: 'Z_BUF_ERROR', phase: 'body' });
  });

  it('a body labelled gzip that is not gzip: Z_DATA_ERROR, phase body', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end('{"range":"Sheet1!A1:B2","values":[]}');
    });
    const res = await transport({ compress: true }).request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: signal() });
    const error = await failureWhileReading(res.body);
    expect(error).toBeInstanceOf(HttpFailure);
    expect((error as HttpFailure).failure).toMatchObject({ networkCode: 'Z_DATA_ERROR', phase: 'body' });
  });
});

describe('network failures carry their codes', () => {
  async function requestFailure(t: Transport, url: string): Promise<HttpFailure> {
    const error = await t.request({ url: new URL(url), signal: signal() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpFailure);
    return error as HttpFailure;
  }

  it('ECONNREFUSED on a closed loopback port', async () => {
    const port = await closedPort();
    const f = (await requestFailure(transport(), `http://127.0.0.1:${port}/v4/x`)).failure;
    expect(f).toMatchObject({ networkCode: 'ECONNREFUSED', phase: 'request', host: `127.0.0.1:${port}` });
    expect(f.status).toBeUndefined();
  });

  it('ENOTFOUND on a name that cannot resolve (a .invalid name: nothing is sent)', async () => {
    const f = (await requestFailure(transport(), `https://${TEST_HOST}/v4/x`)).failure;
    expect(f).toMatchObject({ networkCode: 'ENOTFOUND', phase: 'request', host: TEST_HOST });
  });

  it('a TLS failure: a self-signed certificate', async () => {
    const s = await startSelfSignedHttps((_req, res) => res.end('{}'));
    closers.push(s.close);
    const f = (await requestFailure(transport(), `https://127.0.0.1:${s.port}/v4/x`)).failure;
    expect(f).toMatchObject({ networkCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', phase: 'request' });
  });

  it('https to a port that speaks plain http: ERR_SSL_WRONG_VERSION_NUMBER', async () => {
    const s = await server((_req, res) => res.end('{}'));
    const f = (await requestFailure(transport(), `https://127.0.0.1:${s.port}/v4/x`)).failure;
    expect(f.networkCode).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
    expect(f.phase).toBe('request');
  });
});

describe('cancellation', () => {
  it("an abort before the answer rejects with the signal's reason and drops the connection", async () => {
    let arrived: () => void = () => {};
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const closed: Promise<unknown>[] = [];
    const s = await server((req) => {
      closed.push(once(req.socket, 'close'));
      arrived();
    });
    const controller = new AbortController();
    const pending = transport().request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: controller.signal });
    await arrival;
    const reason = new Error('the caller gave up');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await Promise.all(closed);
  });

  it("an abort while the body streams makes iteration throw the signal's reason", async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"range":"Sheet1!A1:B2","values":[');
    });
    const controller = new AbortController();
    const res = await transport().request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: controller.signal });
    const reason = new Error('timed out after 5 s');
    const iterated = (async () => {
      for await (const _ of res.body) controller.abort(reason);
    })();
    await expect(iterated).rejects.toBe(reason);
  });

  it('an abort from inside the reader of a whole answer on a kept-alive connection: the reason, and no uncaught error', async () => {
    // The answer is complete before its reader acts on it, so its socket is about to go back to the
    // pool: an abort there must not hand the reason to a socket that nobody listens to any more.
    const body = answer(50);
    const s = await server((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const t = transport();
      for (let i = 0; i < 20; i++) {
        const controller = new AbortController();
        const res = await t.request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: controller.signal });
        // Let the whole answer arrive before the reader takes its first chunk.
        await new Promise((resolve) => setTimeout(resolve, 5));
        const reason = new Error(`dropped ${i}`);
        const iterated = (async () => {
          for await (const _ of res.body) controller.abort(reason);
        })();
        await expect(iterated).rejects.toBe(reason);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
  });

  it('an already-aborted signal sends nothing', async () => {
    let requests = 0;
    const s = await server((_req, res) => {
      requests += 1;
      res.end();
    });
    const reason = new Error('cancelled');
    await expect(transport().request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(requests).toBe(0);
  });
});

describe('keep-alive', () => {
  it('reuses one connection for requests in sequence, and close() ends it', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const s = await server((req, res) => {
      sockets.add(req.socket);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const t = transport();
    for (let i = 0; i < 3; i++)
      await readAll((await t.request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: signal() })).body);
    expect(s.connections()).toBe(1);
    // The server keeps idle connections for a minute: only close() can end this one now.
    const [socket] = [...sockets];
    const ended = once(socket as import('node:net').Socket, 'close');
    t.close();
    await ended;
    await expect(t.request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: signal() })).rejects.toThrow(/closed/);
  });

  it('close() also ends requests in flight, so nothing keeps the process alive', async () => {
    let arrived: () => void = () => {};
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const s = await server(() => arrived());
    const t = transport();
    const pending = t.request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: signal() });
    await arrival;
    t.close();
    const error = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpFailure);
    expect((error as HttpFailure).failure).toMatchObject({ phase: 'request', message: 'the HTTP transport was closed' });
  });

  it('a pooled connection the server dropped is replaced at once, not reported', async () => {
    let requests = 0;
    const s = await server((req, res) => {
      requests += 1;
      // The second request arrives on the kept-alive connection: drop it without an answer.
      if (requests === 2) return req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"n":${requests}}`);
    });
    const t = transport();
    const url = new URL(`http://127.0.0.1:${s.port}/v4/x`);
    await readAll((await t.request({ url, signal: signal() })).body);
    const second = await t.request({ url, signal: signal() });
    expect((await readAll(second.body)).toString()).toBe('{"n":3}');
    expect(s.connections()).toBe(2);
  });

  it('a fresh connection dropped without an answer is reported, not repeated', async () => {
    let requests = 0;
    const s = await server((req) => {
      requests += 1;
      req.socket.destroy();
    });
    const error = await transport()
      .request({ url: new URL(`http://127.0.0.1:${s.port}/v4/x`), signal: signal() })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(HttpFailure);
    expect((error as HttpFailure).failure).toMatchObject({ networkCode: 'ECONNRESET', phase: 'request' });
    expect(requests).toBe(1);
  });
});

describe('the TLS rule holds in the transport too', () => {
  it('refuses plain http to another machine before any lookup', async () => {
    await expect(transport().request({ url: new URL(`http://${TEST_HOST}/v4/x`), signal: signal() })).rejects.toMatchObject({
      exitCode: 2,
    });
  });
});
