/**
 * `sheetpipe sheets <spreadsheet>`: the tabs, from one metadata request, as a table or JSON.
 */
import { ExitCode } from '../shared/errors.js';
import { sheetsConfig } from '../options/config.js';
import { engineSettings } from '../engine/settings.js';
import { alignedColumns } from '../shared/text-table.js';
import { type Command, readAnnounced } from './context.js';

export const run: Command = async ({ values, positionals }, io) => {
  const config = sheetsConfig(values, positionals, io.env);
  const meta = await readAnnounced(config, io, (engine, events) =>
    engine.readSpreadsheetMeta({ ...engineSettings(config), spreadsheet: config.spreadsheet, env: io.env, signal: io.signal, events }),
  );
  const sheets = [...meta.sheets].sort((a, b) => a.index - b.index);
  if (config.json) {
    io.stdout.write(
      `${JSON.stringify(sheets.map((s) => ({ title: s.title, sheetId: s.sheetId, rows: s.rowCount, columns: s.columnCount, type: s.sheetType })))}\n`,
    );
    return ExitCode.ok;
  }
  io.stdout.write(
    alignedColumns([
      ['TITLE', 'GID', 'ROWS', 'COLUMNS'],
      ...sheets.map((s) => [s.title, String(s.sheetId), String(s.rowCount), String(s.columnCount)]),
    ]),
  );
  return ExitCode.ok;
};
