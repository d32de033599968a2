// Runs every test/**/*.test.ts with node's built-in runner through tsx. Node 20's --test does not
// expand globs, so the files are listed here. Pass a substring to run only matching files.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const filter = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const skipE2e = process.argv.includes('--no-e2e');
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}
let files = walk('test').map((f) => relative('.', f)).sort();
if (skipE2e) files = files.filter((f) => !f.startsWith('test/e2e/'));
if (filter.length) files = files.filter((f) => filter.some((s) => f.includes(s)));
if (!files.length) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
