/**
 * The option table's values in the engine's names and units: Google's render enums, a timeout in
 * milliseconds, and the defaults a run gets for an option nobody set. The command line and the
 * library both hand the engine their validated values through engineSettings.
 */
import type { DateRender, ValueRender } from '../google/api.js';
import { type LibraryValues, libraryOptions, readValues } from '../options/table.js';

type Values = LibraryValues<'stream'>;

/**
 * How the engine reads values: one of Google's renders, or TYPED — sent as UNFORMATTED_VALUE with
 * SERIAL_NUMBER dates, each number then written as its column's number format means it.
 */
export type EngineRender = ValueRender | 'TYPED';

export const VALUE_RENDER: Readonly<Record<Values['render'], EngineRender>> = {
  formatted: 'FORMATTED_VALUE',
  unformatted: 'UNFORMATTED_VALUE',
  formula: 'FORMULA',
  typed: 'TYPED',
};
export const DATE_RENDER: Readonly<Record<NonNullable<Values['dates']>, DateRender>> = {
  serial: 'SERIAL_NUMBER',
  string: 'FORMATTED_STRING',
};

/** Seconds → ms; a tiny timeout stays above 0 ms rather than rounding to "no time at all". */
export const timeoutMs = (seconds: number): number => Math.max(1, Math.round(seconds * 1000));

const TABLE_DEFAULTS = readValues(libraryOptions('stream'), {}, (d) => d.key) as Values;

/** The engine's defaults, from the option table: what a run gets for an option nobody set. */
export const DEFAULTS = {
  concurrency: TABLE_DEFAULTS.concurrency,
  timeoutMs: timeoutMs(TABLE_DEFAULTS.timeout),
  retries: TABLE_DEFAULTS.retries,
  maxRpm: TABLE_DEFAULTS.maxRpm,
  render: VALUE_RENDER[TABLE_DEFAULTS.render],
  header: TABLE_DEFAULTS.header,
  boundaryCheck: TABLE_DEFAULTS.boundaryCheck,
} as const;

/** The option table's values as the engine takes them. */
export interface EngineSettings {
  /** Requests in flight at most. Default 4. */
  concurrency?: number;
  /** Rows per request. Default: sized from a cell budget. */
  chunkRows?: number;
  /** Milliseconds the API may stay silent (before an answer begins, or within it). Default 30000. */
  timeoutMs?: number;
  /** Failed attempts in a row, without rows delivered, before a request gives up. Default 5. */
  retries?: number;
  /** Requests per minute ceiling, spread evenly; 0 = none. Default 60. */
  maxRpm?: number;
  /** valueRenderOption, or TYPED. Default FORMATTED_VALUE. */
  render?: EngineRender;
  /** dateTimeRenderOption, used with UNFORMATTED_VALUE and FORMULA (TYPED reads serial numbers). Default SERIAL_NUMBER. */
  dates?: DateRender;
  /** Stop after this many data rows (rows after the header row when `header` is on). */
  limit?: number;
  /** The first row is a header: NDJSON keys come from it and `limit` does not count it. Default true. */
  header?: boolean;
  /** Each chunk after a range's first re-reads the row before it, to catch rows moved under the export. Default true. */
  boundaryCheck?: boolean;
  /** API root. Default https://sheets.googleapis.com/ */
  endpoint?: string;
  /** Service-account or authorized-user JSON key file. */
  credentials?: string;
}

/** What a run asks the API for: typed values are read as UNFORMATTED_VALUE with serial dates. */
export function wireRender(render: EngineRender, dates: DateRender | undefined): { valueRender: ValueRender; dateRender?: DateRender } {
  return render === 'TYPED'
    ? { valueRender: 'UNFORMATTED_VALUE', dateRender: 'SERIAL_NUMBER' }
    : { valueRender: render, dateRender: dates };
}

/** Validated values as both the command line and the library hold them. */
type RunValues = Partial<Omit<LibraryValues<'stream'>, 'format'>>;

/** The engine's names and units for validated values: Google's render enums, a timeout in ms. */
export function engineSettings(v: RunValues): EngineSettings {
  return {
    endpoint: v.endpoint,
    credentials: v.credentials,
    timeoutMs: v.timeout === undefined ? undefined : timeoutMs(v.timeout),
    retries: v.retries,
    maxRpm: v.maxRpm,
    concurrency: v.concurrency,
    chunkRows: v.chunkRows,
    header: v.header,
    render: v.render === undefined ? undefined : VALUE_RENDER[v.render],
    dates: v.dates === undefined ? undefined : DATE_RENDER[v.dates],
    limit: v.limit,
    boundaryCheck: v.boundaryCheck,
  };
}
