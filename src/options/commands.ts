/**
 * The commands as help and completion present them: what each does, how it is called, its
 * arguments and examples. Pure.
 */
import { DEMO_SPREADSHEET_ID, EMULATOR_ENDPOINT } from '../shared/demo.js';
import type { CommandName } from './table.js';

export interface Positional {
  /** As usage shows it: `<spreadsheet>`, `[range]`. */
  readonly name: string;
  readonly help: string;
}

export interface CommandSpec {
  readonly name: CommandName;
  /** One line, for the list of commands. */
  readonly summary: string;
  /** Usage lines, without the leading `sheetpipe `; a line with a note of its own as [line, note]. */
  readonly usage: readonly (string | readonly [string, string])[];
  readonly positionals: readonly Positional[];
  /** Examples first, as help shows them: [command line, what it does]. */
  readonly examples: readonly (readonly [string, string?])[];
}

/** The demo, served and read: shown by `sheetpipe` alone and first in `sheetpipe help emulator`. */
export const DEMO_EXAMPLES: CommandSpec['examples'] = [
  ['sheetpipe emulator &', `the demo spreadsheet, on ${EMULATOR_ENDPOINT}`],
  [`export SHEETPIPE_ENDPOINT=${EMULATOR_ENDPOINT}`, 'read it: no Google account needed'],
  [`sheetpipe ${DEMO_SPREADSHEET_ID} Orders | head -3`],
];

const SPREADSHEET: Positional = {
  name: '<spreadsheet>',
  help: 'spreadsheet ID, or a docs.google.com URL (its #gid=N picks the tab when no range names one)',
};

export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  export: {
    name: 'export',
    summary: 'stream a range to CSV, TSV or NDJSON (the default command)',
    usage: [
      '<spreadsheet> [range] [options]',
      'export <spreadsheet> [range] [options]',
      ['<spreadsheet> --all-sheets -o DIR [options]', 'every tab into a folder, one file each, _manifest.json last'],
      ['<spreadsheet> RANGE RANGE... -o DIR [options]', 'several ranges into a folder, one file each, _manifest.json last'],
    ],
    positionals: [
      SPREADSHEET,
      {
        name: '[range...]',
        help: "A1 range: 'Sheet1'!A1:Z, A2:F, Sheet1, 5:100, B:B, or a named range; default: the whole first tab. Several ranges go into the folder -o names, one file each",
      },
    ],
    examples: [
      ["sheetpipe 1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms 'Orders!A:F' > orders.csv"],
      ['sheetpipe "https://docs.google.com/spreadsheets/d/ID/edit#gid=0" -o orders.ndjson'],
      ["sheetpipe ID Orders -f ndjson --render typed | jq -c 'select(.amount > 1000)'"],
      ["sheetpipe ID 'Orders!A:F' -q | duckdb -c \"SELECT count(*) FROM read_csv('/dev/stdin')\""],
      ['15 3 * * * sheetpipe ID Orders -q -o /data/orders.csv || echo "export failed: $?"', 'a crontab line: quiet unless it fails'],
      ['sheetpipe ID --all-sheets -o /data/shop --gzip', 'every tab, gzipped, into /data/shop as one set; _manifest.json is written last'],
      ["sheetpipe ID Orders 'Customers!A:C' -o /data/shop -f ndjson", 'two ranges, one file each'],
    ],
  },
  sheets: {
    name: 'sheets',
    summary: 'list the tabs: title, gid, rows, columns',
    usage: ['sheets <spreadsheet> [options]'],
    positionals: [SPREADSHEET],
    examples: [['sheetpipe sheets ID'], ["sheetpipe sheets ID --json | jq -r '.[].title'"]],
  },
  schema: {
    name: 'schema',
    summary: 'the columns a typed export writes, names and types: a table, JSON or CREATE TABLE',
    usage: ['schema <spreadsheet> [range] [options]'],
    positionals: [
      SPREADSHEET,
      { name: '[range]', help: "A1 range, tab or named range, as for an export; default: the whole first tab (or the URL's gid tab)" },
    ],
    examples: [
      ['sheetpipe schema ID Orders', "each column's name and type, from the tab's first 1,000 rows"],
      ['sheetpipe schema ID Orders --sql duckdb | duckdb shop.db', 'create the table before the first load'],
      ['sheetpipe schema ID Orders --json | jq -r \'.columns[] | select(.type == "date") | .name\''],
    ],
  },
  emulator: {
    name: 'emulator',
    summary: 'serve a local Sheets API, for demos, tests and offline pipelines',
    usage: ['emulator [options]'],
    positionals: [],
    examples: [
      ...DEMO_EXAMPLES,
      ['sheetpipe emulator --data orders.csv --data customers.tsv', 'each file becomes a tab'],
      ['sheetpipe emulator --rows 1000000 --cols 10 --seed 7', 'a generated tab, computed lazily'],
      ['sheetpipe emulator --port 0 --latency 150 --jitter 50 --max-rpm 60', 'as slow as the real API, with its quota'],
    ],
  },
  completion: {
    name: 'completion',
    summary: 'print a shell completion script',
    usage: ['completion bash|zsh|fish'],
    positionals: [{ name: '<shell>', help: 'bash, zsh or fish' }],
    examples: [
      ['sheetpipe completion bash > ~/.local/share/bash-completion/completions/sheetpipe'],
      ['sheetpipe completion zsh > "${fpath[1]}/_sheetpipe"'],
      ['sheetpipe completion fish > ~/.config/fish/completions/sheetpipe.fish'],
    ],
  },
};

/** Shown by `sheetpipe` alone: the commonest uses. */
export const COMMON_EXAMPLES = COMMANDS.export.examples.slice(0, 3);

export const TAGLINE = 'Stream a Google Sheets range to CSV, TSV or NDJSON.';

export const EXIT_CODES =
  'Exit codes: 0 done (also when the reader closes early), 1 failed, 2 usage, 3 auth, 4 not found, ' +
  '5 API unavailable after retries, 129/130/143 interrupted by SIGHUP/SIGINT/SIGTERM.';
