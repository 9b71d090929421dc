/**
 * The command line: argv → a validated config → a run. The only module that touches `process`:
 * signals, exit codes, stdout and stderr.
 */
import { readFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { buildExportConfig, type ExportConfig, type RawExportArgs } from './config.js';
import { BrokenPipe, ExitCode, InterruptedError, SheetpipeError, UsageError, oneLine, redact } from './errors.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const EXAMPLES = `Stream a Google Sheets range to CSV, TSV or NDJSON.

Examples:
  sheetpipe 1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms 'Orders!A:F' > orders.csv
  sheetpipe "https://docs.google.com/spreadsheets/d/ID/edit#gid=0" -o orders.ndjson
  sheetpipe ID 'Orders!A:F' -q | duckdb -c "SELECT count(*) FROM read_csv('/dev/stdin')"
  sheetpipe ID Orders -f ndjson | jq -c 'select(.status == "paid")'
  15 3 * * * sheetpipe ID Orders -q -o /data/orders.csv || echo "export failed: $?"
  sheetpipe sheets ID                      list the tabs
  sheetpipe emulator --rows 200000         a local Sheets API to try it offline

Usage:
  sheetpipe <spreadsheet> [range] [options]    export (the default command)
  sheetpipe export <spreadsheet> [range]       the same, spelled out
  sheetpipe sheets <spreadsheet> [--json]      list tabs: title, gid, rows, columns
  sheetpipe emulator [options]                 serve a local Sheets API

Exit codes: 0 done (also when the reader closes early), 1 failed, 2 usage, 3 auth,
4 not found, 5 API unavailable after retries, 130/143 interrupted.`;

type Parsed =
  | { command: 'export'; args: RawExportArgs }
  | { command: 'sheets'; args: RawExportArgs & { json?: unknown } }
  | { command: 'emulator'; args: Record<string, unknown> }
  | { command: 'none' };

function connectionOptions(y: Argv): Argv {
  return y
    .option('endpoint', { type: 'string', describe: 'API root (default https://sheets.googleapis.com/); env SHEETPIPE_ENDPOINT. A local root needs no credentials', group: 'Connection:' })
    .option('credentials', { type: 'string', describe: 'service-account or authorized-user JSON key file; else GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_API_KEY, then Application Default Credentials', group: 'Connection:' })
    .option('timeout', { type: 'string', describe: 'seconds per request before it is aborted and retried [default: 30]', group: 'Connection:' })
    .option('retries', { type: 'string', describe: 'retries per request after the first attempt [default: 5]', group: 'Connection:' })
    .option('max-rpm', { type: 'string', describe: 'requests per minute at most, spread evenly; 0 = no ceiling [default: 60]', group: 'Connection:' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'no progress, no summary; errors still on stderr', group: 'Output:' })
    .option('verbose', { type: 'boolean', describe: 'print retries as they happen, and details of unexpected errors', group: 'Output:' });
}

function exportOptions(y: Argv): Argv {
  return connectionOptions(y)
    .positional('spreadsheet', { type: 'string', describe: 'spreadsheet ID or docs.google.com URL (#gid=N picks the tab)' })
    .positional('range', { type: 'string', describe: "A1 range: 'Sheet1'!A1:Z, A2:F, Sheet1, 5:100, B:B, or a named range [default: the whole first tab]" })
    .option('output', { alias: 'o', type: 'string', describe: "file to write ('-' = stdout); written to a temp file, renamed on success", group: 'Output:' })
    .option('format', { alias: 'f', type: 'string', describe: 'csv | tsv | ndjson [default: from -o extension, else csv]', group: 'Output:' })
    .option('header', { type: 'boolean', describe: 'first row is the header: NDJSON objects keyed by it, --limit does not count it; --no-header for arrays [default: true]', group: 'Output:' })
    .option('render', { type: 'string', describe: 'formatted | unformatted | formula [default: formatted]', group: 'Output:' })
    .option('dates', { type: 'string', describe: 'serial | string, with --render unformatted [default: serial]', group: 'Output:' })
    .option('limit', { type: 'string', describe: 'stop after N data rows; fetches only the chunks needed', group: 'Output:' })
    .option('progress', { type: 'boolean', describe: 'progress bar on stderr [default: on when stderr is a terminal]', group: 'Output:' })
    .option('concurrency', { alias: 'c', type: 'string', describe: 'requests in flight at most [default: 4]', group: 'Connection:' })
    .option('chunk-rows', { type: 'string', describe: 'rows per request [default: sized to ~150,000 cells]', group: 'Connection:' });
}

function emulatorOptions(y: Argv): Argv {
  return y
    .option('port', { type: 'string', describe: 'port to listen on; 0 = any free port [default: 8089]' })
    .option('host', { type: 'string', describe: 'address to bind [default: 127.0.0.1]' })
    .option('data', { type: 'string', array: true, describe: 'a .csv or .tsv file served as a tab named after the file; repeatable' })
    .option('rows', { type: 'string', describe: 'a generated tab with N rows (row 1 is the header)' })
    .option('cols', { type: 'string', describe: 'columns of the generated tab, with --rows [default: 8]' })
    .option('seed', { type: 'string', describe: 'seed of the generated data [default: 1]' })
    .option('spreadsheet-id', { type: 'string', describe: 'the ID it answers to [default: the demo ID]' })
    .option('latency', { type: 'string', describe: 'milliseconds added to every request [default: 0]' })
    .option('jitter', { type: 'string', describe: 'random ± milliseconds on the latency [default: 0]' })
    .option('fail-rate', { type: 'string', describe: 'fraction of values requests answered 503, 0..1 [default: 0]' })
    .option('max-rpm', { type: 'string', describe: 'quota: beyond N requests a minute, 429 RESOURCE_EXHAUSTED [default: none]' });
}

const EXPORT_KEYS = ['spreadsheet', 'range', 'output', 'format', 'header', 'concurrency', 'chunkRows', 'timeout', 'retries', 'maxRpm', 'render', 'dates', 'limit', 'progress', 'quiet', 'endpoint', 'credentials', 'verbose'] as const;

function pick(argv: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => argv[k] !== undefined).map((k) => [k, argv[k]]));
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}


/** "Unknown argument: concurency" → adds "did you mean --concurrency?". */
// Every option of every command, for "did you mean" (yargs suggests commands, not options).
const KNOWN_OPTIONS = ['output', 'format', 'header', 'no-header', 'concurrency', 'chunk-rows', 'timeout', 'retries', 'max-rpm', 'render', 'dates', 'limit', 'progress', 'no-progress', 'quiet', 'endpoint', 'credentials', 'verbose', 'json', 'port', 'host', 'data', 'rows', 'cols', 'seed', 'spreadsheet-id', 'latency', 'jitter', 'fail-rate', 'help', 'version'];

function withSuggestion(message: string): string {
  const m = /^Unknown arguments?: (.+)$/.exec(message);
  if (!m) return message;
  const unknown = (m[1] ?? '').split(', ').map((s) => s.replace(/^-+/, ''));
  const hints = unknown
    .map((u) => {
      const best = KNOWN_OPTIONS.map((k) => [k, editDistance(u, k)] as const).sort((a, b) => a[1] - b[1])[0];
      return best && best[1] <= Math.max(2, Math.floor(u.length / 3)) ? `--${best[0]}` : undefined;
    })
    .filter(Boolean);
  const named = unknown.map((u) => (u.length === 1 ? `-${u}` : `--${u}`)).join(', ');
  return `unknown option ${named}${hints.length ? `; did you mean ${hints.join(', ')}?` : ''} (see sheetpipe --help)`;
}

async function parseArgs(args: string[], width: number): Promise<Parsed> {
  let parsed: Parsed = { command: 'none' };
  const parser = yargs(args)
    .scriptName('sheetpipe')
    .usage(EXAMPLES)
    .command(['$0 <spreadsheet> [range]', 'export <spreadsheet> [range]'], false, exportOptions, (argv) => {
      parsed = { command: 'export', args: pick(argv, EXPORT_KEYS) };
    })
    .command('sheets <spreadsheet>', 'list the tabs: title, gid, rows, columns', (y) =>
      connectionOptions(y).positional('spreadsheet', { type: 'string' }).option('json', { type: 'boolean', describe: 'print JSON' }),
    (argv) => {
      parsed = { command: 'sheets', args: { ...pick(argv, EXPORT_KEYS), json: argv.json } };
    })
    .command('emulator', 'serve a local Sheets API (for demos, tests, offline pipelines)', emulatorOptions, (argv) => {
      parsed = { command: 'emulator', args: argv as Record<string, unknown> };
    })
    .strict()
    .version(VERSION)
    .alias('h', 'help')
    .help()
    .wrap(Math.min(width, 110))
    .exitProcess(false)
    .fail((message, error) => {
      throw error instanceof SheetpipeError ? error : new UsageError(withSuggestion(message ?? error?.message ?? 'bad arguments'));
    });
  await parser.parseAsync();
  return parsed;
}

/** Runs sheetpipe with `args` (argv without node and script); resolves with the exit code. */
export async function main(args: string[]): Promise<number> {
  const stderr = process.stderr;
  const controller = new AbortController();
  let forcedCleanup: (() => void) | undefined;
  let interrupted = false;
  // For the emulator a signal is the normal way to stop, not news.
  let announceInterrupt = true;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (interrupted) {
      // Second signal: leave now, removing the temp file on the way out.
      forcedCleanup?.();
      process.exit(signal === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm);
    }
    interrupted = true;
    // Say so at once; the cleanup that follows takes a moment.
    if (announceInterrupt) stderr.write(`sheetpipe: interrupted by ${signal}\n`);
    controller.abort(new InterruptedError(signal));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  // A reader that went away is a normal end for a pipe tool, not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') controller.abort(new BrokenPipe());
  });

  let verbose = args.includes('--verbose');
  try {
    const parsed = await parseArgs(args, process.stdout.columns ?? 100);
    switch (parsed.command) {
      case 'none':
        return ExitCode.ok;
      case 'export': {
        const config = buildExportConfig(parsed.args, process.env, Boolean(stderr.isTTY));
        verbose = config.verbose;
        return await runExport(config, controller.signal, (cleanup) => (forcedCleanup = cleanup));
      }
      case 'sheets': {
        const config = buildExportConfig(parsed.args, process.env, false);
        verbose = config.verbose;
        return await runSheets(config, Boolean(parsed.args.json), controller.signal);
      }
      case 'emulator': {
        announceInterrupt = false;
        const { serveEmulator } = await import('./emulator/command.js');
        const a = parsed.args;
        // Numbers pass as numbers when they read as one; anything else reaches the emulator's checks as given.
        const n = (v: unknown) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v);
        await serveEmulator(
          {
            port: n(a.port), host: a.host, data: a.data, rows: n(a.rows), cols: n(a.cols), seed: n(a.seed),
            spreadsheetId: a.spreadsheetId, latency: n(a.latency), jitter: n(a.jitter), failRate: n(a.failRate), maxRpm: n(a.maxRpm),
          } as Parameters<typeof serveEmulator>[0],
          { stdout: process.stdout, stderr: process.stderr, signal: controller.signal },
        );
        return ExitCode.ok;
      }
    }
  } catch (error) {
    if (error instanceof BrokenPipe) return ExitCode.ok;
    if (error instanceof InterruptedError) return error.exitCode;
    if (error instanceof SheetpipeError) {
      stderr.write(`sheetpipe: ${oneLine(error.message)}\n`);
      if (verbose && error.cause) stderr.write(`${redact(String((error.cause as Error).stack ?? error.cause))}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`sheetpipe: unexpected error: ${oneLine(message)} (rerun with --verbose for details, and report it)\n`);
    if (verbose && error instanceof Error) stderr.write(`${redact(error.stack ?? '')}\n`);
    return ExitCode.failed;
  }
}

