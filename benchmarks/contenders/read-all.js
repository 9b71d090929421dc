/* global fetch */
// The naive export: read it all, then write. One metadata read, ONE values.get of the whole tab,
// csv-stringify (sync) over every row, one write to --out.
//   node read-all.js --endpoint URL --id ID --tab Generated --out FILE
import { writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { loopbackEndpoint, parseFlags } from '../lib/args.js';

const flags = parseFlags(process.argv.slice(2));
const base = `${loopbackEndpoint(flags.endpoint)}v4/spreadsheets/${encodeURIComponent(flags.id)}`;
const meta = await (await fetch(`${base}?fields=sheets.properties(title,gridProperties)`)).json();
const sheet = meta.sheets.find((s) => s.properties.title === flags.tab) ?? meta.sheets[0];
const { title, gridProperties } = sheet.properties;
let lastCol = '';
for (let n = gridProperties.columnCount; n > 0; n = Math.floor((n - 1) / 26)) lastCol = String.fromCharCode(65 + ((n - 1) % 26)) + lastCol;
const range = `'${title.replaceAll("'", "''")}'!A1:${lastCol}${gridProperties.rowCount}`;
const answer = await (await fetch(`${base}/values/${encodeURIComponent(range)}`)).json();
const values = answer.values ?? [];
writeFileSync(flags.out, stringify(values));
process.stderr.write(`read-all: ${values.length} rows\n`);
