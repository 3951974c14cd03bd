#!/usr/bin/env node
// Finds every *.test.ts under src/ and test/ and hands them to node:test (Node 20 has no --test globs).
// Extra arguments are passed through, e.g. `npm run test:only -- --test-name-pattern=gateway`.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--'));
let files = ['src', 'test'].flatMap((d) => { try { return find(d, []); } catch { return []; } }).sort();
if (filters.length) files = files.filter((f) => filters.some((p) => f.includes(p)));
if (files.length === 0) { console.error('no test files found'); process.exit(1); }
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...flags, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
