/**
 * README's option tables and usage block, made from the option table (`npm run docs` writes them
 * between README's markers; a test fails when README and the table disagree). Pure.
 */
import { COMMANDS } from './commands.js';
import { optionDefault, optionType, usageLine } from './help.js';
import { TEXT_TYPES } from './rules.js';
import {
  type CommandName,
  COMMAND_NAMES,
  type LibraryScope,
  type OptionDef,
  flagOf,
  libraryOptions,
  longSpelling,
  optionsFor,
} from './table.js';

const cell = (text: string) => text.replace(/\|/g, '\\|');
const code = (text: string) => `\`${text}\``;

function spelling(def: OptionDef): string {
  const long = longSpelling(def);
  const parts = [def.short ? `-${def.short}, ${long}` : long, ...(def.negatable ? [`--no-${def.name}`] : [])];
  return parts.map(code).join(' / ');
}

function typeOf(def: OptionDef): string {
  if (def.arity === 'flag') return 'flag';
  if (def.rule.choices) return def.rule.choices.map(code).join(' \\| ');
  return cell(optionType(def) ?? def.rule.type);
}

/** The options of `command` (help and version left out), as a Markdown table. */
export function optionsMarkdown(command: CommandName): string {
  const rows = optionsFor(command)
    .filter((d) => d.group !== 'General')
    .map((d) => `| ${spelling(d)} | ${typeOf(d)} | ${cell(optionDefault(d) ?? '')} | ${cell(d.help)} |`);
  return ['| option | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function libraryType(def: OptionDef): string {
  if (def.arity === 'flag') return 'boolean';
  if (def.rule.choices) return def.rule.choices.map((c) => `'${c}'`).join(' \\| ');
  return TEXT_TYPES.includes(def.rule.type) ? 'string' : `number (${cell(def.rule.type)})`;
}

function libraryDefault(def: OptionDef): string {
  if (typeof def.default === 'boolean') return String(def.default);
  return def.libraryDefault ?? optionDefault(def) ?? '';
}

const TAKEN_BY: Readonly<Record<LibraryScope, string>> = {
  read: '',
  stream: ' (exportToStream, exportToFolder)',
  folder: ' (exportToFolder only)',
};

/** The library's options: name, type, default and the command-line option it mirrors. */
export function libraryMarkdown(): string {
  const rows = libraryOptions('folder').map(
    (d) => `| ${code(d.key)} | ${libraryType(d)} | ${cell(libraryDefault(d))} | ${code(flagOf(d))}${TAKEN_BY[d.library ?? 'read']} |`,
  );
  return ["| option | type | default | as the command line's |", '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** How each command is called, one line each. */
export function usageBlock(): string {
  const lines = COMMAND_NAMES.flatMap((c) =>
    COMMANDS[c].usage.map(
      (u, i) =>
        [`sheetpipe ${usageLine(u)}`, typeof u !== 'string' ? u[1] : i === 0 ? COMMANDS[c].summary : 'the same, spelled out'] as const,
    ),
  );
  lines.push(['sheetpipe help [command]', 'help on a command (or: sheetpipe COMMAND --help)']);
  const width = Math.max(...lines.map(([u]) => u.length));
  return ['```', ...lines.map(([u, s]) => `${u.padEnd(width)}   ${s}`), '```'].join('\n');
}

/** Every generated block, by the name of its README markers. */
export function readmeBlocks(): Record<string, string> {
  return {
    usage: usageBlock(),
    'export-options': optionsMarkdown('export'),
    'sheets-options': optionsMarkdown('sheets'),
    'schema-options': optionsMarkdown('schema'),
    'emulator-options': optionsMarkdown('emulator'),
    'library-options': libraryMarkdown(),
  };
}

/** README with every `<!-- options:NAME -->` … `<!-- /options:NAME -->` block made anew. */
export function updateReadme(readme: string): string {
  let text = readme;
  for (const [name, block] of Object.entries(readmeBlocks())) {
    const open = `<!-- options:${name} (generated from src/options/table.ts by npm run docs) -->`;
    const close = `<!-- /options:${name} -->`;
    const start = text.indexOf(open);
    const end = text.indexOf(close);
    if (start < 0 || end < start) throw new Error(`README has no ${open} … ${close} block`);
    text = `${text.slice(0, start + open.length)}\n${block}\n${text.slice(end)}`;
  }
  return text;
}
