/**
 * Every option of every command, declared once: its spellings, type, default, help, rule, help
 * group, the commands that take it and whether the library takes it. The argv parser, help,
 * "did you mean", shell completion, README's option tables, the man page, each command's config
 * and the library's option type and validation are all derived from this list. Pure.
 */
import { MAX_COLUMN, MAX_ROW } from '../sheet/a1.js';
import { DEMO_SPREADSHEET_ID, EMULATOR_HOST, EMULATOR_PORT } from '../shared/demo.js';
import { UsageError } from '../shared/errors.js';
import { DEFAULT_ENDPOINT, normaliseEndpoint } from '../google/endpoint.js';
import { RETRY_DEFAULTS } from '../fetch/retry-policy.js';
import { SPREADSHEET_ID } from '../sheet/ref.js';
import { SQL_DIALECTS } from '../output/schema.js';
import { type Rule, choice, decimal, flag, integer, list, matching, seconds, text } from './rules.js';

export type CommandName = 'export' | 'sheets' | 'schema' | 'emulator' | 'completion';
export const COMMAND_NAMES: readonly CommandName[] = ['export', 'sheets', 'schema', 'emulator', 'completion'];
/** Words that name a command in first position. `help` is one too, though not a command of its own. */
export const COMMAND_WORDS: readonly string[] = [...COMMAND_NAMES, 'help'];

export type Group = 'Output' | 'Connection' | 'Emulator' | 'General';
export const GROUPS: readonly Group[] = ['Output', 'Connection', 'Emulator', 'General'];

/**
 * Which library functions take an option, from the most to the fewest: 'read' — every function;
 * 'stream' — the functions that write a format, exportToStream and exportToFolder; 'folder' —
 * exportToFolder only. A function named by a scope takes the options of that scope and the wider ones.
 */
export type LibraryScope = 'read' | 'stream' | 'folder';

export interface OptionDef<In = unknown, Out = unknown> {
  /** The long spelling: `chunk-rows` for `--chunk-rows`. */
  readonly name: string;
  /** The name in a validated config and in the library's options: `chunkRows`. */
  readonly key: string;
  /** One letter: `c` for `-c`. */
  readonly short?: string;
  /** flag: no value; value: one value; list: a value, repeatable. */
  readonly arity: 'flag' | 'value' | 'list';
  /** `--no-NAME` sets it to false. */
  readonly negatable?: boolean;
  /** The value's name in help: `N`, `FILE`. */
  readonly placeholder?: string;
  readonly help: string;
  readonly rule: Rule<In, Out>;
  /** The value a config gets when the option is absent; shown in help. */
  readonly default?: Out;
  /** Help's default when no value is filled in here (the consumer decides, or it depends on other options). */
  readonly shownDefault?: string;
  /** The library's default, where it differs from the command line's (which may depend on -o). */
  readonly libraryDefault?: string;
  readonly group: Group;
  readonly commands: readonly CommandName[];
  readonly library?: LibraryScope;
  /** Shells complete a file name for the value. */
  readonly completeFiles?: boolean;
}

/** Keeps each entry's literal type, so that the config and library types can be derived from the list. */
function option<const T extends OptionDef>(def: T): T {
  return def;
}

const EXPORTING = ['export'] as const;
const CONNECTING = ['export', 'sheets', 'schema'] as const;
const EMULATING = ['emulator'] as const;
const EVERY = COMMAND_NAMES;

