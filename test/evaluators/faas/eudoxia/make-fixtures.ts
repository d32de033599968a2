// Regenerates test/fixtures/eudoxia/generated.json: the generated cases with Eudoxia's own output.
// Usage: EUDOXIA_SRC=/path/to/eudoxia node --import tsx test/evaluators/faas/eudoxia/make-fixtures.ts [count] [seed] [--estimates]
// With --estimates: the `noisy` estimator cases under an estimate-sized scheduler, written to
// test/fixtures/eudoxia/generated-estimates.json.
// Prints how many cases our simulator reproduces exactly.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCases, generateEstimateCases } from './cases';
import { differences, eudoxiaUnavailable, runEudoxia, runOurs, type EudoxiaRun } from './differential';

const estimates = process.argv.includes('--estimates');
const [countArg, seedArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const count = Number(countArg ?? (estimates ? 80 : 300));
const seed = Number(seedArg ?? 1);
const why = eudoxiaUnavailable();
if (why) {
  console.error(`make-fixtures: ${why}`);
  process.exit(2);
}
const cases = estimates ? generateEstimateCases(count, seed) : generateCases(count, seed);
const runs = runEudoxia(cases, process.env['EUDOXIA_SRC'] as string);
let matched = 0;
let rejected = 0;
const fixtures = cases.flatMap((c, i) => {
  const run = runs[i] as EudoxiaRun;
  if ('error' in run) {
    rejected++;
    return [];
  }
  const expected = run.stats;
  let diff: string[];
  try {
    diff = differences(expected, runOurs(c));
  } catch (err) {
    diff = [(err as Error).message];
  }
  if (diff.length === 0) matched++;
  else console.log(`${c.name}: ${diff.slice(0, 4).join('; ')}`);
  return [{ ...c, expected }];
});
const out = join(__dirname, '..', '..', '..', 'fixtures', 'eudoxia', estimates ? 'generated-estimates.json' : 'generated.json');
writeFileSync(out, JSON.stringify({ generator: `test/evaluators/faas/eudoxia/cases.ts${estimates ? ' (generateEstimateCases)' : ''}`, seed, eudoxia: 'BauplanLabs/eudoxia (MIT, see LICENSE-eudoxia)', cases: fixtures }) + '\n');
console.log(`${matched} of ${fixtures.length} generated cases match Eudoxia exactly (${rejected} more were rejected by Eudoxia itself); wrote ${out}`);
