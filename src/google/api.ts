/**
 * The Sheets API as sheetpipe needs it: one metadata read, values reads whose bodies stream.
 *
 * No client library: the URLs are built here, requests go through the one transport, and every
 * failure leaves as an HttpFailure carrying facts (status, the error body's fields in both of
 * Google's shapes, headers, network codes), never a judgement: classification happens in
 * fetch/retry.ts, which is also the one retry layer.
 */
import { version } from '../shared/version.js';
import type { SpreadsheetMeta } from '../sheet/resolve.js';
import type { NumberFormat } from '../transcode/column-kinds.js';
import { type RequestCredentials, loadCredentials } from './auth.js';
import { DEFAULT_ENDPOINT, normaliseEndpoint } from './endpoint.js';
import { type AttemptFailure, HttpFailure, firstLine } from './failure.js';
import { type ResponseBody, type TransportResponse, createTransport } from './transport.js';

export type ValueRender = 'FORMATTED_VALUE' | 'UNFORMATTED_VALUE' | 'FORMULA';
export type DateRender = 'SERIAL_NUMBER' | 'FORMATTED_STRING';

const METADATA_FIELDS =
  'properties(title,locale,timeZone),sheets.properties(sheetId,title,index,sheetType,gridProperties(rowCount,columnCount)),namedRanges(name,range)';
/** The number formats of the ranges asked for, and each tab's ID to tell which range a grid belongs to. */
const FORMATS_FIELDS = 'sheets(properties.sheetId,data.rowData.values.effectiveFormat.numberFormat)';
/** An error answer is read this far at most: Google's are a few hundred bytes, a proxy's page a few KiB. */
const ERROR_BODY_LIMIT = 64 * 1024;
/** Metadata holds tabs and named ranges only, formats a few rows' worth of cells; anything near this size is not the answer asked for. */
const METADATA_LIMIT = 32 * 1024 * 1024;

export interface SheetsApiOptions {
  spreadsheetId: string;
  /** API root; requests go to ROOT/v4/spreadsheets/..., a path prefix kept. Default DEFAULT_ENDPOINT. */
  endpoint?: string;
  /** Path of a service-account or authorized-user JSON key. */
  credentials?: string;
  /** Environment consulted for GOOGLE_APPLICATION_CREDENTIALS and GOOGLE_API_KEY. Default none. */
  env?: Record<string, string | undefined>;
  /** valueRenderOption. Default FORMATTED_VALUE. */
  valueRender?: ValueRender;
  /** dateTimeRenderOption, sent with UNFORMATTED_VALUE and FORMULA (the API ignores it under FORMATTED_VALUE). Default SERIAL_NUMBER. */
  dateRender?: DateRender;
  /** Sockets kept per host: about the requests in flight. Default 64. */
  maxSockets?: number;
  /** Ask for gzip. Default: yes, except on a loopback endpoint. */
  compress?: boolean;
  /** Cancels credential loading (a token request can take a while). */
  signal?: AbortSignal;
}

/** Decompressed bytes of a values answer, as the transport hands them over: pulled, iterated once. */
export type ValuesBody = ResponseBody;

/** A range whose cells' number formats are asked for: its A1 text and its tab's ID. */
export interface FormatsRange {
  a1: string;
  sheetId: number;
}

/** A range's cells' number formats, row by row from its first row; undefined where a cell has none (automatic), rows and cells past the last format left out. */
export type FormatGrid = (NumberFormat | undefined)[][];

export interface SheetsApi {
  /** Where requests (and credentials) go, host[:port]: named by --verbose. */
  readonly host: string;
  /** The service account's client_email, when known: named in 403 advice. */
  readonly principal?: string;
  /** spreadsheets.get with a fields mask (tabs, grid sizes, named ranges). Rejects HttpFailure. */
  getMetadata(signal: AbortSignal): Promise<SpreadsheetMeta>;
  /**
   * values.get of one A1 range; resolves when a 200 JSON answer begins; its body streams. Rejects
   * HttpFailure; iterating the body throws HttpFailure (phase `body`) or the signal's reason.
   */
  openValues(range: string, signal: AbortSignal): Promise<ValuesBody>;
  /** values:batchGet of several ranges (answers come in request order). */
  openBatch(ranges: readonly string[], signal: AbortSignal): Promise<ValuesBody>;
  /** spreadsheets.get of the ranges' number formats (a grid-data mask), one grid per range in order. Rejects HttpFailure. */
  getFormats(ranges: readonly FormatsRange[], signal: AbortSignal): Promise<FormatGrid[]>;
  /** Drops every connection, so the process can exit at once. */
  close(): void;
}

