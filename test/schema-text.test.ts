/** The schema as `sheetpipe schema` prints it: a table, JSON, a CREATE TABLE per dialect (src/output/schema.ts). */
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { SQL_DIALECTS, createTableSql, schemaJson, schemaTable } from '../src/output/schema.js';
import { COLUMN_TYPES } from '../src/transcode/column-kinds.js';

const schema = {
  range: "'Orders'!A1:Z2001",
  table: 'Orders',
  locale: 'en_US',
  timeZone: 'America/New_York',
  columns: [
    { name: 'order_id', type: 'number' },
    { name: 'order date', type: 'date' },
    { name: 'say "hi"', type: 'string' },
    { name: 'back`tick', type: 'boolean' },
  ] as const,
};

describe('the schema as text', () => {
  it('a table: COLUMN and TYPE, aligned', () => {
    expect(schemaTable(schema)).toBe(
      ['COLUMN      TYPE', 'order_id    number', 'order date  date', 'say "hi"    string', 'back`tick   boolean', ''].join('\n'),
    );
  });

  it('JSON: the range, time zone, locale and columns, on one line', () => {
    expect(JSON.parse(schemaJson(schema))).toEqual({
      range: "'Orders'!A1:Z2001",
      timeZone: 'America/New_York',
      locale: 'en_US',
      columns: schema.columns,
    });
    expect(schemaJson(schema).split('\n')).toHaveLength(2);
  });

  it('CREATE TABLE per dialect, names quoted as each quotes identifiers', () => {
    expect(createTableSql(schema, 'duckdb')).toBe(
      'CREATE TABLE "Orders" (\n  "order_id" DOUBLE,\n  "order date" DATE,\n  "say ""hi""" VARCHAR,\n  "back`tick" BOOLEAN\n);\n',
    );
    expect(createTableSql(schema, 'postgres')).toContain('"order_id" DOUBLE PRECISION,\n  "order date" DATE,\n  "say ""hi""" TEXT,');
    expect(createTableSql(schema, 'bigquery')).toBe(
      'CREATE TABLE `Orders` (\n  `order_id` FLOAT64,\n  `order date` DATE,\n  `say "hi"` STRING,\n  `back\\`tick` BOOL\n);\n',
    );
  });

  it('every type has a type in every dialect, and DuckDB runs what it is given', async () => {
    const columns = COLUMN_TYPES.map((type) => ({ name: type, type }));
    for (const dialect of SQL_DIALECTS) expect(createTableSql({ ...schema, columns }, dialect)).not.toContain('undefined');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(createTableSql({ ...schema, columns }, 'duckdb'));
      const described = (await connection.runAndReadAll('DESCRIBE "Orders"')).getRowObjectsJson();
      expect(described.map((r) => [r.column_name, r.column_type])).toEqual([
        ['string', 'VARCHAR'],
        ['number', 'DOUBLE'],
        ['boolean', 'BOOLEAN'],
        ['date', 'DATE'],
        ['datetime', 'TIMESTAMP'],
        ['time', 'TIME'],
        ['duration', 'VARCHAR'],
        ['null', 'VARCHAR'],
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
