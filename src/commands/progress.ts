/**
 * Progress observes an export's events and writes to stderr: a bar redrawn in place (a terminal,
 * commands/terminal-bar.ts), or a plain line every few seconds (a log file); one notice when retries
 * begin (each retry with --verbose); warnings; and the summary line. Nothing in the pipeline imports
 * this file.
 */
import { STATUS_CODES } from 'node:http';
import type { Writable } from 'node:stream';
import type { ProgressMode } from '../options/config.js';
import { formatCount, plural } from '../shared/plural.js';
import type { ExportEvents, ExportSummary } from '../engine/run.js';
import { RunFigures } from './run-figures.js';
import { TerminalBar } from './terminal-bar.js';

export interface ProgressOptions {
  stream: Writable & { columns?: number };
  /** 'bar': redrawn in place, for a terminal; 'lines': a plain line every few seconds, for a log. */
  mode: ProgressMode;
  /** Nothing but errors: no progress, no notice, no warnings. */
  quiet?: boolean;
  /** Each retry as a line, instead of one notice. */
  verbose?: boolean;
  /** The first row written is a header: counts shown are data rows, as in the summary. */
  header?: boolean;
  /** Between plain lines. Default 3 s. */
  lineIntervalMs?: number;
}

export interface Progress {
  /** A whole line on stderr: above the bar while one is drawn. */
  print(line: string): void;
  /** The run ended: a bar draws its last frame, 100 % with the real row count ('done'), or is cleared. */
  stop(outcome: 'done' | 'failed'): void;
}

/** How progress shows: TerminalBar, or PlainLines. */
interface Display extends Progress {
  /** A plan or the rows done changed the figures. */
  update(): void;
}

/** `sheetpipe: 1 row × 3 columns from 'Orders'!A1:C2 → stdout in 0.2 s (5 rows/s), 2 requests, 0 retries` */
export function formatSummary(s: ExportSummary & { rereads?: number }, destination: string): string {
  const rate = s.seconds > 0 ? Math.round(s.rows / s.seconds) : s.rows;
  return (
    `sheetpipe: ${plural(s.rows, 'row')} × ${plural(s.columns, 'column')} from ${s.range} → ${destination} ` +
    `in ${s.seconds.toFixed(1)} s (${formatCount(rate)} rows/s), ${requestFigures(s)}`
  );
}

/** `3 requests, 0 retries`, then the boundaries checked and the re-reads, when there were any. */
function requestFigures(s: { requests: number; retries: number; boundaries: number; rereads?: number }): string {
  const figures = [plural(s.requests, 'request'), plural(s.retries, 'retry', 'retries')];
  if (s.boundaries > 0) figures.push(`${plural(s.boundaries, 'boundary', 'boundaries')} checked`);
  if (s.rereads) figures.push(`${plural(s.rereads, 're-read')} (rows moved)`);
  return figures.join(', ');
}

/** A folder export's figures, as the summary shows them. */
export interface FolderSummary {
  files: readonly { file: string; range: string; rows: number; columns: number }[];
  requests: number;
  retries: number;
  boundaries: number;
  rereads: number;
  seconds: number;
}

/**
 * One line per file, then the total:
 * `sheetpipe: Orders.csv  2,000 rows × 9 columns from 'Orders'!A1:Z1000` …
 * `sheetpipe: 3 files, 2,328 rows → out/ in 0.4 s (5,820 rows/s), 2 requests, 0 retries`
 */
export function formatFolderSummary(s: FolderSummary, folder: string): string[] {
  const width = Math.max(...s.files.map((f) => f.file.length));
  const digits = Math.max(...s.files.map((f) => formatCount(f.rows).length));
  const lines = s.files.map(
    (f) =>
      `sheetpipe: ${f.file.padEnd(width)}  ${formatCount(f.rows).padStart(digits)} ${f.rows === 1 ? 'row ' : 'rows'} × ${plural(f.columns, 'column')} from ${f.range}`,
  );
  const rows = s.files.reduce((sum, f) => sum + f.rows, 0);
  const rate = s.seconds > 0 ? Math.round(rows / s.seconds) : rows;
  lines.push(
    `sheetpipe: ${plural(s.files.length, 'file')}, ${plural(rows, 'row')} → ${folder} in ${s.seconds.toFixed(1)} s (${formatCount(rate)} rows/s), ` +
      requestFigures(s),
  );
  return lines;
}

