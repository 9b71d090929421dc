/**
 * How one option's value is checked and normalised. Pure. Every rule accepts what the command line
 * gives (a string) and what code gives (a number, a boolean), and throws a UsageError that names
 * the option as the caller spelt it (`--chunk-rows` or `chunkRows`) and shows the value.
 */
import { UsageError, showInput } from '../shared/errors.js';
import { formatCount } from '../shared/plural.js';

/** A value check. `In` is what the library takes; `Out` is what a validated config holds. */
export interface Rule<In, Out> {
  parse(value: unknown, label: string): Out;
  /** The value's type as help shows it: `1–64`, `seconds`, `csv | tsv | ndjson`. */
  readonly type: string;
  /** Values a shell may complete. */
  readonly choices?: readonly string[];
  /** Never set: carries the library's input type. */
  readonly input?: In;
}

/** A value as messages show it: in backquotes, control characters escaped, long text clipped. */
export function shown(value: unknown): string {
  return `\`${showInput(Array.isArray(value) ? value.join(' ') : String(value), 60)}\``;
}

function refuse(label: string, expects: string, value: unknown): never {
  throw new UsageError(`${label} expects ${expects}, got ${shown(value)}`);
}

function numberOf(value: unknown, pattern: RegExp): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && pattern.test(value) ? Number(value.trim()) : NaN;
}

const WHOLE = /^\s*[+-]?\d+\s*$/;
const DECIMAL = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/;

/** A whole number within [min, max] (either bound may be open). */
export function integer(min?: number, max?: number): Rule<number, number> {
  const range =
    min !== undefined && max !== undefined
      ? ` from ${formatCount(min)} to ${formatCount(max)}`
      : min !== undefined
        ? ` of ${formatCount(min)} or more`
        : '';
  return {
    type:
      min !== undefined && max !== undefined
        ? `${formatCount(min)}–${formatCount(max)}`
        : min !== undefined
          ? `≥ ${formatCount(min)}`
          : 'integer',
    parse(value, label) {
      const n = numberOf(value, WHOLE);
      if (!Number.isSafeInteger(n) || (min !== undefined && n < min) || (max !== undefined && n > max))
        refuse(label, `a whole number${range}`, value);
      return n;
    },
  };
}

/** A finite number within [min, max]; `what` names it in the message (`milliseconds`, `a fraction`). */
export function decimal(what: string, min: number, max: number): Rule<number, number> {
  return {
    type: `${formatCount(min)}–${formatCount(max)}`,
    parse(value, label) {
      const n = numberOf(value, DECIMAL);
      if (!Number.isFinite(n) || n < min || n > max) refuse(label, `${what} from ${formatCount(min)} to ${formatCount(max)}`, value);
      return n;
    },
  };
}

/** Seconds above 0 and at most `max`, fractions allowed. */
export function seconds(max: number): Rule<number, number> {
  return {
    type: `seconds, up to ${formatCount(max)}`,
    parse(value, label) {
      const n = numberOf(value, DECIMAL);
      if (!(n > 0) || n > max) refuse(label, `seconds above 0 and at most ${formatCount(max)}`, value);
      return n;
    },
  };
}

/**
 * One of `values`, case-insensitively; `aliases` name another spelling of a value (`jsonl` →
 * `ndjson`), `hints` add a sentence to the refusal of a likely mistake.
 */
export function choice<const V extends string, const A extends string = never>(
  values: readonly V[],
  aliases: Readonly<Record<A, V>> = {} as Record<A, V>,
  hints: Readonly<Record<string, string>> = {},
): Rule<V | NoInfer<A>, V> {
  const table = new Map<string, V>([...values.map((v) => [v, v] as const), ...Object.entries<V>(aliases)]);
  const names = [...table.keys()];
  const spellings = Object.entries<V>(aliases)
    .map(([alias, value]) => `; ${alias} = ${value}`)
    .join('');
  return {
    type: `${values.join(' | ')}${spellings}`,
    choices: names,
    parse(value, label) {
      const v = typeof value === 'string' ? table.get(value.trim().toLowerCase()) : undefined;
      if (v !== undefined) return v;
      const hint = typeof value === 'string' ? hints[value.trim().toLowerCase()] : undefined;
      throw new UsageError(`${label} expects one of ${names.join(', ')}, got ${shown(value)}${hint ? `; ${hint}` : ''}`);
    },
  };
}

/** Rule types that are text of some kind: help shows no type for them, the library takes a string. */
export const TEXT_TYPES: readonly string[] = ['text', 'path', 'URL', 'ID', 'host'];

/** Non-empty text; `type` is one of TEXT_TYPES. */
export function text(what = 'a value', type = 'text'): Rule<string, string> {
  return {
    type,
    parse(value, label) {
      if (typeof value !== 'string' || value.trim() === '') refuse(label, what, value);
      return value as string;
    },
  };
}

/** true or false. (The command line gives a flag as a boolean; a value given to it is refused earlier.) */
export function flag(): Rule<boolean, boolean> {
  return {
    type: 'flag',
    parse(value, label) {
      if (typeof value !== 'boolean') refuse(label, 'true or false', value);
      return value as boolean;
    },
  };
}

/** A list (a repeatable option), each item checked by `item`. */
export function list<In, Out>(item: Rule<In, Out>, what: string): Rule<In[], Out[]> {
  return {
    type: `${item.type}, repeatable`,
    parse(value, label) {
      if (!Array.isArray(value)) refuse(label, `a list of ${what}`, value);
      return (value as unknown[]).map((v) => item.parse(v, label));
    },
  };
}

/** Text checked by `test`; `expects` says what was wanted. */
export function matching(expects: string, test: (text: string) => boolean, type = 'text'): Rule<string, string> {
  return {
    type,
    parse(value, label) {
      if (typeof value !== 'string' || !test(value)) refuse(label, expects, value);
      return value as string;
    },
  };
}

/** A positional argument the command does not take. */
export function unexpectedArgument(argument: string): UsageError {
  return new UsageError(`unexpected argument '${showInput(argument, 60)}'`);
}
