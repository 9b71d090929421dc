/**
 * Test-only preload (`NODE_OPTIONS=--import <this file's URL>`): at exit, writes the packages the
 * process loaded from node_modules through CommonJS (the names, sorted, as JSON) to the file named
 * by SHEETPIPE_MODULE_PROBE. A CommonJS package imported from an ES module is in that cache too:
 * `await import('cli-progress')` puts it there.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const file = process.env.SHEETPIPE_MODULE_PROBE;
if (file) {
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    const names = Object.keys(cache).flatMap((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1] ?? []);
    writeFileSync(file, JSON.stringify([...new Set(names)].sort()));
  });
}
