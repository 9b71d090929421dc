/* global fetch, Response */
// One HTTP stack alone, reading values answers and throwing them away: what choosing it costs.
//   http         sheetpipe's transport (dist/google/transport.js: node:http, keep-alive, body streamed)
//   fetch        Node's own fetch (undici), body read as a stream
//   gaxios       @googleapis/sheets → googleapis-common → gaxios, with responseType 'stream'
//   gaxios-json  the same client as the old engine used it: the answer read whole and JSON.parse'd
// Every stack asks for the same content coding (identity, or gzip with --gzip yes) and sends the
// requests of a sheetpipe run (--urls FILE, as floor.js), --rounds times over, --concurrency at once.
// Prints one JSON line: { loadMs, dataMs, bytes, requests, rows }. loadMs is from the start of this
// module to a client ready to send: the import and the client's construction (for fetch, loading
// undici, which Node does on first use). --load-only stops there.
//   node transport.js --transport http --endpoint URL --id ID --urls FILE [--rounds 10] [--concurrency 4] [--gzip no] [--load-only yes]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadOldClient, loopbackEndpoint, parseFlags } from '../lib/args.js';

const t0 = performance.now();
const flags = parseFlags(process.argv.slice(2));
const root = loopbackEndpoint(flags.endpoint);
const kind = flags.transport;
const gzip = flags.gzip === 'yes';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Each stack: load() → get(path) resolving with { bytes, rows } once the body has been read to its end. */
const stacks = {
  async http() {
    const { createTransport } = await import(pathToFileURL(join(ROOT, 'dist', 'google', 'transport.js')).href);
    const transport = createTransport({ compress: gzip, maxSockets: 64 });
    const signal = new AbortController().signal;
    return async (path) => {
      const res = await transport.request({ url: new URL(path, root), signal });
      if (res.status !== 200) throw new Error(`${res.status} for ${path}`);
      let bytes = 0;
      for await (const chunk of res.body) bytes += chunk.length;
      return { bytes, rows: 0 };
    };
  },
  async fetch() {
    void Response; // Node loads undici on first use of any of its globals
    const headers = { 'accept-encoding': gzip ? 'gzip' : 'identity' };
    return async (path) => {
      const res = await fetch(new URL(path, root), { headers });
      if (res.status !== 200) throw new Error(`${res.status} for ${path}`);
      let bytes = 0;
      for await (const chunk of res.body) bytes += chunk.length;
      return { bytes, rows: 0 };
    };
  },
  async gaxios() {
    return oldClient('stream');
  },
  async 'gaxios-json'() {
    return oldClient('json');
  },
};

async function oldClient(responseType) {
  const { sheets } = await loadOldClient();
  const api = sheets({ version: 'v4', rootUrl: root, retry: false });
  const headers = { 'accept-encoding': gzip ? 'gzip' : 'identity' };
  return async (path) => {
    const url = new URL(path, root);
    const range = decodeURIComponent(url.pathname.slice(url.pathname.indexOf('/values/') + '/values/'.length));
    const params = Object.fromEntries(url.searchParams);
    const res = await api.spreadsheets.values.get({ spreadsheetId: flags.id, range, ...params }, { responseType, headers });
    if (responseType === 'json') return { bytes: 0, rows: res.data.values?.length ?? 0 };
    let bytes = 0;
    for await (const chunk of res.data) bytes += chunk.length;
    return { bytes, rows: 0 };
  };
}

if (!stacks[kind]) throw new Error(`--transport must be one of ${Object.keys(stacks).join(', ')}`);
const get = await stacks[kind]();
const loadMs = performance.now() - t0;
if (flags['load-only'] === 'yes') {
  process.stdout.write(`${JSON.stringify({ loadMs })}\n`);
  process.exit(0);
}

const [, ...valuesPaths] = JSON.parse(readFileSync(flags.urls, 'utf8'));
const rounds = Number(flags.rounds ?? 10);
const concurrency = Number(flags.concurrency ?? 4);
const queue = [];
for (let r = 0; r < rounds; r++) queue.push(...valuesPaths);
const t1 = performance.now();
let bytes = 0;
let rows = 0;
let next = 0;
async function worker() {
  while (next < queue.length) {
    const got = await get(queue[next++]);
    bytes += got.bytes;
    rows += got.rows;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const dataMs = performance.now() - t1;
process.stdout.write(`${JSON.stringify({ loadMs, dataMs, bytes, rows, requests: queue.length })}\n`);
// Keep-alive sockets of every stack would hold the process open a while.
process.exit(0);
