import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildExportConfig, type RawExportArgs } from '../src/config.js';
import { UsageError } from '../src/errors.js';
import { DEFAULT_ENDPOINT, normaliseEndpoint } from '../src/google/endpoint.js';
import { usageMessage as usage } from './support/usage.js';

const ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';

function build(extra: RawExportArgs = {}, env: Record<string, string | undefined> = {}, tty = false) {
  return buildExportConfig({ spreadsheet: ID, ...extra }, env, tty);
}


function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The value must appear as a token of its own, not as part of another number. */
function expectNamesValue(message: string, value: string): void {
  expect(message).toMatch(new RegExp(`(^|[\\s\`'"(=])${escapeRegExp(value)}($|[\\s\`'",.;:)])`));
}

describe('buildExportConfig: defaults', () => {
  it('fills every default', () => {
    expect(build()).toEqual({
      spreadsheet: { id: ID },
      range: undefined,
      output: undefined,
      format: 'csv',
      header: true,
      concurrency: 4,
      chunkRows: undefined,
      timeoutMs: 30_000,
      retries: 5,
      maxRpm: 60,
      render: 'FORMATTED_VALUE',
      dates: undefined,
      limit: undefined,
      progress: false,
      quiet: false,
      verbose: false,
      endpoint: DEFAULT_ENDPOINT,
      credentials: undefined,
    });
  });

  it('shows progress by default only when stderr is a TTY', () => {
    expect(build({}, {}, true).progress).toBe(true);
    expect(build({}, {}, false).progress).toBe(false);
    expect(build({ progress: true }, {}, false).progress).toBe(true);
    expect(build({ progress: false }, {}, true).progress).toBe(false);
    expect(build({ quiet: true }, {}, true).progress).toBe(false);
  });

  it('parses the spreadsheet URL and the range', () => {
    const c = build({ spreadsheet: `https://docs.google.com/spreadsheets/d/${ID}/edit#gid=7`, range: "'Q1 ''24'!B:D" });
    expect(c.spreadsheet).toEqual({ id: ID, gid: 7 });
    expect(c.range).toEqual({ kind: 'range', sheet: "Q1 '24", start: { col: 2 }, end: { col: 4 } });
  });
});

describe('buildExportConfig: accepted values', () => {
  it('normalises numbers given as strings or numbers', () => {
    const c = build({ concurrency: '8', chunkRows: 500, timeout: '2.5', retries: '0', maxRpm: '0', limit: ' 10 ' });
    expect(c).toMatchObject({ concurrency: 8, chunkRows: 500, timeoutMs: 2500, retries: 0, maxRpm: 0, limit: 10 });
  });

  it('a tiny --timeout is refused or kept above 0 ms, never rounded to 0', () => {
    let timeoutMs: number | undefined;
    try {
      timeoutMs = build({ timeout: '0.0001' }).timeoutMs;
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return;
    }
    expect(timeoutMs).toBeGreaterThan(0);
  });

  it('maps render and dates modes, case-insensitively', () => {
    expect(build({ render: 'unformatted', dates: 'string' })).toMatchObject({ render: 'UNFORMATTED_VALUE', dates: 'FORMATTED_STRING' });
    expect(build({ render: 'UNFORMATTED', dates: 'Serial' })).toMatchObject({ render: 'UNFORMATTED_VALUE', dates: 'SERIAL_NUMBER' });
    expect(build({ render: 'formula' }).render).toBe('FORMULA');
    expect(build({ render: 'formatted' }).render).toBe('FORMATTED_VALUE');
  });

  it('--no-header and --verbose flags', () => {
    expect(build({ header: false }).header).toBe(false);
    expect(build({ verbose: true }).verbose).toBe(true);
  });

  it('--credentials takes a path', () => {
    expect(build({ credentials: '/keys/sa.json' }).credentials).toBe('/keys/sa.json');
  });
});

describe('buildExportConfig: output and format', () => {
  it.each([
    ['out.csv', 'csv'],
    ['out.tsv', 'tsv'],
    ['out.ndjson', 'ndjson'],
    ['out.jsonl', 'ndjson'],
    ['dir.d/OUT.JSONL', 'ndjson'],
    ['out.TSV', 'tsv'],
    ['out.txt', 'csv'],
    ['out', 'csv'],
  ] as const)('-o %s → %s', (output, format) => {
    const c = build({ output });
    expect(c.format).toBe(format);
    expect(c.output).toBe(output);
  });

  it("'-' and absent mean stdout, csv", () => {
    expect(build({ output: '-' })).toMatchObject({ output: undefined, format: 'csv' });
    expect(build()).toMatchObject({ output: undefined, format: 'csv' });
  });

  it('--format overrides the extension', () => {
    expect(build({ output: 'out.csv', format: 'ndjson' }).format).toBe('ndjson');
    expect(build({ output: 'out.jsonl', format: 'TSV' }).format).toBe('tsv');
    expect(build({ format: 'tsv' }).format).toBe('tsv');
  });
});