interface RawSpreadsheet {
  properties?: { title?: string; locale?: string; timeZone?: string };
  sheets?: {
    properties?: {
      sheetId?: number;
      title?: string;
      index?: number;
      sheetType?: string;
      gridProperties?: { rowCount?: number; columnCount?: number };
    };
  }[];
  namedRanges?: {
    name?: string;
    range?: { sheetId?: number; startRowIndex?: number; endRowIndex?: number; startColumnIndex?: number; endColumnIndex?: number };
  }[];
}

function toMeta(data: RawSpreadsheet): SpreadsheetMeta {
  return {
    title: data.properties?.title,
    locale: data.properties?.locale,
    timeZone: data.properties?.timeZone,
    sheets: (data.sheets ?? []).map((s, i) => ({
      sheetId: s.properties?.sheetId ?? 0,
      title: s.properties?.title ?? '',
      index: s.properties?.index ?? i,
      sheetType: s.properties?.sheetType ?? 'GRID',
      rowCount: s.properties?.gridProperties?.rowCount ?? 0,
      columnCount: s.properties?.gridProperties?.columnCount ?? 0,
    })),
    namedRanges: (data.namedRanges ?? []).map((n) => ({
      name: n.name ?? '',
      sheetId: n.range?.sheetId ?? 0,
      startRowIndex: n.range?.startRowIndex,
      endRowIndex: n.range?.endRowIndex,
      startColumnIndex: n.range?.startColumnIndex,
      endColumnIndex: n.range?.endColumnIndex,
    })),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): unknown[] | undefined => (v === undefined ? [] : Array.isArray(v) ? v : undefined);

/** A cell's number format, from `{effectiveFormat: {numberFormat: {type, pattern}}}`; null when the cell is not that shape. */
function cellFormat(cell: unknown): NumberFormat | undefined | null {
  if (!isObject(cell)) return null;
  const format = isObject(cell.effectiveFormat) ? cell.effectiveFormat.numberFormat : undefined;
  if (format === undefined) return undefined;
  if (!isObject(format) || typeof format.type !== 'string') return null;
  return { type: format.type, pattern: text(format.pattern) };
}

/** A GridData's formats, or a reason it is not one. */
function gridOf(data: unknown): FormatGrid | string {
  const rows = isObject(data) ? list(data.rowData) : undefined;
  if (!rows) return 'a grid is not {rowData: [...]}';
  const grid: FormatGrid = [];
  for (const row of rows) {
    const cells = isObject(row) ? list(row.values) : undefined;
    if (!cells) return 'a row of a grid is not {values: [...]}';
    const formats: (NumberFormat | undefined)[] = [];
    for (const cell of cells) {
      const format = cellFormat(cell);
      if (format === null) return 'a cell of a grid is not {effectiveFormat: {numberFormat: {type, pattern}}}';
      formats.push(format);
    }
    grid.push(formats);
  }
  return grid;
}

/**
 * The grids of a formats answer, one per range asked for: the API answers each tab's ranges as its
 * `data`, one GridData per range in the order they were asked, under tabs it names by ID.
 */
function formatGrids(answer: unknown, ranges: readonly FormatsRange[]): FormatGrid[] | string {
  const sheets = isObject(answer) ? list(answer.sheets) : undefined;
  if (!sheets) return 'the formats answer has no "sheets"';
  const bySheet = new Map<number, unknown[]>();
  for (const sheet of sheets) {
    if (!isObject(sheet)) return 'a tab of the formats answer is not an object';
    // Tab 0's ID, a default, may be left out, and with it its properties.
    const id = isObject(sheet.properties) ? (sheet.properties.sheetId ?? 0) : 0;
    const data = list(sheet.data);
    if (typeof id !== 'number' || !data) return 'a tab of the formats answer is not {properties: {sheetId}, data: [...]}';
    bySheet.set(id, [...(bySheet.get(id) ?? []), ...data]);
  }
  const grids: FormatGrid[] = [];
  for (const range of ranges) {
    const data = bySheet.get(range.sheetId)?.shift();
    if (data === undefined) return `the formats answer has no grid for ${range.a1}`;
    const grid = gridOf(data);
    if (typeof grid === 'string') return grid;
    grids.push(grid);
  }
  return grids;
}

/**
 * The facts of a Google error body, in both shapes it comes in: `error.status` and
 * `error.details[]` google.rpc.ErrorInfo, and the legacy `error.errors[]`. Undefined when the body
 * is not a Google error.
 */
function errorBodyFacts(body: string): AttemptFailure | undefined {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return undefined;
  }
  const error = isObject(data) ? data.error : undefined;
  if (!isObject(error)) return undefined;
  const errorInfo: NonNullable<AttemptFailure['errorInfo']> = [];
  for (const d of Array.isArray(error.details) ? error.details : []) {
    if (!isObject(d) || typeof d.reason !== 'string') continue;
    const type = text(d['@type']);
    if (type !== undefined && !type.endsWith('google.rpc.ErrorInfo')) continue;
    const metadata = isObject(d.metadata)
      ? Object.fromEntries(Object.entries(d.metadata).filter((e): e is [string, string] => typeof e[1] === 'string'))
      : undefined;
    errorInfo.push({ reason: d.reason, domain: text(d.domain), metadata });
  }
  const legacy = (Array.isArray(error.errors) ? error.errors : []).map((e) => (isObject(e) ? text(e.reason) : undefined));
  const reasons = [...errorInfo.map((e) => e.reason), ...legacy.filter((r): r is string => r !== undefined)];
  const message = text(error.message);
  return {
    apiStatus: text(error.status),
    reason: reasons[0],
    reasons,
    errorInfo: errorInfo.length > 0 ? errorInfo : undefined,
    message: message !== undefined ? firstLine(message) : undefined,
  };
}

