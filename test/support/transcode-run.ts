/**
 * A small test-only row assembler over the scanner and an Encoding: every row padded to a fixed
 * width, every range's rows one after another. Each pushed piece is a fresh Buffer that is
 * overwritten right after push() returns, so a scanner that kept a reference into old input
 * instead of copying would write garbage and fail the comparison.
 */
import { expect } from 'vitest';
import { ByteBuffer } from '../../src/transcode/bytes.js';
import type { Encoding } from '../../src/transcode/encode.js';
import { ValuesScanner, type ValuesHandler } from '../../src/transcode/scanner.js';

export interface TranscodeResult {
  out: Buffer;
  ranges: { range: string | undefined; rows: number }[];
}

/** Splits at the given offsets (any order, repeats and out-of-range values ignored). */
export function piecesOf(body: Buffer, cuts: readonly number[]): Buffer[] {
  const offsets = [...new Set(cuts.filter((c) => c > 0 && c < body.length))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const at of [...offsets, body.length]) {
    pieces.push(Buffer.from(body.subarray(from, at)));
    from = at;
  }
  return pieces;
}

export function transcode(
  body: Buffer,
  cuts: readonly number[],
  shape: 'value-range' | 'batch',
  encoding: Encoding,
  width: number,
): TranscodeResult {
  const out = new ByteBuffer(16);
  const ranges: { range: string | undefined; rows: number }[] = [];
  let inRange = false;
  let inRow = false;
  let col = 0;
  let rows = 0;
  let rowStart = 0;
  const cell = (): void => {
    if (!inRow) throw new Error('a cell outside a row');
    encoding.beforeCell(out, col++);
  };
  const handler: ValuesHandler = {
    rangeStart(index) {
      if (inRange || index !== ranges.length) throw new Error(`rangeStart(${index}) out of order`);
      inRange = true;
      rows = 0;
    },
    rowStart() {
      if (!inRange || inRow) throw new Error('rowStart out of place');
      inRow = true;
      col = 0;
      rowStart = out.length;
      encoding.open(out);
    },
    stringCell(buf, start, end, flags) {
      cell();
      encoding.string(out, buf, start, end, flags);
    },
    numberCell(buf, start, end) {
      cell();
      encoding.number(out, buf, start, end);
    },
    boolCell(value) {
      cell();
      encoding.bool(out, value);
    },
    rowEnd() {
      if (!inRow) throw new Error('rowEnd outside a row');
      inRow = false;
      rows += 1;
      encoding.close(out, col, width, rowStart);
    },
    rangeEnd(index, range) {
      if (!inRange || inRow || index !== ranges.length) throw new Error(`rangeEnd(${index}) out of place`);
      expect(scanner.rows).toBe(rows);
      inRange = false;
      ranges.push({ range, rows });
    },
  };
  const scanner = new ValuesScanner(handler, shape);
  for (const piece of piecesOf(body, cuts)) {
    scanner.push(piece);
    piece.fill(0x7b);
  }
  scanner.end();
  if (inRange || inRow) throw new Error('the scanner ended inside a range');
  return { out: out.copy(0, out.length), ranges };
}
