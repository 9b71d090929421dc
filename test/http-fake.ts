/**
 * A fake Sheets API for the HTTP tests, served through nock on a loopback root (so no credentials
 * are needed and no socket is opened). It answers the routes the client calls as the API does:
 * a range without a tab name reads the first tab; an end past the grid is clipped (so `ZZZ1000`
 * becomes the grid's last column and row), a start past it is a 400; an unknown tab is a 400;
 * trailing empty rows and each row's trailing empty cells are dropped, interior empty rows come as
 * `[]`; the answer echoes the range read (`Sheet1!A1:C6`); bodies are pretty-printed unless the
 * request says `prettyPrint=false`. A spreadsheets.get with `ranges` and a grid-data mask answers
 * the cells' number formats, in the API's shape. It records every request (arrival time, decoded range, query,
 * attempt number) and the requests in flight; hooks let a test delay, fail, hang or corrupt any
 * answer.
 */
import nock from 'nock';
import { Writable } from 'node:stream';
import type { Row } from '../src/index.js';
import type { NumberFormat } from '../src/transcode/column-kinds.js';

export const ROOT = 'http://127.0.0.1:1';
export const ENDPOINT = `${ROOT}/`;
export const SPREADSHEET_ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';

export type Reply = [number, unknown] | [number, unknown, Record<string, string>];

/** A values request's range, as sent and as the API reads it. */
export interface Span {
  /** The tab as named in the request; undefined when it named none (the first tab). */
  named: string | undefined;
  /** The tab read. */
  sheet: string;
  firstCol: number;
  firstRow: number;
  /** As requested (before clipping to the grid). */
  lastCol: number;
  lastRow: number;
  /** The decoded range as requested, e.g. `'Sheet1'!A2:C4` or `A1:ZZZ1000`. */
  a1: string;
  /**
   * The first row the request's chunk writes: every request of a range but its first also asks
   * for the row before (to check that rows did not move between the reads), so that row, plus one.
   */
  chunkFirst: number;
}

