/**
 * The man page, sheetpipe(1), made from the option table and the command declarations, as help
 * is: each command's usage, arguments and options with their types and defaults, the examples,
 * the environment and the exit codes. Written as roff for the man(7) macros by `npm run build`.
 * Pure.
 */
import { COMMANDS, DEMO_EXAMPLES, EXIT_CODES, TAGLINE, type CommandSpec } from './commands.js';
import { optionDefault, optionType, usageLine } from './help.js';
import { type CommandName, COMMAND_NAMES, GROUPS, type OptionDef, flagOf, optionsFor } from './table.js';

/**
 * Text as roff prints it: a backslash, hyphens (so options copy as typed), quotes and accents (so
 * shell lines copy as typed) escaped, anything outside ASCII as a Unicode glyph, and a line that
 * would start with a control character guarded.
 */
export function roffText(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/'/g, '\\(aq')
    .replace(/`/g, '\\(ga')
    .replace(/[^\x20-\x7e\n]/gu, (c) => `\\[u${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}]`)
    .replace(/^\./gm, '\\&.');
}

const bold = (text: string) => `\\fB${roffText(text)}\\fR`;
const italic = (text: string) => `\\fI${roffText(text)}\\fR`;

/** `\fB-c\fR, \fB--concurrency\fR \fIN\fR`, `\fB--header\fR, \fB--no-header\fR`. */
function optionTag(def: OptionDef): string {
  const long = `${bold(flagOf(def))}${def.arity === 'flag' ? '' : ` ${italic(def.placeholder ?? 'VALUE')}`}`;
  return [...(def.short ? [bold(`-${def.short}`)] : []), long, ...(def.negatable ? [bold(`--no-${def.name}`)] : [])].join(', ');
}

function optionText(def: OptionDef): string {
  const type = optionType(def);
  const fallback = optionDefault(def);
  return roffText(`${def.help}${type ? ` (${type})` : ''}.${fallback ? ` Default: ${fallback}.` : ''}`);
}

/** Shell lines, set as typed. */
function codeBlock(lines: readonly string[]): string[] {
  return ['.RS 4', '.nf', ...lines.map(roffText), '.fi', '.RE'];
}

function examples(spec: CommandSpec): string[] {
  return spec.examples.flatMap(([line, note]) => ['.PP', ...(note ? [`${roffText(note)}:`] : []), ...codeBlock([line])]);
}

/** The options of `command` in help's groups; the General ones (help, version) are listed once, apart. */
function commandOptions(command: CommandName): string[] {
  const defs = optionsFor(command).filter((d) => d.group !== 'General');
  return GROUPS.flatMap((group) => defs.filter((d) => d.group === group)).flatMap((d) => ['.TP', optionTag(d), optionText(d)]);
}

const ENVIRONMENT: readonly (readonly [string, string])[] = [
  ['SHEETPIPE_ENDPOINT', 'the API root, as --endpoint gives it (the command line only; the library does not read it)'],
  ['GOOGLE_APPLICATION_CREDENTIALS', 'the path of a service-account or authorized-user JSON key file'],
  ['GOOGLE_API_KEY', 'an API key, for spreadsheets shared as "anyone with the link"'],
  [
    'HTTPS_PROXY, NO_PROXY',
    'the proxy for requests to the API, and the hosts that bypass it (an endpoint on this machine is never proxied)',
  ],
  [
    'METADATA_SERVER_DETECTION',
    'with no credentials configured, Google\'s libraries probe the cloud metadata server for a service account attached to the machine, as on Google Cloud; "none" turns the probe off',
  ],
];

/** sheetpipe(1) as roff. `version` goes in the page's footer. */
export function manPage(version: string): string {
  const lines: string[] = [
    '.\\" Made from src/options/ by npm run build: edit the option table, not this file.',
    `.TH SHEETPIPE 1 "" "sheetpipe ${version}" "User Commands"`,
    // Left-aligned and unhyphenated: option names and paths stay whole.
    '.ad l',
    '.nh',
    '.SH NAME',
    `sheetpipe \\- ${roffText(TAGLINE.replace(/^Stream/, 'stream').replace(/\.$/, ''))}`,
    '.SH SYNOPSIS',
    '.nf',
    ...COMMAND_NAMES.flatMap((c) => COMMANDS[c].usage.map((u) => `${bold('sheetpipe')} ${roffText(usageLine(u))}`)),
    `${bold('sheetpipe help')} ${roffText('[command]')}`,
    '.fi',
    '.SH DESCRIPTION',
    roffText(
      `${TAGLINE} It splits a range into row chunks, fetches them from the Sheets API v4 with a bounded number of ` +
        'requests in flight, and writes the rows in sheet order to stdout or a file; progress, warnings and errors go to stderr.',
    ),
    '.PP',
    roffText('No Google account is needed to try it: `sheetpipe emulator` serves a demo spreadsheet on this machine.'),
    ...codeBlock(DEMO_EXAMPLES.map(([line]) => line)),
    '.SH COMMANDS',
    ...COMMAND_NAMES.flatMap((c) => ['.TP', bold(c), roffText(COMMANDS[c].summary)]),
    '.TP',
    bold('help'),
    roffText('help on a command: sheetpipe help <command>, or sheetpipe <command> --help'),
    '.SH ARGUMENTS',
    ...COMMANDS.export.positionals.flatMap((p) => ['.TP', italic(p.name), roffText(p.help)]),
    '.SH OPTIONS',
    ...COMMAND_NAMES.flatMap((c) => {
      const options = commandOptions(c);
      return options.length === 0 ? [] : [`.SS "sheetpipe ${c === 'export' ? '[export]' : c}"`, ...options];
    }),
    '.SS Every command',
    ...optionsFor('export')
      .filter((d) => d.group === 'General')
      .flatMap((d) => ['.TP', optionTag(d), optionText(d)]),
    '.SH EXAMPLES',
    ...COMMAND_NAMES.flatMap((c) => [`.SS ${c}`, ...examples(COMMANDS[c])]),
    '.SH ENVIRONMENT',
    ...ENVIRONMENT.flatMap(([name, text]) => ['.TP', bold(name), roffText(text)]),
    '.SH EXIT STATUS',
    roffText(EXIT_CODES.replace(/^Exit codes: /, '')),
    '.SH SEE ALSO',
    roffText('README.md in the sheetpipe package: recipes, the emulator, the library, the output rules.'),
  ];
  return `${lines.join('\n')}\n`;
}
