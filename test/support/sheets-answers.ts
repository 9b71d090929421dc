/**
 * Random Sheets-shaped answers as bytes, for property tests: values.get (a ValueRange) and
 * values:batchGet bodies with members in any order, any JSON whitespace (the API's pretty-printed
 * 2-space layout included), unknown members holding nested junk, `[]` rows, a missing `values`,
 * strings written with every JSON escape form (surrogate pairs as raw UTF-8 or as two escapes,
 * lone surrogates as escapes), and numbers in every JSON form. What the body means is left to
 * JSON.parse (the oracle); this module only writes it.
 */
import fc from 'fast-check';

export type CellSpec = { kind: 'string'; text: string } | { kind: 'number'; text: string } | { kind: 'bool'; value: boolean };

export interface RangeSpec {
  range: string;
  rows: CellSpec[][];
  /** With no rows: leave `values` out, or write `[]`. */
  omitValues: boolean;
  withMajor: boolean;
  unknown: [string, unknown][];
}

export type Layout = 'compact' | 'pretty' | 'spaced';

export interface AnswerSpec {
  shape: 'value-range' | 'batch';
  ranges: RangeSpec[];
  /** batch: members of the top object besides `valueRanges`. */
  topUnknown: [string, unknown][];
  /** batch with no ranges: leave `valueRanges` out. */
  omitValueRanges: boolean;
  layout: Layout;
  /** Drives member order, whitespace and escape forms. */
  seed: number;
}

/** mulberry32: a small deterministic generator, so a failing case replays from its seed. */
function rngFrom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function unicodeEscape(code: number, rng: Rng): string {
  const hex = code.toString(16).padStart(4, '0');
  return `\\u${rng() < 0.5 ? hex : hex.toUpperCase()}`;
}

/** A JSON string literal for `text`, each character written in a randomly chosen legal form. */
export function encodeJsonString(text: string, rng: Rng): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    const r = rng();
    if (ch.length === 2) {
      // An astral character: raw UTF-8 or a surrogate pair of escapes.
      out += r < 0.7 ? ch : unicodeEscape(ch.charCodeAt(0), rng) + unicodeEscape(ch.charCodeAt(1), rng);
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += unicodeEscape(code, rng);
    } else if (code < 0x20 || ch === '"' || ch === '\\') {
      const short = SHORT_ESCAPES[ch];
      out += short !== undefined && r < 0.7 ? short : unicodeEscape(code, rng);
    } else if (ch === '/') {
      out += r < 0.5 ? '/' : '\\/';
    } else {
      out += r < 0.9 ? ch : unicodeEscape(code, rng);
    }
  }
  return `${out}"`;
}

type Node = { raw: string } | { arr: Node[] } | { obj: [string, Node][] };

function junkNode(value: unknown, rng: Rng): Node {
  if (value === null) return { raw: 'null' };
  if (typeof value === 'string') return { raw: encodeJsonString(value, rng) };
  if (typeof value === 'number' || typeof value === 'boolean') return { raw: JSON.stringify(value) };
  if (Array.isArray(value)) return { arr: value.map((v) => junkNode(v, rng)) };
  return { obj: Object.entries(value as Record<string, unknown>).map(([k, v]) => [encodeJsonString(k, rng), junkNode(v, rng)]) };
}

