/**
 * Each command's validated config: the table's values plus the rules that join options together
 * (the format from -o's extension, --dates with --render, the endpoint from the environment,
 * whether to draw progress) and the positionals. Pure: values, the environment and the terminal in,
 * a config out, or a one-line UsageError.
 */
import { extname } from 'node:path';
import { parseA1, type A1 } from '../sheet/a1.js';
import { UsageError, showInput } from '../shared/errors.js';
import { DEFAULT_ENDPOINT, normaliseEndpoint } from '../google/endpoint.js';
import { parseSpreadsheetRef, type SpreadsheetRef } from '../sheet/ref.js';
import { shown, unexpectedArgument } from './rules.js';
import { type ValuesOf, commandValues } from './table.js';

type ExportValues = ValuesOf<'export'>;
export type Format = NonNullable<ExportValues['format']>;
/** How progress is shown: a bar redrawn in place, a plain line every few seconds, or nothing. */
export type ProgressMode = 'bar' | 'lines' | 'off';

export type Render = ExportValues['render'];
export type DatesMode = NonNullable<ExportValues['dates']>;

export interface Terminal {
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/** What `sheets` and an export share: where to read from and how to talk to the API. */
export interface ConnectionConfig {
  spreadsheet: SpreadsheetRef;
  endpoint: string;
  credentials?: string;
  /** Seconds. */
  timeout: number;
  retries: number;
  maxRpm: number;
  quiet: boolean;
  verbose: boolean;
}

export interface ExportConfig extends ConnectionConfig {
  range?: A1;
  /** A file path (the folder, with `folder`); undefined means stdout. */
  output?: string;
  /** Several ranges, or every grid tab (no ranges), one file each into the folder `output`. */
  folder?: { ranges?: A1[] };
  /** Gzip the file, or each file of the folder. */
  gzip: boolean;
  format: Format;
  header: boolean;
  concurrency: number;
  chunkRows?: number;
  render: Render;
  dates?: DatesMode;
  limit?: number;
  /** Times an export to -o starts over when rows move under it. */
  rereads: number;
  /** Compare the row where two chunk reads meet. */
  boundaryCheck: boolean;
  progress: ProgressMode;
}

export interface SheetsConfig extends ConnectionConfig {
  json: boolean;
}

export type SqlDialect = NonNullable<ValuesOf<'schema'>['sql']>;

/** How the schema is printed: a table, JSON, or a CREATE TABLE in a dialect. */
export type SchemaPrint = { kind: 'table' } | { kind: 'json' } | { kind: 'sql'; dialect: SqlDialect };

export interface SchemaConfig extends ConnectionConfig {
  range?: A1;
  header: boolean;
  print: SchemaPrint;
}

const EXTENSION_FORMATS: Readonly<Record<string, Format>> = { '.csv': 'csv', '.tsv': 'tsv', '.ndjson': 'ndjson', '.jsonl': 'ndjson' };

const GZIP = /\.gz$/i;

/** A file name that asks for gzip: `orders.csv.gz`. */
function isGzipPath(path: string): boolean {
  return GZIP.test(path);
}

/** A file name's extension, inside a `.gz` one, lower-cased: '' for `out`, `/dev/stdout`, `out.gz`. */
function extensionOf(path: string): string {
  return extname(path.replace(GZIP, '')).toLowerCase();
}

/**
 * The format a file name asks for: by its extension, inside a `.gz` one; none (`out`,
 * `/dev/stdout`, `out.gz`) means CSV. An extension that maps to no format is refused rather than
 * filled with CSV.
 */
export function formatOfPath(path: string): Format {
  const extension = extensionOf(path);
  if (extension === '') return 'csv';
  const format = EXTENSION_FORMATS[extension];
  if (format) return format;
  const file = showInput(path, 60);
  if (extension === '.json') {
    throw new UsageError(
      `-o ${file}: sheetpipe writes NDJSON (one JSON value per line), not a JSON array; name the file .ndjson or .jsonl, or give -f ndjson`,
    );
  }
  throw new UsageError(
    `-o ${file}: no format is known for "${showInput(extension, 20)}"; use .csv, .tsv, .ndjson or .jsonl, or give -f csv|tsv|ndjson`,
  );
}

/**
 * The format of a single file: -f where given, else its name's. A name whose extension is a format
 * must agree with -f (`-f tsv -o x.csv` would put TSV in a .csv file); a name without one, or with
 * one that is no format (`-f ndjson -o x.json`), takes any -f.
 */
function fileFormat(given: Format | undefined, path: string): Format {
  if (given === undefined) return formatOfPath(path);
  const extension = extensionOf(path);
  const named = EXTENSION_FORMATS[extension];
  if (named !== undefined && named !== given) {
    const gz = isGzipPath(path) ? '.gz' : '';
    throw new UsageError(
      `-f ${given} contradicts -o ${showInput(path, 60)} (a ${extension}${gz} file); name the file .${given}${gz}, or leave -f out`,
    );
  }
  return given;
}

/**
 * --dates means nothing for formatted values (the API ignores dateTimeRenderOption there, and only
 * there), and typed values decide dates themselves. `spell` names an option with its value as the
 * caller wrote it.
 */
export function checkDates(render: Render, dates: DatesMode | undefined, spell: (option: string, value: string) => string): void {
  if (dates === undefined || render === 'unformatted' || render === 'formula') return;
  const why =
    render === 'typed'
      ? "typed values write each date as its cell's format means it, in ISO 8601"
      : 'formatted values show dates as the sheet does';
  throw new UsageError(
    `${spell('dates', dates)} applies only with ${spell('render', 'unformatted')} or ${spell('render', 'formula')} (${why})`,
  );
}

const cliSpelling = (option: string, value: string) => `--${option} ${value}`;

function spreadsheetOf(text: string | undefined): SpreadsheetRef {
  if (text === undefined) throw new UsageError('missing <spreadsheet>: give a spreadsheet ID or URL (see sheetpipe --help)');
  return parseSpreadsheetRef(text);
}

type ConnectionValues = Pick<ValuesOf<'sheets'>, 'endpoint' | 'credentials' | 'timeout' | 'retries' | 'maxRpm' | 'quiet' | 'verbose'>;

function connection(v: ConnectionValues, spreadsheet: string | undefined, env: Env): ConnectionConfig {
  return {
    spreadsheet: spreadsheetOf(spreadsheet),
    endpoint: v.endpoint ?? (env.SHEETPIPE_ENDPOINT ? normaliseEndpoint(env.SHEETPIPE_ENDPOINT, 'SHEETPIPE_ENDPOINT') : DEFAULT_ENDPOINT),
    credentials: v.credentials,
    timeout: v.timeout,
    retries: v.retries,
    maxRpm: v.maxRpm,
    quiet: v.quiet,
    verbose: v.verbose,
  };
}

/**
 * Progress is drawn as a bar only where it can be redrawn and does not mix with the data
 * (`toStdout`: the data goes to stdout, not to a file or a folder).
 */
function progressMode(quiet: boolean, progress: boolean | undefined, terminal: Terminal, env: Env, toStdout: boolean): ProgressMode {
  if (quiet || progress === false) return 'off';
  // The data on a terminal is its own progress; a dumb terminal cannot redraw a line.
  if (terminal.stderrIsTTY && !(toStdout && terminal.stdoutIsTTY) && env.TERM !== 'dumb') return 'bar';
  return progress === true ? 'lines' : 'off';
}

/**
 * Where an export goes: one range to stdout or a file (gzipped when its name ends .gz), or several
 * ranges — or every tab — to a folder, one file each.
 */
function destination(v: ExportValues, texts: readonly string[]): Pick<ExportConfig, 'range' | 'output' | 'folder' | 'gzip' | 'format'> {
  if (v.allSheets && texts.length > 0) {
    throw new UsageError(`--all-sheets exports every tab: give --all-sheets or ranges, not both (got ${shown(texts[0])})`);
  }
  const ranges = texts.map((text) => parseA1(text));
  const output = v.output === '-' ? undefined : v.output;
  if (v.allSheets || ranges.length > 1) {
    const what = v.allSheets ? '--all-sheets writes one file per tab' : `${ranges.length} ranges write one file per range`;
    if (output === undefined) throw new UsageError(`${what} into a folder, not to stdout: add -o DIR`);
    return { range: undefined, output, folder: { ranges: v.allSheets ? undefined : ranges }, gzip: v.gzip, format: v.format ?? 'csv' };
  }
  // A path ending in / names a folder: one range is one file.
  if (output !== undefined && /[\\/]$/.test(output)) {
    throw new UsageError(
      `-o ${showInput(output, 60)} names a folder: one range is written to a file; name one (${showInput(`${output}out.csv`, 70)}), or give --all-sheets or several ranges to write one file each into it`,
    );
  }
  if (v.gzip && output === undefined) throw new UsageError('--gzip writes a file: give -o FILE.csv.gz (or pipe the output through gzip)');
  if (v.gzip && !isGzipPath(output as string))
    throw new UsageError(`--gzip: name the file ${shown(`${output}.gz`)}; a single file is gzipped when its name ends .gz`);
  return {
    range: ranges[0],
    output,
    folder: undefined,
    gzip: output !== undefined && isGzipPath(output),
    format: output === undefined ? (v.format ?? 'csv') : fileFormat(v.format, output),
  };
}

/** `given`: raw option values by key (as argv gave them); `positionals`: <spreadsheet> [range...]. */
export function exportConfig(
  given: Readonly<Record<string, unknown>>,
  positionals: readonly string[],
  env: Env,
  terminal: Terminal,
): ExportConfig {
  const v = commandValues('export', given);
  const [spreadsheet, ...texts] = positionals;
  const base = connection(v, spreadsheet, env);
  const where = destination(v, texts);
  checkDates(v.render, v.dates, cliSpelling);
  if (v.quiet && v.progress === true) throw new UsageError('--quiet and --progress contradict each other; give one');

  return {
    ...base,
    ...where,
    header: v.header,
    concurrency: v.concurrency,
    chunkRows: v.chunkRows,
    render: v.render,
    dates: v.dates,
    limit: v.limit,
    rereads: v.rereads,
    boundaryCheck: v.boundaryCheck,
    progress: progressMode(v.quiet, v.progress, terminal, env, where.output === undefined),
  };
}

export function sheetsConfig(given: Readonly<Record<string, unknown>>, positionals: readonly string[], env: Env): SheetsConfig {
  const v = commandValues('sheets', given);
  if (positionals.length > 1) throw unexpectedArgument(positionals[1] as string);
  return { ...connection(v, positionals[0], env), json: v.json };
}

export function schemaConfig(given: Readonly<Record<string, unknown>>, positionals: readonly string[], env: Env): SchemaConfig {
  const v = commandValues('schema', given);
  const [spreadsheet, range, extra] = positionals;
  if (extra !== undefined) throw unexpectedArgument(extra);
  if (v.json && v.sql !== undefined) throw new UsageError(`--json and --sql ${v.sql} print the schema two ways: give one`);
  const print: SchemaPrint = v.sql !== undefined ? { kind: 'sql', dialect: v.sql } : v.json ? { kind: 'json' } : { kind: 'table' };
  return { ...connection(v, spreadsheet, env), range: range === undefined ? undefined : parseA1(range), header: v.header, print };
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function completionShell(positionals: readonly string[]): Shell {
  const [shell, extra] = positionals;
  if (extra !== undefined) throw unexpectedArgument(extra);
  if (shell === undefined) throw new UsageError('completion needs a shell: sheetpipe completion bash|zsh|fish');
  if (!(SHELLS as readonly string[]).includes(shell))
    throw new UsageError(`completion expects one of ${SHELLS.join(', ')}, got ${shown(shell)}`);
  return shell as Shell;
}
