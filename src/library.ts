/**
 * The library's options: the command line's option names in camelCase and its values
 * (`render: 'unformatted'`, `timeout: 30` seconds), checked by the same rules before any request,
 * then turned into what the engine takes. The library reads no SHEETPIPE_* environment variable:
 * code that embeds it says where to connect.
 */
import { parseA1 } from './sheet/a1.js';
import { UsageError, showInput } from './shared/errors.js';
import type { BackoffOptions } from './fetch/retry-policy.js';
import type { SheetsApi } from './google/api.js';
import { checkCredentials } from './google/credentials.js';
import { DEFAULT_ENDPOINT } from './google/endpoint.js';
import { parseSpreadsheetRef } from './sheet/ref.js';
import type { FolderExportOptions as FolderRunOptions } from './engine/folder-export.js';
import type { ExportEvents, StreamExportOptions as EngineOptions } from './engine/run.js';
import { checkDates } from './options/config.js';
import { engineSettings } from './engine/settings.js';
import { closest } from './options/suggest.js';
import { type LibraryInput, type LibraryScope, type LibraryValues, libraryOptions, readValues } from './options/table.js';

/** What code passes beside the options the command line has too. */
export interface RunControls {
  /**
   * Environment consulted for credentials (GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_API_KEY).
   * Default process.env. SHEETPIPE_ENDPOINT is not read here: pass `endpoint`.
   */
  env?: Record<string, string | undefined>;
  /** Cancels the run: every request in flight is aborted. */
  signal?: AbortSignal;
  /** Receives the run's events (plan, requests, retries, progress, warnings). */
  events?: ExportEvents;
  /** Backoff tuning between retries. */
  backoff?: BackoffOptions;
  /** An API client to use instead of building one (embedding, tests). */
  api?: SheetsApi;
}

interface Target {
  /** Spreadsheet ID or docs.google.com URL (a `gid` in it picks the tab when `range` names none). */
  spreadsheet: string;
  /** A1 range, tab name or named range. Default: the whole first tab (or the URL's gid tab). */
  range?: string;
}

/**
 * Options of readRows and readSpreadsheetMeta: the command line's export options in camelCase with
 * the same values and defaults (README lists them): header, concurrency, chunkRows, timeout
 * (seconds), retries, maxRpm, render, dates, limit, endpoint, credentials.
 */
export type ExportOptions = Target & LibraryInput<'read'> & RunControls;

/** exportToStream's options: ExportOptions and `format` ('csv' default, 'tsv', 'ndjson' or 'jsonl'). */
export type StreamExportOptions = Target & LibraryInput<'stream'> & RunControls;

/**
 * exportToFolder's options: `output` (the folder, required), `ranges` (default: every grid tab),
 * `format`, `gzip`, and the export options of ExportOptions.
 */
export type FolderExportOptions = Omit<Target, 'range'> & {
  /** The folder: created if missing (its parent must exist). */
  output: string;
  /** A1 ranges, tab names or named ranges, one file each. Default: every grid tab, in tab order. */
  ranges?: readonly string[];
} & LibraryInput<'folder'> &
  RunControls;

const CONTROL_KEYS: readonly (keyof RunControls | keyof Target)[] = ['spreadsheet', 'range', 'env', 'signal', 'events', 'backoff', 'api'];

const TAKEN_BY: Readonly<Record<LibraryScope, string>> = {
  read: 'every function',
  stream: 'exportToStream and exportToFolder',
  folder: 'exportToFolder only',
};

function refuseUnknown(options: object, scope: LibraryScope): void {
  const known: string[] = [...CONTROL_KEYS, ...libraryOptions(scope).map((d) => d.key)];
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const other = libraryOptions('folder').find((d) => d.key === key);
    if (other?.library) throw new UsageError(`${key} is an option of ${TAKEN_BY[other.library]}`);
    const guess = closest(key, known);
    throw new UsageError(`unknown option ${showInput(key, 40)}${guess ? `; did you mean ${guess}?` : ''}`);
  }
}

/** The options checked by the table's rules, and the engine's options made from them. */
async function checked<S extends LibraryScope>(
  options: StreamExportOptions,
  scope: S,
): Promise<{ engine: EngineOptions; values: LibraryValues<S> }> {
  if (typeof options !== 'object' || options === null) throw new UsageError('expected an options object with at least { spreadsheet }');
  refuseUnknown(options, scope);
  if (typeof options.spreadsheet !== 'string') throw new UsageError('spreadsheet is required: a spreadsheet ID or docs.google.com URL');
  if (options.range !== undefined && typeof options.range !== 'string') throw new UsageError("range expects A1 text such as 'Orders'!A1:F");
  const spreadsheet = parseSpreadsheetRef(options.spreadsheet);
  const range = options.range === undefined ? undefined : parseA1(options.range);
  const values = readValues(
    libraryOptions(scope),
    options as unknown as Readonly<Record<string, unknown>>,
    (d) => d.key,
  ) as LibraryValues<S>;
  const v = values as LibraryValues<'stream'>;
  checkDates(v.render, v.dates, (option, value) => `${option}: '${value}'`);
  const endpoint = v.endpoint ?? DEFAULT_ENDPOINT;
  await checkCredentials(v.credentials, 'credentials');
  const engine: EngineOptions = {
    ...engineSettings({ ...v, endpoint }),
    spreadsheet,
    range,
    format: v.format,
    env: options.env,
    signal: options.signal,
    events: options.events,
    backoff: options.backoff,
    api: options.api,
  };
  return { engine, values };
}

/**
 * Checks a library caller's options with the command line's rules (a UsageError before any
 * request) and returns the engine's options.
 */
export async function engineOptions(options: StreamExportOptions, scope: LibraryScope): Promise<EngineOptions> {
  return (await checked(options, scope)).engine;
}

/** exportToFolder's options, checked as engineOptions checks the others: the folder run's options. */
export async function folderOptions(options: FolderExportOptions): Promise<FolderRunOptions> {
  if (typeof options === 'object' && options !== null && 'range' in options) {
    throw new UsageError('exportToFolder takes ranges (a list of A1 texts), not range; leave ranges out to export every tab');
  }
  const { ranges, ...rest } = options ?? {};
  if (ranges !== undefined && (!Array.isArray(ranges) || ranges.length === 0 || !ranges.every((r) => typeof r === 'string'))) {
    throw new UsageError("ranges expects a non-empty list of A1 texts such as ['Orders', 'Customers!A:C'], or nothing for every tab");
  }
  const { engine, values } = await checked(rest as StreamExportOptions, 'folder');
  if (values.output === undefined) throw new UsageError('output is required: the folder to write the files into');
  return {
    ...engine,
    output: values.output,
    ranges: ranges?.map((r) => parseA1(r)),
    format: engine.format ?? 'csv',
    gzip: values.gzip,
    rereads: values.rereads,
    outputLabel: 'output',
  };
}
