/**
 * The option table and what is derived from it: the argv parser, "did you mean", help, shell
 * completion and README's option blocks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HOST, DEFAULT_PORT, DEMO_SPREADSHEET_ID } from '../src/emulator/index.js';
import { DEFAULT_COLS, DEFAULT_SEED } from '../src/emulator/options.js';
import { parseCommandLine } from '../src/options/argv.js';
import { completionScript } from '../src/options/completion.js';
import { updateReadme } from '../src/options/docs.js';
import { helpText, optionSpelling } from '../src/options/help.js';
import { closest, editDistance } from '../src/options/suggest.js';
import { COMMAND_NAMES, type CommandName, OPTION_LIST, optionsFor } from '../src/options/table.js';
import { usageMessage as usage } from './support/usage.js';

const ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';

describe('the option table', () => {
  it.each(COMMAND_NAMES)('%s: names, keys and letters are unique within the command', (command) => {
    const defs = optionsFor(command);
    for (const field of ['name', 'key', 'short'] as const) {
      const values = defs.map((d) => d[field]).filter((v) => v !== undefined);
      expect(new Set(values).size, field).toBe(values.length);
    }
    // A --no-NAME spelling must not shadow another option.
    for (const d of defs.filter((o) => o.negatable)) expect(defs.some((o) => o.name === `no-${d.name}`)).toBe(false);
  });

  it('every option has help, a group, a command; value options a placeholder; only flags are negatable', () => {
    for (const d of OPTION_LIST) {
      expect(d.help.length, d.name).toBeGreaterThan(5);
      expect(d.commands.length, d.name).toBeGreaterThan(0);
      if (d.arity !== 'flag') expect(d.placeholder, d.name).toMatch(/^[A-Z]+$/);
      if (d.negatable) expect(d.arity, d.name).toBe('flag');
      expect(d.default === undefined || d.shownDefault === undefined, `${d.name}: one default`).toBe(true);
    }
  });

  it('every default passes its own rule, and so does its command-line spelling', () => {
    for (const d of OPTION_LIST.filter((o) => o.default !== undefined)) {
      expect(d.rule.parse(d.default, `--${d.name}`), d.name).toEqual(d.default);
      if (typeof d.default !== 'boolean') expect(d.rule.parse(String(d.default), `--${d.name}`), d.name).toEqual(d.default);
    }
  });

  it("the emulator's defaults shown in help are the emulator's own", () => {
    const shown = (name: string) => optionsFor('emulator').find((d) => d.name === name)?.shownDefault;
    expect(shown('port')).toBe(String(DEFAULT_PORT));
    expect(shown('host')).toBe(DEFAULT_HOST);
    expect(shown('spreadsheet-id')).toBe(DEMO_SPREADSHEET_ID);
    expect(shown('cols')).toBe(String(DEFAULT_COLS));
    expect(shown('seed')).toBe(String(DEFAULT_SEED));
  });
});

describe('parseCommandLine: commands', () => {
  it.each([
    [[], { kind: 'usage' }],
    [['help'], { kind: 'help' }],
    [['--help'], { kind: 'help' }],
    [[ID, 'Orders', '--help'], { kind: 'help' }],
    [['help', 'export'], { kind: 'help', command: 'export' }],
    [['export', '--help'], { kind: 'help', command: 'export' }],
    [['help', 'sheets'], { kind: 'help', command: 'sheets' }],
    [['sheets', '-h'], { kind: 'help', command: 'sheets' }],
    [['emulator', '--port', '0', '--help'], { kind: 'help', command: 'emulator' }],
    [['help', 'completion'], { kind: 'help', command: 'completion' }],
    [['--version'], { kind: 'version' }],
    [[ID, '--version'], { kind: 'version' }],
  ] as const)('%j → %j', (args, expected) => {
    expect(parseCommandLine(args)).toEqual(expected);
  });

  it('an export needs no command word; `export` spells it out', () => {
    expect(parseCommandLine([ID, 'Orders', '-q'])).toEqual({
      kind: 'run',
      command: 'export',
      values: { quiet: true },
      positionals: [ID, 'Orders'],
    });
    expect(parseCommandLine(['export', ID, 'Orders', '-q'])).toEqual({
      kind: 'run',
      command: 'export',
      values: { quiet: true },
      positionals: [ID, 'Orders'],
    });
  });

  it('a command word after options still selects the command', () => {
    expect(parseCommandLine(['--endpoint', 'http://127.0.0.1:1/', 'sheets', ID, '--json'])).toEqual({
      kind: 'run',
      command: 'sheets',
      values: { endpoint: 'http://127.0.0.1:1/', json: true },
      positionals: [ID],
    });
  });

  it('positionals are kept as a list, in order', () => {
    const r = parseCommandLine([ID, 'A', '-q', 'B', '--', '-C']);
    expect(r).toMatchObject({ kind: 'run', positionals: [ID, 'A', 'B', '-C'] });
  });

  it.each([
    ['emulater', 'emulator'],
    ['sheet', 'sheets'],
    ['exprot', 'export'],
    ['Sheets', 'sheets'],
    ['completoin', 'completion'],
    ['hlep', 'help'],
  ])('a first word close to a command (%s) is a misspelt command, not a spreadsheet', (word, command) => {
    expect(usage(() => parseCommandLine([word, '--port', '0']))).toBe(
      `unknown command '${word}'; did you mean '${command}'? (commands: export, sheets, schema, emulator, completion, help)`,
    );
  });

  it('a real spreadsheet ID, even one that starts like a command, is a spreadsheet', () => {
    for (const id of [ID, 'sheets2024budgetQ1', 'exports-archive-0001', 'emulator_data_x']) {
      expect(parseCommandLine([id])).toMatchObject({ kind: 'run', command: 'export', positionals: [id] });
    }
  });

  it('help on an unknown command is refused with a suggestion', () => {
    expect(usage(() => parseCommandLine(['help', 'exprot']))).toMatch(/^unknown command 'exprot'; did you mean 'export'\?/);
  });
});

describe('parseCommandLine: options', () => {
  it('a flag, its negation, a letter and a group of letters', () => {
    expect(parseCommandLine([ID, '--no-header', '--no-progress', '-qc', '3'])).toMatchObject({
      values: { header: false, progress: false, quiet: true, concurrency: '3' },
    });
  });

  it('--data is repeatable, in order', () => {
    expect(parseCommandLine(['emulator', '--data', 'a.csv', '--data=b.tsv'])).toMatchObject({ values: { data: ['a.csv', 'b.tsv'] } });
  });

  it('suggests among the options of the command being run', () => {
    expect(usage(() => parseCommandLine([ID, '--concurency', '3']))).toBe(
      'unknown option --concurency; did you mean --concurrency? (see sheetpipe --help)',
    );
    expect(usage(() => parseCommandLine(['emulator', '--prot', '0']))).toBe(
      'unknown option --prot; did you mean --port? (see sheetpipe emulator --help)',
    );
    expect(usage(() => parseCommandLine(['sheets', ID, '--jsno']))).toMatch(/did you mean --json\?/);
    // --crlf on an export is no slip of the emulator's --cols.
    expect(usage(() => parseCommandLine([ID, '--crlf']))).toBe('unknown option --crlf (see sheetpipe --help)');
  });

  it('an option of another command is named as such', () => {
    expect(usage(() => parseCommandLine([ID, '--port', '0']))).toBe(
      "--port is an option of 'sheetpipe emulator', not of 'sheetpipe export' (see sheetpipe --help)",
    );
    expect(usage(() => parseCommandLine(['sheets', ID, '--concurrency', '2']))).toMatch(
      /^--concurrency is an option of 'sheetpipe export'/,
    );
  });

  it('"did you mean" never offers the option itself, for any option of any command run as another', () => {
    for (const def of OPTION_LIST) {
      for (const command of COMMAND_NAMES.filter((c) => !optionsFor(c).some((d) => d.name === def.name))) {
        const head = command === 'export' ? [ID] : [command];
        const m = usage(() => parseCommandLine([...head, `--${def.name}`, ...(def.arity === 'flag' ? [] : ['1'])]));
        expect(m, `${command} --${def.name}`).not.toContain(`did you mean --${def.name}?`);
      }
    }
  });

  it('an unknown letter, a value given to a flag, a missing value, a repeated option', () => {
    expect(usage(() => parseCommandLine([ID, '-x']))).toBe('unknown option -x (see sheetpipe --help)');
    expect(usage(() => parseCommandLine([ID, '--quiet=yes']))).toBe('--quiet takes no value, got `yes`');
    expect(usage(() => parseCommandLine([ID, '--limit']))).toBe('--limit expects a value (--limit N)');
    expect(usage(() => parseCommandLine(['emulator', '--port', '1', '--port', '2']))).toBe('--port was given 2 times; give it once');
  });

  it('a negative number reaches the rule, which names it', () => {
    expect(parseCommandLine([ID, '--limit', '-1'])).toMatchObject({ values: { limit: '-1' } });
  });
});

describe('suggestions', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('exprot', 'export')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('finds prefixes, and nothing far away', () => {
    expect(closest('conc', ['concurrency', 'chunk-rows'])).toBe('concurrency');
    expect(closest('zzzz', ['concurrency', 'chunk-rows'])).toBeUndefined();
  });
});

describe('help, from the table', () => {
  it.each([undefined, ...COMMAND_NAMES])('%s: examples first, every option of the command with its default, no other', (command) => {
    const text = helpText(command as CommandName | undefined, 100);
    const own = optionsFor(command ?? 'export');
    expect(text.indexOf('Examples:')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('Examples:')).toBeLessThan(text.indexOf('options:'));
    for (const d of own) {
      expect(text, d.name).toContain(optionSpelling(d).trim());
      const fallback = d.default !== undefined && typeof d.default !== 'boolean' ? String(d.default) : d.shownDefault;
      if (fallback !== undefined) expect(text.replace(/\s+/g, ' '), d.name).toContain(`[default: ${fallback.replace(/\s+/g, ' ')}]`);
    }
    for (const d of OPTION_LIST.filter((o) => !own.includes(o) && !own.some((x) => x.name === o.name))) {
      expect(text, d.name).not.toMatch(new RegExp(`--${d.name}\\b(?!-)`));
    }
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('shows numbers as numbers, with their range', () => {
    const text = helpText('export').replace(/\s+/g, ' ');
    expect(text).toContain('-c, --concurrency N requests in flight at most (1–64) [default: 4]');
    expect(text).toContain('--timeout SECONDS');
    expect(text).toContain('(seconds, up to 3,600) [default: 30]');
  });
});

describe('completion scripts, from the table', () => {
  it.each(['bash', 'zsh', 'fish'] as const)('%s: every command, every option of each command, the format/render/dates values', (shell) => {
    const script = completionScript(shell);
    for (const command of COMMAND_NAMES) expect(script).toContain(command);
    for (const d of OPTION_LIST) expect(script, `${shell} --${d.name}`).toMatch(new RegExp(`(--|-l )${d.name}\\b`));
    for (const value of ['csv', 'tsv', 'ndjson', 'jsonl', 'formatted', 'unformatted', 'formula', 'serial', 'string'])
      expect(script).toContain(value);
  });
});

describe('README', () => {
  it('its usage and option tables are the ones the table makes (npm run docs rewrites them)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(updateReadme(readme) === readme, 'README.md is out of date with src/options/table.ts: run npm run docs').toBe(true);
  });
});
