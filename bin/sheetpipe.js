#!/usr/bin/env node
import { main } from '../dist/bin/cli.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
if (code !== 0) {
  // A failed or interrupted run leaves promptly even if a cancelled socket is slow to close.
  setTimeout(() => process.exit(code), 500).unref();
}
