// Runs test/**/*.test.ts with node's built-in runner through tsx. Node 20's --test does not expand
// globs, so the files are listed here.
//   --fast     only the fast tier (what `npm test` runs): every file not in scripts/test-tiers.mjs
//   --no-e2e   leave out test/e2e (the Playwright end-to-end tests run through `npm run test:e2e`)
//   words      only files whose path contains one of them
// After the run it prints the slowest files, to keep the tiers honest.
import { existsSync, readdirSync, statSync } from 'node:fs';
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
// CLI tests run the built CLI when it is current (see test/helpers/cli.ts): newer than every source.
const env = { ...process.env };
// The start-up caches (bytecode, compiled candidates) of test runs stay in the checkout, not in the user's ~/.cache.
env.POLICY_EVOLVER_CACHE_DIR ??= join(process.cwd(), '.test-tmp', 'cache');
const builtCli = join(process.cwd(), 'dist', 'cli.js');
const newestSource = (dir) =>
  readdirSync(dir).reduce((newest, name) => {
    const p = join(dir, name);
    const s = statSync(p);
    return Math.max(newest, s.isDirectory() ? newestSource(p) : s.mtimeMs);
  }, 0);
if (existsSync(builtCli) && statSync(builtCli).mtimeMs >= Math.max(newestSource('src'), statSync('package.json').mtimeMs)) env.POLICY_EVOLVER_TEST_CLI = builtCli;
else console.error('dist/cli.js is missing or older than src/: CLI tests run the sources through tsx (npm run build makes them faster)');
const reporters = ['--test-reporter', process.stdout.isTTY ? 'spec' : 'tap', '--test-reporter-destination', 'stdout', '--test-reporter', './scripts/slowest-files-reporter.mjs', '--test-reporter-destination', 'stdout'];
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...reporters, ...files], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