/** `--credentials` takes a path; a key pasted in its place is refused without being echoed. */
const credentialsPath: Rule<string, string> = {
  type: 'path',
  parse(value, label) {
    const path = text('the path of a key file', 'path').parse(value, label);
    if (/^\s*[{[]/.test(path) || /-----BEGIN/.test(path)) {
      throw new UsageError(`${label} takes the path of a key file, not the key itself; secrets never go in flags`);
    }
    return path;
  },
};

const endpointUrl: Rule<string, string> = {
  type: 'URL',
  parse(value, label) {
    return normaliseEndpoint(text('a URL', 'URL').parse(value, label), label);
  },
};

export const OPTIONS = [
  // Output
  option({
    name: 'output',
    key: 'output',
    short: 'o',
    arity: 'value',
    placeholder: 'PATH',
    group: 'Output',
    commands: EXPORTING,
    completeFiles: true,
    library: 'folder',
    rule: text('a file path', 'path'),
    shownDefault: 'stdout',
    libraryDefault: 'required',
    help: "file to write; '-' is stdout. With several ranges or --all-sheets, the folder to write one file each into (created if missing). Written to temp files, renamed into place on success",
  }),
  option({
    name: 'all-sheets',
    key: 'allSheets',
    arity: 'flag',
    group: 'Output',
    commands: EXPORTING,
    rule: flag(),
    default: false,
    help: 'every grid tab, one file each, into the folder -o names, with _manifest.json; hidden tabs are included, chart tabs skipped and named in one line on stderr',
  }),
  option({
    name: 'gzip',
    key: 'gzip',
    arity: 'flag',
    group: 'Output',
    commands: EXPORTING,
    library: 'folder',
    rule: flag(),
    default: false,
    help: 'gzip each file of a folder export (names end .gz); -o FILE.csv.gz is gzipped by its name',
  }),
  option({
    name: 'boundary-check',
    key: 'boundaryCheck',
    arity: 'flag',
    negatable: true,
    group: 'Output',
    commands: EXPORTING,
    library: 'read',
    rule: flag(),
    default: true,
    help: "each chunk after a range's first re-reads the row before it, so rows moved by an edit during the export are caught (exit 6, or a re-read with -o); --no-boundary-check reads without it, for a sheet whose rows change by themselves (NOW(), RAND())",
  }),
  option({
    name: 'rereads',
    key: 'rereads',
    arity: 'value',
    placeholder: 'N',
    group: 'Output',
    commands: EXPORTING,
    library: 'folder',
    rule: integer(0, 100),
    default: 2,
    help: 'how many times an export to -o starts over, from fresh metadata after a short wait, when rows move between two of its reads (the sheet edited while it runs); stdout cannot take rows back and stops instead',
  }),
  option({
    name: 'format',
    key: 'format',
    short: 'f',
    arity: 'value',
    placeholder: 'FORMAT',
    group: 'Output',
    commands: EXPORTING,
    library: 'stream',
    rule: choice(['csv', 'tsv', 'ndjson'], { jsonl: 'ndjson' }, { json: 'sheetpipe writes NDJSON, one JSON value per line: -f ndjson' }),
    shownDefault: "from -o's extension (.csv .tsv .ndjson .jsonl, each also inside .gz), else csv",
    libraryDefault: 'csv',
    help: 'output format',
  }),
  option({
    name: 'header',
    key: 'header',
    arity: 'flag',
    negatable: true,
    group: 'Output',
    commands: EXPORTING,
    library: 'read',
    rule: flag(),
    default: true,
    help: 'the first row is the header: NDJSON objects are keyed by it and --limit does not count it; --no-header writes NDJSON arrays',
  }),
  option({
    name: 'render',
    key: 'render',
    arity: 'value',
    placeholder: 'MODE',
    group: 'Output',
    commands: EXPORTING,
    library: 'read',
    rule: choice(['formatted', 'unformatted', 'formula', 'typed']),
    default: 'formatted',
    help: "formatted: as the sheet shows them (text); unformatted: numbers and booleans as such; formula: formulas as written; typed: numbers and booleans as such, dates, times and durations in ISO 8601 and zero-padded codes as shown, as each column's number format means them",
  }),
  option({
    name: 'dates',
    key: 'dates',
    arity: 'value',
    placeholder: 'MODE',
    group: 'Output',
    commands: EXPORTING,
    library: 'read',
    rule: choice(['serial', 'string']),
    shownDefault: 'serial',
    help: 'with --render unformatted or formula: dates as serial numbers (days since 1899-12-30) or as formatted text (a formula is shown as written); --render typed writes ISO 8601',
  }),
  option({
    name: 'limit',
    key: 'limit',
    arity: 'value',
    placeholder: 'N',
    group: 'Output',
    commands: EXPORTING,
    library: 'read',
    rule: integer(1, 10_000_000),
    shownDefault: 'none',
    help: 'stop after N data rows; only the requests needed are made',
  }),
  option({
    name: 'json',
    key: 'json',
    arity: 'flag',
    group: 'Output',
    commands: ['sheets'],
    rule: flag(),
    default: false,
    help: 'print the tabs as one JSON array',
  }),
  option({
    name: 'header',
    key: 'header',
    arity: 'flag',
    negatable: true,
    group: 'Output',
    commands: ['schema'],
    rule: flag(),
    default: true,
    help: 'the first row is the header: it names the columns, as it keys NDJSON objects; --no-header names them by letter',
  }),
  option({
    name: 'json',
    key: 'json',
    arity: 'flag',
    group: 'Output',
    commands: ['schema'],
    rule: flag(),
    default: false,
    help: 'print the schema as one JSON object: range, timeZone, locale and columns',
  }),
  option({
    name: 'sql',
    key: 'sql',
    arity: 'value',
    placeholder: 'DIALECT',
    group: 'Output',
    commands: ['schema'],
    rule: choice(SQL_DIALECTS),
    shownDefault: 'none',
    help: 'print a CREATE TABLE for the range in that dialect, named after the tab (or named range)',
  }),
  option({
    name: 'progress',
    key: 'progress',
    arity: 'flag',
    negatable: true,
    group: 'Output',
    commands: EXPORTING,
    rule: flag(),
    shownDefault: 'a bar when stderr is a terminal and stdout is not',
    help: 'progress on stderr: a bar on a terminal, else a plain line every few seconds',
  }),
  option({
    name: 'quiet',
    key: 'quiet',
    short: 'q',
    arity: 'flag',
    group: 'Output',
    commands: CONNECTING,
    rule: flag(),
    default: false,
    help: 'no progress, no retry notice, no summary; errors still go to stderr, and so does a warning that a row was written wider than the width',
  }),
  option({
    name: 'verbose',
    key: 'verbose',
    arity: 'flag',
    group: 'Output',
    commands: CONNECTING,
    rule: flag(),
    default: false,
    help: 'print each retry, warnings from libraries, and the cause of unexpected errors',
  }),

  // Connection
  option({
    name: 'concurrency',
    key: 'concurrency',
    short: 'c',
    arity: 'value',
    placeholder: 'N',
    group: 'Connection',
    commands: EXPORTING,
    library: 'read',
    rule: integer(1, 64),
    default: 4,
    help: 'requests in flight at most',
  }),
  option({
    name: 'chunk-rows',
    key: 'chunkRows',
    arity: 'value',
    placeholder: 'N',
    group: 'Connection',
    commands: EXPORTING,
    library: 'read',
    rule: integer(1, 10_000_000),
    shownDefault: 'sized to ~150,000 cells',
    help: 'rows per request',
  }),
  option({
    name: 'timeout',
    key: 'timeout',
    arity: 'value',
    placeholder: 'SECONDS',
    group: 'Connection',
    commands: CONNECTING,
    library: 'read',
    rule: seconds(3600),
    default: 30,
    help: 'how long the API may stay silent, before an answer begins or within it, before the request is aborted and retried (waiting on a slow reader does not count)',
  }),
  option({
    name: 'retries',
    key: 'retries',
    arity: 'value',
    placeholder: 'N',
    group: 'Connection',
    commands: CONNECTING,
    library: 'read',
    rule: integer(0, 100),
    default: RETRY_DEFAULTS.retries,
    help: 'how many times in a row one request may fail without delivering a row before the export gives up (on 429, 5xx, timeouts, broken connections, malformed answers); a timed-out range is retried once, then read in halves',
  }),
  option({
    name: 'max-rpm',
    key: 'maxRpm',
    arity: 'value',
    placeholder: 'N',
    group: 'Connection',
    commands: CONNECTING,
    library: 'read',
    rule: integer(0, 1_000_000),
    default: 60,
    help: 'requests per minute at most, spread evenly, the metadata request included; 0 = no ceiling',
  }),
  option({
    name: 'endpoint',
    key: 'endpoint',
    arity: 'value',
    placeholder: 'URL',
    group: 'Connection',
    commands: CONNECTING,
    library: 'read',
    rule: endpointUrl,
    shownDefault: DEFAULT_ENDPOINT,
    help: 'API root; the command line also reads env SHEETPIPE_ENDPOINT. A root on this machine (localhost, 127.x, ::1) needs no credentials and may be http://; any other must be https:// (credentials never travel in cleartext)',
  }),
  option({
    name: 'credentials',
    key: 'credentials',
    arity: 'value',
    placeholder: 'FILE',
    group: 'Connection',
    commands: CONNECTING,
    library: 'read',
    completeFiles: true,
    rule: credentialsPath,
    shownDefault: 'GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_API_KEY, then Application Default Credentials',
    help: 'service-account or authorized-user JSON key file; checked on every endpoint, a local one included',
  }),

  // Emulator. Defaults are shown, not filled in: the emulator applies its own (a test holds them equal).
  option({
    name: 'port',
    key: 'port',
    arity: 'value',
    placeholder: 'N',
    group: 'Emulator',
    commands: EMULATING,
    rule: integer(0, 65_535),
    shownDefault: String(EMULATOR_PORT),
    help: 'port to listen on; 0 = any free port',
  }),
  option({
    name: 'host',
    key: 'host',
    arity: 'value',
    placeholder: 'ADDR',
    group: 'Emulator',
    commands: EMULATING,
    rule: text('a host name or IP address', 'host'),
    shownDefault: EMULATOR_HOST,
    help: 'address to bind; the default is this machine only',
  }),
  option({
    name: 'data',
    key: 'data',
    arity: 'list',
    placeholder: 'FILE',
    group: 'Emulator',
    commands: EMULATING,
    completeFiles: true,
    rule: list(
      matching('a .csv or .tsv file', (file) => /\.(csv|tsv)$/i.test(file), 'path'),
      '.csv or .tsv files',
    ),
    help: 'a .csv or .tsv file served as a tab named after the file; repeatable',
  }),
  option({
    name: 'rows',
    key: 'rows',
    arity: 'value',
    placeholder: 'N',
    group: 'Emulator',
    commands: EMULATING,
    rule: integer(1, MAX_ROW),
    help: "adds a generated tab 'Generated' of N rows (row 1 is the header)",
  }),
  option({
    name: 'cols',
    key: 'cols',
    arity: 'value',
    placeholder: 'N',
    group: 'Emulator',
    commands: EMULATING,
    rule: integer(1, MAX_COLUMN),
    shownDefault: '8',
    help: 'columns of the generated tab',
  }),
  option({
    name: 'seed',
    key: 'seed',
    arity: 'value',
    placeholder: 'N',
    group: 'Emulator',
    commands: EMULATING,
    rule: integer(),
    shownDefault: '1',
    help: 'seed of the generated data and of the random failures',
  }),
  option({
    name: 'spreadsheet-id',
    key: 'spreadsheetId',
    arity: 'value',
    placeholder: 'ID',
    group: 'Emulator',
    commands: EMULATING,
    rule: matching('8 to 200 letters, digits, "-" or "_"', (id) => SPREADSHEET_ID.test(id), 'ID'),
    shownDefault: DEMO_SPREADSHEET_ID,
    help: 'the spreadsheet ID it answers to',
  }),
  option({
    name: 'latency',
    key: 'latency',
    arity: 'value',
    placeholder: 'MS',
    group: 'Emulator',
    commands: EMULATING,
    rule: decimal('milliseconds', 0, 600_000),
    shownDefault: '0',
    help: 'milliseconds added to every answer',
  }),
  option({
    name: 'jitter',
    key: 'jitter',
    arity: 'value',
    placeholder: 'MS',
    group: 'Emulator',
    commands: EMULATING,
    rule: decimal('milliseconds', 0, 600_000),
    shownDefault: '0',
    help: 'random ± milliseconds on the latency',
  }),
  option({
    name: 'fail-rate',
    key: 'failRate',
    arity: 'value',
    placeholder: 'P',
    group: 'Emulator',
    commands: EMULATING,
    rule: decimal('a fraction', 0, 1),
    shownDefault: '0',
    help: 'fraction of values requests answered 503 UNAVAILABLE',
  }),
  option({
    name: 'max-rpm',
    key: 'maxRpm',
    arity: 'value',
    placeholder: 'N',
    group: 'Emulator',
    commands: EMULATING,
    rule: integer(1),
    shownDefault: 'no quota',
    help: 'quota: beyond N requests a minute, 429 RESOURCE_EXHAUSTED',
  }),
  option({
    name: 'retry-after',
    key: 'retryAfter',
    arity: 'flag',
    group: 'Emulator',
    commands: EMULATING,
    rule: flag(),
    help: 'answer quota 429s with a Retry-After header',
  }),
  option({
    name: 'edit',
    key: 'edit',
    arity: 'list',
    placeholder: 'EDIT',
    group: 'Emulator',
    commands: EMULATING,
    rule: list(text('an edit like insert:1500:3@2', 'edit'), 'edits'),
    help: 'edit the spreadsheet while it serves, as a person would during an export: KIND:ROW:ROWS@N makes the edit once values request N is answered (insert:1500:3@2 inserts 3 rows at row 1500 of the first tab; delete, reorder (reverses them) and change (new values, no row moved) likewise; append:ROWS@N adds rows after the data; TAB! in front names another tab); repeatable',
  }),

  // General
  option({
    name: 'help',
    key: 'help',
    short: 'h',
    arity: 'flag',
    group: 'General',
    commands: EVERY,
    rule: flag(),
    help: 'show this help',
  }),
  option({
    name: 'version',
    key: 'version',
    arity: 'flag',
    group: 'General',
    commands: EVERY,
    rule: flag(),
    help: 'print the version',
  }),
];

export type AnyOption = (typeof OPTIONS)[number];

type ForCommand<D, C extends CommandName> = D extends { commands: readonly (infer X)[] } ? (C extends X ? D : never) : never;
/** The scopes an option may carry to be taken by the functions of scope S: exportToFolder takes every library option. */
type Within = { read: 'read'; stream: 'read' | 'stream'; folder: LibraryScope };
type ForLibrary<D, S extends LibraryScope> = D extends { library: infer L } ? (L extends Within[S] ? D : never) : never;
type OutOf<D> = D extends { rule: Rule<unknown, infer O> } ? O : never;
type InOf<D> = D extends { rule: Rule<infer I, unknown> } ? I : never;

/** The options of one command. */
export type OptionsOf<C extends CommandName> = ForCommand<AnyOption, C>;

/** A command's validated values, by key: an option with a default always has a value. */
export type ValuesOf<C extends CommandName> = {
  [D in OptionsOf<C> as D['key']]: D extends { default: unknown } ? OutOf<D> : OutOf<D> | undefined;
};

/** The library's options for scope `S` ('read' for every function, 'stream' adds exportToStream's, 'folder' exportToFolder's), as callers give them. */
export type LibraryInput<S extends LibraryScope> = {
  [D in ForLibrary<AnyOption, S> as D['key']]?: InOf<D>;
};

/** Validated library values for scope `S`. */
export type LibraryValues<S extends LibraryScope> = {
  [D in ForLibrary<AnyOption, S> as D['key']]: D extends { default: unknown } ? OutOf<D> : OutOf<D> | undefined;
};

/** The table as plain declarations, for code that reads it at run time. */
export const OPTION_LIST: readonly OptionDef[] = OPTIONS;

export function optionsFor(command: CommandName): OptionDef[] {
  return OPTION_LIST.filter((o) => o.commands.includes(command));
}

const SCOPE_ORDER: readonly LibraryScope[] = ['read', 'stream', 'folder'];

/** The library's options for `scope`: 'read' for readRows and readSpreadsheetMeta, 'stream' for exportToStream, 'folder' for exportToFolder. */
export function libraryOptions(scope: LibraryScope): OptionDef[] {
  const widest = SCOPE_ORDER.indexOf(scope);
  return OPTION_LIST.filter((o) => o.library !== undefined && SCOPE_ORDER.indexOf(o.library) <= widest);
}

/** `--chunk-rows`, `-c`: how the command line spells an option. */
export function flagOf(def: { name: string }): string {
  return `--${def.name}`;
}

/** `--concurrency N`, `--header`: the long spelling, with the value's placeholder. */
export function longSpelling(def: OptionDef): string {
  return `${flagOf(def)}${def.arity === 'flag' ? '' : ` ${def.placeholder ?? 'VALUE'}`}`;
}

/**
 * Validates `given` (keyed by option key) against `defs`: absent options get their default, present
 * ones pass their rule. `label` spells an option in messages.
 */
export function readValues(
  defs: readonly OptionDef[],
  given: Readonly<Record<string, unknown>>,
  label: (def: OptionDef) => string,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const def of defs) {
    const value = given[def.key];
    values[def.key] = value === undefined ? def.default : def.rule.parse(value, label(def));
  }
  return values;
}

/** A command's validated values, option by option; cross-option rules are the command config's. */
export function commandValues<C extends CommandName>(command: C, given: Readonly<Record<string, unknown>>): ValuesOf<C> {
  return readValues(optionsFor(command), given, flagOf) as ValuesOf<C>;
}
