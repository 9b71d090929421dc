/**
 * Typed values through the real binary on the emulator's demo spreadsheet (its Orders and
 * Deliveries tabs hold dates, date-times, times, durations, percents, currency, a zero-padded ZIP
 * and booleans in their formats): what DuckDB infers from the files with no options, chunking that
 * changes no byte, the schema command's CREATE TABLE loading the CSV, and the manifest's columns.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatorProcess, describeResult, expectExit, runCli, startEmulatorProcess } from './harness.js';

let emu: EmulatorProcess;
let root: string;

beforeAll(async () => {
  emu = await startEmulatorProcess([]);
  root = mkdtempSync(join(tmpdir(), 'sheetpipe-e2e-typed-'));
});

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  expect(await emu?.stop()).toBe(0);
});

const base = () => ['--endpoint', emu.endpoint, '--max-rpm', '0', emu.spreadsheet];

async function typed(range: string, ...args: string[]): Promise<string> {
  const r = await runCli([...base(), range, '-q', '--render', 'typed', ...args]);
  expectExit(r, 0);
  return r.stdout;
}

async function duckdb(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    let rows: Record<string, unknown>[] = [];
    for (const statement of sql.split(/;\s*\n/).filter((s) => s.trim() !== ''))
      rows = (await connection.runAndReadAll(statement)).getRowObjectsJson() as Record<string, unknown>[];
    return rows;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function inferred(file: string): Promise<Record<string, string>> {
  const rows = await duckdb(`DESCRIBE SELECT * FROM '${file}'`);
  return Object.fromEntries(rows.map((r) => [r.column_name as string, r.column_type as string]));
}

describe('--render typed on the demo', () => {
  it('DuckDB infers DATE, TIMESTAMP, TIME, DOUBLE and BOOLEAN from the CSV and the NDJSON, with no options', async () => {
    for (const format of ['csv', 'ndjson']) {
      const orders = join(root, `orders.${format}`);
      const deliveries = join(root, `deliveries.${format}`);
      writeFileSync(orders, await typed('Orders', '-f', format));
      writeFileSync(deliveries, await typed('Deliveries', '-f', format));
      expect(await inferred(orders), orders).toMatchObject({ order_date: 'DATE', amount: 'DOUBLE', paid: 'BOOLEAN', shipped_on: 'DATE' });
      expect(await inferred(deliveries), deliveries).toMatchObject({
        zip: 'VARCHAR',
        surcharge: 'DOUBLE',
        dispatched_at: 'TIMESTAMP',
        delivered_on: 'DATE',
        delivered_time: 'TIME',
        transit_time: 'VARCHAR',
      });
      // ZIP codes keep their leading zeros; durations are ISO 8601.
      expect(
        await duckdb(`SELECT count(*) FILTER (WHERE zip LIKE '0____') AS padded, max(transit_time) AS longest FROM '${deliveries}'`),
      ).toEqual([{ padded: expect.stringMatching(/^[1-9]\d*$/), longest: expect.stringMatching(/^PT\d+H/) }]);
    }
  });

  it('chunking changes no byte, in any format', async () => {
    for (const format of ['csv', 'tsv', 'ndjson']) {
      for (const range of ['Deliveries', 'Orders!A1:F120']) {
        const whole = await typed(range, '-f', format);
        expect(whole.split('\n').length, `${range} ${format}`).toBeGreaterThan(50);
        for (const chunkRows of ['1', '7'])
          expect(await typed(range, '-f', format, '--chunk-rows', chunkRows), `${range} ${format} ${chunkRows}`).toBe(whole);
      }
    }
  });

  it('schema --sql duckdb creates the table the typed CSV loads into, every row and value', async () => {
    const schema = await runCli(['schema', ...base(), 'Deliveries', '--sql', 'duckdb', '-q']);
    expectExit(schema, 0);
    expect(schema.stderr).toBe('');
    const csv = join(root, 'load.csv');
    writeFileSync(csv, await typed('Deliveries'));
    const rows = await duckdb(
      `${schema.stdout}\nCOPY "Deliveries" FROM '${csv}' (HEADER);\nSELECT count(*) AS n, count(delivered_on) AS delivered, min(zip) AS zip, min(dispatched_at) AS first FROM "Deliveries"`,
    );
    expect(rows).toEqual([{ n: '50', delivered: '35', zip: '01002', first: expect.stringMatching(/^2025-\d\d-\d\d \d\d:\d\d:\d\d$/) }]);
  });

  it("a typed folder export's manifest lists each file's columns as the schema command tells them, with the locale and time zone", async () => {
    const dir = join(root, 'shop');
    const r = await runCli([...base(), '--all-sheets', '--render', 'typed', '-o', dir, '-q']);
    expectExit(r, 0);
    const manifest = JSON.parse(readFileSync(join(dir, '_manifest.json'), 'utf8')) as {
      locale: string;
      timeZone: string;
      requests: number;
      files: { sheet: string; schema: unknown }[];
    };
    expect([manifest.locale, manifest.timeZone]).toEqual(['en_US', 'Etc/GMT']);
    // The metadata, one formats request for the four tabs, one batch of values.
    expect(manifest.requests).toBe(3);
    for (const file of manifest.files) {
      const schema = await runCli(['schema', ...base(), file.sheet, '--json', '-q']);
      expectExit(schema, 0);
      const printed = JSON.parse(schema.stdout) as { timeZone: string; locale: string; columns: unknown };
      expect(file.schema, describeResult(schema)).toEqual(printed.columns);
      expect([printed.locale, printed.timeZone]).toEqual([manifest.locale, manifest.timeZone]);
    }
  });

  it('--dates with --render typed is a usage error', async () => {
    const r = await runCli([...base(), 'Orders', '--render', 'typed', '--dates', 'string']);
    expectExit(r, 2);
    expect(r.stderr).toBe(
      "sheetpipe: --dates string applies only with --render unformatted or --render formula (typed values write each date as its cell's format means it, in ISO 8601)\n",
    );
  });
});
