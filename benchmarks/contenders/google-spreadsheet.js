/* global Request */
// google-spreadsheet (npm, v5.2.0) paging a tab with sheet.getRows({ offset, limit }), CSV out.
//
// google-spreadsheet cannot be given a base URL: GoogleSpreadsheet.ts hardcodes
// `const SHEETS_API_BASE_URL = 'https://sheets.googleapis.com/v4/spreadsheets'` as the ky
// prefixUrl, its constructor options are only { retryConfig }, and its auth hook can add headers or
// a `key` query parameter but never change the host. An HTTP proxy variable does not help either:
// Node 20's fetch ignores HTTPS_PROXY, and the traffic would be TLS to Google anyway. What does
// work, unchanged library code and all: ky calls `globalThis.fetch` at request time, so a fetch
// that swaps the origin `https://sheets.googleapis.com/` for the emulator's loopback root (same path,
// same query) sends every request it makes to the emulator. Anything else is refused.
//   node google-spreadsheet.js --endpoint URL --id ID --tab Generated [--chunk-rows 1000] > out.csv
import { GoogleSpreadsheet } from 'google-spreadsheet';
import { stringify } from 'csv-stringify/sync';
import { loopbackEndpoint, parseFlags, write } from '../lib/args.js';

const flags = parseFlags(process.argv.slice(2));
const root = loopbackEndpoint(flags.endpoint);
const chunkRows = Number(flags['chunk-rows'] ?? 1000);
const GOOGLE = 'https://sheets.googleapis.com/';
const realFetch = globalThis.fetch;
let requests = 0;
globalThis.fetch = (input, init) => {
  const request = input instanceof Request ? input : new Request(input, init);
  if (!request.url.startsWith(GOOGLE)) throw new Error(`refusing a request to ${request.url}`);
  requests += 1;
  return realFetch(new Request(root + request.url.slice(GOOGLE.length), request));
};

// An auth object with getRequestHeaders() is how google-auth-library clients plug in; the
// emulator needs no credentials, so it adds none.
const doc = new GoogleSpreadsheet(flags.id, { getRequestHeaders: async () => ({}) });
await doc.loadInfo();
const sheet = doc.sheetsByTitle[flags.tab] ?? doc.sheetsByIndex[0];
let rows = 0;
for (let offset = 0; ; offset += chunkRows) {
  const page = await sheet.getRows({ offset, limit: chunkRows });
  if (offset === 0) await write(stringify([sheet.headerValues]));
  if (page.length === 0) break;
  rows += page.length;
  await write(stringify(page.map((row) => row._rawData)));
  if (offset + chunkRows >= sheet.rowCount - 1) break;
}
process.stderr.write(`google-spreadsheet: ${rows} rows, ${requests} requests\n`);
