/* global fetch */
// The CPU floor: the least work that produces the same CSV from the same chunks. Node's own fetch,
// --concurrency requests in flight, answers JSON.parse'd and written in sheet order with minimal
// quoting. Chunks follow sheetpipe's default plan (a first chunk of --first rows, then --rows-per
// rows) unless told otherwise. No retries, no validation, no progress: a floor, not a tool.
//   node floor.js --endpoint URL --id ID --tab Generated [--first 1000] [--rows-per 10000] [--concurrency 4] > out.csv
import { loopbackEndpoint, parseFlags, write } from '../lib/args.js';

const flags = parseFlags(process.argv.slice(2));
const root = loopbackEndpoint(flags.endpoint);
const base = `${root}v4/spreadsheets/${encodeURIComponent(flags.id)}`;
const firstRows = Number(flags.first ?? 1000);
const steadyRows = Number(flags['rows-per'] ?? 10_000);
const concurrency = Number(flags.concurrency ?? 4);

const meta = await (await fetch(`${base}?fields=sheets.properties(title,gridProperties)`)).json();
const sheet = meta.sheets.find((s) => s.properties.title === flags.tab) ?? meta.sheets[0];
const title = sheet.properties.title;
const { rowCount, columnCount } = sheet.properties.gridProperties;
let lastCol = '';
for (let n = columnCount; n > 0; n = Math.floor((n - 1) / 26)) lastCol = String.fromCharCode(65 + ((n - 1) % 26)) + lastCol;

const ranges = [];
for (let row = 1, i = 0; row <= rowCount; i++) {
  const rows = Math.min(i === 0 ? firstRows : steadyRows, rowCount - row + 1);
  ranges.push(`'${title.replaceAll("'", "''")}'!A${row}:${lastCol}${row + rows - 1}`);
  row += rows;
}

const QUOTE = /[",\r\n]/;
let width = 0; // rows are padded to the first row's width, as sheetpipe's CSV is: the same bytes out
function csv(values) {
  let out = '';
  if (width === 0 && values.length > 0) width = values[0].length;
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

const get = async (range) => JSON.parse(await (await fetch(`${base}/values/${encodeURIComponent(range)}`)).text());
const pending = [];
let next = 0;
let rows = 0;
while (next < ranges.length && pending.length < concurrency) pending.push(get(ranges[next++]));
while (pending.length > 0) {
  const answer = await pending.shift();
  if (next < ranges.length) pending.push(get(ranges[next++]));
  const values = answer.values ?? [];
  rows += values.length;
  await write(csv(values));
}
process.stderr.write(`floor: ${rows} rows, ${ranges.length + 1} requests\n`);
