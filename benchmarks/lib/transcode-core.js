// What the transcode micro-benchmarks share: values.get answers as the emulator sends them (its
// generated tab, and one of very long cells), cut into 64 KiB pieces, and sheetpipe's transcode core
// (ValuesScanner + the CSV Encoding, from the built dist/) turning them into CSV bytes.
import { ValuesScanner } from '../../dist/transcode/scanner.js';
import { createEncoding } from '../../dist/transcode/encode.js';
import { ByteBuffer } from '../../dist/transcode/bytes.js';
import { generatedTab } from '../../dist/emulator/generated.js';
import { cellRenderer } from '../../dist/emulator/cells.js';
import { readValueRange } from '../../dist/emulator/spreadsheet.js';

export const PIECE = 64 * 1024;

/** The value after `--name` on the command line, else `fallback`. */
export function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** The answers' size and the timed runs: --rows (15,000), --cols (10), --runs (7). */
export const sizeFlags = () => ({ rows: Number(flag('rows', 15_000)), cols: Number(flag('cols', 10)), runs: Number(flag('runs', 7)) });

/** One values.get answer for rows 1..rows of a generated tab, as the emulator would send it. */
export function generatedAnswer({ rows, cols, render, pretty }) {
  const source = generatedTab({ rows, cols, seed: 7 });
  const tab = { source, title: 'Generated', sheetId: 0, index: 0, isGrid: true };
  const rect = { tab, firstRow: 1, lastRow: rows, firstCol: 1, lastCol: cols };
  const value = readValueRange(rect, cellRenderer(render, 'SERIAL_NUMBER'), 'ROWS');
  return Buffer.from(pretty ? `${JSON.stringify(value, null, 2)}\n` : JSON.stringify(value), 'utf8');
}

/** 40 × 5 cells of 50,000 characters full of commas, quotes and newlines: every piece ends inside one, so the carry path is what runs. */
export function longCellsAnswer() {
  const cell = (i) => `${i} ${'lorem ipsum, dolor "sit" amet\n'.repeat(1600)}`.slice(0, 50_000);
  const values = Array.from({ length: 40 }, (_, r) => Array.from({ length: 5 }, (_, c) => cell(r * 5 + c)));
  return Buffer.from(JSON.stringify({ range: 'Long!A1:E40', majorDimension: 'ROWS', values }), 'utf8');
}

/** The body as it arrives: PIECE-sized views. */
export function pieces(body) {
  const out = [];
  for (let i = 0; i < body.length; i += PIECE) out.push(body.subarray(i, i + PIECE));
  return out;
}

/**
 * The pieces through ValuesScanner and the CSV Encoding, rows padded to `width`; `sink` receives each
 * piece's output: a fresh Buffer when `copy` (what a window holding output for later does), else a
 * view of the one reused ByteBuffer, valid only during the call (what a sink that writes at once can
 * take). Returns the rows.
 */
export function scanToCsv(parts, width, sink, copy) {
  const out = new ByteBuffer();
  const enc = createEncoding('csv');
  let col = 0;
  const scanner = new ValuesScanner(
    {
      rangeStart() {},
      rowStart() {
        col = 0;
      },
      stringCell(buf, start, end, flags) {
        enc.beforeCell(out, col++);
        enc.string(out, buf, start, end, flags);
      },
      numberCell(buf, start, end) {
        enc.beforeCell(out, col++);
        enc.number(out, buf, start, end);
      },
      boolCell(value) {
        enc.beforeCell(out, col++);
        enc.bool(out, value);
      },
      rowEnd() {
        enc.close(out, col, width);
      },
      rangeEnd() {},
    },
    'value-range',
  );
  for (const part of parts) {
    scanner.push(part);
    sink(copy ? out.copy(0, out.length) : out.buf.subarray(0, out.length));
    out.truncate(0);
  }
  scanner.end();
  return scanner.rows;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
