/**
 * The library face takes what the command line takes: the same option names (camelCase), values
 * and checks, with a UsageError before any request. Requests go to a local server that counts them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, ISO_DATE_FORMAT, memoryTab, startEmulator } from '../src/emulator/index.js';
import {
  AuthError,
  NotFoundError,
  UsageError,
  exportToStream,
  readRows,
  readSpreadsheetMeta,
  type StreamExportOptions,
} from '../src/index.js';
import { parseCommandLine } from '../src/options/argv.js';
import { exportConfig } from '../src/options/config.js';
import { engineOptions } from '../src/library.js';
import { DEFAULT_ENDPOINT } from '../src/google/endpoint.js';

const ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';

let server: Server;
let endpoint: string;
let requests = 0;
let emu: Emulator;

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  emu = await startEmulator({
    port: 0,
    tabs: [
      memoryTab({
        title: 'Orders',
        rows: [
          ['id', 'amount', 'paid', 'when'],
          [1, 12.5, true, { value: 45_000, format: ISO_DATE_FORMAT }],
          [2, 1000, false, null],
        ],
      }),
    ],
  });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await emu.stop();
});

function sink(): Writable & { text: () => string } {
  let text = '';
  return Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        text += String(chunk);
        callback();
      },
    }),
    { text: () => text },
  );
}

/** The UsageError a library call rejects with, after checking that no request was made. */
async function refused(run: () => Promise<unknown>): Promise<string> {
  const before = requests;
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  expect(requests, 'a request was made').toBe(before);
  const message = (error as UsageError).message;
  expect(message).not.toMatch(/[\r\n]/);
  return message;
}

/** The command line's message for `--name value`, through the real parser and config. */
function cliMessage(args: string[]): string {
  try {
    const invocation = parseCommandLine([ID, ...args]);
    if (invocation.kind === 'run') exportConfig(invocation.values, invocation.positionals, {}, { stdoutIsTTY: false, stderrIsTTY: false });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`accepted: ${args.join(' ')}`);
}

