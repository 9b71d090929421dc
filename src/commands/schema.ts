/**
 * `sheetpipe schema <spreadsheet> [range]`: each column's name and type as `--render typed`
 * writes them, from the range's first rows, as a table, JSON, or a CREATE TABLE.
 */
import { ExitCode } from '../shared/errors.js';
import { schemaConfig } from '../options/config.js';
import { engineSettings } from '../engine/settings.js';
import { createTableSql, schemaJson, schemaTable } from '../output/schema.js';
import { formatCount, plural } from '../shared/plural.js';
import { SAMPLE_ROWS } from '../transcode/output.js';
import { type Command, loadWhileCheckingCredentials } from './context.js';

export const run: Command = async ({ values, positionals }, io) => {
  const config = schemaConfig(values, positionals, io.env);
  io.setVerbose(config.verbose);
  const [{ readSchema, ExportEvents }, { attachProgress }] = await loadWhileCheckingCredentials(
    config,
    Promise.all([import('../engine/run.js'), import('./progress.js')]),
  );

  const events = new ExportEvents();
  // A few requests: no bar, but retries are announced as in an export.
  const progress = await attachProgress(events, { stream: io.stderr, mode: 'off', quiet: config.quiet, verbose: config.verbose });
  let schema;
  try {
    schema = await readSchema({
      ...engineSettings(config),
      spreadsheet: config.spreadsheet,
      range: config.range,
      header: config.header,
      env: io.env,
      signal: io.signal,
      events,
    });
  } finally {
    progress.stop('done');
  }
  const { print } = config;
  io.stdout.write(
    print.kind === 'sql' ? createTableSql(schema, print.dialect) : print.kind === 'json' ? schemaJson(schema) : schemaTable(schema),
  );
  if (!config.quiet) {
    const zone = schema.timeZone === undefined ? '' : `; date-times are wall time in ${schema.timeZone}`;
    io.stderr.write(
      `sheetpipe: ${plural(schema.columns.length, 'column')} of ${schema.range}, typed from its first ${formatCount(SAMPLE_ROWS)} rows${zone}\n`,
    );
  }
  return ExitCode.ok;
};
