/**
 * `sheetpipe emulator`: serve a local spreadsheet until cancelled. Takes plain values, checks them
 * all with the option table before any I/O, prints where to connect, and stops on abort.
 */
import { UsageError } from '../shared/errors.js';
import { type EmulatorValues, emulatorArgs, parseEdit } from './args.js';
import { type TabSource, fileTab } from './data.js';
import { generatedTab } from './generated.js';
import { DEFAULT_COLS, DEFAULT_HOST, DEFAULT_PORT } from './options.js';
import { startEmulator, type Emulator } from './server.js';

export interface EmulatorCommandArgs {
  /** --port: TCP port; 0 picks a free one. Default 8089. */
  port?: number;
  /** --host: interface to listen on. Default 127.0.0.1 (loopback only). */
  host?: string;
  /** --data: .csv/.tsv files, one tab each, titled after the file name without extension. */
  data?: string[];
  /** --rows: adds a generated tab titled 'Generated' with this many grid rows, header included. */
  rows?: number;
  /** --cols: columns of the generated tab; needs --rows. Default 8. */
  cols?: number;
  /** --seed: seed of the generated data and of the random failures. Default 1. */
  seed?: number;
  /** --spreadsheet-id: the ID to answer to. Default DEMO_SPREADSHEET_ID. */
  spreadsheetId?: string;
  /** --latency: ms added to every answer. Default 0. */
  latency?: number;
  /** --jitter: ± ms of uniform variation on the latency. Default 0. */
  jitter?: number;
  /** --fail-rate: fraction (0..1) of values requests answered 503. Default 0. */
  failRate?: number;
  /** --max-rpm: requests per minute before 429 RESOURCE_EXHAUSTED. Default: no limit. */
  maxRpm?: number;
  /** --retry-after: the quota's 429s carry Retry-After (the API's carry none). Default false. */
  retryAfter?: boolean;
  /** --edit: edits made while serving, each once a chosen values request is answered (`insert:1500:3@2`). */
  edit?: string[];
}

// The emulator's argument type names the same fields as its options in the table.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _fieldsMatch: Same<keyof EmulatorCommandArgs, keyof EmulatorValues> = true;

export interface EmulatorCommandIo {
  stdout: NodeJS.WritableStream;
  /** Where each refused request and each internal error is reported, one line each. Default: nowhere. */
  stderr?: NodeJS.WritableStream;
  /** Aborting it stops the emulator and resolves serveEmulator. */
  signal: AbortSignal;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

/** The tabs to serve; undefined for the demo spreadsheet, the server's default. */
async function loadTabs(args: EmulatorCommandArgs): Promise<TabSource[] | undefined> {
  if (args.data === undefined && args.rows === undefined) return undefined;
  const tabs: TabSource[] = [];
  for (const file of args.data ?? []) tabs.push(await fileTab(file));
  if (args.rows !== undefined) {
    tabs.push(generatedTab({ rows: args.rows, cols: args.cols ?? DEFAULT_COLS, seed: args.seed }));
  }
  const titles = new Map<string, string>();
  for (const [i, tab] of tabs.entries()) {
    const source = args.data?.[i] ?? 'the generated tab';
    const other = titles.get(tab.title.toLowerCase());
    if (other !== undefined) throw new UsageError(`${source} and ${other} would both be tab "${tab.title}"; rename one`);
    titles.set(tab.title.toLowerCase(), source);
  }
  return tabs;
}

async function listen(
  args: EmulatorCommandArgs,
  tabs: TabSource[] | undefined,
  log: ((line: string) => void) | undefined,
): Promise<Emulator> {
  const port = args.port ?? DEFAULT_PORT;
  const host = args.host ?? DEFAULT_HOST;
  try {
    return await startEmulator({
      port,
      host,
      tabs,
      spreadsheetId: args.spreadsheetId,
      latencyMs: args.latency,
      jitterMs: args.jitter,
      failRate: args.failRate,
      maxRpm: args.maxRpm,
      quotaRetryAfter: args.retryAfter,
      faults: (args.edit ?? []).map(parseEdit).map(({ edit, after }) => ({ fault: 'edit', edit, match: { requests: [after] } })),
      seed: args.seed,
      log,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UsageError(`port ${port} on ${host} is in use; pick another with --port, or --port 0 for any free port`, { cause: error });
    if (code === 'EACCES')
      throw new UsageError(`no permission to listen on port ${port}; use a port above 1023, or --port 0`, { cause: error });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new UsageError(`cannot listen on --host ${shown(host)} (${code}); 127.0.0.1 is the default`, { cause: error });
    }
    throw error;
  }
}

/**
 * Serves the emulator until `io.signal` aborts. Prints two lines to stdout:
 * `endpoint <API root URL>` and `spreadsheet <ID>`. Throws UsageError for a bad value.
 *
 * Tabs: one per --data file; a generated 'Generated' tab when --rows is given; with neither, the
 * demo spreadsheet (demo.ts). Refused requests and internal errors are reported on `io.stderr`.
 */
export async function serveEmulator(given: EmulatorCommandArgs, io: EmulatorCommandIo): Promise<void> {
  // The option table's rules, as for `sheetpipe emulator`: a UsageError naming the option and the value.
  const args: EmulatorCommandArgs = emulatorArgs(given as Record<string, unknown>);
  const tabs = await loadTabs(args);
  if (io.signal.aborted) return;
  const { stderr } = io;
  const emulator = await listen(args, tabs, stderr ? (line) => stderr.write(`sheetpipe emulator: ${line}\n`) : undefined);
  try {
    io.stdout.write(`endpoint ${emulator.url}\nspreadsheet ${emulator.spreadsheetId}\n`);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await emulator.stop();
  }
}