function cellNode(cell: CellSpec, rng: Rng): Node {
  if (cell.kind === 'string') return { raw: encodeJsonString(cell.text, rng) };
  if (cell.kind === 'number') return { raw: cell.text };
  return { raw: cell.value ? 'true' : 'false' };
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

function rangeNode(spec: RangeSpec, rng: Rng): Node {
  const members: [string, Node][] = [['range', { raw: encodeJsonString(spec.range, rng) }]];
  if (spec.withMajor) members.push(['majorDimension', { raw: encodeJsonString('ROWS', rng) }]);
  if (spec.rows.length > 0 || !spec.omitValues) {
    members.push(['values', { arr: spec.rows.map((row) => ({ arr: row.map((cell) => cellNode(cell, rng)) })) }]);
  }
  for (const [name, value] of spec.unknown) members.push([name, junkNode(value, rng)]);
  const ordered = shuffle(members, rng);
  // The API sends range and majorDimension before values: most bodies keep that order, the rest
  // are there to be refused.
  const at = ordered.findIndex(([name]) => name === 'values');
  if (at >= 0 && rng() < 0.93) {
    const [values] = ordered.splice(at, 1) as [[string, Node]];
    const envelope = Math.max(...ordered.map(([name], i) => (name === 'range' || name === 'majorDimension' ? i : -1)));
    ordered.splice(envelope + 1, 0, values);
  }
  return { obj: ordered.map(([name, node]) => [encodeJsonString(name, rng), node]) };
}

const SPACES = ['', '', '', ' ', '  ', '\n', '\t', '\r\n', ' \n    ', '\r'];

function write(node: Node, layout: Layout, rng: Rng, indent: string): string {
  const ws = (): string => (layout === 'spaced' ? pick(rng, SPACES) : '');
  if ('raw' in node) return node.raw;
  const inner = `${indent}  `;
  if ('arr' in node) {
    if (node.arr.length === 0) return layout === 'spaced' ? `[${ws()}]` : '[]';
    if (layout === 'pretty') return `[\n${node.arr.map((n) => inner + write(n, layout, rng, inner)).join(',\n')}\n${indent}]`;
    return `[${ws()}${node.arr.map((n) => write(n, layout, rng, inner) + ws()).join(`,${ws()}`)}]`;
  }
  if (node.obj.length === 0) return layout === 'spaced' ? `{${ws()}}` : '{}';
  if (layout === 'pretty') return `{\n${node.obj.map(([k, n]) => `${inner}${k}: ${write(n, layout, rng, inner)}`).join(',\n')}\n${indent}}`;
  return `{${ws()}${node.obj.map(([k, n]) => `${k}${ws()}:${ws()}${write(n, layout, rng, inner)}${ws()}`).join(`,${ws()}`)}}`;
}

/** The body's text. Pretty bodies end with a newline, as the API's do. */
export function answerText(spec: AnswerSpec): string {
  const rng = rngFrom(spec.seed);
  let top: Node;
  if (spec.shape === 'value-range') {
    top = rangeNode(spec.ranges[0] as RangeSpec, rng);
  } else {
    const members: [string, Node][] = spec.topUnknown.map(([name, value]) => [name, junkNode(value, rng)]);
    if (spec.ranges.length > 0 || !spec.omitValueRanges) members.push(['valueRanges', { arr: spec.ranges.map((r) => rangeNode(r, rng)) }]);
    top = { obj: shuffle(members, rng).map(([name, node]) => [encodeJsonString(name, rng), node]) };
  }
  const text = write(top, spec.layout, rng, '');
  if (spec.layout === 'pretty') return `${text}\n`;
  if (spec.layout === 'spaced') return pick(rng, SPACES) + text + pick(rng, SPACES);
  return text;
}

export function answerBytes(spec: AnswerSpec): Buffer {
  return Buffer.from(answerText(spec), 'utf8');
}

// ---- arbitraries

const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** Number texts straight from JSON's grammar: -0, 1e5, 1.5E-7, 12.50, 1e400… */
const grammarNumber: fc.Arbitrary<string> = fc
  .tuple(
    fc.boolean(),
    fc.oneof(
      fc.constant('0'),
      fc.tuple(fc.integer({ min: 1, max: 9 }), digits(0, 18)).map(([d, rest]) => `${d}${rest}`),
    ),
    fc.option(digits(1, 8)),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(1, 3))),
  )
  .map(([negative, int, frac, exp]) => `${negative ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`);

export const numberText: fc.Arbitrary<string> = fc.oneof(
  grammarNumber,
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.integer().map(String),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => (n / 100).toString()),
  fc.constantFrom(
    '-0',
    '0',
    '1e5',
    '1.5E-7',
    '12.50',
    '1E+2',
    '0.000001',
    '0.0000001',
    '123456789012345',
    '1234567890123456',
    '9007199254740993',
    '1e400',
    '-1e-400',
    '0.1',
    '1e21',
    '1e-7',
    '45123',
    '-0.0',
  ),
);

