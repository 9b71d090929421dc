// A small HTTP server in front of the emulator. It records when each API request arrives (on the
// clock of the process it runs in) and whether its client dropped it before the answer ended, and
// it can replay answers: with `cache`, the first 200 answer to a request is kept in memory and every
// later identical request is answered from there at once, so that a client-bound benchmark measures
// the client, not the emulator's cell generation on the other core.
//
// Identical means: the same path (percent-decoded), the same query parameters in any order, and the
// same content coding asked for (gzip or not). Answers other than 200 are passed through, never kept.
// With `latencyMs`, every request waits that long before it is answered or passed on: replayed
// answers then cost the latency alone, as on an API that serves requests in parallel, rather than
// the latency plus an emulator building them one at a time on a core the client needs. Each entry
// counts the body bytes the client was sent (as coded: a gzip answer's compressed bytes).
import http from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

function cacheKey(req) {
  const url = new URL(req.url, 'http://x');
  const query = [...url.searchParams].sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1));
  const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '') ? 'gzip' : 'identity';
  return `${gzip} ${decodeURIComponent(url.pathname)}?${query.map(([k, v]) => `${k}=${v}`).join('&')}`;
}

/**
 * Starts the server on 127.0.0.1 and a free port. Resolves with `url` (the API root to give a
 * client), `entries` (one per request: url, coding asked, arrived, ended, aborted, bytes), `stats`
 * (hits, misses) and `stop()`.
 */
export async function startProxy({ upstream, cache = false, latencyMs = 0, clock = () => performance.now() }) {
  const up = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const entries = [];
  const store = new Map();
  const stats = { hits: 0, misses: 0, storedBytes: 0 };
  const timers = new Set();
  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/_replay/')) return control(req, res);
    const entry = {
      url: req.url,
      coding: req.headers['accept-encoding'] ?? '',
      arrived: clock(),
      ended: undefined,
      aborted: false,
      bytes: 0,
    };
    entries.push(entry);
    res.once('close', () => {
      entry.ended = clock();
      entry.aborted = !res.writableFinished;
    });
    if (latencyMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        serve(req, res, entry);
      }, latencyMs);
      timers.add(timer);
      res.once('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
      return;
    }
    serve(req, res, entry);
  });

  function serve(req, res, entry) {
    if (res.destroyed) return;
    const key = cache ? cacheKey(req) : undefined;
    const hit = key && store.get(key);
    if (hit) {
      stats.hits += 1;
      res.writeHead(hit.status, hit.headers);
      entry.bytes = hit.body.length;
      res.end(hit.body);
      return;
    }
    if (cache) stats.misses += 1;
    const headers = { ...req.headers, host: up.host };
    const upReq = http.request({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers, agent }, (upRes) => {
      const out = Object.fromEntries(Object.entries(upRes.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
      if (!cache || upRes.statusCode !== 200) {
        res.writeHead(upRes.statusCode, out);
        upRes.on('data', (d) => (entry.bytes += d.length));
        upRes.pipe(res);
        return;
      }
      const parts = [];
      upRes.on('data', (d) => parts.push(d));
      upRes.on('end', () => {
        const body = Buffer.concat(parts);
        const kept = { status: 200, headers: { ...out, 'content-length': String(body.length) }, body };
        store.set(key, kept);
        stats.storedBytes += body.length;
        res.writeHead(200, kept.headers);
        entry.bytes = body.length;
        res.end(body);
      });
      upRes.on('error', () => res.destroy());
    });
    upReq.on('error', () => res.destroy());
    // A client that drops its request drops the emulator's too, as it would the API's.
    res.once('close', () => {
      if (!res.writableFinished) upReq.destroy();
    });
    upReq.end();
  }

  function control(req, res) {
    const path = req.url.split('?')[0];
    const body = path === '/_replay/stats' ? { ...stats, requests: entries.length } : path === '/_replay/log' ? entries : undefined;
    if (path === '/_replay/reset') entries.length = 0;
    res.writeHead(body || path === '/_replay/reset' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? {}));
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    entries,
    stats,
    stop() {
      for (const timer of timers) clearTimeout(timer);
      agent.destroy();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
