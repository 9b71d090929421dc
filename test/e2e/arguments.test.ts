/**
 * Argument handling through the real binary: no arguments, help, misspelt commands and options,
 * extra arguments, completion scripts, formats from -o, --credentials on a local endpoint, and no
 * library warning on stderr.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeResult, expectExit, runCli, startEmulatorProcess, type EmulatorProcess } from './harness.js';
import { runWithEnv } from '../faults/helpers.js';

const ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';

let dir: string;
let emu: EmulatorProcess;
let base: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sheetpipe-args-'));
  writeFileSync(join(dir, 'Orders.csv'), 'id,name,amount\n1,Ada,10\n');
  emu = await startEmulatorProcess(['--data', join(dir, 'Orders.csv')]);
  base = ['--endpoint', emu.endpoint, emu.spreadsheet, '--max-rpm', '0'];
});

afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Exit 2 and exactly `message` as the one line on stderr, nothing on stdout. */
async function expectUsage(args: string[], message: string | RegExp): Promise<void> {
  const r = await runCli(args);
  expectExit(r, 2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n') && r.stderr.split('\n').length === 2, describeResult(r)).toBe(true);
  if (typeof message === 'string') expect(r.stderr).toBe(`sheetpipe: ${message}\n`);
  else expect(r.stderr).toMatch(message);
}

describe('no arguments, help, version', () => {
  it('`sheetpipe` alone: a short usage and the three commonest examples on stderr, exit 2', async () => {
    const r = await runCli([]);
    expectExit(r, 2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^Stream a Google Sheets range to CSV, TSV or NDJSON\.\n\nUsage: sheetpipe <spreadsheet> \[range\] \[options\]\n\nExamples:\n/,
    );
    const examples = r.stderr.slice(r.stderr.indexOf('Examples:\n'));
    expect(
      examples
        .slice(0, examples.indexOf('\n\n'))
        .split('\n')
        .filter((l) => l.startsWith('  sheetpipe ')),
    ).toHaveLength(3);
    expect(r.stderr).not.toMatch(/Not enough non-option arguments/);
  });

  it.each([
    [['help'], 'Commands:'],
    [['--help'], 'Commands:'],
    [['help', 'export'], '  sheetpipe export <spreadsheet> [range] [options]'],
    [['export', '--help'], '  sheetpipe export <spreadsheet> [range] [options]'],
    [['help', 'sheets'], 'sheetpipe sheets: list the tabs'],
    [['sheets', '--help'], 'sheetpipe sheets: list the tabs'],
    [['help', 'emulator'], 'sheetpipe emulator: serve a local Sheets API'],
    [['emulator', '-h'], 'sheetpipe emulator: serve a local Sheets API'],
    [['help', 'completion'], 'sheetpipe completion: print a shell completion script'],
  ])("%j: that command's help on stdout, exit 0", async (args, marker) => {
    const r = await runCli(args);
    expectExit(r, 0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(marker);
    expect(r.stdout.indexOf('Examples:')).toBe(r.stdout.search(/^Examples:/m));
    expect(r.stdout.indexOf('Examples:')).toBeLessThan(r.stdout.indexOf('options:'));
  });

  it('`sheetpipe` alone and `help emulator` show how to read the demo: the emulator, its endpoint, the demo ID', async () => {
    const bare = await runCli([]);
    expectExit(bare, 2);
    const emulator = await runCli(['help', 'emulator']);
    expectExit(emulator, 0);
    for (const text of [bare.stderr, emulator.stdout]) {
      expect(text).toMatch(/^ {2}sheetpipe emulator &$/m);
      expect(text).toMatch(
        /^ {2}export SHEETPIPE_ENDPOINT=http:\/\/127\.0\.0\.1:8089\/\n {2}sheetpipe sheetpipe-demo-0{29} Orders \| head -3$/m,
      );
    }
  });

  it("each command's help lists its own options only, numbers as numbers with their defaults", async () => {
    const sheets = (await runCli(['help', 'sheets'])).stdout;
    expect(sheets).toContain('--json');
    expect(sheets).not.toContain('--concurrency');
    const emulator = (await runCli(['emulator', '--help'])).stdout;
    expect(emulator).toMatch(/--port N\s+port to listen on; 0 = any free port \(0–65,535\) \[default: 8089\]/);
    expect(emulator).not.toContain('--endpoint');
    const exporting = (await runCli(['export', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(exporting).toContain('-c, --concurrency N requests in flight at most (1–64) [default: 4]');
    expect(exporting).toContain('--max-rpm N requests per minute at most');
    expect(exporting).toContain('(0–1,000,000) [default: 60]');
  });

  it('--version prints the version alone', async () => {
    const r = await runCli(['--version']);
    expectExit(r, 0);
    expect(r.stdout).toBe(
      `${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`,
    );
  });
});

describe('commands and options that never mislead', () => {
  it.each([
    [['emulater', '--port', '0'], 'emulator'],
    [['sheet', ID], 'sheets'],
    [['exprot', ID, 'Orders'], 'export'],
    [['help', 'emulater'], 'emulator'],
  ])('%j → unknown command, did you mean %s', async (args, command) => {
    await expectUsage(
      args,
      `unknown command '${args[0] === 'help' ? args[1] : args[0]}'; did you mean '${command}'? (commands: export, sheets, schema, emulator, completion, help)`,
    );
  });

  it('an extra argument after the range is a second range (a folder export), not an unknown option', async () => {
    await expectUsage([...base, 'Orders', 'other'], '2 ranges write one file per range into a folder, not to stdout: add -o DIR');
    await expectUsage(['sheets', ...base, 'Orders'], "unexpected argument 'Orders'");
    await expectUsage(['emulator', 'extra'], "unexpected argument 'extra'");
  });

  it('"did you mean" offers only options of the command being run', async () => {
    await expectUsage(['emulator', '--prot', '0'], 'unknown option --prot; did you mean --port? (see sheetpipe emulator --help)');
    await expectUsage([...base, '--crlf'], 'unknown option --crlf (see sheetpipe --help)');
    await expectUsage(
      [...base, '--port', '0'],
      "--port is an option of 'sheetpipe emulator', not of 'sheetpipe export' (see sheetpipe --help)",
    );
  });

  it('-f jsonl is NDJSON', async () => {
    const r = await runCli([...base, 'Orders', '-f', 'jsonl', '-q']);
    expectExit(r, 0);
    expect(r.stdout).toBe('{"id":"1","name":"Ada","amount":"10"}\n');
  });

  it('-o x.json and an extension with no format are refused, naming -f; nothing is written', async () => {
    await expectUsage(
      [...base, 'Orders', '-o', join(dir, 'x.json')],
      /^sheetpipe: -o .*x\.json: sheetpipe writes NDJSON \(one JSON value per line\), not a JSON array; name the file \.ndjson or \.jsonl, or give -f ndjson\n$/,
    );
    await expectUsage(
      [...base, 'Orders', '-o', join(dir, 'x.txt')],
      /^sheetpipe: -o .*x\.txt: no format is known for "\.txt"; use \.csv, \.tsv, \.ndjson or \.jsonl, or give -f csv\|tsv\|ndjson\n$/,
    );
    const r = await runCli([...base, 'Orders', '-o', join(dir, 'x.txt'), '-f', 'tsv', '-q']);
    expectExit(r, 0);
    expect(readFileSync(join(dir, 'x.txt'), 'utf8')).toBe('id\tname\tamount\n1\tAda\t10\n');
  });

  it('a path without an extension keeps CSV: /dev/null, out', async () => {
    expectExit(await runCli([...base, 'Orders', '-o', '/dev/null', '-q']), 0);
    expectExit(await runCli([...base, 'Orders', '-o', join(dir, 'out'), '-q']), 0);
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('id,name,amount\n1,Ada,10\n');
  });

  it('--credentials is checked on a local endpoint too: a missing or bogus key file is exit 3', async () => {
    const missing = await runCli([...base, 'Orders', '--credentials', join(dir, 'nope.json')]);
    expectExit(missing, 3);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(
      `sheetpipe: credentials file ${join(dir, 'nope.json')} (--credentials) does not exist; point it at a service-account or authorized-user JSON key\n`,
    );
    writeFileSync(join(dir, 'client.json'), '{"installed":{"client_id":"x"}}');
    const sheets = await runCli(['sheets', ...base, '--credentials', join(dir, 'client.json')]);
    expectExit(sheets, 3);
    expect(sheets.stderr).toMatch(/\(--credentials\) is JSON but not a credential/);
  });

  it('the summary says 1 row and 1 column', async () => {
    const r = await runCli([...base, 'Orders!B1:B2']);
    expectExit(r, 0);
    expect(r.stderr).toMatch(
      /^sheetpipe: 1 row × 1 column from 'Orders'!B1:B2 → stdout in [\d.]+ s \([\d,]+ rows\/s\), 2 requests, 0 retries\n$/,
    );
  });
});

describe('shell completion', () => {
  const script = async (shell: string) => {
    const r = await runCli(['completion', shell]);
    expectExit(r, 0);
    expect(r.stderr).toBe('');
    return r.stdout;
  };

  it('an unknown or missing shell is a usage error', async () => {
    await expectUsage(['completion', 'tcsh'], 'completion expects one of bash, zsh, fish, got `tcsh`');
    await expectUsage(['completion'], 'completion needs a shell: sheetpipe completion bash|zsh|fish');
  });

  it('bash: commands, options per command, format/render/dates values, files after -o', async () => {
    const file = join(dir, 'completion.bash');
    writeFileSync(file, await script('bash'));
    const complete = (words: string[]) =>
      execFileSync(
        'bash',
        [
          '-c',
          `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); _sheetpipe; printf '%s\\n' "\${COMPREPLY[@]}"`,
          file,
          ...words,
        ],
        { encoding: 'utf8', cwd: dir },
      )
        .split('\n')
        .filter(Boolean)
        .sort();
    expect(complete(['sheetpipe', 'em'])).toEqual(['emulator']);
    expect(complete(['sheetpipe', ID, '--conc'])).toEqual(['--concurrency']);
    expect(complete(['sheetpipe', 'emulator', '--po'])).toEqual(['--port']);
    expect(complete(['sheetpipe', 'sheets', ID, '--js'])).toEqual(['--json']);
    expect(complete(['sheetpipe', 'sheets', ID, '--conc'])).toEqual([]);
    expect(complete(['sheetpipe', ID, '-f', ''])).toEqual(['csv', 'jsonl', 'ndjson', 'tsv']);
    expect(complete(['sheetpipe', ID, '--render', 'un'])).toEqual(['unformatted']);
    expect(complete(['sheetpipe', ID, '--dates', ''])).toEqual(['serial', 'string']);
    expect(complete(['sheetpipe', ID, '-o', 'Ord'])).toEqual(['Orders.csv']);
    expect(complete(['sheetpipe', 'completion', ''])).toEqual(['bash', 'fish', 'zsh']);
  });

  const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

  it('zsh: the script parses (zsh -n)', async (ctx) => {
    if (!has('zsh')) {
      console.log('skipped: zsh is not installed');
      ctx.skip();
    }
    const file = join(dir, '_sheetpipe');
    writeFileSync(file, await script('zsh'));
    expect(spawnSync('zsh', ['-n', file], { encoding: 'utf8' }).stderr).toBe('');
  });

  it('fish: completes commands, options and values', async (ctx) => {
    if (!has('fish')) {
      console.log('skipped: fish is not installed');
      ctx.skip();
    }
    const file = join(dir, 'sheetpipe.fish');
    writeFileSync(file, await script('fish'));
    const complete = (line: string) =>
      execFileSync('fish', ['--no-config', '-c', `source $argv[1]; complete -C $argv[2]`, file, line], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0])
        .sort();
    expect(complete('sheetpipe emu')).toEqual(['emulator']);
    expect(complete(`sheetpipe ${ID} --form`)).toEqual(['--format']);
    expect(complete(`sheetpipe ${ID} --format `)).toEqual(['csv', 'jsonl', 'ndjson', 'tsv']);
    expect(complete('sheetpipe emulator --po')).toEqual(['--port']);
    expect(complete('sheetpipe sheets --js')).toEqual(['--json']);
  });
});

describe("the demo's ID without the emulator", () => {
  // A proxy on a closed port: were a request made, it would fail here, never reach Google.
  const nowhere = () => ({ HOME: dir, HTTPS_PROXY: 'http://127.0.0.1:1', https_proxy: 'http://127.0.0.1:1' });
  const DEMO = 'sheetpipe-demo-00000000000000000000000000000';
  const HINT =
    /^sheetpipe: spreadsheet sheetpipe-demo-0{29} is the demo that `sheetpipe emulator` serves on this machine, not a Google spreadsheet: start `sheetpipe emulator` and set SHEETPIPE_ENDPOINT=http:\/\/127\.0\.0\.1:8089\/ \(or pass --endpoint http:\/\/127\.0\.0\.1:8089\/\)\n$/;

  it.each([
    ['an export, with no credentials', () => [DEMO, 'Orders'], {}],
    ['an export, with an API key', () => [DEMO, 'Orders'], { GOOGLE_API_KEY: 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY' }],
    ['a URL, to a folder', () => [`https://docs.google.com/spreadsheets/d/${DEMO}/edit`, '--all-sheets', '-o', join(dir, 'demo')], {}],
    ['sheets', () => ['sheets', DEMO, '--verbose'], {}],
  ])('%s: says where the demo is served and how to point sheetpipe at it, before any request (exit 4)', async (_, args, env) => {
    const r = await runWithEnv(args(), { ...nowhere(), ...env });
    expectExit(r, 4);
    expect(r.stdout).toBe('');
    expect(r.stderr, describeResult(r)).toMatch(HINT);
  });

  it('another endpoint is asked as any other: the demo ID is what an emulator there may serve', async () => {
    const r = await runWithEnv(['--endpoint', 'https://sheets.invalid/', DEMO], {
      ...nowhere(),
      GOOGLE_API_KEY: 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY',
    });
    expectExit(r, 5);
    expect(r.stderr).not.toContain('is the demo');
  });
});

describe('no credentials: one line on stderr, with --verbose too', () => {
  // google-auth-library probes the cloud metadata server when it finds no credentials, and
  // warns (MetadataLookupWarning) when the probe fails oddly. With METADATA_SERVER_DETECTION=none
  // it never probes, so there is no warning to keep out and a test there proves nothing: here the
  // probe goes to a loopback "metadata server" that resets the connection, which makes the library
  // warn every time it probes. The warning reaches the process after the error line, or before it
  // when a temp file is removed in between (-o): each is run.
  let metadata: Server;
  let host: string;
  let probes = 0;
  beforeAll(async () => {
    metadata = createServer((socket) =>
      socket.on('data', () => {
        probes += 1;
        socket.resetAndDestroy();
      }),
    );
    await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(metadata.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((resolve) => metadata.close(resolve)));

  const REMOTE = ['--endpoint', 'https://sheets.invalid/', 'abcdefghijklmnop'];
  const NO_CREDENTIALS = /^sheetpipe: no Google credentials found; set GOOGLE_APPLICATION_CREDENTIALS .*\n$/;

  it.each([
    ['to stdout', () => REMOTE],
    ['to a file (-o)', () => [...REMOTE, '-o', join(dir, 'out.csv')]],
    ['to a folder (--all-sheets -o)', () => [...REMOTE, '--all-sheets', '-o', join(dir, 'shop')]],
    ['sheets', () => ['sheets', ...REMOTE]],
  ])('%s: the library probed (and warned), and stderr is the one-line error, with or without --verbose', async (_, args) => {
    for (const verbose of [[], ['--verbose']]) {
      const before = probes;
      const r = await runWithEnv([...args(), ...verbose], {
        HOME: dir,
        METADATA_SERVER_DETECTION: 'ping-only',
        GCE_METADATA_HOST: host,
      });
      expectExit(r, 3);
      expect(probes, 'the metadata server was probed').toBeGreaterThan(before);
      expect(r.stderr, describeResult(r)).toMatch(NO_CREDENTIALS);
    }
  });
});
