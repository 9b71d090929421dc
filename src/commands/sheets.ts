/**
 * `sheetpipe sheets <spreadsheet>`: the tabs, from one metadata request, as a table or JSON.
 */
import { ExitCode } from '../shared/errors.js';
import { sheetsConfig } from '../options/config.js';
import { engineSettings } from '../engine/settings.js';
import { type Command, loadWhileCheckingCredentials } from './context.js';

export const run: Command = async ({ values, positionals }, io) => {
  const config = sheetsConfig(values, positionals, io.env);
  io.setVerbose(config.verbose);
  const [{ readSpreadsheetMeta, ExportEvents }, { attachProgress }] = await loadWhileCheckingCredentials(
    config,
    Promise.all([import('../engine/run.js'), import('./progress.js')]),
  );

  const events = new ExportEvents();
  // No bar for one request, but retries are announced as in an export.
  const progress = await attachProgress(events, { stream: io.stderr, mode: 'off', quiet: config.quiet, verbose: config.verbose });
  let meta;
  try {
    meta = await readSpreadsheetMeta({
      ...engineSettings(config),
      spreadsheet: config.spreadsheet,
      env: io.env,
      signal: io.signal,
      events,
    });
  } finally {
    progress.stop('done');
  }
  const sheets = [...meta.sheets].sort((a, b) => a.index - b.index);
  if (config.json) {
    io.stdout.write(
      `${JSON.stringify(sheets.map((s) => ({ title: s.title, sheetId: s.sheetId, rows: s.rowCount, columns: s.columnCount, type: s.sheetType })))}\n`,
    );
    return ExitCode.ok;
  }
  const rows = [
    ['TITLE', 'GID', 'ROWS', 'COLUMNS'],
    ...sheets.map((s) => [s.title, String(s.sheetId), String(s.rowCount), String(s.columnCount)]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const r of rows) io.stdout.write(`${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')}\n`);
  return ExitCode.ok;
};
