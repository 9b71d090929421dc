/**
 * argv → which command, with which raw option values and positionals. Pure.
 *
 * Node's util.parseArgs splits argv into tokens, driven by the option table (which options take a
 * value, their one-letter forms). It runs non-strict: its strict mode reports problems as English
 * sentences that would have to be parsed back to name the option, and refuses `--limit -1` as
 * "ambiguous" where the table's rule says what is wrong with -1. So strictness is enforced here on
 * the tokens, with the command's own options: unknown options (with a "did you mean" among the
 * options of the command being run), a value given to a flag, a missing value, an option repeated.
 */
import { parseArgs } from 'node:util';
import { UsageError, showInput } from '../shared/errors.js';
import { shown } from './rules.js';
import { closest } from './suggest.js';
import { type OptionDef, type CommandName, COMMAND_NAMES, COMMAND_WORDS, OPTION_LIST, flagOf, optionsFor } from './table.js';

export type Invocation =
  /** No arguments at all. */
  | { kind: 'usage' }
  | { kind: 'version' }
  /** Help on a command, or the general help. */
  | { kind: 'help'; command?: CommandName }
  | { kind: 'run'; command: CommandName; values: Record<string, unknown>; positionals: string[] };

function isCommand(word: string | undefined): word is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(word ?? '');
}

/**
 * A first positional that is a slip of a command name (`emulater`, `sheet`, `exprot`). A real
 * spreadsheet ID is long and random, so only a near miss counts: one edit in a short word, two in a
 * longer one.
 */
function misspeltCommand(word: string): string | undefined {
  if (COMMAND_WORDS.includes(word)) return undefined;
  return closest(word, COMMAND_WORDS, word.length <= 4 ? 1 : 2);
}

function unknownCommand(word: string): UsageError {
  const guess = misspeltCommand(word);
  return new UsageError(
    `unknown command '${showInput(word, 40)}'${guess ? `; did you mean '${guess}'?` : ''} (commands: ${COMMAND_WORDS.join(', ')})`,
  );
}

/** Reads the command line. Throws a one-line UsageError for anything it cannot take. */
export function parseCommandLine(args: readonly string[]): Invocation {
  if (args.length === 0) return { kind: 'usage' };
  const first = args[0] as string;
  if (first === 'help') return helpRequest(args.slice(1));
  if (isCommand(first)) return parseCommand(first, args.slice(1));
  return parseCommand('export', args, true);
}

function helpRequest(rest: readonly string[]): Invocation {
  const word = rest.find((a) => !a.startsWith('-'));
  if (word === undefined || word === 'help') return { kind: 'help' };
  if (isCommand(word)) return { kind: 'help', command: word };
  throw unknownCommand(word);
}

interface Seen {
  def: OptionDef;
  /** Every occurrence: the value given, or a boolean for a flag. */
  values: unknown[];
}

function parseCommand(command: CommandName, args: readonly string[], implicit = false): Invocation {
  const defs = optionsFor(command);
  const byName = new Map<string, OptionDef>(defs.map((d) => [d.name, d]));
  const config = Object.fromEntries(
    defs.map((d) => [
      d.name,
      { type: d.arity === 'flag' ? ('boolean' as const) : ('string' as const), ...(d.short ? { short: d.short } : {}) },
    ]),
  );
  const { tokens } = parseArgs({ args: [...args], options: config, strict: false, allowPositionals: true, tokens: true });

  const positionals: { value: string; index: number }[] = [];
  const seen = new Map<string, Seen>();
  let unknown: { rawName: string; name: string } | undefined;
  let problem: UsageError | undefined;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push({ value: token.value, index: token.index });
      continue;
    }
    if (token.kind !== 'option') continue;
    let def = byName.get(token.name);
    let negated = false;
    if (def === undefined && token.name.startsWith('no-')) {
      const base = byName.get(token.name.slice(3));
      if (base && base.negatable) [def, negated] = [base, true];
    }
    if (def === undefined) {
      unknown ??= { rawName: token.rawName, name: token.name };
      continue;
    }
    const entry = seen.get(def.key) ?? { def, values: [] };
    seen.set(def.key, entry);
    const flag = token.rawName;
    if (def.arity === 'flag') {
      if (token.inlineValue) problem ??= new UsageError(`${flag} takes no value, got ${shown(token.value)}`);
      entry.values.push(!negated);
    } else if (token.value === undefined) {
      problem ??= new UsageError(`${flag} expects a value${def.placeholder ? ` (${flag} ${def.placeholder})` : ''}`);
    } else if (!token.inlineValue && /^-[^\d.]/.test(token.value)) {
      // `--output --quiet`: the next word is an option, not this one's value.
      problem ??= new UsageError(
        `${flag} expects a value, got the option ${shown(token.value)}; to give a value that starts with "-", write ${flag}=VALUE`,
      );
    } else {
      entry.values.push(token.value);
    }
  }

  // A command name after some options (`sheetpipe --endpoint URL sheets ID`) still selects it.
  const firstWord = positionals[0];
  if (implicit && firstWord !== undefined) {
    if (isCommand(firstWord.value))
      return parseCommand(
        firstWord.value,
        args.filter((_, i) => i !== firstWord.index),
      );
    if (firstWord.value === 'help') return helpRequest(args.slice(firstWord.index + 1));
    if (misspeltCommand(firstWord.value)) throw unknownCommand(firstWord.value);
  }
  // `sheetpipe --help` (and `sheetpipe ID --help`) is the general help, which covers the export.
  if (seen.has('help')) return { kind: 'help', command: implicit ? undefined : command };
  if (seen.has('version')) return { kind: 'version' };
  if (unknown) throw unknownOption(command, unknown);
  if (problem) throw problem;

  const values: Record<string, unknown> = {};
  for (const [key, { def, values: given }] of seen) {
    if (def.arity === 'list') values[key] = given;
    else if (def.arity === 'flag') values[key] = given.at(-1);
    else if (given.length > 1) throw new UsageError(`${flagOf(def)} was given ${given.length} times; give it once`);
    else values[key] = given[0];
  }
  return { kind: 'run', command, values, positionals: positionals.map((p) => p.value) };
}

/** `unknown option --concurency; did you mean --concurrency?`, among this command's options only. */
function unknownOption(command: CommandName, option: { rawName: string; name: string }): UsageError {
  const see = `see ${command === 'export' ? 'sheetpipe --help' : `sheetpipe ${command} --help`}`;
  if (option.rawName.startsWith('--')) {
    const names = optionsFor(command).flatMap((d) => (d.negatable ? [d.name, `no-${d.name}`] : [d.name]));
    const guess = closest(option.name, names);
    if (guess) return new UsageError(`unknown option ${option.rawName}; did you mean --${guess}? (${see})`);
    const owners = COMMAND_NAMES.filter((c) => c !== command && OPTION_LIST.some((d) => d.name === option.name && d.commands.includes(c)));
    if (owners.length > 0) {
      return new UsageError(
        `${option.rawName} is an option of ${owners.map((c) => `'sheetpipe ${c}'`).join(' and ')}, not of 'sheetpipe ${command}' (${see})`,
      );
    }
  }
  return new UsageError(`unknown option ${showInput(option.rawName, 40)} (${see})`);
}
