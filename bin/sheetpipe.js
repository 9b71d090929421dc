#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// A clone linked before its build: say what to run, not an import's stack trace.
const cli = new URL('../dist/bin/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(`sheetpipe: ${fileURLToPath(new URL('..', import.meta.url))} is not built yet; run \`npm run build\` there\n`);
  process.exit(1);
}
const { main } = await import(cli.href);

const code = await main(process.argv.slice(2));
process.exitCode = code;
if (code !== 0) {
  // A failed or interrupted run leaves promptly even if a cancelled socket is slow to close.
  setTimeout(() => process.exit(code), 500).unref();
}
