// The transcode core alone, in one process, no HTTP: Sheets-shaped values.get answers (the
// emulator's generated data, and one of very long cells) turned into CSV bytes three ways, side by side:
//   scanner   — src/transcode: ValuesScanner + the CSV Encoding into a ByteBuffer, fed in 64 KiB pieces
//   parse     — the body decoded, JSON.parse'd, formatted by a plain CSV formatter of parsed rows
//               (below; the same as contenders/floor.js), Buffer.from
//   streamer  — @streamparser/json (rows at $.values.*) fed the same pieces, each piece's rows
//               formatted by the same CSV formatter, Buffer.from
// Throughput: the median of several interleaved runs, MB/s of JSON in and rows/s. Memory: each
// contender in its own `node --expose-gc` child transcodes 10 M cells' worth of answers one after
// another; growth is the peak heapUsed and arrayBuffers (sampled after every piece) over their
// values before it (the answer's own bytes, built beforehand, are not counted).
//   npm run build && node benchmarks/transcode.js [--rows 15000] [--cols 10] [--runs 7] [--no-memory]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { JSONParser } from '@streamparser/json';
import { PIECE, flag, generatedAnswer, longCellsAnswer, median, pieces, scanToCsv, sizeFlags } from './lib/transcode-core.js';

/**
 * Parsed rows → CSV as the JSON.parse contenders write it: rows padded to `columns`, a field holding
 * a comma, quote, CR or LF quoted with inner quotes doubled, booleans TRUE/FALSE (RFC 4180, LF ends).
 */
function createFormatter(_format, { columns }) {
  const QUOTE = /[",\r\n]/;
  const field = (v) => {
    const s = typeof v === 'string' ? v : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : v === undefined ? '' : String(v);
    return QUOTE.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return {
    format(rows) {
      let out = '';
      for (const row of rows) {
        const n = Math.max(columns, row.length);
        let line = n > 0 ? field(row[0]) : '';
        for (let c = 1; c < n; c++) line += `,${field(row[c])}`;
        out += `${line}\n`;
      }
      return out;
    },
  };
}
const MEMORY_CELLS = 10_000_000;

const { rows: ROWS, cols: COLS, runs: RUNS } = sizeFlags();

/** One values.get answer for rows 1..ROWS of a generated tab, as the emulator would send it. */
const answer = (render, pretty) => generatedAnswer({ rows: ROWS, cols: COLS, render, pretty });

/** The scanner with the CSV Encoding, each piece's output copied or handed on as a view (see scanToCsv). */
function scannerContender(copy) {
  return (parts, width, sink) => scanToCsv(parts, width, sink, copy);
}

/** Each contender: (pieces, width, sink) → rows; `sink` receives every output Buffer. */
const contenders = {
  scanner: scannerContender(true),
  parse(parts, width, sink) {
    const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
    const rows = body.values ?? [];
    sink(Buffer.from(createFormatter('csv', { columns: width }).format(rows), 'utf8'));
    return rows.length;
  },
  streamer(parts, width, sink) {
    const formatter = createFormatter('csv', { columns: width });
    const parser = new JSONParser({ paths: ['$.values.*'], keepStack: false });
    let batch = [];
    let rows = 0;
    parser.onValue = ({ value }) => {
      batch.push(value);
    };
    for (const part of parts) {
      parser.write(part);
      rows += batch.length;
      sink(Buffer.from(formatter.format(batch), 'utf8'));
      batch = [];
    }
    // The parser ends itself after the top-level value; end() is only for a body cut short.
    if (!parser.isEnded) parser.end();
    return rows;
  },
};
/** Memory only: the same transcoding, output handed on without a copy. */
const MEMORY_ONLY = { 'scanner, no copy': scannerContender(false) };

const BODIES = [
  ['FORMATTED_VALUE, compact', COLS, () => answer('FORMATTED_VALUE', false)],
  ['UNFORMATTED_VALUE, compact', COLS, () => answer('UNFORMATTED_VALUE', false)],
  ['FORMATTED_VALUE, pretty-printed', COLS, () => answer('FORMATTED_VALUE', true)],
  ['40 × 5 cells of 50,000 chars', 5, longCellsAnswer],
];

function throughput() {
  const lines = [];
  for (const [label, width, make] of BODIES) {
    const body = make();
    const parts = pieces(body);
    // Every contender must produce the same bytes, or the race means nothing.
    const outputs = {};
    for (const [name, run] of Object.entries(contenders)) {
      const chunks = [];
      run(parts, width, (b) => chunks.push(b));
      outputs[name] = Buffer.concat(chunks);
    }
    for (const name of Object.keys(contenders)) {
      if (!outputs[name].equals(outputs.scanner)) throw new Error(`${label}: ${name} wrote different bytes from the scanner`);
    }
    const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
    let rows = 0;
    for (let r = 0; r < RUNS + 1; r++) {
      for (const [name, run] of Object.entries(contenders)) {
        const t0 = process.hrtime.bigint();
        rows = run(parts, width, () => {});
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (r > 0) times[name].push(ms); // the first round warms up
      }
    }
    for (const name of Object.keys(contenders)) {
      const ms = median(times[name]);
      lines.push({ label, name, mb: body.length / 1e6, ms, rows, out: outputs[name].length });
    }
  }
  return lines;
}

/** In a child: transcode 10 M cells' worth of answers, one after another; print heap figures. */
function memoryChild(name) {
  const body = answer('FORMATTED_VALUE', false);
  const parts = pieces(body);
  const answers = Math.ceil(MEMORY_CELLS / (ROWS * COLS));
  const run = contenders[name] ?? MEMORY_ONLY[name];
  globalThis.gc();
  globalThis.gc();
  const before = process.memoryUsage();
  let peakHeap = 0;
  let peakBuffers = 0;
  // Buffers live outside the V8 heap: both are sampled after every piece's output is handed on.
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed - before.heapUsed);
    peakBuffers = Math.max(peakBuffers, m.arrayBuffers - before.arrayBuffers);
  };
  let rows = 0;
  for (let i = 0; i < answers; i++) rows += run(parts, COLS, sample);
  globalThis.gc();
  const after = process.memoryUsage();
  process.stdout.write(JSON.stringify({ name, answers, rows, peakHeap, peakBuffers, heapAfterGc: after.heapUsed - before.heapUsed }));
}