describe("the library validates with the command line's rules, before any request", () => {
  it.each([
    ['concurrency', 0, '--concurrency', '0'],
    ['chunkRows', -100, '--chunk-rows', '-100'],
    ['timeout', 0, '--timeout', '0'],
    ['timeout', 3601, '--timeout', '3601'],
    ['retries', 101, '--retries', '101'],
    ['maxRpm', 2.5, '--max-rpm', '2.5'],
    ['limit', 0, '--limit', '0'],
    ['render', 'raw', '--render', 'raw'],
    ['dates', 'iso', '--dates', 'iso'],
    ['format', 'xml', '--format', 'xml'],
    ['endpoint', 'ftp://x.example/', '--endpoint', 'ftp://x.example/'],
  ] as const)('%s: %j is refused with the message --%s gets, naming the option as the caller spelt it', async (key, value, flag, text) => {
    const message = await refused(() => exportToStream({ spreadsheet: ID, endpoint, [key]: value } as StreamExportOptions, sink()));
    expect(message).toBe(cliMessage([flag, text]).replace(flag, key));
  });

  it("Google's enum names are not the library's values: render: 'UNFORMATTED_VALUE' is refused, not sent", async () => {
    const message = await refused(() =>
      exportToStream({ spreadsheet: ID, endpoint, render: 'UNFORMATTED_VALUE' as 'unformatted' }, sink()),
    );
    expect(message).toBe('render expects one of formatted, unformatted, formula, typed, got `UNFORMATTED_VALUE`');
  });

  it('dates with formatted values is refused, as on the command line', async () => {
    expect(await refused(() => readSpreadsheetMeta({ spreadsheet: ID, endpoint, dates: 'string' }))).toBe(
      "dates: 'string' applies only with render: 'unformatted' or render: 'formula' (formatted values show dates as the sheet does)",
    );
    expect(await refused(() => readSpreadsheetMeta({ spreadsheet: ID, endpoint, render: 'formatted', dates: 'serial' }))).toMatch(
      /^dates: 'serial' applies only with/,
    );
  });

  it('an unknown option name is refused with a suggestion: timeoutMs → timeout', async () => {
    const stale = { spreadsheet: ID, endpoint, timeoutMs: 5000 } as unknown as StreamExportOptions;
    expect(await refused(() => exportToStream(stale, sink()))).toBe('unknown option timeoutMs; did you mean timeout?');
    const format = { spreadsheet: ID, endpoint, format: 'csv' } as unknown as StreamExportOptions;
    expect(
      await refused(async () => {
        for await (const _ of readRows(format)) break;
      }),
    ).toBe('format is an option of exportToStream and exportToFolder');
  });

  it('a missing or bad spreadsheet, or a bad range', async () => {
    expect(await refused(() => readSpreadsheetMeta({ endpoint } as StreamExportOptions))).toMatch(/^spreadsheet is required/);
    expect(await refused(() => readSpreadsheetMeta({ spreadsheet: 'bad id!', endpoint }))).toContain('bad id!');
    expect(await refused(() => exportToStream({ spreadsheet: ID, endpoint, range: 'A1:B2:C3' }, sink()))).toContain('A1:B2:C3');
  });

  it('a credentials file is checked on a local endpoint too: a missing one is an AuthError, no request', async () => {
    const before = requests;
    const error = await readSpreadsheetMeta({ spreadsheet: ID, endpoint, credentials: '/nonexistent/sheetpipe-key.json' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toBe(
      'credentials file /nonexistent/sheetpipe-key.json (credentials) does not exist; point it at a service-account or authorized-user JSON key',
    );
    expect(requests).toBe(before);
  });
});

describe("the demo's ID", () => {
  it("on Google's endpoint: a NotFoundError that names the emulator and its endpoint, before any credential is looked up", async () => {
    const error = await readSpreadsheetMeta({ spreadsheet: 'sheetpipe-demo-00000000000000000000000000000', env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toMatch(
      /is the demo that `sheetpipe emulator` serves .* SHEETPIPE_ENDPOINT=http:\/\/127\.0\.0\.1:8089\//,
    );
  });

  it('on an emulator it is read as any ID', async () => {
    const demo = await startEmulator({ port: 0 });
    try {
      const meta = await readSpreadsheetMeta({ spreadsheet: demo.spreadsheetId, endpoint: demo.url });
      expect(meta.sheets.map((s) => s.title)).toEqual(['Orders', 'Customers', 'Summary', 'Deliveries']);
    } finally {
      await demo.stop();
    }
  });
});

describe('SHEETPIPE_ENDPOINT is a command-line convenience, not read by the library', () => {
  // Checked on the options the library hands the engine: a real call would go to Google.
  it('with no endpoint option, the library aims at Google, whatever the environment says', async () => {
    const saved = process.env.SHEETPIPE_ENDPOINT;
    process.env.SHEETPIPE_ENDPOINT = endpoint;
    try {
      const options = await engineOptions({ spreadsheet: ID, env: { SHEETPIPE_ENDPOINT: endpoint } }, 'read');
      expect(options.endpoint).toBe(DEFAULT_ENDPOINT);
      expect((await engineOptions({ spreadsheet: ID, endpoint }, 'read')).endpoint).toBe(endpoint);
    } finally {
      if (saved === undefined) delete process.env.SHEETPIPE_ENDPOINT;
      else process.env.SHEETPIPE_ENDPOINT = saved;
    }
  });
});

describe("the CLI's values work", () => {
  it("render: 'unformatted', dates: 'string', format: 'jsonl', timeout in seconds", async () => {
    const out = sink();
    const summary = await exportToStream(
      {
        spreadsheet: emu.spreadsheetId,
        endpoint: emu.url,
        range: 'Orders',
        render: 'unformatted',
        dates: 'string',
        format: 'jsonl',
        timeout: 5,
        maxRpm: 0,
      },
      out,
    );
    expect(summary.rows).toBe(2);
    const first = JSON.parse(out.text().split('\n')[0] as string) as Record<string, unknown>;
    expect(first).toMatchObject({ id: 1, amount: 12.5, paid: true });
    expect(typeof first.when).toBe('string');
  });

  it("render: 'formula' takes dates too: a date cell comes as text or as a serial, as asked", async () => {
    const read = async (dates: 'string' | 'serial'): Promise<unknown[][]> => {
      const rows = [];
      const options = {
        spreadsheet: emu.spreadsheetId,
        endpoint: emu.url,
        range: 'Orders!D2',
        render: 'formula',
        dates,
        maxRpm: 0,
      } as const;
      for await (const row of readRows(options)) rows.push(row);
      return rows;
    };
    expect(await read('string')).toEqual([['2023-03-15']]);
    expect(await read('serial')).toEqual([[45_000]]);
  });

  it('readRows with the defaults gives formatted text', async () => {
    const rows = [];
    for await (const row of readRows({ spreadsheet: emu.spreadsheetId, endpoint: emu.url, range: 'Orders!A1:B2', maxRpm: 0 }))
      rows.push(row);
    expect(rows).toEqual([
      ['id', 'amount'],
      ['1', '12.5'],
    ]);
  });
});
