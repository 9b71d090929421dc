import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UsageError } from '../src/shared/errors.js';
import { DEFAULT_ENDPOINT } from '../src/google/endpoint.js';
import { parseCommandLine } from '../src/options/argv.js';
import { emulatorArgs } from '../src/emulator/args.js';
import { type Terminal, exportConfig, formatOfPath, schemaConfig, sheetsConfig } from '../src/options/config.js';
import { normaliseEndpoint } from '../src/google/endpoint.js';
import { usageMessage as usage } from './support/usage.js';

const ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';
const PIPES: Terminal = { stdoutIsTTY: false, stderrIsTTY: false };

function build(
  given: Record<string, unknown> = {},
  env: Record<string, string | undefined> = {},
  terminal = PIPES,
  positionals: string[] = [ID],
) {
  return exportConfig(given, positionals, env, terminal);
}

/** The config a command line gives, through the real argv parser. */
function fromArgv(args: string[], env: Record<string, string | undefined> = {}, terminal = PIPES) {
  const invocation = parseCommandLine(args);
  if (invocation.kind !== 'run' || invocation.command !== 'export') throw new Error(`not an export: ${JSON.stringify(invocation)}`);
  return exportConfig(invocation.values, invocation.positionals, env, terminal);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The value must appear as a token of its own, not as part of another number. */
function expectNamesValue(message: string, value: string): void {
  expect(message).toMatch(new RegExp(`(^|[\\s\`'"(=])${escapeRegExp(value)}($|[\\s\`'",.;:)])`));
}

describe('exportConfig: defaults', () => {
  it('fills every default from the option table', () => {
    expect(build()).toEqual({
      spreadsheet: { id: ID },
      range: undefined,
      output: undefined,
      gzip: false,
      format: 'csv',
      header: true,
      concurrency: 4,
      chunkRows: undefined,
      timeout: 30,
      retries: 5,
      maxRpm: 60,
      render: 'formatted',
      dates: undefined,
      limit: undefined,
      rereads: 2,
      boundaryCheck: true,
      progress: 'off',
      quiet: false,
      verbose: false,
      endpoint: DEFAULT_ENDPOINT,
      credentials: undefined,
    });
  });

  it('a bar only when stderr is a terminal and stdout is not, and TERM is not dumb', () => {
    const tty = (stdoutIsTTY: boolean, stderrIsTTY: boolean): Terminal => ({ stdoutIsTTY, stderrIsTTY });
    expect(build({}, {}, tty(false, true)).progress).toBe('bar');
    expect(build({}, {}, tty(true, true)).progress).toBe('off');
    expect(build({}, { TERM: 'dumb' }, tty(false, true)).progress).toBe('off');
    expect(build({ quiet: true }, {}, tty(false, true)).progress).toBe('off');
    expect(build({ progress: false }, {}, tty(false, true)).progress).toBe('off');
  });

  it('--progress where no bar can be drawn gives plain lines', () => {
    expect(build({ progress: true }).progress).toBe('lines');
    expect(build({ progress: true }, { TERM: 'dumb' }, { stdoutIsTTY: false, stderrIsTTY: true }).progress).toBe('lines');
    expect(build({ progress: true }, {}, { stdoutIsTTY: true, stderrIsTTY: true }).progress).toBe('lines');
    expect(build({ progress: true }, {}, { stdoutIsTTY: false, stderrIsTTY: true }).progress).toBe('bar');
  });

  it('parses the spreadsheet URL and the range', () => {
    const c = build({}, {}, PIPES, [`https://docs.google.com/spreadsheets/d/${ID}/edit#gid=7`, "'Q1 ''24'!B:D"]);
    expect(c.spreadsheet).toEqual({ id: ID, gid: 7 });
    expect(c.range).toEqual({ kind: 'range', sheet: "Q1 '24", start: { col: 2 }, end: { col: 4 } });
  });
});

describe('exportConfig: accepted values', () => {
  it('normalises numbers given as strings', () => {
    const c = fromArgv([ID, '-c', '8', '--chunk-rows', '500', '--timeout', '2.5', '--retries', '0', '--max-rpm', '0', '--limit', ' 10 ']);
    expect(c).toMatchObject({ concurrency: 8, chunkRows: 500, timeout: 2.5, retries: 0, maxRpm: 0, limit: 10 });
  });

  it("takes render and dates modes case-insensitively, in the CLI's words", () => {
    expect(fromArgv([ID, '--render', 'unformatted', '--dates', 'string'])).toMatchObject({ render: 'unformatted', dates: 'string' });
    expect(fromArgv([ID, '--render', 'UNFORMATTED', '--dates', 'Serial'])).toMatchObject({ render: 'unformatted', dates: 'serial' });
    expect(fromArgv([ID, '--render', 'formula']).render).toBe('formula');
  });

  it('--no-header, --verbose, --credentials', () => {
    expect(fromArgv([ID, '--no-header']).header).toBe(false);
    expect(fromArgv([ID, '--no-header', '--header']).header).toBe(true);
    expect(fromArgv([ID, '--verbose']).verbose).toBe(true);
    expect(fromArgv([ID, '--credentials', '/keys/sa.json']).credentials).toBe('/keys/sa.json');
  });

  it('a value that starts with "-" can be given with =', () => {
    expect(fromArgv([ID, '--output=-weird.csv']).output).toBe('-weird.csv');
  });
});

describe('exportConfig: output and format', () => {
  it.each([
    ['out.csv', 'csv'],
    ['out.tsv', 'tsv'],
    ['out.ndjson', 'ndjson'],
    ['out.jsonl', 'ndjson'],
    ['dir.d/OUT.JSONL', 'ndjson'],
    ['out.TSV', 'tsv'],
    ['out', 'csv'],
    ['/dev/stdout', 'csv'],
    ['/dev/null', 'csv'],
    ['.hidden', 'csv'],
  ] as const)('-o %s → %s', (output, format) => {
    const c = build({ output });
    expect(c.format).toBe(format);
    expect(c.output).toBe(output);
  });

  it.each(['x.json', 'out.txt', 'data.xlsx', 'orders.json.gz', 'report.2024'])('-o %s is refused with a message naming -f', (output) => {
    const m = usage(() => build({ output }));
    expect(m).toContain(output);
    expect(m).toMatch(/-f (csv|ndjson)/);
    expect(build({ output, format: 'csv' }).format).toBe('csv');
  });

  it('-o x.json says it is NDJSON, not a JSON array', () => {
    expect(usage(() => formatOfPath('x.json'))).toMatch(/not a JSON array; name the file \.ndjson or \.jsonl, or give -f ndjson/);
  });

  it("'-' and absent mean stdout, csv", () => {
    expect(build({ output: '-' })).toMatchObject({ output: undefined, format: 'csv' });
    expect(build()).toMatchObject({ output: undefined, format: 'csv' });
  });

  it('--format decides for a name without an extension or with one that is no format; jsonl is ndjson', () => {
    expect(build({ output: 'out', format: 'ndjson' }).format).toBe('ndjson');
    expect(build({ output: '/dev/stdout', format: 'TSV' }).format).toBe('tsv');
    expect(build({ output: 'out.gz', format: 'tsv' })).toMatchObject({ format: 'tsv', gzip: true });
    expect(build({ output: 'x.json', format: 'ndjson' }).format).toBe('ndjson');
    expect(build({ format: 'jsonl' }).format).toBe('ndjson');
    expect(fromArgv([ID, '-f', 'jsonl']).format).toBe('ndjson');
  });

  it('--format that agrees with the extension is taken: -f jsonl -o x.ndjson, -f CSV -o X.CSV.gz', () => {
    expect(build({ output: 'x.ndjson', format: 'jsonl' }).format).toBe('ndjson');
    expect(build({ output: 'x.jsonl', format: 'ndjson' }).format).toBe('ndjson');
    expect(build({ output: 'X.CSV.gz', format: 'CSV' })).toMatchObject({ format: 'csv', gzip: true });
  });

  it('--format that contradicts the extension is refused, the fix in the line: no TSV in a .csv file', () => {
    expect(usage(() => fromArgv([ID, '-f', 'tsv', '-o', 'x.csv']))).toBe(
      '-f tsv contradicts -o x.csv (a .csv file); name the file .tsv, or leave -f out',
    );
    expect(usage(() => fromArgv([ID, '-f', 'csv', '-o', 'out/orders.TSV.gz']))).toBe(
      '-f csv contradicts -o out/orders.TSV.gz (a .tsv.gz file); name the file .csv.gz, or leave -f out',
    );
    expect(usage(() => fromArgv([ID, '-f', 'jsonl', '-o', 'x.csv']))).toBe(
      '-f ndjson contradicts -o x.csv (a .csv file); name the file .ndjson, or leave -f out',
    );
    expect(usage(() => build({ output: 'x.jsonl', format: 'tsv' }))).toContain('name the file .tsv');
  });
});

describe('exportConfig: endpoint', () => {
  it('uses SHEETPIPE_ENDPOINT when --endpoint is absent, with a trailing slash', () => {
    expect(build({}, { SHEETPIPE_ENDPOINT: 'http://127.0.0.1:8089' }).endpoint).toBe('http://127.0.0.1:8089/');
    expect(build({}, { SHEETPIPE_ENDPOINT: 'http://localhost:9/api' }).endpoint).toBe('http://localhost:9/api/');
  });

  it('--endpoint wins over SHEETPIPE_ENDPOINT', () => {
    expect(build({ endpoint: 'http://127.0.0.1:1/' }, { SHEETPIPE_ENDPOINT: 'http://127.0.0.1:2/' }).endpoint).toBe('http://127.0.0.1:1/');
  });

  it('an empty SHEETPIPE_ENDPOINT means the default', () => {
    expect(build({}, { SHEETPIPE_ENDPOINT: '' }).endpoint).toBe(DEFAULT_ENDPOINT);
  });

  it('refuses a bad SHEETPIPE_ENDPOINT, naming the variable and the value', () => {
    const m = usage(() => build({}, { SHEETPIPE_ENDPOINT: 'ftp://x.example/' }));
    expect(m).toContain('SHEETPIPE_ENDPOINT');
    expect(m).toContain('ftp://x.example/');
    expect(usage(() => build({}, { SHEETPIPE_ENDPOINT: 'not a url' }))).toContain('not a url');
  });

  it('refuses bad --endpoint values, never echoing credentials in the URL', () => {
    for (const [value, shownPart] of [
      ['ftp://x.example/', 'ftp://x.example/'],
      ['not a url', 'not a url'],
      ['http://x.example/?key=1', 'x.example'],
      ['http://x.example/#frag', 'x.example'],
    ]) {
      const m = usage(() => build({ endpoint: value }));
      expect(m).toContain('--endpoint');
      expect(m).toContain(shownPart as string);
    }
    const m = usage(() => build({ endpoint: 'https://user:hunter2@x.example/' }));
    expect(m).toContain('--endpoint');
    expect(m).not.toContain('hunter2');
  });

  it('normaliseEndpoint keeps a path and adds the slash', () => {
    expect(normaliseEndpoint('https://sheets.googleapis.com', '--endpoint')).toBe('https://sheets.googleapis.com/');
    expect(normaliseEndpoint('http://127.0.0.1:8089/root/', '--endpoint')).toBe('http://127.0.0.1:8089/root/');
  });
});

describe('exportConfig: bad values name the option and the value', () => {
  const cases: [string, string, string][] = [
    ['--concurrency', '0', 'from 1 to 64'],
    ['--concurrency', '-2', 'from 1 to 64'],
    ['--concurrency', 'four', 'from 1 to 64'],
    ['--concurrency', '1.5', 'from 1 to 64'],
    ['--concurrency', '65', 'from 1 to 64'],
    ['--chunk-rows', '0', 'from 1 to 10,000,000'],
    ['--chunk-rows', '-100', 'from 1 to 10,000,000'],
    ['--chunk-rows', 'lots', 'from 1 to 10,000,000'],
    ['--chunk-rows', '1e3', 'from 1 to 10,000,000'],
    ['--timeout', '0', 'seconds above 0'],
    ['--timeout', '-5', 'seconds above 0'],
    ['--timeout', 'soon', 'seconds above 0'],
    ['--timeout', '3601', 'at most 3,600'],
    ['--timeout', '30s', 'seconds above 0'],
    ['--retries', '-1', 'from 0 to 100'],
    ['--retries', 'many', 'from 0 to 100'],
    ['--retries', '101', 'from 0 to 100'],
    ['--max-rpm', '-1', 'from 0 to 1,000,000'],
    ['--max-rpm', 'fast', 'from 0 to 1,000,000'],
    ['--max-rpm', '2.5', 'from 0 to 1,000,000'],
    ['--limit', '-1', 'from 1 to 10,000,000'],
    ['--limit', '0', 'from 1 to 10,000,000'],
    ['--limit', 'ten', 'from 1 to 10,000,000'],
    ['--format', 'xml', 'one of csv, tsv, ndjson, jsonl'],
    ['--format', 'json', 'one of csv, tsv, ndjson, jsonl'],
    ['--render', 'raw', 'one of formatted, unformatted, formula'],
    ['--render', 'FORMATTED_VALUE', 'one of formatted, unformatted, formula'],
    ['--dates', 'iso', 'one of serial, string'],
    ['--dates', 'SERIAL_NUMBER', 'one of serial, string'],
  ];
  it.each(cases)('%s %s', (option, value, rule) => {
    const extra = option === '--dates' ? ['--render', 'unformatted'] : [];
    const m = usage(() => fromArgv([ID, option, value, ...extra]));
    expect(m).toContain(option);
    expect(m).toContain(rule);
    expectNamesValue(m, value);
  });

  it('-f json says what sheetpipe writes instead', () => {
    expect(usage(() => fromArgv([ID, '-f', 'json']))).toMatch(/got `json`; sheetpipe writes NDJSON, one JSON value per line: -f ndjson$/);
  });

  it('an option given twice is refused, naming it', () => {
    expect(usage(() => fromArgv([ID, '-c', '2', '--concurrency', '3']))).toBe('--concurrency was given 2 times; give it once');
    expect(usage(() => fromArgv([ID, '--format', 'csv', '-f', 'tsv']))).toContain('--format');
  });

  it('a flag given a value is refused, naming it and the value', () => {
    const m = usage(() => fromArgv([ID, '--header=maybe']));
    expect(m).toContain('--header');
    expectNamesValue(m, 'maybe');
  });

  it('an option whose value is missing, or is the next option, is refused', () => {
    expect(usage(() => fromArgv([ID, '--format']))).toBe('--format expects a value (--format FORMAT)');
    expect(usage(() => fromArgv([ID, '-o', '--quiet']))).toMatch(
      /^-o expects a value, got the option `--quiet`; to give a value that starts with "-", write -o=VALUE$/,
    );
  });

  it('--dates with formatted values is refused, naming the renders it applies to', () => {
    for (const extra of [
      ['--dates', 'string'],
      ['--dates', 'serial', '--render', 'formatted'],
    ]) {
      expect(usage(() => fromArgv([ID, ...extra]))).toBe(
        `--dates ${extra[1]} applies only with --render unformatted or --render formula (formatted values show dates as the sheet does)`,
      );
    }
  });

  it('--dates with typed values is refused: typed values decide dates themselves', () => {
    expect(usage(() => fromArgv([ID, '--render', 'typed', '--dates', 'serial']))).toBe(
      "--dates serial applies only with --render unformatted or --render formula (typed values write each date as its cell's format means it, in ISO 8601)",
    );
    expect(fromArgv([ID, '--render', 'typed'])).toMatchObject({ render: 'typed', dates: undefined });
  });

  it('--dates goes with --render formula as with unformatted: the API ignores it only under formatted values', () => {
    expect(fromArgv([ID, '--render', 'formula', '--dates', 'string'])).toMatchObject({ render: 'formula', dates: 'string' });
    expect(fromArgv([ID, '--render', 'formula', '--dates', 'serial'])).toMatchObject({ render: 'formula', dates: 'serial' });
  });

  it('--quiet with --progress is refused, naming both', () => {
    const m = usage(() => fromArgv([ID, '-q', '--progress']));
    expect(m).toContain('--quiet');
    expect(m).toContain('--progress');
  });

  it('--credentials given the key itself is refused without echoing it', () => {
    const secret = '-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-----END PRIVATE KEY-----';
    for (const value of [
      `{"type":"service_account","private_key":"${secret}"}`,
      `  {"type":"authorized_user","refresh_token":"1//0gSECRET"}`,
      '[1]',
      secret,
    ]) {
      const m = usage(() => build({ credentials: value }));
      expect(m).toContain('--credentials');
      expect(m).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
      expect(m).not.toContain('1//0gSECRET');
    }
  });

  it('--output and --credentials refuse an empty value', () => {
    expect(usage(() => build({ output: '' }))).toContain('--output');
    expect(usage(() => build({ credentials: '  ' }))).toContain('--credentials');
  });

  it('a missing or bad spreadsheet, a bad range or an extra argument is a UsageError', () => {
    expect(usage(() => build({}, {}, PIPES, []))).toContain('spreadsheet');
    expect(usage(() => build({}, {}, PIPES, ['bad id!']))).toContain('bad id!');
    expect(usage(() => build({}, {}, PIPES, [ID, 'A1:B2:C3']))).toContain('A1:B2:C3');
    expect(usage(() => sheetsConfig({}, [ID, 'Orders'], {}))).toBe("unexpected argument 'Orders'");
  });
});

describe('schemaConfig', () => {
  const fromArgv = (args: string[]) => {
    const invocation = parseCommandLine(['schema', ...args]);
    if (invocation.kind !== 'run') throw new Error(`not a run: ${invocation.kind}`);
    return schemaConfig(invocation.values, invocation.positionals, {});
  };

  it('prints a table by default, JSON with --json, a CREATE TABLE with --sql DIALECT', () => {
    expect(fromArgv([ID, 'Orders'])).toMatchObject({ range: { kind: 'name', name: 'Orders' }, header: true, print: { kind: 'table' } });
    expect(fromArgv([ID, '--json', '--no-header'])).toMatchObject({ range: undefined, header: false, print: { kind: 'json' } });
    expect(fromArgv([ID, '--sql', 'Postgres'])).toMatchObject({ print: { kind: 'sql', dialect: 'postgres' } });
  });

  it('refuses --json with --sql, an unknown dialect, a second range, and export options', () => {
    expect(usage(() => fromArgv([ID, '--json', '--sql', 'duckdb']))).toBe('--json and --sql duckdb print the schema two ways: give one');
    expect(usage(() => fromArgv([ID, '--sql', 'mysql']))).toContain('one of duckdb, postgres, bigquery');
    expect(usage(() => fromArgv([ID, 'Orders', 'Customers']))).toBe("unexpected argument 'Customers'");
    expect(usage(() => fromArgv([ID, '--render', 'typed']))).toContain('--render');
  });
});

describe('exportConfig: gzip and folders', () => {
  it.each([
    ['orders.csv.gz', 'csv'],
    ['orders.TSV.GZ', 'tsv'],
    ['orders.ndjson.gz', 'ndjson'],
    ['orders.gz', 'csv'],
  ] as const)('-o %s is gzipped %s', (output, format) => {
    expect(build({ output })).toMatchObject({ output, format, gzip: true, folder: undefined });
    expect(build({ output, gzip: true })).toMatchObject({ gzip: true });
    expect(build({ output, format })).toMatchObject({ format, gzip: true });
  });

  it('--gzip needs a file named .gz, or a folder', () => {
    expect(usage(() => build({ gzip: true }))).toBe('--gzip writes a file: give -o FILE.csv.gz (or pipe the output through gzip)');
    expect(usage(() => build({ gzip: true, output: 'o.csv' }))).toBe(
      '--gzip: name the file `o.csv.gz`; a single file is gzipped when its name ends .gz',
    );
  });

  it('several ranges, or --all-sheets, go to the folder -o names; the format is -f, else csv', () => {
    const c = build({ output: 'out.d', gzip: true }, {}, PIPES, [ID, 'Orders', "'Q1 ''24'!B:D"]);
    expect(c).toMatchObject({ output: 'out.d', gzip: true, format: 'csv', range: undefined });
    expect(c.folder?.ranges).toEqual([
      { kind: 'name', name: 'Orders' },
      { kind: 'range', sheet: "Q1 '24", start: { col: 2 }, end: { col: 4 } },
    ]);
    expect(build({ output: 'shop.csv', allSheets: true, format: 'ndjson' })).toMatchObject({
      output: 'shop.csv',
      folder: { ranges: undefined },
      format: 'ndjson',
      gzip: false,
    });
  });

  it('several ranges or --all-sheets to stdout: add -o DIR; --all-sheets with ranges: one or the other', () => {
    expect(usage(() => build({}, {}, PIPES, [ID, 'Orders', 'other']))).toBe(
      '2 ranges write one file per range into a folder, not to stdout: add -o DIR',
    );
    expect(usage(() => build({ output: '-' }, {}, PIPES, [ID, 'a', 'b', 'c']))).toBe(
      '3 ranges write one file per range into a folder, not to stdout: add -o DIR',
    );
    expect(usage(() => build({ allSheets: true }))).toBe('--all-sheets writes one file per tab into a folder, not to stdout: add -o DIR');
    expect(usage(() => build({ allSheets: true, output: 'd' }, {}, PIPES, [ID, 'Orders']))).toBe(
      '--all-sheets exports every tab: give --all-sheets or ranges, not both (got `Orders`)',
    );
  });

  it('a bar with -o even when stdout is a terminal: the data does not go there', () => {
    const both: Terminal = { stdoutIsTTY: true, stderrIsTTY: true };
    expect(build({ output: 'o.csv' }, {}, both).progress).toBe('bar');
    expect(build({ output: 'd', allSheets: true }, {}, both).progress).toBe('bar');
    expect(build({}, {}, both).progress).toBe('off');
  });
});

describe('emulatorArgs: the emulator options, from argv or from code', () => {
  it('numbers from argv and from code come out the same', () => {
    const fromText = emulatorArgs({ port: '0', rows: '50', cols: '3', latency: '2.5', failRate: '0.1', seed: '-4', retryAfter: true });
    const fromCode = emulatorArgs({ port: 0, rows: 50, cols: 3, latency: 2.5, failRate: 0.1, seed: -4, retryAfter: true });
    expect(fromText).toEqual(fromCode);
    expect(fromText).toMatchObject({ port: 0, rows: 50, cols: 3, latency: 2.5, failRate: 0.1, seed: -4, retryAfter: true });
  });

  it('leaves absent options absent: the emulator applies its defaults', () => {
    expect(Object.values(emulatorArgs({})).every((v) => v === undefined)).toBe(true);
  });

  it.each([
    [{ port: '-1' }, '--port expects a whole number from 0 to 65,535, got `-1`'],
    [{ port: Number.NaN }, '--port expects a whole number from 0 to 65,535, got `NaN`'],
    [{ failRate: 1.5 }, '--fail-rate expects a fraction from 0 to 1, got `1.5`'],
    [{ latency: '-5' }, '--latency expects milliseconds from 0 to 600,000, got `-5`'],
    [{ maxRpm: 0 }, '--max-rpm expects a whole number of 1 or more, got `0`'],
    [{ spreadsheetId: 'bad id' }, '--spreadsheet-id expects 8 to 200 letters, digits, "-" or "_", got `bad id`'],
    [{ data: ['people.xlsx'] }, '--data expects a .csv or .tsv file, got `people.xlsx`'],
    [{ data: 'people.csv' }, '--data expects a list of .csv or .tsv files, got `people.csv`'],
    [{ rows: 10_000_000, cols: 2 }, '--rows × --cols is 20,000,000 cells; a spreadsheet holds at most 10,000,000'],
    [{ data: ['a.csv'], cols: 3 }, '--cols and --seed shape a generated tab: add --rows to have one next to --data'],
    // Without --rows there is no generated tab: a wide --cols is the missing --rows, not too many cells.
    [{ cols: 18_000 }, '--cols shapes a generated tab: add --rows N (the demo spreadsheet has fixed tabs)'],
    [{ cols: '18000' }, '--cols shapes a generated tab: add --rows N (the demo spreadsheet has fixed tabs)'],
    [{ data: ['a.csv'], cols: 18_000 }, '--cols and --seed shape a generated tab: add --rows to have one next to --data'],
    [{ rows: 1_250_001 }, '--rows × --cols is 10,000,008 cells; a spreadsheet holds at most 10,000,000'],
  ] as const)('%j → %s', (args, message) => {
    expect(usage(() => emulatorArgs(args))).toBe(message);
  });
});

describe('the command line never throws anything but a usage error', () => {
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('0', '-1', '1.5', 'abc', '', ' ', '1e3', '99999999999999999999', '--quiet', '-', 'x.json', 'out.txt', 'jsonl'),
  );
  const flags = [
    '--output',
    '-o',
    '--format',
    '-f',
    '--header',
    '--no-header',
    '--concurrency',
    '-c',
    '--chunk-rows',
    '--timeout',
    '--retries',
    '--max-rpm',
    '--render',
    '--dates',
    '--limit',
    '--endpoint',
    '--credentials',
    '--progress',
    '--no-progress',
    '-q',
    '--verbose',
    '--json',
    '--port',
    '--data',
    '--bogus',
    '-x',
    '--',
  ];
  const word = fc.oneof(
    fc.constantFrom(...flags),
    text,
    fc.constant(ID),
    fc.constant(`https://docs.google.com/spreadsheets/d/${ID}/edit#gid=0`),
  );
  const command = fc.constantFrom([], ['export'], ['sheets'], ['schema'], ['emulator'], ['completion'], ['help']);

  // 4,000 generated command lines: the real parser, then the command's config.
  it('property: any argv gives a config, help, or a one-line UsageError', () => {
    fc.assert(
      fc.property(command, fc.array(word, { maxLength: 8 }), (head, rest) => {
        try {
          const invocation = parseCommandLine([...head, ...rest]);
          if (invocation.kind !== 'run') return;
          const { values, positionals } = invocation;
          if (invocation.command === 'export') {
            const config = exportConfig(values, positionals, {}, PIPES);
            expect(config.concurrency).toBeGreaterThanOrEqual(1);
            expect(config.timeout).toBeGreaterThan(0);
          } else if (invocation.command === 'sheets') {
            sheetsConfig(values, positionals, {});
          } else if (invocation.command === 'schema') {
            schemaConfig(values, positionals, {});
          } else if (invocation.command === 'emulator') {
            emulatorArgs(values, positionals);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          expect((error as UsageError).message).not.toMatch(/[\r\n]/);
        }
      }),
      { numRuns: 4000 },
    );
  });
});