function memory() {
  const self = fileURLToPath(import.meta.url);
  return [...Object.keys(contenders), ...Object.keys(MEMORY_ONLY)].map((name) =>
    JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', self, '--memory-child', name, '--rows', String(ROWS), '--cols', String(COLS)], {
        encoding: 'utf8',
      }),
    ),
  );
}

const MB = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

if (process.argv.includes('--memory-child')) {
  memoryChild(flag('memory-child'));
} else {
  console.log(
    `# transcode: ${ROWS.toLocaleString('en')} rows × ${COLS} per answer, ${PIECE / 1024} KiB pieces, median of ${RUNS} interleaved runs (Node ${process.version})\n`,
  );
  const lines = throughput();
  console.log('| answer | contender | JSON in | ms | MB/s | rows/s | vs parse |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const line of lines) {
    const parse = lines.find((l) => l.label === line.label && l.name === 'parse');
    console.log(
      `| ${line.label} | ${line.name} | ${MB(line.mb * 1e6)} | ${line.ms.toFixed(1)} | ${(line.mb / (line.ms / 1000)).toFixed(0)} | ${Math.round(line.rows / (line.ms / 1000)).toLocaleString('en')} | ${(parse.ms / line.ms).toFixed(2)}× |`,
    );
  }
  if (!process.argv.includes('--no-memory')) {
    const results = memory();
    console.log(
      `\n## memory: ${results[0].answers} answers one after another (${MEMORY_CELLS.toLocaleString('en')} cells), FORMATTED_VALUE compact\n`,
    );
    console.log('| contender | peak heap growth | peak Buffer growth | heap after GC |');
    console.log('| --- | --- | --- | --- |');
    for (const r of results) console.log(`| ${r.name} | ${MB(r.peakHeap)} | ${MB(r.peakBuffers)} | ${MB(r.heapAfterGc)} |`);
  }
}
