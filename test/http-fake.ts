/**
 * A fake Sheets API for the HTTP tests, served through nock on a loopback root (so no credentials
 * are needed and no socket is opened). It answers the two routes the client calls with the API's
 * semantics — trailing empty rows and cells dropped, interior empty rows as [] — and records every
 * request (arrival time, decoded range, query, attempt number) plus the requests in flight.
 * Hooks let a test delay, fail, hang or corrupt any answer.
 */
import nock from 'nock';
import { Writable } from 'node:stream';
import type { Row } from '../src/index.js';

export const ROOT = 'http://127.0.0.1:1';
export const ENDPOINT = `${ROOT}/`;
export const SPREADSHEET_ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';

export type Reply = [number, unknown] | [number, unknown, Record<string, string>];

export interface Span {
  sheet: string;
  firstCol: number;
  firstRow: number;
  lastCol: number;
  lastRow: number;
  /** The decoded range as requested, e.g. `'Sheet1'!A3:C4`. */
  a1: string;
}

export interface Seen {
  seq: number;
  kind: 'meta' | 'values';
  path: string;
  query: URLSearchParams;
  range?: Span;
  /** 1-based attempt for this exact range (or for metadata). */
  attempt: number;
  /** performance.now() at arrival. */
  t: number;
  /** Date.now() at arrival. */
  wall: number;
  /** performance.now() when the reply was handed back to nock. */
  repliedAt?: number;
}

export type Hook = (req: Seen, answer: () => Reply) => Reply | Promise<Reply>;

export interface SheetSpec {
  title?: string;
  rowCount: number;
  columnCount: number;
  /** The cells, row 1 first; rows past the array are empty. */
  rows?: Row[];
  /** Or a function of the 1-based row number (for big sheets). */
  row?: (r: number) => Row;
}

export function letters(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function columnOf(text: string): number {
  let n = 0;
  for (const ch of text) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

export function parseSpan(a1: string): Span {
  const m = /^(?:'((?:[^']|'')*)'|([^!']+))!([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(a1);
  if (!m) throw new Error(`fake API cannot parse range ${a1}`);
  return {
    sheet: m[1] !== undefined ? m[1].replace(/''/g, "'") : (m[2] as string),
    firstCol: columnOf(m[3] as string),
    firstRow: Number(m[4]),
    lastCol: columnOf(m[5] as string),
    lastRow: Number(m[6]),
    a1,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const apiError = (code: number, status: string, message: string, reason?: string): unknown => ({
  error: {
    code,
    message,
    status,
    ...(reason ? { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' }] } : {}),
  },
});

export const UNAVAILABLE: Reply = [503, apiError(503, 'UNAVAILABLE', 'The service is currently unavailable.')];

export class FakeSheets {
  readonly seen: Seen[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly hangs: (() => void)[] = [];
  private readonly title: string;

  constructor(
    private readonly sheet: SheetSpec,
    private readonly hooks: { meta?: Hook; values?: Hook } = {},
  ) {
    this.title = sheet.title ?? 'Sheet1';
    nock(ROOT)
      .persist()
      .get(/^\/v4\/spreadsheets\//)
      .query(true)
      .reply(async (uri: string) => this.handle(uri));
  }

  /** Values requests, in arrival order. */
  values(): Seen[] {
    return this.seen.filter((s) => s.kind === 'values');
  }

  meta(): Seen[] {
    return this.seen.filter((s) => s.kind === 'meta');
  }

  /** Values requests for the chunk whose range starts at `firstRow`. */
  attemptsAt(firstRow: number): Seen[] {
    return this.values().filter((s) => s.range?.firstRow === firstRow);
  }

  /** A reply that never comes until release(); no timer is involved, so it holds no handle. */
  hang(): Promise<Reply> {
    return new Promise((resolve) => this.hangs.push(() => resolve(UNAVAILABLE)));
  }

  release(): void {
    for (const h of this.hangs.splice(0)) h();
  }

  rowAt(r: number): Row {
    if (this.sheet.row) return r <= this.sheet.rowCount ? this.sheet.row(r) : [];
    return this.sheet.rows?.[r - 1] ?? [];
  }

  /** values.get semantics for a span: clipped to the grid, trailing empties dropped. */
  answerFor(span: Span): Reply {
    const lastRow = Math.min(span.lastRow, this.sheet.rowCount);
    const lastCol = Math.min(span.lastCol, this.sheet.columnCount);
    const values: Row[] = [];
    for (let r = span.firstRow; r <= lastRow; r++) {
      const row = this.rowAt(r).slice(span.firstCol - 1, lastCol);
      while (row.length > 0 && row[row.length - 1] === '') row.pop();
      values.push(row);
    }
    while (values.length > 0 && (values[values.length - 1] as Row).length === 0) values.pop();
    const range = `${this.title}!${letters(span.firstCol)}${span.firstRow}:${letters(lastCol)}${lastRow}`;
    return [200, values.length > 0 ? { range, majorDimension: 'ROWS', values } : { range, majorDimension: 'ROWS' }];
  }

  metaAnswer(): Reply {
    return [
      200,
      {
        properties: { title: 'Fake' },
        sheets: [
          {
            properties: {
              sheetId: 0,
              title: this.title,
              index: 0,
              sheetType: 'GRID',
              gridProperties: { rowCount: this.sheet.rowCount, columnCount: this.sheet.columnCount },
            },
          },
        ],
      },
    ];
  }

  private async handle(uri: string): Promise<Reply> {
    const url = new URL(uri, ROOT);
    const marker = '/values/';
    const at = url.pathname.indexOf(marker);
    const kind = at >= 0 ? 'values' : 'meta';
    const range = at >= 0 ? parseSpan(decodeURIComponent(url.pathname.slice(at + marker.length))) : undefined;
    const attempt = this.seen.filter((s) => s.kind === kind && s.range?.a1 === range?.a1).length + 1;
    const seen: Seen = { seq: this.seen.length, kind, path: url.pathname, query: url.searchParams, range, attempt, t: performance.now(), wall: Date.now() };
    this.seen.push(seen);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (range) {
        const answer = () => this.answerFor(range);
        return await (this.hooks.values ? this.hooks.values(seen, answer) : answer());
      }
      const answer = () => this.metaAnswer();
      return await (this.hooks.meta ? this.hooks.meta(seen, answer) : answer());
    } finally {
      this.inFlight -= 1;
      seen.repliedAt = performance.now();
    }
  }
}

/** A destination that keeps what it is given. */
export function collector(): { stream: Writable; text: () => string; writes: () => number } {
  const parts: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      parts.push(String(chunk));
      callback();
    },
  });
  return { stream, text: () => parts.join(''), writes: () => parts.length };
}

/** `r{row}c{col}` cells: no character that CSV would quote. */
export function grid(rows: number, cols: number): Row[] {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => `r${r + 1}c${c + 1}`));
}

/**
 * The CSV one unchunked values.get would give, for cells that need no quoting: trailing empty
 * rows dropped, every row padded to `width` (default: the first row's width).
 */
export function plainCsv(rows: Row[], width?: number): string {
  const kept = rows.slice();
  while (kept.length > 0 && (kept[kept.length - 1] as Row).every((c) => c === '')) kept.pop();
  const w = width ?? kept[0]?.length ?? 0;
  return kept
    .map((row) => {
      const cells = row.map((c) => (typeof c === 'boolean' ? (c ? 'TRUE' : 'FALSE') : String(c)));
      while (cells.length < w) cells.push('');
      return `${cells.join(',')}\n`;
    })
    .join('');
}
