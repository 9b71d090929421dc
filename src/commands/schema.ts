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
import { type Command, readAnnounced } from './context.js';

export const run: Command = async ({ values, positionals }, io) => {
  const config = schemaConfig(values, positionals, io.env);
  const schema = await readAnnounced(config, io, (engine, events) =>
    engine.readSchema({
      ...engineSettings(config),
      spreadsheet: config.spreadsheet,
      range: config.range,
      header: config.header,
      env: io.env,
      signal: io.signal,
      events,
    }),
  );
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
