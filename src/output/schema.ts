/**
 * A range's schema as `sheetpipe schema` prints it: a table, one JSON object, or a CREATE TABLE a
 * loader runs before its first load. Pure.
 *
 * SQL types follow what each database loads from a typed export's text: ISO 8601 dates, date-times
 * (wall time, no zone: TIMESTAMP, DATETIME) and times. Durations are ISO 8601 (`PT36H`): PostgreSQL
 * reads them as INTERVAL; DuckDB and BigQuery do not load that form into their interval types, so
 * there they are text. A column whose sample held no value is text.
 */
import type { Column, ColumnType } from '../transcode/column-kinds.js';
import { alignedColumns } from '../shared/text-table.js';

export const SQL_DIALECTS = ['duckdb', 'postgres', 'bigquery'] as const;
export type SqlDialect = (typeof SQL_DIALECTS)[number];

const SQL_TYPES: Readonly<Record<SqlDialect, Readonly<Record<ColumnType, string>>>> = {
  duckdb: {
    string: 'VARCHAR',
    number: 'DOUBLE',
    boolean: 'BOOLEAN',
    date: 'DATE',
    datetime: 'TIMESTAMP',
    time: 'TIME',
    duration: 'VARCHAR',
    null: 'VARCHAR',
  },
  postgres: {
    string: 'TEXT',
    number: 'DOUBLE PRECISION',
    boolean: 'BOOLEAN',
    date: 'DATE',
    datetime: 'TIMESTAMP',
    time: 'TIME',
    duration: 'INTERVAL',
    null: 'TEXT',
  },
  bigquery: {
    string: 'STRING',
    number: 'FLOAT64',
    boolean: 'BOOL',
    date: 'DATE',
    datetime: 'DATETIME',
    time: 'TIME',
    duration: 'STRING',
    null: 'STRING',
  },
};

/** What a schema describes: the range read, the table's name, the spreadsheet's locale and time zone, the columns. */
export interface SchemaOf {
  range: string;
  table: string;
  locale?: string;
  timeZone?: string;
  columns: readonly Column[];
}

/** A name quoted as the dialect quotes identifiers: `"order id"`, `` `order id` ``. */
function quoteName(name: string, dialect: SqlDialect): string {
  if (dialect === 'bigquery') return `\`${name.replace(/[\\`]/g, (c) => `\\${c}`)}\``;
  return `"${name.replaceAll('"', '""')}"`;
}

/** `CREATE TABLE "Orders" (…);` with a line per column. */
export function createTableSql(schema: SchemaOf, dialect: SqlDialect): string {
  const types = SQL_TYPES[dialect];
  const columns = schema.columns.map((c) => `  ${quoteName(c.name, dialect)} ${types[c.type]}`);
  return `CREATE TABLE ${quoteName(schema.table, dialect)} (\n${columns.join(',\n')}\n);\n`;
}

/** `COLUMN  TYPE` lines, aligned, as `sheetpipe sheets` prints its tabs. */
export function schemaTable(schema: SchemaOf): string {
  return alignedColumns([['COLUMN', 'TYPE'], ...schema.columns.map((c) => [c.name, c.type])]);
}

/** One line of JSON: the range, the spreadsheet's time zone and locale, the columns. */
export function schemaJson(schema: SchemaOf): string {
  const { range, timeZone, locale, columns } = schema;
  return `${JSON.stringify({ range, timeZone, locale, columns: columns.map(({ name, type }) => ({ name, type })) })}\n`;
}
