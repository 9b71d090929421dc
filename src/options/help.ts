/**
 * Help text, derived from the option table and the command declarations: examples first, then
 * usage, arguments and the options of the command by group, with their types and defaults. Pure.
 */
import { formatCount } from '../shared/plural.js';
import { TEXT_TYPES } from './rules.js';
import { COMMANDS, COMMON_EXAMPLES, DEMO_EXAMPLES, EXIT_CODES, TAGLINE, type CommandSpec } from './commands.js';
import { type OptionDef, type CommandName, COMMAND_NAMES, GROUPS, longSpelling, optionsFor } from './table.js';

/** `-c, --concurrency N`, `    --header, --no-header`. */
export function optionSpelling(def: OptionDef): string {
  const long = longSpelling(def);
  const negated = def.negatable ? `, --no-${def.name}` : '';
  return `${def.short ? `-${def.short}, ` : '    '}${long}${negated}`;
}

/** The type help shows in parentheses, when it says more than the placeholder: `1–64`, `formatted | unformatted | formula`. */
export function optionType(def: OptionDef): string | undefined {
  return def.arity === 'value' && !TEXT_TYPES.includes(def.rule.type) ? def.rule.type : undefined;
}

/** The default as help shows it, from the table: numbers as numbers, flags as on/off. */
export function optionDefault(def: OptionDef): string | undefined {
  const value = def.default;
  if (value === undefined) return def.shownDefault;
  if (typeof value === 'boolean') return value ? 'on' : undefined;
  return typeof value === 'number' ? formatCount(value) : String(value);
}

function optionDescription(def: OptionDef): string {
  const type = optionType(def);
  const fallback = optionDefault(def);
  return `${def.help}${type ? ` (${type})` : ''}${fallback ? ` [default: ${fallback}]` : ''}`;
}

/** Words of `text` in lines of at most `width` columns, every line after the first indented by `indent`. */
function wrap(text: string, width: number, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** Two columns: terms padded to `left` (a longer term gets a line of its own), descriptions wrapped beside them. */
function table(
  rows: readonly (readonly [string, string])[],
  width: number,
  left = Math.min(26, Math.max(...rows.map(([term]) => term.length))),
): string {
  const indent = left + 4;
  return rows
    .map(([term, text]) => {
      const start = term.length > left ? `  ${term}\n${' '.repeat(indent)}` : `  ${term}`.padEnd(indent);
      return `${start}${wrap(text, Math.max(30, width - indent), indent)}`;
    })
    .join('\n');
}

function examples(list: CommandSpec['examples']): string {
  return list.map(([line, note]) => `${note ? `  # ${note}\n` : ''}  ${line}`).join('\n');
}

/** A usage line without its note. */
export function usageLine(u: CommandSpec['usage'][number]): string {
  return typeof u === 'string' ? u : u[0];
}

function usage(spec: CommandSpec): string {
  return spec.usage.map((u) => `  sheetpipe ${usageLine(u)}`).join('\n');
}

function optionGroups(command: CommandName, width: number): string {
  const defs = optionsFor(command);
  // One column width for every group, so the command's options line up.
  const left = Math.min(26, Math.max(...defs.map((d) => optionSpelling(d).length)));
  return GROUPS.map((group) => {
    const rows = defs.filter((d) => d.group === group).map((d) => [optionSpelling(d), optionDescription(d)] as const);
    return rows.length === 0 ? '' : `${group} options:\n${table(rows, width, left)}\n\n`;
  }).join('');
}

/** `sheetpipe help [command]`, `sheetpipe [command] --help`. `width`: the terminal's columns. */
export function helpText(command: CommandName | undefined, width = 100): string {
  const spec = COMMANDS[command ?? 'export'];
  const columns = Math.max(60, Math.min(width, 100));
  let text = `${command === undefined || command === 'export' ? TAGLINE : `sheetpipe ${spec.name}: ${spec.summary}.`}\n\n`;
  text += `Examples:\n${examples(spec.examples)}\n\n`;
  if (command === undefined) {
    text +=
      'Usage:\n  sheetpipe <spreadsheet> [range] [options]\n  sheetpipe <spreadsheet> --all-sheets|RANGE... -o DIR [options]\n  sheetpipe <command> [arguments] [options]\n\n';
    const rows = COMMAND_NAMES.map((c) => [c, COMMANDS[c].summary] as const);
    text += `Commands:\n${table([...rows, ['help', 'help on a command: sheetpipe help <command>']], columns)}\n\n`;
  } else {
    text += `Usage:\n${usage(spec)}\n\n`;
  }
  if (spec.positionals.length > 0)
    text += `Arguments:\n${table(
      spec.positionals.map((p) => [p.name, p.help] as const),
      columns,
    )}\n\n`;
  text += optionGroups(spec.name, columns);
  if (spec.name === 'export') text += `${wrap(EXIT_CODES, columns, 0)}\n`;
  return `${text.trimEnd()}\n`;
}

/** `sheetpipe` alone: what it does, how to call it, the commonest examples, and how to try it on the demo. */
export function shortUsage(): string {
  return (
    `${TAGLINE}\n\n` +
    `Usage: sheetpipe <spreadsheet> [range] [options]\n\n` +
    `Examples:\n${examples(COMMON_EXAMPLES)}\n\n` +
    `Try it offline:\n${examples(DEMO_EXAMPLES)}\n\n` +
    `More: sheetpipe help (all commands and options), sheetpipe help <command>\n`
  );
}
