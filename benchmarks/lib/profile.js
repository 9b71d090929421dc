// Summaries of a `node --cpu-prof` profile (self time by module and by function) and of the GC
// record written by gc-observer.js.
import { readFileSync } from 'node:fs';

/** The module a profile node's self time is booked to. */
function categorise({ functionName: fn, url }) {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)' || fn === '(root)') return 'V8/native, unattributed';
  if (url === '' && /^(parse|JSONParse|JsonParse)$/.test(fn)) return 'JSON.parse';
  // V8 books the JSON.parse builtin to its caller: this gaxios function is `JSON.parse(await res.text())`.
  if (fn === 'getResponseDataFromContentType') return 'JSON.parse (in gaxios)';
  if (url === 'node:internal/encoding') return 'TextDecoder';
  if (/node_modules\/(gaxios|node-fetch|googleapis-common|google-auth-library|gcp-metadata|@googleapis)/.test(url))
    return 'gaxios / googleapis-common';
  if (/zlib/.test(url) || /zlib|inflate|gunzip/i.test(fn)) return 'zlib';
  if (url.includes('undici') || url.startsWith('node:internal/deps/undici')) return 'undici (fetch)';
  if (url.includes('/dist/')) return `sheetpipe ${url.slice(url.indexOf('/dist/') + 6)}`;
  if (url.startsWith('node:internal/streams') || url.startsWith('node:stream')) return 'node streams';
  if (
    url === 'node:_http_client' ||
    url === 'node:_http_common' ||
    url === 'node:_http_incoming' ||
    url === 'node:_http_agent' ||
    url === 'node:http'
  )
    return 'node http';
  if (url === 'node:net' || url.startsWith('node:internal/stream_base_commons')) return 'node net / sockets';
  if (url === 'node:buffer' || url.startsWith('node:internal/buffer')) return 'node buffer';
  if (/^node:internal\/(modules|process\/esm_loader|vm)/.test(url) || fn === 'compileSourceTextModule') return 'module loading';
  if (url.startsWith('node:')) return 'node core, other';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return `npm ${m[1]}`;
  return url === '' ? `V8 builtin ${fn || '(anonymous)'}` : url;
}

/**
 * { text (markdown), shares: { category → share of busy time }, busyMs, gcShare, ownShare }.
 * `label` says what ran.
 */
export function summariseProfile(file, label) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byCategory = new Map();
  const byFunction = new Map();
  for (const [id, us] of self) {
    const node = byId.get(id);
    const cat = categorise(node.callFrame);
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + us);
    if (cat === 'idle') continue;
    const where = node.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '$1/').replace('file://', '');
    const key = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const busy = total - (byCategory.get('idle') ?? 0);
  const share = (us) => us / busy;
  const pct = (us) => `${(100 * share(us)).toFixed(1)}%`;
  const own = [...byCategory].filter(([k]) => k.startsWith('sheetpipe ')).reduce((a, [, v]) => a + v, 0);
  const cats = [...byCategory].filter(([k]) => k !== 'idle').sort((a, b) => b[1] - a[1]);
  const shown = cats.slice(0, 16);
  const rest = busy - shown.reduce((a, [, v]) => a + v, 0);
  let text = `${label}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (the rest idle, waiting for the network); shares of busy time.\n\n`;
  text += `By module (sheetpipe's own code together: ${pct(own)}):\n\n| module | self time | share |\n| --- | ---: | ---: |\n`;
  for (const [k, v] of shown) text += `| ${k} | ${(v / 1000).toFixed(0)} ms | ${pct(v)} |\n`;
  if (rest > 0) text += `| everything else | ${(rest / 1000).toFixed(0)} ms | ${pct(rest)} |\n`;
  text += `\nTop self-time functions:\n\n| function | self time | share |\n| --- | ---: | ---: |\n`;
  for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 18))
    text += `| \`${k}\` | ${(v / 1000).toFixed(0)} ms | ${pct(v)} |\n`;
  return {
    text,
    busyMs: busy / 1000,
    shares: Object.fromEntries(cats.map(([k, v]) => [k, share(v)])),
    gcShare: share(byCategory.get('GC') ?? 0),
    ownShare: share(own),
  };
}

const GC_KINDS = {
  1: 'scavenge (young generation)',
  2: 'minor mark-sweep',
  4: 'mark-compact (full)',
  8: 'incremental marking',
  16: 'weak callbacks',
};

/** Markdown lines from gc-observer.js's record: count and pause time per kind of collection. */
export function summariseGc(file, wallMs) {
  let record;
  try {
    record = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return '';
  }
  const kinds = Object.entries(record.kinds).sort((a, b) => b[1].ms - a[1].ms);
  const totalMs = kinds.reduce((a, [, k]) => a + k.ms, 0);
  let text = `Garbage collections in the same run (PerformanceObserver 'gc' entries): ${kinds.reduce((a, [, k]) => a + k.count, 0)} collections, ${totalMs.toFixed(0)} ms of pauses${wallMs ? ` (${((100 * totalMs) / wallMs).toFixed(1)}% of the run's wall time)` : ''}; heap used at most ${(record.peakHeapMB ?? 0).toFixed(0)} MB when sampled after a collection.\n\n| kind | count | pause total | longest |\n| --- | ---: | ---: | ---: |\n`;
  for (const [kind, k] of kinds) text += `| ${GC_KINDS[kind] ?? kind} | ${k.count} | ${k.ms.toFixed(0)} ms | ${k.max.toFixed(1)} ms |\n`;
  return text;
}
