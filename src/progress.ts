/**
 * Progress observes an export's events and writes to stderr: a bar redrawn in place (a terminal),
 * or a plain line every few seconds (a log file); one notice when retries begin (each retry with
 * --verbose); warnings; and the summary line. Nothing in the pipeline imports this file.
 */
import type { Writable } from 'node:stream';
import { formatCount, plural } from './plural.js';
import type { ExportEvents, ExportSummary, PlanInfo } from './run.js';

export type ProgressMode = 'bar' | 'lines' | 'off';

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
const REDRAW_MS = 100;

/** `sheetpipe: 1 row × 3 columns from 'Orders'!A1:C2 → stdout in 0.2 s (5 rows/s), 2 requests, 0 retries` */
export function formatSummary(s: ExportSummary, destination: string): string {
  const rate = s.seconds > 0 ? Math.round(s.rows / s.seconds) : s.rows;
  return (
    `sheetpipe: ${plural(s.rows, 'row')} × ${plural(s.columns, 'column')} from ${s.range} → ${destination} ` +
    `in ${s.seconds.toFixed(1)} s (${formatCount(rate)} rows/s), ${plural(s.requests, 'request')}, ${plural(s.retries, 'retry', 'retries')}`
  );
}

/** The one line said when retries begin: what the API is doing, and that sheetpipe is on it. */
export function retryNotice(kind: string, reason: string): string {
  const status = /^\d{3}(?: [A-Z_]+)?/.exec(reason)?.[0] ?? reason;
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
  let plan: PlanInfo | undefined;
  // Rates count from here, as the summary's do: the run starts right after.
  const started = performance.now();
  let written = 0;
  let covered = 0;
  let retried = false;
  let drawn = false;
  let stopped = false;
  let lastDraw = 0;
  let pending: NodeJS.Timeout | undefined;
  let ticker: NodeJS.Timeout | undefined;

  // Figures in data rows, as the summary counts them; the percentage is of the plan's sheet rows.
  const figures = (final: boolean): string => {
    const rows = Math.max(0, written - headerRows);
    const total = Math.max(0, (plan?.rows ?? 0) - headerRows);
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(rows / seconds) : 0;
    const percent = final || !plan || plan.rows === 0 ? 100 : Math.min(100, Math.floor((covered / plan.rows) * 100));
    const count = final ? plural(rows, 'row') : `${formatCount(rows)} of ~${plural(total, 'row')}`;
    const parts = [`${percent}%`, count, `${formatCount(rate)} rows/s`];
    if (!final && covered > 0 && plan && covered < plan.rows) parts.push(`ETA ${duration(((plan.rows - covered) * seconds) / covered)}`);
    return parts.join(' | ');
  };

  const barLine = (final: boolean): string => {
    const percent = final || !plan || plan.rows === 0 ? 1 : Math.min(1, covered / plan.rows);
    const filled = Math.round(percent * BAR_WIDTH);
    const line = `sheetpipe ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${figures(final)}`;
    // A line longer than the terminal wraps, and \r then redraws only its last part.
    const width = (stream.columns || 80) - 1;
    return line.length > width ? line.slice(0, Math.max(0, width)) : line;
  };

  const draw = (final = false) => {
    if (mode !== 'bar' || !plan || stopped) return;
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
    plan = info;
    if (mode === 'bar') draw();
    if (mode === 'lines') {
      ticker = setInterval(() => stream.write(`sheetpipe: ${figures(false)}\n`), options.lineIntervalMs ?? 3000).unref();
    }
  });
  events.on('progress', ({ rowsWritten, rowsCovered }) => {
    written = rowsWritten;
    covered = rowsCovered;
    redraw();
  });
  events.on('retry', (info) => {
    if (quiet) return;
    if (verbose) say(`sheetpipe: ${info.label}: ${info.reason}; retry ${info.attempt} in ${(info.delayMs / 1000).toFixed(1)} s`);
    else if (!retried) say(retryNotice(info.kind, info.reason));
    retried = true;
  });
  events.on('warning', (message) => {
    if (!quiet) say(`sheetpipe: ${message}`);
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
      if (mode === 'bar' && plan) {
        if (outcome === 'done') draw(true);
        else if (drawn) stream.write('\r\x1b[K');
      }
      stopped = true;
    },
  };
}