describe('buildExportConfig: endpoint', () => {
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

describe('buildExportConfig: bad values name the option and the value', () => {
  const cases: [keyof RawExportArgs, string, unknown][] = [
    ['concurrency', '--concurrency', '0'],
    ['concurrency', '--concurrency', 0],
    ['concurrency', '--concurrency', '-2'],
    ['concurrency', '--concurrency', 'four'],
    ['concurrency', '--concurrency', '1.5'],
    ['concurrency', '--concurrency', '65'],
    ['concurrency', '--concurrency', ''],
    ['chunkRows', '--chunk-rows', '0'],
    ['chunkRows', '--chunk-rows', '-100'],
    ['chunkRows', '--chunk-rows', 'lots'],
    ['chunkRows', '--chunk-rows', '1e3'],
    ['timeout', '--timeout', '0'],
    ['timeout', '--timeout', '-5'],
    ['timeout', '--timeout', 'soon'],
    ['timeout', '--timeout', '3601'],
    ['timeout', '--timeout', '30s'],
    ['retries', '--retries', '-1'],
    ['retries', '--retries', 'many'],
    ['retries', '--retries', '101'],
    ['maxRpm', '--max-rpm', '-1'],
    ['maxRpm', '--max-rpm', 'fast'],
    ['maxRpm', '--max-rpm', '2.5'],
    ['limit', '--limit', '-1'],
    ['limit', '--limit', '0'],
    ['limit', '--limit', 'ten'],
    ['format', '--format', 'xml'],
    ['format', '--format', 'json'],
    ['render', '--render', 'raw'],
    ['render', '--render', 'FORMATTED_VALUE'],
    ['dates', '--dates', 'iso'],
  ];
  it.each(cases)('%s = %j', (key, option, value) => {
    const extra: RawExportArgs = { [key]: value };
    if (key === 'dates') extra.render = 'unformatted';
    const m = usage(() => build(extra));
    expect(m).toContain(option);
    if (String(value) !== '') expectNamesValue(m, String(value));
  });

  it('an option given twice is refused, naming it', () => {
    expect(usage(() => build({ concurrency: ['2', '3'] }))).toContain('--concurrency');
    expect(usage(() => build({ format: ['csv', 'tsv'] }))).toContain('--format');
  });

  it('a flag given a value is refused, naming it and the value', () => {
    const m = usage(() => build({ header: 'maybe' }));
    expect(m).toContain('--header');
    expectNamesValue(m, 'maybe');
  });

  it('--dates without --render unformatted is refused', () => {
    for (const extra of [{ dates: 'string' }, { dates: 'serial', render: 'formatted' }, { dates: 'string', render: 'formula' }]) {
      const m = usage(() => build(extra));
      expect(m).toContain('--dates');
      expect(m).toContain(extra.dates);
      expect(m).toContain('--render unformatted');
    }
  });

  it('--quiet with --progress is refused, naming both', () => {
    const m = usage(() => build({ quiet: true, progress: true }));
    expect(m).toContain('--quiet');
    expect(m).toContain('--progress');
  });

  it('--credentials given the JSON key itself is refused without echoing it', () => {
    const secret = '-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-----END PRIVATE KEY-----';
    for (const value of [`{"type":"service_account","private_key":"${secret}"}`, `  {"type":"authorized_user","refresh_token":"1//0gSECRET"}`, '[1]']) {
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

  it('a missing or bad spreadsheet, or a bad range, is a UsageError', () => {
    expect(usage(() => buildExportConfig({}, {}, false))).toContain('spreadsheet');
    expect(usage(() => build({ spreadsheet: 'bad id!' }))).toContain('bad id!');
    expect(usage(() => build({ range: 'A1:B2:C3' }))).toContain('A1:B2:C3');
  });
});

describe('the command line never throws anything but a usage error', () => {
  // 4,000 generated argument sets: arbitrary (unicode) spreadsheet refs, ranges and option values.
  it('property: buildExportConfig returns a config or throws a one-line UsageError', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('0', '-1', '1.5', 'abc', '', ' ', '1e3', '99999999999999999999'));
    const maybe = fc.option(text, { nil: undefined });
    fc.assert(
      fc.property(
        fc.oneof(text, fc.constant(ID), fc.constant(`https://docs.google.com/spreadsheets/d/${ID}/edit#gid=0`)),
        fc.record({ range: maybe, output: maybe, format: maybe, concurrency: maybe, chunkRows: maybe, timeout: maybe, retries: maybe, maxRpm: maybe, render: maybe, dates: maybe, limit: maybe, endpoint: maybe, credentials: maybe }, { requiredKeys: [] }),
        (spreadsheet, options) => {
          try {
            const config = buildExportConfig({ spreadsheet, ...options }, {}, false);
            expect(config.concurrency).toBeGreaterThanOrEqual(1);
            expect(config.timeoutMs).toBeGreaterThanOrEqual(1);
          } catch (error) {
            expect(error).toBeInstanceOf(UsageError);
            expect((error as UsageError).message).not.toMatch(/[\r\n]/);
          }
        },
      ),
      { numRuns: 4000 },
    );
  });
});
