/**
 * The one HTTP stack for every Sheets API request: node:http/https over keep-alive agents, the
 * body handed over as a pull-based stream of decompressed Buffers (gzip inflated as it arrives,
 * never held whole), cancellation by AbortSignal, and the environment's proxy settings.
 *
 * Proxies: HTTPS_PROXY / https_proxy (else ALL_PROXY) with NO_PROXY / no_proxy, through a CONNECT
 * tunnel. A loopback host is never proxied, as Go's ProxyFromEnvironment does. Plain http goes only
 * to this machine (see endpoint.ts), so HTTP_PROXY has nothing to apply to. The proxy packages are
 * imported only when a proxy variable is set: start-up time matters to a pipe tool.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { type Readable, type Transform, pipeline } from 'node:stream';
import { UsageError } from '../shared/errors.js';
import { isLoopback, requireTls } from './endpoint.js';
import { HttpFailure, networkFailure } from './failure.js';

export interface TransportOptions {
  /** Sockets per host at most: about the number of requests kept in flight. Default 64. */
  maxSockets?: number;
  /**
   * Ask for gzip. Default: yes, except on a loopback host, where compressing and inflating only
   * cost CPU.
   */
  compress?: boolean;
  /** Sent as User-Agent. Google compresses only when it contains "gzip". Default `sheetpipe (gzip)`. */
  userAgent?: string;
}

/** Decompressed body bytes, pulled: a consumer that stops asking pauses the socket. Iterate once. */
export interface ResponseBody extends AsyncIterable<Buffer> {
  /** Stops reading and drops the connection (it is not returned to the pool half-read). */
  destroy(): void;
}

export interface TransportResponse {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  /**
   * Errors while iterating are HttpFailure (phase `body`: reset, truncation, broken gzip), or the
   * signal's reason once it aborted.
   */
  body: ResponseBody;
  /** host:port of the proxy used, if any. */
  proxy?: string;
}

export interface TransportRequest {
  url: URL;
  headers?: Record<string, string>;
  /** Aborting destroys the socket, before or during the body; the rejection is the signal's reason. */
  signal: AbortSignal;
}

export interface Transport {
  /**
   * A GET of `url`. Resolves when the status line and headers have arrived, whatever the status.
   * Rejects with HttpFailure (phase `request`) when no answer comes: refused, DNS, TLS, reset.
   */
  request(request: TransportRequest): Promise<TransportResponse>;
  /**
   * Settles the route to `url` ahead of its first request: reads the proxy settings and loads the
   * proxy modules if one applies. Throws UsageError for a proxy setting that cannot be used.
   */
  prepare(url: URL): Promise<void>;
  /** Ends every request and destroys every socket, idle or busy, so the process can exit at once. */
  close(): void;
}

const DEFAULT_MAX_SOCKETS = 64;
const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'] as const;

interface Route {
  agent: http.Agent;
  send: typeof http.request;
  proxy?: string;
}

// node:https (with tls) and node:zlib are loaded only when used: a loopback emulator needs neither.
let httpsModule: Promise<typeof import('node:https')> | undefined;
const loadHttps = () => (httpsModule ??= import('node:https'));
let zlibModule: Promise<typeof import('node:zlib')> | undefined;
const loadZlib = () => (zlibModule ??= import('node:zlib'));

const DECODERS: Record<string, ((zlib: typeof import('node:zlib')) => Transform) | undefined> = {
  gzip: (zlib) => zlib.createGunzip(),
  'x-gzip': (zlib) => zlib.createGunzip(),
  deflate: (zlib) => zlib.createInflate(),
  br: (zlib) => zlib.createBrotliDecompress(),
};

class Body implements ResponseBody {
  constructor(
    private readonly stream: Readable,
    private readonly fail: (error: unknown) => unknown,
    private readonly signal: AbortSignal,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of this.stream) {
        yield chunk as Buffer;
        // Aborted while the reader held the last chunk: the stream may end cleanly all the same.
        this.signal.throwIfAborted();
      }
    } catch (error) {
      throw this.fail(error);
    }
  }

  destroy(): void {
    this.stream.destroy();
  }
}

/** The proxy named by the environment for `url`, honouring NO_PROXY; undefined for none. */
async function proxyFor(url: URL): Promise<URL | undefined> {
  const raw = PROXY_VARIABLES.map((name) => process.env[name]).find((value) => value !== undefined && value !== '');
  if (raw === undefined) return undefined;
  const { getProxyForUrl } = await import('proxy-from-env');
  let proxy = getProxyForUrl(url.href);
  if (!proxy) return undefined;
  // A proxy given without a scheme speaks plain http (as curl assumes), not the target's https.
  if (!raw.includes('://')) proxy = `http://${raw}`;
  let parsed: URL;
  try {
    parsed = new URL(proxy);
  } catch {
    // The value may hold the proxy's password: it is never shown.
    throw new UsageError('HTTPS_PROXY (or https_proxy, ALL_PROXY) is not a URL; set it like http://proxy.example:3128');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(
      `HTTPS_PROXY (or https_proxy, ALL_PROXY) names a ${parsed.protocol.slice(0, -1)} proxy; only http:// and https:// proxies are supported`,
    );
  }
  return parsed;
}

