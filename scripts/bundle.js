#!/usr/bin/env node
// The command line as one module (plus one chunk per lazily loaded command) in dist/bin/. On Node 20
// finding, reading and linking ~45 small ES modules costs more than running them: one bundle starts
// about 20 ms sooner (benchmarks/RESULTS.md). The library (dist/index.js) stays as tsc writes it;
// dependencies stay in node_modules and load only where they are used.
import { build } from 'esbuild';

// `npm run build` empties dist first: chunk names carry content hashes, and a module moved
// elsewhere would leave its old output behind to be packed.
await build({
  entryPoints: ['dist/cli.js'],
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
