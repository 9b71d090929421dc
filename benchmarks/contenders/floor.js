/* global fetch */
// The CPU floor: the least work that turns sheetpipe's answers into sheetpipe's CSV. It sends the
// very requests a sheetpipe run sent (--urls FILE: a JSON list of request paths under the API root,
// recorded in front of the emulator; the metadata request first, then the values requests in plan
// order), through the same kind of transport (node:http keep-alive sockets; on loopback no gzip,
// as sheetpipe asks; the same query, so compact JSON), --concurrency in flight. Each answer is read
// whole, JSON.parse'd and written in order with minimal quoting, rows padded to the widest of the
// first 1,000 rows as sheetpipe's width rule does, the row a chunk repeats from the one before it
// (sheetpipe's boundary check asks for it) written once: the same bytes out. No retries, no validation,
// no progress: a floor, not a tool. `--transport fetch` uses Node's fetch instead (same headers).
//   node floor.js --endpoint URL --urls FILE [--concurrency 4] [--transport http|fetch] > out.csv
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { loopbackEndpoint, parseFlags, write } from '../lib/args.js';

const flags = parseFlags(process.argv.slice(2));
const root = loopbackEndpoint(flags.endpoint);
const concurrency = Number(flags.concurrency ?? 4);
const [metadataPath, ...valuesPaths] = JSON.parse(readFileSync(flags.urls, 'utf8'));
// sheetpipe asks a loopback endpoint for identity (compressing on loopback only costs CPU).
const headers = { 'accept-encoding': 'identity', 'user-agent': 'sheetpipe-bench-floor' };

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency + 1 });
const getText = {
  http: (path) =>
    new Promise((resolve, reject) => {
      http
        .get(new URL(path, root), { agent, headers }, (res) => {
          const parts = [];
          res.on('data', (d) => parts.push(d));
          res.on('end', () =>
            res.statusCode === 200 ? resolve(Buffer.concat(parts).toString('utf8')) : reject(new Error(`${res.statusCode} for ${path}`)),
          );
          res.on('error', reject);
        })
        .on('error', reject);
    }),
  fetch: async (path) => {
    const res = await fetch(new URL(path, root), { headers });
    if (res.status !== 200) throw new Error(`${res.status} for ${path}`);
    return res.text();
  },
}[flags.transport ?? 'http'];
if (!getText) throw new Error(`--transport must be http or fetch, got ${flags.transport}`);

const QUOTE = /[",\r\n]/;
let width = -1; // the widest of the first 1,000 rows: sheetpipe's width rule for a range without a last column
function csv(values) {
  if (width < 0) width = values.slice(0, 1000).reduce((w, row) => Math.max(w, row.length), 0);
  let out = '';
  for (const row of values) {
    let line = '';
    const n = Math.max(width, row.length);
    for (let c = 0; c < n; c++) {
      const v = c < row.length ? row[c] : '';
      const s = typeof v === 'string' ? v : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v);
      line += (c > 0 ? ',' : '') + (QUOTE.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
    }
    out += `${line}\n`;
  }
  return out;
}

const metadata = getText(metadataPath).then((text) => JSON.parse(text));
const pending = [];
let next = 0;
let rows = 0;
let nextRow = 0; // the first sheet row not yet written; an answer that starts above it repeats rows
const startRow = (range) => Number(/![A-Z]*(\d+)/.exec(range)[1]);
while (next < valuesPaths.length && pending.length < concurrency) pending.push(getText(valuesPaths[next++]));
while (pending.length > 0) {
  const answer = JSON.parse(await pending.shift());
  if (next < valuesPaths.length) pending.push(getText(valuesPaths[next++]));
  const start = startRow(answer.range);
  const values = (answer.values ?? []).slice(Math.max(0, nextRow - start));
  nextRow = start + (answer.values ?? []).length;
  rows += values.length;
  await write(csv(values));
}
await metadata;
agent.destroy();
process.stderr.write(`floor: ${rows} rows, ${valuesPaths.length + 1} requests\n`);
