/**
 * The source tree is the data flow, a folder per part, and imports only ever run down it: a part
 * uses the parts below it and never one above. Read from the code's own imports (TypeScript's
 * parser, static and dynamic), so a change that adds an import running back up fails here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * Top to bottom. The faces (src/*.ts) use anything; shared/ is used by every part. A part may
 * import its own folder and the ones after it in this list.
 */
const LAYERS = [
  '(faces)',
  'commands',
  'emulator',
  'engine',
  'options',
  'fetch',
  'output',
  'google',
  'transcode',
  'sheet',
  'shared',
] as const;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function partOf(file: string): string {
  const [first, ...rest] = relative(SRC, file).split('/');
  return rest.length === 0 ? '(faces)' : (first as string);
}

/** Every import of the tree between its own files: [importer, imported], paths from src/. */
function imports(): [string, string][] {
  const found: [string, string][] = [];
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      found.push([file, resolve(dirname(file), fileName).replace(/\.js$/, '.ts')]);
    }
  }
  return found;
}

describe('the layers of src/', () => {
  const all = imports();

  it('every part of the tree is a known layer', () => {
    const parts = new Set(sourceFiles(SRC).map(partOf));
    expect([...parts].filter((p) => !(LAYERS as readonly string[]).includes(p))).toEqual([]);
    // The reading found imports at all (an empty list would pass the next test vacuously).
    expect(all.length).toBeGreaterThan(100);
  });

  it('no import runs back up', () => {
    const upward = all
      .filter(([from, to]) => LAYERS.indexOf(partOf(to) as never) < LAYERS.indexOf(partOf(from) as never))
      .map(([from, to]) => `${relative(SRC, from)} -> ${relative(SRC, to)}`);
    expect(upward).toEqual([]);
  });

  it('no file imports itself back through others', () => {
    const next = new Map<string, string[]>();
    for (const [from, to] of all) next.set(from, [...(next.get(from) ?? []), to]);
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const to of next.get(file) ?? []) visit(to, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of next.keys()) visit(file, []);
    expect(circles).toEqual([]);
  });
});