/**
 * The status as the API named it: Google's status (`503 UNAVAILABLE`, the message after it left
 * out), or the HTTP status of an answer not from the API (`500 Internal Server Error`).
 */
function statusOf(reason: string): string {
  const code = /^\d{3}/.exec(reason)?.[0];
  if (code === undefined) return reason;
  const apiStatus = /^\d{3} [A-Z][A-Z_]*(?= |$)/.exec(reason)?.[0];
  if (apiStatus !== undefined) return apiStatus;
  const phrase = STATUS_CODES[code];
  return phrase !== undefined && reason.startsWith(`${code} ${phrase}`) ? `${code} ${phrase}` : code;
}

/** The one line said when retries begin: what the API is doing, and that sheetpipe is on it. */
export function retryNotice(kind: string, reason: string): string {
  const status = statusOf(reason);
  switch (kind) {
    case 'rate-limit':
      return `sheetpipe: the API's quota is used up (${status}); waiting and retrying (a lower --max-rpm avoids this)`;
    case 'server':
      return `sheetpipe: the API is answering ${status}; retrying (this can take a minute)`;
    case 'timeout':
      return `sheetpipe: requests are timing out (${reason}); retrying (this can take a minute)`;
    case 'network':
      return `sheetpipe: the connection to the API failed (${reason}); retrying (this can take a minute)`;
    default:
      return `sheetpipe: ${reason}; retrying (this can take a minute)`;
  }
}

/** Progress as whole lines: 'lines', a plain line every `every` ms once there is a plan (for a log); 'off', none. */
class PlainLines implements Display {
  private ticker: { kind: 'waiting' } | { kind: 'ticking'; timer: NodeJS.Timeout } | { kind: 'stopped' } = { kind: 'waiting' };

  constructor(
    private readonly stream: Writable,
    private readonly figures: RunFigures,
    private readonly every: number | undefined,
  ) {}

  update(): void {
    if (this.every === undefined || this.ticker.kind !== 'waiting' || !this.figures.planned) return;
    const timer = setInterval(() => this.print(`sheetpipe: ${this.figures.text(false)}`), this.every).unref();
    this.ticker = { kind: 'ticking', timer };
  }

  print(line: string): void {
    this.stream.write(`${line}\n`);
  }

  stop(): void {
    if (this.ticker.kind === 'ticking') clearInterval(this.ticker.timer);
    this.ticker = { kind: 'stopped' };
  }
}

/** Subscribes to `events`; resolves with the handle that prints lines above the display and ends it. */
export async function attachProgress(events: ExportEvents, options: ProgressOptions): Promise<Progress> {
  const { stream, quiet = false, verbose = false } = options;
  const mode = quiet ? 'off' : options.mode;
  const figures = new RunFigures(options.header ? 1 : 0);
  const display: Display =
    mode === 'bar'
      ? await TerminalBar.open(stream, figures)
      : new PlainLines(stream, figures, mode === 'lines' ? (options.lineIntervalMs ?? 3000) : undefined);
  const say = (line: string) => display.print(line);

  events.on('plan', (info) => {
    figures.plan(info);
    display.update();
  });
  events.on('progress', (done) => {
    figures.progress(done);
    display.update();
  });
  let retried = false;
  events.on('retry', (info) => {
    if (quiet) return;
    if (verbose) say(`sheetpipe: ${info.label}: ${info.reason}; retry ${info.attempt} in ${(info.delayMs / 1000).toFixed(1)} s`);
    else if (!retried) say(retryNotice(info.kind, info.reason));
    retried = true;
  });
  events.on('reread', ({ message }) => {
    if (!quiet) say(`sheetpipe: ${message}`);
  });
  events.on('warning', (message, kind) => {
    if (!quiet || kind === 'output') say(`sheetpipe: ${message}`);
  });
  events.on('connect', ({ host, credentials, principal }) => {
    if (!verbose) return;
    if (!credentials) say(`sheetpipe: requests go to ${host}, on this machine: no credentials are sent`);
    else say(`sheetpipe: requests and credentials${principal ? ` (${principal})` : ''} go to ${host}`);
  });

  return { print: say, stop: (outcome) => display.stop(outcome) };
}
