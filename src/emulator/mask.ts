/**
 * The `fields` partial-response mask: `a,b.c,d(e,f(g)),*`. Pure.
 * A path selects a field (`a.b` and `a/b` descend); parentheses select sub-fields of every element
 * when the field is an array; `*` selects every field at its level.
 */

/** Field name → sub-mask, or null for the whole value. */
export type FieldMask = Map<string, FieldMask | null>;

export class MaskSyntaxError extends Error {
  override name = 'MaskSyntaxError';
}

const NAME_CHAR = /[A-Za-z0-9_]/;

function merge(into: FieldMask, name: string, sub: FieldMask | null): void {
  if (!into.has(name)) {
    into.set(name, sub);
    return;
  }
  const existing = into.get(name) ?? null;
  if (existing === null) return;
  if (sub === null) {
    into.set(name, null);
    return;
  }
  for (const [key, value] of sub) merge(existing, key, value);
}

/** Parses a mask; throws MaskSyntaxError with the position of the first problem. */
export function parseFieldMask(text: string): FieldMask {
  let pos = 0;

  const fail = (why: string): never => {
    throw new MaskSyntaxError(`${why} at position ${pos + 1}`);
  };

  const parseName = (): string => {
    if (text[pos] === '*') {
      pos += 1;
      return '*';
    }
    const start = pos;
    while (pos < text.length && NAME_CHAR.test(text[pos] as string)) pos += 1;
    if (pos === start) fail(pos < text.length ? `unexpected "${text[pos]}"` : 'a field name is missing');
    return text.slice(start, pos);
  };

  const parseList = (nested: boolean): FieldMask => {
    const mask: FieldMask = new Map();
    for (;;) {
      const path = [parseName()];
      while (text[pos] === '.' || text[pos] === '/') {
        pos += 1;
        path.push(parseName());
      }
      let sub: FieldMask | null = null;
      if (text[pos] === '(') {
        pos += 1;
        sub = parseList(true);
        if (text[pos] !== ')') fail('")" expected');
        pos += 1;
      }
      for (let i = path.length - 1; i > 0; i -= 1) sub = new Map([[path[i] as string, sub]]);
      merge(mask, path[0] as string, sub);
      if (text[pos] === ',') {
        pos += 1;
        continue;
      }
      if (pos >= text.length || (nested && text[pos] === ')')) return mask;
      return fail(`unexpected "${text[pos]}"`);
    }
  };

  return parseList(false);
}

/** The value trimmed to the mask; arrays apply it to each element. */
export function applyFieldMask(value: unknown, mask: FieldMask): unknown {
  if (Array.isArray(value)) return value.map((element) => applyFieldMask(element, mask));
  if (value === null || typeof value !== 'object') return value;
  const star = mask.get('*');
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const sub = mask.has(key) ? mask.get(key) : star;
    if (sub === undefined) continue;
    out[key] = sub === null ? field : applyFieldMask(field, sub);
  }
  return out;
}
