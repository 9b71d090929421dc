/**
 * Progress observes an export's events: a cli-progress bar on stderr (chunks and rows done, rate,
 * ETA), and the one-line summary. Nothing in the pipeline imports this file.
 */
import type { Writable } from 'node:stream';
import type { ExportEvents, ExportSummary } from './run.js';

export interface ProgressOptions {
  stream: Writable & { isTTY?: boolean; columns?: number };
  /** Draw the bar. */
  bar: boolean;
  /** Print retries and warnings as lines (warnings are printed unless quiet). */
  verbose?: boolean;
  quiet?: boolean;
}

const nf = new Intl.NumberFormat('en-US');

export function formatSummary(s: ExportSummary, destination: string): string {
  const rate = s.seconds > 0 ? Math.round(s.rows / s.seconds) : s.rows;
  return (
    `sheetpipe: ${nf.format(s.rows)} rows × ${nf.format(s.columns)} columns from ${s.range} → ${destination} ` +
    `in ${s.seconds.toFixed(1)} s (${nf.format(rate)} rows/s), ${nf.format(s.requests)} requests, ${nf.format(s.retries)} retries`
  );
}

/** Attaches the bar and line output to `events`; returns a stop function that clears the bar. */
export async function attachProgress(events: ExportEvents, options: ProgressOptions): Promise<() => void> {
  const write = (line: string) => options.stream.write(`${line}\n`);
  let bar: import('cli-progress').SingleBar | undefined;
  let chunksDone = 0;
  let rows = 0;
  let started = 0;
  let rowsTotal = 0;

  if (options.bar && !options.quiet) {
    const { SingleBar } = await import('cli-progress');
    bar = new SingleBar({
      stream: options.stream as NodeJS.WriteStream,
      format: 'sheetpipe {bar} {percentage}% | {value}/{total} chunks | {rowsDone}/{rowsTotal} rows | {rowRate} rows/s | ETA {eta_formatted}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
      fps: 10,
      noTTYOutput: false,
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
    });
  }
  const payload = () => {
    const seconds = (performance.now() - started) / 1000;
    return { rowsDone: nf.format(rows), rowsTotal: nf.format(rowsTotal), rowRate: nf.format(seconds > 0 ? Math.round(rows / seconds) : 0) };
  };

  events.on('plan', (plan) => {
    started = performance.now();
    rowsTotal = plan.rows;
    bar?.start(Math.max(plan.chunks, 1), 0, payload());
    if (plan.chunks === 0) bar?.update(1, payload());
  });
  events.on('progress', ({ rowsWritten }) => {
    rows = rowsWritten;
    chunksDone = Math.min(chunksDone + 1, rowsTotal);
    bar?.update(chunksDone, payload());
  });
  const lineOut = (line: string) => {
    // Clear the bar's line first; it redraws on its next update.
    write(bar ? `\r\x1b[K${line}` : line);
  };
  events.on('warning', (message) => {
    if (!options.quiet) lineOut(`sheetpipe: ${message}`);
  });
  if (options.verbose) {
    events.on('retry', (r) => lineOut(`sheetpipe: ${r.label}: ${r.reason}; retry ${r.attempt} in ${(r.delayMs / 1000).toFixed(1)} s`));
  }
  return () => bar?.stop();
}