/** Creates a transport; each holds its own pools of sockets, freed by close(). */
export function createTransport(options: TransportOptions = {}): Transport {
  const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
  const userAgent = options.userAgent ?? 'sheetpipe (gzip)';
  const agents = new Map<string, http.Agent>();
  // Requests not yet finished, queued ones included: close() ends them too.
  const live = new Set<http.ClientRequest>();
  let closed = false;

  const agent = (key: string, make: () => http.Agent): http.Agent => {
    let found = agents.get(key);
    if (!found) agents.set(key, (found = make()));
    return found;
  };

  const route = async (url: URL): Promise<Route> => {
    if (url.protocol !== 'https:')
      return { agent: agent('http:', () => new http.Agent({ keepAlive: true, maxSockets })), send: http.request };
    const https = await loadHttps();
    const direct = { agent: agent('https:', () => new https.Agent({ keepAlive: true, maxSockets })), send: https.request };
    if (isLoopback(url)) return direct;
    const proxy = await proxyFor(url);
    if (!proxy) return direct;
    const { HttpsProxyAgent } = await import('https-proxy-agent');
    return {
      agent: agent(`proxy ${proxy.href}`, () => new HttpsProxyAgent(proxy, { keepAlive: true, maxSockets })),
      send: https.request,
      proxy: proxy.host,
    };
  };

  /** One try on one socket. `reusedReset` is set when a pooled socket turned out dead before any answer. */
  const attempt = (url: URL, headers: Record<string, string>, signal: AbortSignal, via: Route, state: { reusedReset: boolean }) =>
    new Promise<TransportResponse>((resolve, reject) => {
      const facts = { host: url.host, proxy: via.proxy };
      const req = via.send(url, { method: 'GET', agent: via.agent, headers });
      live.add(req);
      req.once('close', () => live.delete(req));
      let answer: IncomingMessage | undefined;
      // Before an answer, the request is destroyed with the reason (its error listener below reports
      // it). After, the answer is: destroying the request then would hand the reason to a socket that
      // a complete answer is about to return to the pool, whose error listener is gone by the time
      // the error is emitted: an uncaught 'error'. The body's reader sees the signal's reason.
      const onAbort = () => {
        if (answer) answer.destroy();
        else req.destroy(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const release = () => signal.removeEventListener('abort', onAbort);

      req.on('error', (error: NodeJS.ErrnoException) => {
        // After the answer began, the body stream reports the failure.
        if (answer) return;
        release();
        if (signal.aborted) return reject(signal.reason);
        if (req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) state.reusedReset = true;
        reject(networkFailure(error, { ...facts, phase: 'request' }));
      });
      req.on('response', (res) => {
        answer = res;
        // Unread errors must not crash the process: the iterator finds them on the stream.
        res.on('error', () => {});
        const status = res.statusCode ?? 0;
        // No `status` on a failure mid-body: the answer began well, the connection or the stream failed.
        const fail = (error: unknown): unknown =>
          signal.aborted ? signal.reason : error instanceof HttpFailure ? error : networkFailure(error, { ...facts, phase: 'body' });
        decoded(res, facts).then(
          (stream) => {
            stream.on('error', () => {});
            if (signal.aborted) {
              release();
              stream.destroy();
              return reject(signal.reason);
            }
            if (stream.destroyed) release();
            else stream.once('close', release);
            resolve({
              status,
              statusMessage: res.statusMessage ?? '',
              headers: res.headers,
              body: new Body(stream, fail, signal),
              proxy: via.proxy,
            });
          },
          (error: unknown) => {
            release();
            res.destroy();
            reject(error);
          },
        );
      });
      req.end();
    });

  return {
    async request({ url, headers = {}, signal }) {
      if (closed) throw new Error('the HTTP transport is closed');
      // Defence in depth: credentials never go over plain http to another machine.
      requireTls(url, 'the request URL');
      signal.throwIfAborted();
      const compress = options.compress ?? !isLoopback(url);
      const [via] = await Promise.all([route(url), compress ? loadZlib() : undefined]);
      signal.throwIfAborted();
      const sent = { ...headers, 'user-agent': userAgent, 'accept-encoding': compress ? 'gzip' : 'identity' };
      // A pooled socket the server had already closed fails before any answer: the request never
      // reached the server, so it goes again on another socket, as Go's and undici's clients do.
      // Each dead socket leaves the pool, so this ends on a fresh one. Not a retry of a failure:
      // those are the fetch layer's.
      for (let tries = 1; ; tries++) {
        const state = { reusedReset: false };
        try {
          return await attempt(url, sent, signal, via, state);
        } catch (error) {
          if (!state.reusedReset || signal.aborted || tries > maxSockets) throw error;
        }
      }
    },
    async prepare(url) {
      await Promise.all([route(url), (options.compress ?? !isLoopback(url)) ? loadZlib() : undefined]);
    },
    close() {
      closed = true;
      for (const req of live) req.destroy(new Error('the HTTP transport was closed'));
      for (const a of agents.values()) a.destroy();
      agents.clear();
    },
  };
}

/** The body as decompressed bytes: `res` itself, or `res` piped through an inflater. */
async function decoded(res: IncomingMessage, facts: { host: string; proxy?: string }): Promise<Readable> {
  const coding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return res;
  const make = DECODERS[coding];
  if (!make) {
    throw new HttpFailure({
      ...facts,
      status: res.statusCode,
      phase: 'answer',
      malformed: true,
      message: `the answer is encoded as ${coding}, which was not asked for`,
    });
  }
  // The response stays paused while the module loads: nothing is lost.
  return pipeline(res, make(await loadZlib()), () => {});
}
