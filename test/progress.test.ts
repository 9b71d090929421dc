/**
 * commands/progress.ts through its public functions, on a stream that records what a terminal would get.
 * (The same behaviour through the real binary and a pseudo-terminal: test/e2e/progress.test.ts.)
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { attachProgress, formatFolderSummary, formatSummary, retryNotice } from '../src/commands/progress.js';
import { ExportEvents, type PlanInfo } from '../src/engine/run.js';
import { frames, screen } from './support/terminal.js';

function terminal(columns = 120): Writable & { columns: number; isTTY: true; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return Object.assign(stream, { columns, isTTY: true as const, text: () => text });
}

const PLAN: PlanInfo = { range: "'Data'!A1:C1000", chunks: 10, rows: 1000, columns: 3, colsNamed: true };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the bar', () => {
  it('percentage of sheet rows covered, count of rows written; the last frame is 100 % with the real count', async () => {
    const stream = terminal();
    const events = new ExportEvents();
    const progress = await attachProgress(events, { stream, mode: 'bar', header: true });
    events.emit('plan', PLAN);
    // 400 sheet rows read, 301 output rows written (the header and 300 data rows).
    events.emit('progress', { rowsWritten: 301, rowsCovered: 400 });
    await sleep(150);
    // The data ends early: 500 rows in all, trailing empty rows never written.
    events.emit('progress', { rowsWritten: 501, rowsCovered: 600 });
    await sleep(150);
    events.emit('progress', { rowsWritten: 501, rowsCovered: 1000 });
    progress.stop('done');
    const all = frames(stream.text());
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(all[0]).toMatch(/ 0% \| 0 of ~999 rows \| /);
    expect(all).toContainEqual(expect.stringMatching(/ 40% \| 300 of ~999 rows \| /));
    expect(all).toContainEqual(expect.stringMatching(/ 60% \| 500 of ~999 rows \| /));
    expect(all.at(-1)).toMatch(/^sheetpipe █{24} 100% \| 500 rows \| [\d,]+ rows\/s$/);
    // The last frame stays, its line ended: the cursor waits on the empty line below.
    const [last, below, ...more] = screen(stream.text());
    expect(last).toBe(all.at(-1));
    expect([below, ...more]).toEqual(['']);
    const percents = all.map((f) => Number(/ (\d+)% /.exec(f)?.[1]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  });

  it('is cleared, not completed, when the run fails', async () => {
    const stream = terminal();
    const events = new ExportEvents();
    const progress = await attachProgress(events, { stream, mode: 'bar' });
    events.emit('plan', PLAN);
    expect(frames(stream.text())).toHaveLength(1);
    progress.stop('failed');
    expect(stream.text().endsWith('\x1b[1G\x1b[0J')).toBe(true);
    expect(screen(stream.text()), 'the line is left empty, the cursor at its start').toEqual(['']);
    expect(stream.text()).not.toContain('100%');
  });

  it('never wider than the terminal (a wrapped line cannot be redrawn)', async () => {
    const stream = terminal(40);
    const events = new ExportEvents();
    const progress = await attachProgress(events, { stream, mode: 'bar' });
    events.emit('plan', PLAN);
    events.emit('progress', { rowsWritten: 20, rowsCovered: 20 });
    progress.stop('done');
    const all = frames(stream.text());
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const f of all) expect(f.length).toBeLessThan(40);
  });

  it('a warning or retry notice clears the bar, prints a whole line, and redraws the bar', async () => {
    const stream = terminal();
    const events = new ExportEvents();
    const progress = await attachProgress(events, { stream, mode: 'bar' });
    events.emit('plan', PLAN);
    events.emit('warning', 'warning: row 7 has 4 cells', 'output');
    expect(stream.text()).toContain('\x1b[1G\x1b[2Ksheetpipe: warning: row 7 has 4 cells\n\x1b[1Gsheetpipe ░');
    expect(screen(stream.text())).toEqual(['sheetpipe: warning: row 7 has 4 cells', expect.stringMatching(/^sheetpipe ░{24} 0% \| /)]);
    progress.stop('failed');
  });

  it("the edge's own line (interrupted by SIGINT) goes above the bar, on a line of its own", async () => {
    const stream = terminal();
    const events = new ExportEvents();
    const progress = await attachProgress(events, { stream, mode: 'bar' });
    events.emit('plan', PLAN);
    events.emit('progress', { rowsWritten: 300, rowsCovered: 300 });
    progress.print('sheetpipe: interrupted by SIGINT');
    expect(screen(stream.text())).toEqual(['sheetpipe: interrupted by SIGINT', expect.stringMatching(/^sheetpipe █+░+ 30% \| /)]);
    progress.stop('failed');
    expect(screen(stream.text())).toEqual(['sheetpipe: interrupted by SIGINT', '']);
  });
});

describe('several ranges (a folder export): one bar for the run', () => {
  const plan = (file: string, rows: number): PlanInfo => ({
    range: `'${file}'!A1:C${rows}`,
    file,
    chunks: 1,
    rows,
    columns: 3,
    colsNamed: false,
  });

  it('covers every plan, names the file being written, and counts data rows (one header line per range)', async () => {
    const stream = terminal(160);
    const events = new ExportEvents();
    const progress = await attachProgress(events, { stream, mode: 'bar', header: true });
    events.emit('plan', plan('Orders.csv', 1000));
    events.emit('plan', plan('Customers.csv', 200));
    await sleep(150);
    // Orders: a header and 499 rows written of 500 sheet rows read.
    events.emit('progress', { rowsWritten: 500, rowsCovered: 500, started: 1, current: 'Orders.csv' });
    await sleep(150);
    // Customers too: its header and 99 rows.
    events.emit('progress', { rowsWritten: 600, rowsCovered: 700, started: 2, current: 'Customers.csv' });
    await sleep(150);
    events.emit('progress', { rowsWritten: 600, rowsCovered: 1200, started: 2, current: 'Customers.csv' });
    progress.stop('done');
    const all = frames(stream.text());
    expect(all).toContainEqual(expect.stringMatching(/ 41% \| 499 of ~1,198 rows \| [\d,]+ rows\/s \| ETA \d+ s \| Orders\.csv$/));
    expect(all).toContainEqual(expect.stringMatching(/ 58% \| 598 of ~1,198 rows \| [\d,]+ rows\/s \| ETA \d+ s \| Customers\.csv$/));
    expect(all.at(-1)).toMatch(/^sheetpipe █{24} 100% \| 598 rows \| [\d,]+ rows\/s$/);
  });

  it('on a narrow terminal the bar shrinks before the figures are cut', async () => {
    const stream = terminal(80);
    const events = new ExportEvents();
    const progress = await attachProgress(events, { stream, mode: 'bar', header: true });
    events.emit('plan', plan('Orders.csv', 100_000));
    events.emit('plan', plan('Customers.csv', 100_000));
    await sleep(150);
    events.emit('progress', { rowsWritten: 50_001, rowsCovered: 50_001, started: 1, current: 'Orders.csv' });
    await sleep(150);
    const last = frames(stream.text()).at(-1) ?? '';
    expect(last.length).toBeLessThan(80);
    expect(last).toMatch(/^sheetpipe [█░]{10,23} 25% \| 50,000 of ~199,998 rows \| [\d,]+ rows\/s/);
    progress.stop('failed');
  });

  it('a plan made again for the same file replaces the first', async () => {
    const stream = terminal();
    const events = new ExportEvents();
    const progress = await attachProgress(events, { stream, mode: 'bar' });
    events.emit('plan', plan('Orders.csv', 1000));
    events.emit('plan', plan('Orders.csv', 1000));
    events.emit('progress', { rowsWritten: 10, rowsCovered: 500 });
    progress.stop('done');
    expect(frames(stream.text())[0]).toMatch(/ 0% \| 0 of ~1,000 rows \| /);
    expect(frames(stream.text()).at(-1)).toMatch(/ 100% \| 10 rows \| /);
  });
});

describe('formatFolderSummary', () => {
  it('one line per file, counts aligned, then the total', () => {
    const files = [
      { file: 'Orders.csv', range: "'Orders'!A1:I2001", rows: 2000, columns: 9 },
      { file: 'Q1.csv', range: "'Q1'!A1:B3", rows: 1, columns: 2 },
    ];
    expect(formatFolderSummary({ files, requests: 2, retries: 0, boundaries: 0, rereads: 0, seconds: 0.5 }, 'out')).toEqual([
      "sheetpipe: Orders.csv  2,000 rows × 9 columns from 'Orders'!A1:I2001",
      "sheetpipe: Q1.csv          1 row  × 2 columns from 'Q1'!A1:B3",
      'sheetpipe: 2 files, 2,001 rows → out in 0.5 s (4,002 rows/s), 2 requests, 0 retries',
    ]);
    expect(formatFolderSummary({ files, requests: 4, retries: 0, boundaries: 1, rereads: 2, seconds: 0.5 }, 'out').at(-1)).toBe(
      'sheetpipe: 2 files, 2,001 rows → out in 0.5 s (4,002 rows/s), 4 requests, 0 retries, 1 boundary checked, 2 re-reads (rows moved)',
    );
  });
});

describe('plain lines (--progress where no bar can be drawn)', () => {
  it('a line every interval, with no carriage return or escape code', async () => {
    const stream = terminal();
    const events = new ExportEvents();
    const progress = await attachProgress(events, { stream, mode: 'lines', header: true, lineIntervalMs: 20 });
    events.emit('plan', PLAN);
    events.emit('progress', { rowsWritten: 451, rowsCovered: 450 });
    await sleep(100);
    progress.stop('done');
    const text = stream.text();
    expect(text).not.toContain('\r');
    expect(text).not.toContain('\x1b');
    const lines = text.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/^sheetpipe: 45% \| 450 of ~999 rows \| [\d,]+ rows\/s \| ETA \d+ s$/);
    const after = text.length;
    await sleep(60);
    expect(stream.text().length, 'no line after stop').toBe(after);
  });
});

describe('retries', () => {
  const retry = (attempt: number) => ({
    label: 'chunk 2/10',
    attempt,
    delayMs: 1200,
    kind: 'server' as const,
    reason: '503 UNAVAILABLE The service is currently unavailable.',
  });

  it('are announced once, however many there are', async () => {
    const stream = terminal();
    const events = new ExportEvents();
    await attachProgress(events, { stream, mode: 'off' });
    for (let i = 1; i <= 4; i++) events.emit('retry', retry(i));
    expect(stream.text()).toBe('sheetpipe: the API is answering 503 UNAVAILABLE; retrying (this can take a minute)\n');
  });

  it('one line each with --verbose; nothing with -q', async () => {
    const verbose = terminal();
    const quiet = terminal();
    const events = new ExportEvents();
    await attachProgress(events, { stream: verbose, mode: 'off', verbose: true });
    await attachProgress(events, { stream: quiet, mode: 'off', quiet: true });
    events.emit('retry', retry(1));
    events.emit('retry', retry(2));
    events.emit('warning', 'warning: something', 'notice');
    events.emit('warning', 'warning: row 7 has 4 cells', 'output');
    expect(verbose.text().trimEnd().split('\n')).toEqual([
      'sheetpipe: chunk 2/10: 503 UNAVAILABLE The service is currently unavailable.; retry 1 in 1.2 s',
      'sheetpipe: chunk 2/10: 503 UNAVAILABLE The service is currently unavailable.; retry 2 in 1.2 s',
      'sheetpipe: warning: something',
      'sheetpipe: warning: row 7 has 4 cells',
    ]);
    // -q: a warning about the output's shape is about the data, and is said all the same.
    expect(quiet.text()).toBe('sheetpipe: warning: row 7 has 4 cells\n');
  });

  it('the notice names what the API is doing', () => {
    expect(retryNotice('rate-limit', '429 RESOURCE_EXHAUSTED Quota exceeded')).toBe(
      "sheetpipe: the API's quota is used up (429 RESOURCE_EXHAUSTED); waiting and retrying (a lower --max-rpm avoids this)",
    );
    // The status whole, as the API names it or as the HTTP status of a page not from the API.
    for (const [reason, status] of [
      ['500 Internal Server Error', '500 Internal Server Error'],
      ['502 Bad Gateway', '502 Bad Gateway'],
      ['503 UNAVAILABLE The service is currently unavailable.', '503 UNAVAILABLE'],
      ['500 INTERNAL Internal error encountered.', '500 INTERNAL'],
      ['503 Service Unavailable', '503 Service Unavailable'],
    ]) {
      expect(retryNotice('server', reason!)).toBe(`sheetpipe: the API is answering ${status}; retrying (this can take a minute)`);
    }
    expect(retryNotice('rate-limit', '429 Too Many Requests')).toMatch(/\(429 Too Many Requests\); waiting/);
    expect(retryNotice('timeout', 'timed out after 30 s')).toBe(
      'sheetpipe: requests are timing out (timed out after 30 s); retrying (this can take a minute)',
    );
    expect(retryNotice('network', 'ECONNRESET')).toMatch(/\(ECONNRESET\); retrying/);
  });
});

describe('the summary', () => {
  const summary = { range: "'Orders'!A1:C2", rows: 1, columns: 3, requests: 2, retries: 0, boundaries: 0, seconds: 0.2 };

  it('says 1 row, 1 column, 1 request, 1 retry', () => {
    expect(formatSummary(summary, 'stdout')).toBe(
      "sheetpipe: 1 row × 3 columns from 'Orders'!A1:C2 → stdout in 0.2 s (5 rows/s), 2 requests, 0 retries",
    );
    expect(formatSummary({ ...summary, rows: 2, columns: 1, requests: 1, retries: 1 }, 'out.csv')).toBe(
      "sheetpipe: 2 rows × 1 column from 'Orders'!A1:C2 → out.csv in 0.2 s (10 rows/s), 1 request, 1 retry",
    );
    expect(formatSummary({ ...summary, rows: 199_999, seconds: 3.6, requests: 16 }, 'demo.csv')).toMatch(
      /^sheetpipe: 199,999 rows × 3 columns .* \(55,555 rows\/s\), 16 requests, 0 retries$/,
    );
  });

  it('names the boundaries checked and a re-read, only when there were any', () => {
    expect(formatSummary({ ...summary, requests: 5, boundaries: 3 }, 'stdout')).toMatch(/, 5 requests, 0 retries, 3 boundaries checked$/);
    expect(formatSummary({ ...summary, requests: 5, boundaries: 3, rereads: 1 }, 'out.csv')).toMatch(
      /, 5 requests, 0 retries, 3 boundaries checked, 1 re-read \(rows moved\)$/,
    );
    expect(formatSummary({ ...summary, rereads: 0 }, 'out.csv')).toMatch(/, 2 requests, 0 retries$/);
  });
});