async function runExport(config: ExportConfig, signal: AbortSignal, setForcedCleanup: (f: () => void) => void): Promise<number> {
  const [{ exportToStream, ExportEvents }, { attachProgress, formatSummary }, { openFileSink, outputError }] = await Promise.all([
    import('./run.js'),
    import('./progress.js'),
    import('./sink.js'),
  ]);
  const events = new ExportEvents();
  const stopProgress = await attachProgress(events, { stream: process.stderr, bar: config.progress, quiet: config.quiet, verbose: config.verbose });
  const sink = config.output ? await openFileSink(config.output) : undefined;
  if (sink) setForcedCleanup(sink.discardSync);
  try {
    const summary = await exportToStream(
      {
        spreadsheet: config.spreadsheet,
        range: config.range,
        format: config.format,
        header: config.header,
        concurrency: config.concurrency,
        chunkRows: config.chunkRows,
        timeoutMs: config.timeoutMs,
        retries: config.retries,
        maxRpm: config.maxRpm,
        render: config.render,
        dates: config.dates,
        limit: config.limit,
        endpoint: config.endpoint,
        credentials: config.credentials,
        env: process.env,
        signal,
        events,
      },
      sink ? sink.stream : process.stdout,
    );
    // A signal during the export's last moments still means "leave the old file".
    signal.throwIfAborted();
    await sink?.commit();
    stopProgress();
    if (!config.quiet) process.stderr.write(`${formatSummary(summary, config.output ?? 'stdout')}\n`);
    return ExitCode.ok;
  } catch (error) {
    stopProgress();
    await sink?.discard();
    // Only the file's own errors are output errors; anything else keeps its meaning.
    if (sink?.failedWith(error)) throw outputError(error, config.output as string);
    throw error;
  }
}

async function runSheets(config: ExportConfig, json: boolean, signal: AbortSignal): Promise<number> {
  const { readSpreadsheetMeta } = await import('./run.js');
  const meta = await readSpreadsheetMeta({
    spreadsheet: config.spreadsheet,
    endpoint: config.endpoint,
    credentials: config.credentials,
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    maxRpm: config.maxRpm,
    env: process.env,
    signal,
  });
  const sheets = [...meta.sheets].sort((a, b) => a.index - b.index);
  if (json) {
    process.stdout.write(`${JSON.stringify(sheets.map((s) => ({ title: s.title, sheetId: s.sheetId, rows: s.rowCount, columns: s.columnCount, type: s.sheetType })))}\n`);
    return ExitCode.ok;
  }
  const rows = [['TITLE', 'GID', 'ROWS', 'COLUMNS'], ...sheets.map((s) => [s.title, String(s.sheetId), String(s.rowCount), String(s.columnCount)])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const r of rows) process.stdout.write(`${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')}\n`);
  return ExitCode.ok;
}