/** The `error=` parameter of a WWW-Authenticate header (RFC 6750), e.g. invalid_token. */
function authenticateError(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return /(?:^|[\s,])error\s*=\s*(?:"([^"]*)"|([^\s,]+))/i
    .exec(header)
    ?.slice(1)
    .find((v) => v !== undefined);
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(contentType.trim());
}

/** Up to `limit` bytes of a body; `complete` is false when it was longer (the rest is dropped). */
async function readUpTo(body: ResponseBody, limit: number): Promise<{ bytes: Buffer; complete: boolean }> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    parts.push(chunk);
    size += chunk.length;
    // Leaving the loop destroys the stream and its socket.
    if (size > limit) return { bytes: Buffer.concat(parts).subarray(0, limit), complete: false };
  }
  return { bytes: Buffer.concat(parts), complete: true };
}

function userAgent(): string {
  // Google compresses an answer only for a User-Agent that contains "gzip".
  return `sheetpipe/${version()} (gzip)`;
}

/** Percent-encodes a query (spaces as %20, not '+': a range's sheet name is not form data). */
function query(params: [string, string | undefined][]): string {
  return params
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

/**
 * Creates the API client. Checks the endpoint first (the TLS rule, before anything is loaded or
 * sent), then loads the credentials (see auth.ts) while the transport settles its route.
 */
export async function createSheetsApi(options: SheetsApiOptions): Promise<SheetsApi> {
  const endpoint = normaliseEndpoint(options.endpoint ?? DEFAULT_ENDPOINT, 'the endpoint option');
  const root = new URL(endpoint);
  const transport = createTransport({ maxSockets: options.maxSockets, compress: options.compress, userAgent: userAgent() });
  let credentials: RequestCredentials;
  try {
    [credentials] = await Promise.all([
      loadCredentials({ endpoint, credentials: options.credentials, env: options.env ?? {}, signal: options.signal }),
      transport.prepare(root),
    ]);
  } catch (error) {
    transport.close();
    throw error;
  }

  const host = root.host;
  const spreadsheet = `v4/spreadsheets/${encodeURIComponent(options.spreadsheetId)}`;
  const valueRenderOption = options.valueRender ?? 'FORMATTED_VALUE';
  // The API's reference ignores dateTimeRenderOption only under FORMATTED_VALUE: under FORMULA a date cell without a formula follows it.
  const dateTimeRenderOption = valueRenderOption === 'FORMATTED_VALUE' ? undefined : (options.dateRender ?? 'SERIAL_NUMBER');
  const valuesQuery: [string, string | undefined][] = [
    ['majorDimension', 'ROWS'],
    ['valueRenderOption', valueRenderOption],
    ['dateTimeRenderOption', dateTimeRenderOption],
    // The API indents its JSON by default, which inflates a values answer severalfold.
    ['prettyPrint', 'false'],
  ];

  /** Sends a GET; resolves with a 200 JSON answer whose body is unread, else rejects HttpFailure. */
  const open = async (path: string, params: [string, string | undefined][], signal: AbortSignal): Promise<TransportResponse> => {
    const url = new URL(`${path}?${query(params)}`, root);
    const headers = await credentials.headers(url, signal);
    const res = await transport.request({ url, headers, signal });
    const facts = { host, proxy: res.proxy, status: res.status, phase: 'answer' as const };
    if (res.status === 200) {
      const type = res.headers['content-type'];
      if (isJson(type)) return res;
      res.body.destroy();
      throw new HttpFailure({ ...facts, malformed: true, message: `the answer is ${type ? type.split(';', 1)[0] : 'untyped'}, not JSON` });
    }
    let body = '';
    try {
      body = (await readUpTo(res.body, ERROR_BODY_LIMIT)).bytes.toString('utf8');
    } catch {
      // The status is the fact that matters; a body cut short only loses detail.
      if (signal.aborted) throw signal.reason;
    }
    const fromApi = errorBodyFacts(body);
    throw new HttpFailure({
      ...facts,
      ...(fromApi ?? { message: res.statusMessage || undefined, notFromApi: true }),
      retryAfter: res.headers['retry-after'],
      wwwAuthenticate: authenticateError(res.headers['www-authenticate']),
    });
  };

  /** A whole JSON answer of METADATA_LIMIT bytes at most, parsed; `malformed` makes the failure a spoilt answer is. */
  const readJson = async (
    res: TransportResponse,
    what: string,
  ): Promise<{ data: unknown; malformed: (message: string) => HttpFailure }> => {
    const malformed = (message: string) =>
      new HttpFailure({ host, proxy: res.proxy, status: 200, phase: 'body', malformed: true, message });
    const { bytes, complete } = await readUpTo(res.body, METADATA_LIMIT);
    if (!complete) throw malformed(`the ${what} answer is larger than ${METADATA_LIMIT / 1024 / 1024} MiB`);
    try {
      return { data: JSON.parse(bytes.toString('utf8')), malformed };
    } catch {
      throw malformed(`the ${what} answer is not JSON`);
    }
  };

  return {
    host,
    principal: credentials.principal,
    async getMetadata(signal) {
      const params: [string, string][] = [
        ['fields', METADATA_FIELDS],
        ['includeGridData', 'false'],
        ['prettyPrint', 'false'],
      ];
      const { data, malformed } = await readJson(await open(spreadsheet, params, signal), 'metadata');
      // Every spreadsheet has a tab: an answer without `sheets` is spoilt, not an empty spreadsheet.
      if (!isObject(data) || !Array.isArray(data.sheets)) throw malformed('the metadata answer has no "sheets"');
      return toMeta(data as RawSpreadsheet);
    },
    async getFormats(ranges, signal) {
      // A grid-data mask makes the API send grid data, and only what it names: includeGridData is left out.
      const params: [string, string][] = [
        ...ranges.map((r): [string, string] => ['ranges', r.a1]),
        ['fields', FORMATS_FIELDS],
        ['prettyPrint', 'false'],
      ];
      const { data, malformed } = await readJson(await open(spreadsheet, params, signal), 'formats');
      const grids = formatGrids(data, ranges);
      if (typeof grids === 'string') throw malformed(grids);
      return grids;
    },
    async openValues(range, signal) {
      return (await open(`${spreadsheet}/values/${encodeURIComponent(range)}`, valuesQuery, signal)).body;
    },
    async openBatch(ranges, signal) {
      return (await open(`${spreadsheet}/values:batchGet`, [...ranges.map((r): [string, string] => ['ranges', r]), ...valuesQuery], signal))
        .body;
    },
    close() {
      transport.close();
    },
  };
}