const SPECIAL_TEXTS = [
  '',
  ',',
  '"',
  '""',
  '\n',
  '\r\n',
  '\t',
  '\\',
  '/',
  'a,b',
  'say "hi"',
  'line one\nline two',
  'tab\there',
  'back\\slash',
  'naïve café ☕',
  '🚀 launch',
  '東京',
  '\u2028\u2029',
  '\u007f',
  '\u0000',
  '\u001f',
  '\ud800',
  'x\udfffy',
  '\ud83d\ude80',
  '=A1',
  ' lead',
  'trail ',
  '1,000.50',
  'TRUE',
  'null',
  '[{"]}',
  '\\u0041',
];

export const cellText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 10 }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_TEXTS) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...SPECIAL_TEXTS, 'a', 'é', '€'), { maxLength: 5 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);

export const cellSpec: fc.Arbitrary<CellSpec> = fc.oneof(
  { weight: 5, arbitrary: cellText.map((text) => ({ kind: 'string' as const, text })) },
  { weight: 3, arbitrary: numberText.map((text) => ({ kind: 'number' as const, text })) },
  { weight: 1, arbitrary: fc.boolean().map((value) => ({ kind: 'bool' as const, value })) },
);

export const rowsSpec: fc.Arbitrary<CellSpec[][]> = fc.array(
  fc.oneof(
    { weight: 1, arbitrary: fc.constant<CellSpec[]>([]) },
    { weight: 5, arbitrary: fc.array(cellSpec, { minLength: 1, maxLength: 7 }) },
  ),
  { maxLength: 8 },
);

const JUNK_CONSTANTS: unknown[] = [
  { a: [']', '}', { b: '"[{' }], c: null },
  [[[]], {}, '\\', '"]"'],
  '{"values": [[1]]}',
  { values: 'not these', range: 12, valueRanges: [{ range: 'no' }] },
  null,
  -1.5e-7,
];

const junk: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(...JUNK_CONSTANTS));

function unknownMembers(forbidden: readonly string[]): fc.Arbitrary<[string, unknown][]> {
  const name = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('range', 'values', 'majorDimension', 'valueRanges', 'spreadsheetId', 'error', '__proto__'),
  );
  return fc.array(
    fc.tuple(
      name.filter((n) => !forbidden.includes(n)),
      junk,
    ),
    { maxLength: 3 },
  );
}

export const rangeSpec: fc.Arbitrary<RangeSpec> = fc.record({
  range: fc.oneof(fc.constantFrom('Sheet1!A1:Z1000', "'Q1'!A1:D3", "'It''s \"x\"'!B2:C9"), fc.string({ maxLength: 12 })),
  rows: rowsSpec,
  omitValues: fc.boolean(),
  withMajor: fc.oneof({ weight: 12, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  unknown: unknownMembers(['range', 'values', 'majorDimension']),
});

export const layout: fc.Arbitrary<Layout> = fc.constantFrom('compact', 'pretty', 'spaced');

export function answerSpec(shape?: 'value-range' | 'batch'): fc.Arbitrary<AnswerSpec> {
  return fc
    .record({
      shape: shape === undefined ? fc.constantFrom<'value-range' | 'batch'>('value-range', 'batch') : fc.constant(shape),
      ranges: fc.array(rangeSpec, { maxLength: 3 }),
      first: rangeSpec,
      topUnknown: unknownMembers(['valueRanges']),
      omitValueRanges: fc.boolean(),
      layout,
      seed: fc.integer(),
    })
    .map(({ first, ...spec }) => ({ ...spec, ranges: spec.shape === 'value-range' ? [first] : spec.ranges }));
}

/** How a body is cut into pushes: random offsets, 1-byte pieces, or whole. */
export const cutSpec: fc.Arbitrary<{ mode: 'random'; fractions: number[] } | { mode: 'bytes' } | { mode: 'whole' }> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 })
      .map((fractions) => ({ mode: 'random' as const, fractions })),
  },
  { weight: 1, arbitrary: fc.constant({ mode: 'bytes' as const }) },
  { weight: 1, arbitrary: fc.constant({ mode: 'whole' as const }) },
);

export function cutOffsets(
  spec: { mode: 'random'; fractions: number[] } | { mode: 'bytes' } | { mode: 'whole' },
  length: number,
): number[] {
  if (spec.mode === 'whole') return [];
  if (spec.mode === 'bytes') return Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1);
  return spec.fractions.map((f) => Math.floor(f * length));
}
