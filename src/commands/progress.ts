/**
 * Progress observes an export's events and writes to stderr: a bar redrawn in place (a terminal),
 * or a plain line every few seconds (a log file); one notice when retries begin (each retry with
 * --verbose); warnings; and the summary line. Nothing in the pipeline imports this file.
 */
import { STATUS_CODES } from 'node:http';
import type { Writable } from 'node:stream';
import type { ProgressMode } from '../options/config.js';
import { formatCount, plural } from '../shared/plural.js';
import type { ExportEvents, ExportSummary, PlanInfo } from '../engine/run.js';

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
  /** The run ended: a bar draws its last frame, 100 % with the real row count ('done'), or is cleared. */
  stop(outcome: 'done' | 'failed'): void;
}

const BAR_WIDTH = 24;
const MIN_BAR_WIDTH = 10;
const REDRAW_MS = 100;

/** `sheetpipe: 1 row × 3 columns from 'Orders'!A1:C2 → stdout in 0.2 s (5 rows/s), 2 requests, 0 retries` */
export function formatSummary(s: ExportSummary, destination: string): string {
  const rate = s.seconds > 0 ? Math.round(s.rows / s.seconds) : s.rows;
  return (
    `sheetpipe: ${plural(s.rows, 'row')} × ${plural(s.columns, 'column')} from ${s.range} → ${destination} ` +
    `in ${s.seconds.toFixed(1)} s (${formatCount(rate)} rows/s), ${plural(s.requests, 'request')}, ${plural(s.retries, 'retry', 'retries')}`
  );
}

/** A folder export's figures, as the summary shows them. */
export interface FolderSummary {
  files: readonly { file: string; range: string; rows: number; columns: number }[];
  requests: number;
  retries: number;
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
      `${plural(s.requests, 'request')}, ${plural(s.retries, 'retry', 'retries')}`,
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

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.ceil(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Subscribes to `events`; returns the handle that ends the display. */
export function attachProgress(events: ExportEvents, options: ProgressOptions): Progress {
  const { stream, quiet = false, verbose = false } = options;
  const mode = quiet ? 'off' : options.mode;
  const headerRows = options.header ? 1 : 0;
  // One plan per range (by file or range: a plan made again replaces its first); the bar covers them all.
  const plans = new Map<string, PlanInfo>();
  let planned = 0;
  let current: string | undefined;
  let started: number | undefined;
  // Rates count from here, as the summary's do: the run starts right after.
  const begun = performance.now();
  let written = 0;
  let covered = 0;
  let retried = false;
  let drawn = false;
  let stopped = false;
  let lastDraw = 0;
  let pending: NodeJS.Timeout | undefined;
  let ticker: NodeJS.Timeout | undefined;

  // Figures in data rows, as the summary counts them (each range's header line set aside); the
  // percentage is of the plans' sheet rows.
  const figures = (final: boolean): string => {
    const rows = Math.max(0, written - headerRows * (started ?? 1));
    const total = [...plans.values()].reduce((sum, p) => sum + Math.max(0, p.rows - headerRows), 0);
    const seconds = (performance.now() - begun) / 1000;
    const rate = seconds > 0 ? Math.round(rows / seconds) : 0;
    const percent = final || planned === 0 ? 100 : Math.min(100, Math.floor((covered / planned) * 100));
    const count = final ? plural(rows, 'row') : `${formatCount(rows)} of ~${plural(total, 'row')}`;
    const parts = [`${percent}%`, count, `${formatCount(rate)} rows/s`];
    if (!final && covered > 0 && covered < planned) parts.push(`ETA ${duration(((planned - covered) * seconds) / covered)}`);
    // Several ranges: the one being written, named last, where a narrow terminal cuts the line.
    if (!final && plans.size > 1 && current !== undefined) parts.push(current);
    return parts.join(' | ');
  };

  const barLine = (final: boolean): string => {
    const percent = final || planned === 0 ? 1 : Math.min(1, covered / planned);
    const text = figures(final);
    // A line longer than the terminal wraps, and \r then redraws only its last part: on a narrow
    // terminal the bar shrinks first, then the line is cut.
    const width = (stream.columns || 80) - 1;
    const size = Math.max(MIN_BAR_WIDTH, Math.min(BAR_WIDTH, width - 'sheetpipe  '.length - text.length));
    const filled = Math.round(percent * size);
    const line = `sheetpipe ${'█'.repeat(filled)}${'░'.repeat(size - filled)} ${text}`;
    return line.length > width ? line.slice(0, Math.max(0, width)) : line;
  };

  const draw = (final = false) => {
    if (mode !== 'bar' || plans.size === 0 || stopped) return;
    clearTimeout(pending);
    pending = undefined;
    lastDraw = performance.now();
    drawn = true;
    stream.write(`\r${barLine(final)}\x1b[K${final ? '\n' : ''}`);
  };

  const redraw = () => {
    if (mode !== 'bar' || stopped || pending) return;
    const wait = lastDraw + REDRAW_MS - performance.now();
    if (wait <= 0) draw();
    else pending = setTimeout(() => draw(), wait).unref();
  };

  /** A whole line on stderr; over a bar, the bar is cleared first and drawn again below it. */
  const say = (line: string) => {
    if (mode === 'bar' && drawn && !stopped) {
      stream.write(`\r\x1b[K${line}\n`);
      draw();
    } else {
      stream.write(`${line}\n`);
    }
  };

  events.on('plan', (info) => {
    if (stopped) return;
    plans.set(info.file ?? info.range, info);
    planned = [...plans.values()].reduce((sum, p) => sum + p.rows, 0);
    if (mode === 'bar') redraw();
    if (mode === 'lines') {
      ticker ??= setInterval(() => stream.write(`sheetpipe: ${figures(false)}\n`), options.lineIntervalMs ?? 3000).unref();
    }
  });
  events.on('progress', (p) => {
    written = p.rowsWritten;
    covered = p.rowsCovered;
    started = p.started;
    current = p.current;
    redraw();
  });
  events.on('retry', (info) => {
    if (quiet) return;
    if (verbose) say(`sheetpipe: ${info.label}: ${info.reason}; retry ${info.attempt} in ${(info.delayMs / 1000).toFixed(1)} s`);
    else if (!retried) say(retryNotice(info.kind, info.reason));
    retried = true;
  });
  events.on('warning', (message, kind) => {
    if (!quiet || kind === 'output') say(`sheetpipe: ${message}`);
  });
  events.on('connect', ({ host, credentials, principal }) => {
    if (!verbose) return;
    if (!credentials) say(`sheetpipe: requests go to ${host}, on this machine: no credentials are sent`);
    else say(`sheetpipe: requests and credentials${principal ? ` (${principal})` : ''} go to ${host}`);
  });

  return {
    stop(outcome) {
      if (stopped) return;
      clearTimeout(pending);
      clearInterval(ticker);
      if (mode === 'bar' && plans.size > 0) {
        if (outcome === 'done') draw(true);
        else if (drawn) stream.write('\r\x1b[K');
      }
      stopped = true;
    },
  };
}
