// sheetpipe's CSV Encoding against csv-stringify, the test oracle whose bytes it matches, on the same
// rows (the answers of benchmarks/transcode.js), in one process, no HTTP:
//   format only    — the rows already read: csv-stringify's sync API over the parsed, padded rows
//                    (JSON.parse beforehand, not timed) vs the CSV Encoding over the cells the
//                    scanner found in the same answer (recorded beforehand, not timed), replayed
//                    into a ByteBuffer
//   answer → CSV   — the answer's bytes to CSV bytes: JSON.parse + padding + csv-stringify vs
//                    ValuesScanner + the CSV Encoding fed 64 KiB pieces (what an export runs)
// csv-stringify's string is made bytes (Buffer.from) inside its time, as a write would need. Both
// must write the same bytes (checked first); then the median of interleaved runs.
//   npm run build && node benchmarks/csv-encode.js [--rows 15000] [--cols 10] [--runs 7] [--json]
import { stringify } from 'csv-stringify/sync';
import { createEncoding } from '../dist/transcode/encode.js';
import { ByteBuffer } from '../dist/transcode/bytes.js';
import { ValuesScanner } from '../dist/transcode/scanner.js';
import { generatedAnswer, longCellsAnswer, median, pieces, scanToCsv, sizeFlags } from './lib/transcode-core.js';

const { rows: ROWS, cols: COLS, runs: RUNS } = sizeFlags();

/** csv-stringify set to the output rules: booleans as the sheet shows them, numbers as String(n) (what the test oracle uses). */
const STRINGIFY = { cast: { boolean: (b) => (b ? 'TRUE' : 'FALSE'), number: (n) => String(n) } };

const padded = (rows, width) => rows.map((row) => (row.length >= width ? row : [...row, ...Array(width - row.length).fill('')]));

function stringifyBytes(rows) {
  return Buffer.from(stringify(rows, STRINGIFY), 'utf8');
}

const STRING = 0;
const NUMBER = 1;
const TRUE = 2;
const FALSE = 3;

/** The cells the scanner finds in `body`, as slices of it: kind, start, end, flags; and the cell count of each row. */
function recordCells(body) {
  const cells = { kind: [], start: [], end: [], flags: [], rowCells: [] };
  let col = 0;
  const slice = (buf, kind, start, end, flags) => {
    if (buf !== body) throw new Error('a cell is not a slice of the answer fed whole');
    cells.kind.push(kind);
    cells.start.push(start);
    cells.end.push(end);
    cells.flags.push(flags);
    col++;
  };
  const scanner = new ValuesScanner(
    {
      rangeStart() {},
      rowStart() {
        col = 0;
      },
      stringCell: (buf, start, end, flags) => slice(buf, STRING, start, end, flags),
      numberCell: (buf, start, end) => slice(buf, NUMBER, start, end, 0),
      boolCell: (value) => slice(body, value ? TRUE : FALSE, 0, 0, 0),
      rowEnd() {
        cells.rowCells.push(col);
      },
      rangeEnd() {},
    },
    'value-range',
  );
  scanner.push(body);
  scanner.end();
  return {
    kind: Uint8Array.from(cells.kind),
    start: Int32Array.from(cells.start),
    end: Int32Array.from(cells.end),
    flags: Int32Array.from(cells.flags),
    rowCells: Int32Array.from(cells.rowCells),
  };
}

/** The recorded cells through the CSV Encoding, rows padded to `width`: the format step alone. */
function encodeCells(body, cells, width) {
  const out = new ByteBuffer();
  const enc = createEncoding('csv');
  const { kind, start, end, flags, rowCells } = cells;
  let i = 0;
  for (let r = 0; r < rowCells.length; r++) {
    const n = rowCells[r];
    for (let col = 0; col < n; col++, i++) {
      enc.beforeCell(out, col);
      const k = kind[i];
      if (k === STRING) enc.string(out, body, start[i], end[i], flags[i]);
      else if (k === NUMBER) enc.number(out, body, start[i], end[i]);
      else enc.bool(out, k === TRUE);
    }
    enc.close(out, n, width);
  }
  return out.buf.subarray(0, out.length);
}

const BODIES = [
  ['FORMATTED_VALUE', COLS, () => generatedAnswer({ rows: ROWS, cols: COLS, render: 'FORMATTED_VALUE', pretty: false })],
  ['UNFORMATTED_VALUE', COLS, () => generatedAnswer({ rows: ROWS, cols: COLS, render: 'UNFORMATTED_VALUE', pretty: false })],
  ['40 × 5 cells of 50,000 chars', 5, longCellsAnswer],
];

/** Each step's two contenders, made ready for one answer: () → CSV bytes. */
function contenders(body, width) {
  const rows = JSON.parse(body.toString('utf8')).values ?? [];
  const ready = padded(rows, width);
  const cells = recordCells(body);
  const parts = pieces(body);
  const scanned = () => {
    const chunks = [];
    scanToCsv(parts, width, (b) => chunks.push(b), true);
    return Buffer.concat(chunks);
  };
  return {
    rows: rows.length,
    steps: {
      'format only': { sheetpipe: () => encodeCells(body, cells, width), 'csv-stringify': () => stringifyBytes(ready) },
      'answer → CSV': {
        sheetpipe: scanned,
        'csv-stringify': () => stringifyBytes(padded(JSON.parse(Buffer.concat(parts).toString('utf8')).values ?? [], width)),
      },
    },
  };
}

function measure() {
  const results = [];
  for (const [answer, width, make] of BODIES) {
    const body = make();
    const { rows, steps } = contenders(body, width);
    for (const [step, pair] of Object.entries(steps)) {
      // The same bytes from both, or the race means nothing.
      const theirs = pair['csv-stringify']();
      if (!pair.sheetpipe().equals(theirs)) throw new Error(`${answer}, ${step}: sheetpipe's bytes differ from csv-stringify's`);
      const times = { sheetpipe: [], 'csv-stringify': [] };
      for (let r = 0; r < RUNS + 1; r++) {
        for (const [name, run] of Object.entries(pair)) {
          const t0 = process.hrtime.bigint();
          run();
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          if (r > 0) times[name].push(ms); // the first round warms up
        }
      }
      results.push({
        step,
        answer,
        rows,
        jsonBytes: body.length,
        csvBytes: theirs.length,
        sheetpipeMs: median(times.sheetpipe),
        csvStringifyMs: median(times['csv-stringify']),
      });
    }
  }
  return results;
}

const results = measure();
if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(results)}\n`);
} else {
  const rate = (rows, ms) => Math.round(rows / (ms / 1000)).toLocaleString('en');
  console.log(
    `# CSV encoding vs csv-stringify: ${ROWS.toLocaleString('en')} rows × ${COLS}, median of ${RUNS} interleaved runs (Node ${process.version})\n`,
  );
  console.log('| step | answer | CSV out | sheetpipe ms | rows/s | csv-stringify ms | rows/s | sheetpipe vs csv-stringify |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results)
    console.log(
      `| ${r.step} | ${r.answer} | ${(r.csvBytes / 1e6).toFixed(1)} MB | ${r.sheetpipeMs.toFixed(1)} | ${rate(r.rows, r.sheetpipeMs)} | ${r.csvStringifyMs.toFixed(1)} | ${rate(r.rows, r.csvStringifyMs)} | ${(r.csvStringifyMs / r.sheetpipeMs).toFixed(2)}× |`,
    );
}
