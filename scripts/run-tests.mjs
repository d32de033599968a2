// Runs test/**/*.test.ts with node's built-in runner through tsx. Node 20's --test does not expand
// globs, so the files are listed here.
//   --fast     only the fast tier (what `npm test` runs): every file not in scripts/test-tiers.mjs
//   --no-e2e   leave out test/e2e (the Playwright end-to-end tests run through `npm run test:e2e`)
//   words      only files whose path contains one of them
// After the run it prints the slowest files, to keep the tiers honest.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { isFast, SLOW_TESTS } from './test-tiers.mjs';

const args = process.argv.slice(2);
const filter = args.filter((a) => !a.startsWith('--'));
const skipE2e = args.includes('--no-e2e');
const fastOnly = args.includes('--fast');
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}
let files = walk('test').map((f) => relative('.', f)).sort();
// A renamed slow file would silently join the fast tier: say so.
for (const slow of Object.keys(SLOW_TESTS)) if (!files.includes(slow)) console.error(`scripts/test-tiers.mjs lists ${slow}, which does not exist`);
if (skipE2e || fastOnly) files = files.filter((f) => !f.startsWith('test/e2e/'));
if (fastOnly) files = files.filter(isFast);
if (filter.length) files = files.filter((f) => filter.some((s) => f.includes(s)));
if (!files.length) {
  console.error('no test files matched');
  process.exit(1);
}
const reporters = ['--test-reporter', process.stdout.isTTY ? 'spec' : 'tap', '--test-reporter-destination', 'stdout', '--test-reporter', './scripts/slowest-files-reporter.mjs', '--test-reporter-destination', 'stdout'];
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...reporters, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