export interface Seen {
  seq: number;
  kind: 'meta' | 'values' | 'formats';
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
  /** The cells, row 1 first; rows past the array are empty. `''` and null are empty cells. */
  rows?: Row[];
  /** Or a function of the 1-based row number (for big sheets). */
  row?: (r: number) => Row;
  /** Hidden: a range without a tab name reads the first tab that is not. */
  hidden?: boolean;
  /** OBJECT: a chart sheet, with no grid: any range on it is a 400. Default GRID. */
  sheetType?: 'GRID' | 'OBJECT';
  /** The number format of the cell at 1-based row and column; undefined: none (automatic). */
  format?: (r: number, c: number) => NumberFormat | undefined;
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

/** A tab title as the API writes it in an echo: bare when plain and not shaped like a cell. */
export function echoSheet(title: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(title) && !/^[A-Za-z]{1,3}\d+$/.test(title) ? title : `'${title.replaceAll("'", "''")}'`;
}

/** Parses a bounded request range, with or without a tab name; `first` is the first tab's title. */
export function parseSpan(a1: string, first: string): Span {
  const m = /^(?:(?:'((?:[^']|'')*)'|([^!']+))!)?([A-Z]+)(\d+):([A-Z]+)(\d*)$/.exec(a1);
  if (!m) throw new Error(`fake API cannot parse range ${a1}`);
  const named = m[1] !== undefined ? m[1].replaceAll("''", "'") : m[2];
  return {
    named,
    sheet: named ?? first,
    firstCol: columnOf(m[3] as string),
    firstRow: Number(m[4]),
    lastCol: columnOf(m[5] as string),
    // No end row: to the end of the tab (the API clips it to the grid).
    lastRow: m[6] === '' ? Number.POSITIVE_INFINITY : Number(m[6]),
    a1,
    chunkFirst: Number(m[4]) === 1 ? 1 : Number(m[4]) + 1,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Google's error body, with a google.rpc.ErrorInfo detail when `reason` is given. */
export const apiError = (code: number, status: string, message: string, reason?: string): unknown => ({
  error: {
    code,
    message,
    status,
    ...(reason ? { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' }] } : {}),
  },
});

/** Google's older error shape: the reason in `errors[]`, no `details`. */
export const legacyApiError = (code: number, status: string, message: string, reason: string, domain = 'global'): unknown => ({
  error: { code, message, errors: [{ message, domain, reason }], status },
});

export const UNAVAILABLE: Reply = [503, apiError(503, 'UNAVAILABLE', 'The service is currently unavailable.')];

const isEmpty = (cell: unknown) => cell === '' || cell === null || cell === undefined;

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=UTF-8' };

export class FakeSheets {
  readonly seen: Seen[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Values requests in flight, and their most at once. */
  valuesInFlight = 0;
  maxValuesInFlight = 0;
  /** Requests the fake could not place (a route or range it does not know): each fails the test. */
  readonly unexpected: string[] = [];
  private readonly hangs: (() => void)[] = [];
  private readonly sheets: (SheetSpec & { title: string })[];

  constructor(
    sheet: SheetSpec | SheetSpec[],
    private readonly hooks: { meta?: Hook; values?: Hook; formats?: Hook } = {},
  ) {
    this.sheets = (Array.isArray(sheet) ? sheet : [sheet]).map((s, i) => ({
      ...s,
      title: s.title ?? (i === 0 ? 'Sheet1' : `Sheet${i + 1}`),
    }));
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

  formats(): Seen[] {
    return this.seen.filter((s) => s.kind === 'formats');
  }

  /** Values requests for the chunk that begins at `firstRow` (asked with the row before it). */
  attemptsAt(firstRow: number): Seen[] {
    return this.values().filter((s) => s.range?.chunkFirst === firstRow);
  }

  /** A reply that never comes until release(); no timer is involved, so it holds no handle. */
  hang(): Promise<Reply> {
    return new Promise((resolve) => this.hangs.push(() => resolve(UNAVAILABLE)));
  }

  release(): void {
    for (const h of this.hangs.splice(0)) h();
  }

  /** The tab a range without a tab name reads: the first visible one. */
  firstVisible(): string {
    return (this.sheets.find((s) => !s.hidden) ?? (this.sheets[0] as SheetSpec & { title: string })).title;
  }

  private sheetNamed(title: string): (SheetSpec & { title: string }) | undefined {
    return this.sheets.find((s) => s.title === title);
  }

  rowAt(title: string, r: number): Row {
    const sheet = this.sheetNamed(title);
    if (!sheet || r > sheet.rowCount) return [];
    if (sheet.row) return sheet.row(r);
    return sheet.rows?.[r - 1] ?? [];
  }

  /** values.get semantics for a span: clipped to the grid, trailing empties dropped, the range echoed. */
  answerFor(span: Span): Reply {
    const sheet = this.sheetNamed(span.sheet);
    if (!sheet || sheet.sheetType === 'OBJECT') return [400, apiError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${span.a1}`)];
    if (span.firstRow > sheet.rowCount || span.firstCol > sheet.columnCount) {
      return [
        400,
        apiError(
          400,
          'INVALID_ARGUMENT',
          `Range ('${sheet.title}'!${span.a1.slice(span.a1.lastIndexOf('!') + 1)}) exceeds grid limits. Max rows: ${sheet.rowCount}, max columns: ${sheet.columnCount}`,
        ),
      ];
    }
    const lastRow = Math.min(span.lastRow, sheet.rowCount);
    const lastCol = Math.min(span.lastCol, sheet.columnCount);
    const values: Row[] = [];
    for (let r = span.firstRow; r <= lastRow; r++) {
      const row = this.rowAt(sheet.title, r).slice(span.firstCol - 1, lastCol);
      while (row.length > 0 && isEmpty(row[row.length - 1])) row.pop();
      values.push(row.map((c) => (c === null ? '' : c)));
    }
    while (values.length > 0 && (values[values.length - 1] as Row).length === 0) values.pop();
    const range = `${echoSheet(sheet.title)}!${letters(span.firstCol)}${span.firstRow}:${letters(lastCol)}${lastRow}`;
    return [200, values.length > 0 ? { range, majorDimension: 'ROWS', values } : { range, majorDimension: 'ROWS' }];
  }

  /**
   * spreadsheets.get of `ranges` with the formats mask: each touched tab (in tab order) with its
   * ranges' grids in the order asked; a cell without a format is `{}`, trailing ones and rows left
   * out; tab 0's ID, a default, left out with its properties, as proto3's JSON may leave it.
   */
  formatsAnswer(ranges: readonly string[]): Reply {
    const bySheet = new Map<string, unknown[]>();
    for (const a1 of ranges) {
      const span = parseSpan(a1, this.firstVisible());
      const sheet = this.sheetNamed(span.sheet);
      if (!sheet) return [400, apiError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${a1}`)];
      const rowData: { values?: unknown[] }[] = [];
      for (let r = span.firstRow; r <= Math.min(span.lastRow, sheet.rowCount); r++) {
        const values: unknown[] = [];
        for (let c = span.firstCol; c <= Math.min(span.lastCol, sheet.columnCount); c++) {
          const numberFormat = sheet.format?.(r, c);
          values.push(numberFormat ? { effectiveFormat: { numberFormat } } : {});
        }
        while (values.length > 0 && Object.keys(values[values.length - 1] as object).length === 0) values.pop();
        rowData.push(values.length > 0 ? { values } : {});
      }
      while (rowData.length > 0 && rowData[rowData.length - 1]?.values === undefined) rowData.pop();
      bySheet.set(sheet.title, [...(bySheet.get(sheet.title) ?? []), rowData.length > 0 ? { rowData } : {}]);
    }
    const sheets = this.sheets.flatMap((s, index) =>
      bySheet.has(s.title) ? [{ ...(index > 0 ? { properties: { sheetId: index } } : {}), data: bySheet.get(s.title) }] : [],
    );
    return [200, { sheets }];
  }

  metaAnswer(): Reply {
    return [
      200,
      {
        properties: { title: 'Fake', locale: 'en_US', timeZone: 'America/New_York' },
        sheets: this.sheets.map((s, index) => ({
          properties: {
            sheetId: index,
            title: s.title,
            index,
            sheetType: s.sheetType ?? 'GRID',
            ...(s.sheetType === 'OBJECT' ? {} : { gridProperties: { rowCount: s.rowCount, columnCount: s.columnCount } }),
            ...(s.hidden ? { hidden: true } : {}),
          },
        })),
      },
    ];
  }

  private async handle(uri: string): Promise<Reply> {
    const url = new URL(uri, ROOT);
    const marker = '/values/';
    const at = url.pathname.indexOf(marker);
    let kind: Seen['kind'];
    let range: Span | undefined;
    if (at >= 0) {
      kind = 'values';
      try {
        range = parseSpan(decodeURIComponent(url.pathname.slice(at + marker.length)), this.firstVisible());
      } catch (error) {
        this.unexpected.push(`${uri}: ${String(error)}`);
        return [400, apiError(400, 'INVALID_ARGUMENT', 'the fake API cannot read this range')];
      }
    } else if (/^\/v4\/spreadsheets\/[^/:]+$/.test(url.pathname)) {
      kind = url.searchParams.has('ranges') && /\bdata\b/.test(url.searchParams.get('fields') ?? '') ? 'formats' : 'meta';
    } else {
      this.unexpected.push(uri);
      return [404, apiError(404, 'NOT_FOUND', 'the fake API does not serve this route')];
    }
    const attempt = this.seen.filter((s) => s.kind === kind && s.range?.a1 === range?.a1).length + 1;
    const seen: Seen = {
      seq: this.seen.length,
      kind,
      path: url.pathname,
      query: url.searchParams,
      range,
      attempt,
      t: performance.now(),
      wall: Date.now(),
    };
    this.seen.push(seen);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (range) {
      this.valuesInFlight += 1;
      this.maxValuesInFlight = Math.max(this.maxValuesInFlight, this.valuesInFlight);
    }
    let reply: Reply;
    try {
      if (range) {
        const span = range;
        const answer = () => this.answerFor(span);
        reply = await (this.hooks.values ? this.hooks.values(seen, answer) : answer());
      } else if (kind === 'formats') {
        const answer = () => this.formatsAnswer(url.searchParams.getAll('ranges'));
        reply = await (this.hooks.formats ? this.hooks.formats(seen, answer) : answer());
      } else {
        const answer = () => this.metaAnswer();
        reply = await (this.hooks.meta ? this.hooks.meta(seen, answer) : answer());
      }
    } finally {
      this.inFlight -= 1;
      if (range) this.valuesInFlight -= 1;
      seen.repliedAt = performance.now();
    }
    return serialise(reply, seen.query.get('prettyPrint') !== 'false');
  }
}

/** An object body as the API writes it: compact on `prettyPrint=false`, else 2-space indented with a newline. */
function serialise(reply: Reply, pretty: boolean): Reply {
  const [status, body, headers] = reply;
  if (typeof body === 'string' || Buffer.isBuffer(body)) return reply;
  const text = pretty ? `${JSON.stringify(body, null, 2)}\n` : JSON.stringify(body);
  return [status, text, { ...JSON_HEADERS, ...headers }];
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

/** Cells the API returns for a row: trailing empty cells dropped. */
function sent(row: Row): Row {
  const cells = row.slice();
  while (cells.length > 0 && isEmpty(cells[cells.length - 1])) cells.pop();
  return cells;
}

/**
 * The rows of a whole-tab export, by the output rules: trailing empty rows dropped, and the width
 * the widest of the first 1,000 rows as the API returns them (trailing empty cells dropped).
 */
export function exported(rows: Row[]): { rows: Row[]; width: number } {
  const kept = rows.map(sent);
  while (kept.length > 0 && (kept[kept.length - 1] as Row).length === 0) kept.pop();
  const width = kept.slice(0, 1000).reduce((w, row) => Math.max(w, row.length), 0);
  return { rows: kept, width };
}

const text = (c: Row[number]) => (typeof c === 'boolean' ? (c ? 'TRUE' : 'FALSE') : c === null ? '' : String(c));

/**
 * The CSV of a whole-tab export for cells that need no quoting: trailing empty rows dropped, every
 * row padded with empty fields to the width rule's width (or to `width` when the range names it).
 */
export function plainCsv(rows: Row[], width?: number): string {
  const out = exported(rows);
  const w = width ?? out.width;
  return out.rows
    .map((row) => {
      const cells = row.map(text);
      while (cells.length < w) cells.push('');
      return `${cells.join(',')}\n`;
    })
    .join('');
}

/** The rows readRows yields for a whole-tab export: padded to the width, every empty cell null. */
export function readRowsOf(rows: Row[]): Row[] {
  const out = exported(rows);
  return out.rows.map((row) =>
    Array.from({ length: Math.max(out.width, row.length) }, (_, i) => (isEmpty(row[i]) ? null : (row[i] as Row[number]))),
  );
}
