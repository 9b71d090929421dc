/**
 * `sheetpipe emulator`: serve a local spreadsheet until cancelled. Takes plain values, checks them
 * all with the option table before any I/O, prints where to connect, and stops on abort.
 */
import { UsageError } from '../errors.js';
import { emulatorArgs } from '../options/config.js';
import { type TabSource, fileTab } from './data.js';
import { generatedTab } from './generated.js';
import { DEFAULT_HOST, DEFAULT_PORT, startEmulator, type Emulator } from './server.js';

export interface EmulatorCommandArgs {
  /** --port: TCP port; 0 picks a free one. Default 8089. */
  port?: number;
  /** --host: interface to listen on. Default 127.0.0.1 (loopback only). */
  host?: string;
  /** --data: .csv/.tsv files, one tab each, titled after the file name without extension. */
  data?: string[];
  /** --rows: adds a generated tab titled 'Generated' with this many grid rows, header included. */
  rows?: number;
  /** --cols: columns of the generated tab (or of the default 'Demo' tab). Default 8. */
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
  /** --retry-after: answer quota 429s with a Retry-After header. */
  retryAfter?: boolean;
}

export interface EmulatorCommandIo {
  stdout: NodeJS.WritableStream;
  /** Aborting it stops the emulator and resolves serveEmulator. */
  signal: AbortSignal;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

async function loadTabs(args: EmulatorCommandArgs): Promise<TabSource[]> {
  const tabs: TabSource[] = [];
  for (const file of args.data ?? []) tabs.push(await fileTab(file));
  const seed = args.seed ?? 1;
  if (args.rows !== undefined) {
    tabs.push(generatedTab({ title: 'Generated', rows: args.rows, cols: args.cols ?? 8, seed }));
  } else if (tabs.length === 0) {
    tabs.push(generatedTab({ title: 'Demo', rows: 1000, cols: args.cols ?? 8, seed }));
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

async function listen(args: EmulatorCommandArgs, tabs: TabSource[]): Promise<Emulator> {
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
      seed: args.seed,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${host} is in use; pick another with --port, or --port 0 for any free port`, { cause: error });
    if (code === 'EACCES') throw new UsageError(`no permission to listen on port ${port}; use a port above 1023, or --port 0`, { cause: error });
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
 * Tabs: one per --data file; a generated 'Generated' tab when --rows is given; with neither, a
 * generated 'Demo' tab of 1000 rows × 8 columns.
 */
export async function serveEmulator(given: EmulatorCommandArgs, io: EmulatorCommandIo): Promise<void> {
  // The option table's rules, as for `sheetpipe emulator`: a UsageError naming the option and the value.
  const args: EmulatorCommandArgs = emulatorArgs(given as Record<string, unknown>);
  const tabs = await loadTabs(args);
  if (io.signal.aborted) return;
  const emulator = await listen(args, tabs);
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
