/**
 * Opt-in: exports the first rows of a real spreadsheet through the real API.
 *
 *   SHEETPIPE_LIVE_SPREADSHEET=<id or URL> GOOGLE_APPLICATION_CREDENTIALS=key.json npx vitest run test/live
 *   SHEETPIPE_LIVE_SPREADSHEET=<id of a public sheet> GOOGLE_API_KEY=... npx vitest run test/live
 *
 * Optional: SHEETPIPE_LIVE_RANGE (default: the first tab). No nock here: this file talks to Google.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exportToStream } from '../src/index.js';

const spreadsheet = process.env.SHEETPIPE_LIVE_SPREADSHEET;
const hasCredentials = Boolean(process.env.GOOGLE_APPLICATION_CREDENTIALS || process.env.GOOGLE_API_KEY);
const live = Boolean(spreadsheet) && hasCredentials;

if (!live) {
  const missing = [
    spreadsheet ? undefined : 'SHEETPIPE_LIVE_SPREADSHEET',
    hasCredentials ? undefined : 'GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_API_KEY',
  ].filter(Boolean);
  console.log(`live test skipped: set ${missing.join(' and ')} to export a real spreadsheet`);
}

describe.skipIf(!live)('live Google Sheets API (opt-in)', () => {
  it('exports the first 10 rows of the spreadsheet as non-empty CSV', async () => {
    let text = '';
    const destination = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        text += String(chunk);
        callback();
      },
    });
    const summary = await exportToStream(
      {
        spreadsheet: spreadsheet as string,
        range: process.env.SHEETPIPE_LIVE_RANGE || undefined,
        header: false,
        limit: 10,
        timeout: 30,
        retries: 2,
      },
      destination,
    );
    expect(text.trim().length).toBeGreaterThan(0);
    expect(text.endsWith('\n')).toBe(true);
    expect(summary.rows).toBeGreaterThan(0);
    expect(summary.rows).toBeLessThanOrEqual(10);
    // One metadata request and, for 10 rows, one values request (plus any retries).
    expect(summary.requests - summary.retries).toBe(2);
  });
});
