#!/usr/bin/env node
// Writes the man page, dist/man/sheetpipe.1, from the option table (src/options/man.ts, as tsc
// built it). Run by `npm run build`; package.json's "man" points at the file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { manPage } from '../dist/options/man.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
mkdirSync(new URL('../dist/man/', import.meta.url), { recursive: true });
writeFileSync(new URL('../dist/man/sheetpipe.1', import.meta.url), manPage(version));
