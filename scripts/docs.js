#!/usr/bin/env node
// Writes README's generated blocks (usage, option tables) from the option table in
// src/options/table.ts. Run through `npm run docs`, which builds first.
import { readFileSync, writeFileSync } from 'node:fs';
import { updateReadme } from '../dist/options/docs.js';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = updateReadme(before);
writeFileSync(path, after);
console.error(after === before ? 'README.md: up to date' : 'README.md: option blocks rewritten');
