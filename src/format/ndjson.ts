/**
 * Rows → NDJSON, one JSON value per line. With a header (the default), the first row names the
 * keys: an empty name becomes the column letter, a repeated one name_2, name_3; missing cells are
 * null. Without one, each row is an array padded with "" to the first row's width.
 */
import type { Row } from '../rows.js';
import type { BatchFormatter } from './formatter.js';
import { columnToLetters } from '../a1.js';

export interface NdjsonOptions {
  /** Objects keyed by the first row (true, the default) or arrays. */
  header?: boolean;
  /** 1-based sheet column of the first cell: names empty headers. Default 1. */
  firstCol?: number;
}

/** Unique keys from a header row, in order; `extra` names cells past the header by column letter. */
export function headerKeys(row: readonly unknown[], firstCol = 1, extra = 0): string[] {
  const keys: string[] = [];
  const taken = new Set<string>();
  for (let c = 0; c < row.length + extra; c++) {
    const cell = row[c];
    const base = cell === undefined || cell === '' ? columnToLetters(firstCol + c) : String(cell);
    let key = base;
    for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
    taken.add(key);
    keys.push(key);
  }
  return keys;
}

export function ndjsonFormatter(options: NdjsonOptions = {}): BatchFormatter {
  const useHeader = options.header ?? true;
  const firstCol = options.firstCol ?? 1;
  let headerRow: Row | undefined;
  // Keys are JSON-encoded once; objects are written as text so that column order holds even for
  // keys like "2024" (which a JS object would move first) or "__proto__".
  let jsonKeys: string[] = [];
  let width: number | undefined;

  const keysFor = (length: number): string[] => {
    if (jsonKeys.length < length) {
      const extra = Math.max(0, length - (headerRow?.length ?? 0));
      jsonKeys = headerKeys(headerRow ?? [], firstCol, extra).map((k) => `${JSON.stringify(k)}:`);
    }
    return jsonKeys;
  };

  const objectLine = (row: Row): string => {
    const n = Math.max(headerRow?.length ?? 0, row.length);
    const keys = keysFor(n);
    let line = '{';
    for (let c = 0; c < n; c++) {
      const cell = row[c];
      line += (c === 0 ? '' : ',') + keys[c] + (cell === undefined ? 'null' : JSON.stringify(cell));
    }
    return `${line}}\n`;
  };

  return {
    format(batch: Row[]): string {
      let out = '';
      let start = 0;
      if (useHeader && headerRow === undefined && batch.length > 0) {
        headerRow = batch[0] as Row;
        keysFor(headerRow.length);
        start = 1;
      }
      if (!useHeader && width === undefined && batch.length > 0) width = (batch[0] as Row).length;
      for (let i = start; i < batch.length; i++) {
        const row = batch[i] as Row;
        if (useHeader) {
          out += objectLine(row);
        } else {
          const w = width ?? 0;
          out += `${JSON.stringify(row.length < w ? row.concat(Array<string>(w - row.length).fill('')) : row)}\n`;
        }
      }
      return out;
    },
  };
}
