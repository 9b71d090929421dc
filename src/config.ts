/**
 * Every export option validated and normalised in one place, before any I/O. Pure: argv values and
 * the environment in, a config out, or a UsageError whose message names the option and the value.
 */
import { extname } from 'node:path';
import { parseA1, type A1 } from './a1.js';
import { UsageError, showInput } from './errors.js';
import { type Format, FORMATS } from './format/formatter.js';
import type { DateRender, ValueRender } from './google/api.js';
import { DEFAULT_ENDPOINT, normaliseEndpoint } from './google/endpoint.js';
import { parseSpreadsheetRef, type SpreadsheetRef } from './ref.js';
import { DEFAULTS } from './defaults.js';

/** Export options as the command line gives them: strings, booleans, or absent. */
export interface RawExportArgs {
  spreadsheet?: unknown;
  range?: unknown;
  output?: unknown;
  format?: unknown;
  header?: unknown;
  concurrency?: unknown;
  chunkRows?: unknown;
  timeout?: unknown;
  retries?: unknown;
  maxRpm?: unknown;
  render?: unknown;
  dates?: unknown;
  limit?: unknown;
  progress?: unknown;
  quiet?: unknown;
  endpoint?: unknown;
  credentials?: unknown;
  verbose?: unknown;
}

export interface ExportConfig {
  spreadsheet: SpreadsheetRef;
  range?: A1;
  /** A file path; undefined means stdout. */
  output?: string;
  format: Format;
  header: boolean;
  concurrency: number;
  chunkRows?: number;
  timeoutMs: number;
  retries: number;
  maxRpm: number;
  render: ValueRender;
  dates?: DateRender;
  limit?: number;
  progress: boolean;
  quiet: boolean;
  verbose: boolean;
  endpoint: string;
  credentials?: string;
}

const RENDERS: Record<string, ValueRender> = { formatted: 'FORMATTED_VALUE', unformatted: 'UNFORMATTED_VALUE', formula: 'FORMULA' };
const DATES: Record<string, DateRender> = { serial: 'SERIAL_NUMBER', string: 'FORMATTED_STRING' };
const EXTENSION_FORMATS: Record<string, Format> = { '.csv': 'csv', '.tsv': 'tsv', '.ndjson': 'ndjson', '.jsonl': 'ndjson' };

function shown(value: unknown): string {
  return `\`${showInput(String(value), 60)}\``;
}

function single(name: string, value: unknown): unknown {
  if (Array.isArray(value)) throw new UsageError(`--${name} was given ${value.length} times; give it once`);
  return value;
}

function integer(name: string, value: unknown, min: number, max: number): number | undefined {
  const v = single(name, value);
  if (v === undefined) return undefined;
  const text = String(v).trim();
  const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} expects a whole number from ${min} to ${max}, got ${shown(v)}`);
  }
  return n;
}

function seconds(name: string, value: unknown, max: number): number | undefined {
  const v = single(name, value);
  if (v === undefined) return undefined;
  const text = String(v).trim();
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(n > 0) || n > max) throw new UsageError(`--${name} expects seconds above 0 and at most ${max}, got ${shown(v)}`);
  return n;
}

function choice<T>(name: string, value: unknown, table: Record<string, T>): T | undefined {
  const v = single(name, value);
  if (v === undefined) return undefined;
  const key = String(v).toLowerCase();
  if (!Object.hasOwn(table, key)) throw new UsageError(`--${name} expects one of ${Object.keys(table).join(', ')}, got ${shown(v)}`);
  return table[key];
}

function text(name: string, value: unknown): string | undefined {
  const v = single(name, value);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} expects a value, got ${shown(v)}`);
  return v;
}

function flag(name: string, value: unknown): boolean | undefined {
  const v = single(name, value);
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new UsageError(`--${name} takes no value, got ${shown(v)}`);
  return v;
}

export function buildExportConfig(raw: RawExportArgs, env: Record<string, string | undefined>, stderrIsTTY: boolean): ExportConfig {
  const spreadsheetText = text('spreadsheet', raw.spreadsheet);
  if (spreadsheetText === undefined) throw new UsageError('missing <spreadsheet>: give a spreadsheet ID or URL (see sheetpipe --help)');
  const spreadsheet = parseSpreadsheetRef(spreadsheetText);
  const rangeText = single('range', raw.range);
  const range = rangeText === undefined ? undefined : parseA1(String(rangeText));

  const outputText = text('output', raw.output);
  const output = outputText === undefined || outputText === '-' ? undefined : outputText;
  const explicitFormat = choice('format', raw.format, Object.fromEntries(FORMATS.map((f) => [f, f])) as Record<string, Format>);
  const format = explicitFormat ?? (output ? EXTENSION_FORMATS[extname(output).toLowerCase()] : undefined) ?? 'csv';

  const render = choice('render', raw.render, RENDERS) ?? DEFAULTS.render;
  const dates = choice('dates', raw.dates, DATES);
  if (dates !== undefined && render !== 'UNFORMATTED_VALUE') {
    throw new UsageError(`--dates ${String(raw.dates)} applies only with --render unformatted (formatted values show dates as the sheet does)`);
  }

  const quiet = flag('quiet', raw.quiet) ?? false;
  const progressFlag = flag('progress', raw.progress);
  if (quiet && progressFlag === true) throw new UsageError('--quiet and --progress contradict each other; give one');

  const credentials = text('credentials', raw.credentials);
  if (credentials !== undefined && /^\s*[{[]/.test(credentials)) {
    throw new UsageError('--credentials takes the path of a key file, not the key itself; secrets never go in flags');
  }

  const endpointText = text('endpoint', raw.endpoint);
  const endpoint =
    endpointText !== undefined
      ? normaliseEndpoint(endpointText, '--endpoint')
      : env.SHEETPIPE_ENDPOINT
        ? normaliseEndpoint(env.SHEETPIPE_ENDPOINT, 'SHEETPIPE_ENDPOINT')
        : DEFAULT_ENDPOINT;

  const timeout = seconds('timeout', raw.timeout, 3600);
  return {
    spreadsheet,
    range,
    output,
    format,
    header: flag('header', raw.header) ?? DEFAULTS.header,
    concurrency: integer('concurrency', raw.concurrency, 1, 64) ?? DEFAULTS.concurrency,
    chunkRows: integer('chunk-rows', raw.chunkRows, 1, 10_000_000),
    timeoutMs: timeout !== undefined ? Math.max(1, Math.round(timeout * 1000)) : DEFAULTS.timeoutMs,
    retries: integer('retries', raw.retries, 0, 100) ?? DEFAULTS.retries,
    maxRpm: integer('max-rpm', raw.maxRpm, 0, 1_000_000) ?? DEFAULTS.maxRpm,
    render,
    dates,
    limit: integer('limit', raw.limit, 1, 10_000_000),
    // A dumb terminal cannot redraw a bar in place.
    progress: !quiet && (progressFlag ?? (stderrIsTTY && env.TERM !== 'dumb')),
    quiet,
    verbose: flag('verbose', raw.verbose) ?? false,
    endpoint,
    credentials,
  };
}
