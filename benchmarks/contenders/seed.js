// The seed design: a sequential loop of fixed 1,000-row chunks through @googleapis/sheets, CSV out.
// One metadata read for the grid size, then values.get for rows 1-1000, 1001-2000, ... one at a
// time. On 429 it waits for Retry-After (else 1 s) and asks again. Paced by --rpm like sheetpipe's
// --max-rpm (one request start every 60/rpm s, the metadata read included; 0 = unpaced), so that
// a comparison under a quota compares designs, not pacing. @googleapis/sheets is no dependency of
// sheetpipe: the harness hands its location over in SHEETPIPE_BENCH_SHEETS_CLIENT (lib/old-client.js).
//   node seed.js --endpoint URL --id ID --tab Generated [--chunk-rows 1000] [--rpm 0]  > out.csv
import { stringify } from 'csv-stringify/sync';
import { loadOldClient, loopbackEndpoint, parseFlags, sleep, write } from '../lib/args.js';

const { sheets } = await loadOldClient();

const flags = parseFlags(process.argv.slice(2));
const rootUrl = loopbackEndpoint(flags.endpoint);
const spreadsheetId = flags.id;
const chunkRows = Number(flags['chunk-rows'] ?? 1000);
const interval = Number(flags.rpm ?? 0) > 0 ? 60_000 / Number(flags.rpm) : 0;
const api = sheets({ version: 'v4', rootUrl, auth: undefined, retry: false });

let nextStart = 0;
let requests = 0;
let throttled = 0;
async function call(fn) {
  for (;;) {
    const wait = nextStart - Date.now();
    if (wait > 0) await sleep(wait);
    nextStart = Math.max(Date.now(), nextStart) + interval;
    requests += 1;
    try {
      return await fn();
    } catch (error) {
      if (error.response?.status !== 429) throw error;
      throttled += 1;
      const headers = error.response.headers;
      const retryAfter = Number(typeof headers?.get === 'function' ? headers.get('retry-after') : headers?.['retry-after']);
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 1000);
    }
  }
}

const meta = await call(() => api.spreadsheets.get({ spreadsheetId, fields: 'sheets.properties(title,gridProperties)' }));
const sheet = meta.data.sheets.find((s) => s.properties.title === flags.tab) ?? meta.data.sheets[0];
const title = sheet.properties.title;
const { rowCount, columnCount } = sheet.properties.gridProperties;
const lastCol = columnLetters(columnCount);
let rows = 0;
for (let first = 1; first <= rowCount; first += chunkRows) {
  const last = Math.min(rowCount, first + chunkRows - 1);
  const range = `'${title.replaceAll("'", "''")}'!A${first}:${lastCol}${last}`;
  const res = await call(() => api.spreadsheets.values.get({ spreadsheetId, range }));
  const values = res.data.values ?? [];
  rows += values.length;
  if (values.length > 0) await write(stringify(values));
}
process.stderr.write(`seed: ${rows} rows, ${requests} requests, ${throttled} throttled\n`);

function columnLetters(n) {
  let s = '';
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
