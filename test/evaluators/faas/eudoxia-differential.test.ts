// Differential tests against Eudoxia itself. The stored cases (test/fixtures/eudoxia/generated.json,
// produced by Eudoxia HEAD from cases.ts; regenerate with make-fixtures.ts) always run; when
// EUDOXIA_SRC names an Eudoxia checkout and python3 with numpy is here, fresh cases (another seed)
// and the golden cases also run through Eudoxia and are compared field by field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paramsFromObject } from '../../../src/evaluators/faas/io/params-file';
import { parseTraceCsv } from '../../../src/evaluators/faas/io/trace-csv';
import { simulate } from '../../../src/evaluators/faas/engine/simulator';
import { builtinPolicy } from '../../../src/evaluators/faas/policies';
import { generateCases, generateEstimateCases, type DiffCase } from './eudoxia/cases';
import { differences, eudoxiaUnavailable, runEudoxia, runOurs } from './eudoxia/differential';

/** The golden params.toml files hold only `key = value` lines of numbers, booleans and strings. */
function tomlTable(text: string): DiffCase['params'] {
  const out: DiffCase['params'] = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([a-z_]+)\s*=\s*(.+?)\s*$/.exec(line);
    if (!m) continue;
    const raw = m[2] as string;
    out[m[1] as string] = raw === 'true' ? true : raw === 'false' ? false : raw.startsWith('"') ? raw.slice(1, -1) : Number(raw);
  }
  return out;
}

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'eudoxia');

interface StoredCase extends DiffCase {
  expected: Record<string, unknown>;
}

const stored = (JSON.parse(readFileSync(join(FIXTURES, 'generated.json'), 'utf8')) as { cases: StoredCase[] }).cases;
/** `noisy` estimator cases under a scheduler that sizes containers by the estimates (make-fixtures.ts --estimates). */
const storedEstimates = (JSON.parse(readFileSync(join(FIXTURES, 'generated-estimates.json'), 'utf8')) as { cases: StoredCase[] }).cases;

function mismatches(cases: readonly DiffCase[], expected: readonly Record<string, unknown>[]): string[] {
  const out: string[] = [];
  cases.forEach((c, i) => {
    let diff: string[];
    try {
      diff = differences(expected[i], runOurs(c));
    } catch (err) {
      diff = [(err as Error).message];
    }
    if (diff.length) out.push(`${c.name}: ${diff.slice(0, 3).join('; ')}`);
  });
  return out;
}

test('stored Eudoxia outputs: every generated case matches exactly', (t) => {
  assert.ok(stored.length >= 300, `only ${stored.length} stored cases`);
  const wrong = mismatches(stored, stored.map((c) => c.expected));
  t.diagnostic(`${stored.length - wrong.length} of ${stored.length} stored Eudoxia cases match`);
  assert.deepEqual(wrong, []);
});

test('the stored cases cover the rules that differ between ports', () => {
  const schedulers = new Set(stored.map((c) => c.params['scheduler_algo']));
  assert.deepEqual([...schedulers].sort(), ['naive', 'overbook', 'priority', 'priority-pool']);
  for (const s of schedulers) {
    assert.ok(stored.some((c) => c.params['scheduler_algo'] === s && Number(c.params['max_job_seconds']) > 0 && Number((c.expected['pipelines_all'] as { timeout_count: number }).timeout_count) > 0), `timeouts with ${String(s)}`);
  }
  assert.ok(new Set(stored.map((c) => c.params['ticks_per_second'])).size >= 5, 'several tick rates');
  assert.ok(stored.some((c) => c.params['estimator_algo'] === 'noisy'), "Eudoxia's noisy estimator");
  assert.ok(stored.some((c) => Number(c.expected['suspensions']) > 0), 'suspensions');
  // Exact parity matters on these cases: corrected physics changes some results.
  const changed = stored.filter((c) => {
    const params = paramsFromObject({ ...c.params, physics: 'corrected' });
    const policy = builtinPolicy(params.scheduler_algo);
    assert.ok(policy);
    const outcome = simulate(parseTraceCsv(c.trace), params, policy);
    assert.ok(outcome.ok);
    return differences(c.expected, { ...outcome.stats, mean_memory_allocated_percent: outcome.extra.mean_memory_allocated_percent, mean_memory_consumed_percent: outcome.extra.mean_memory_consumed_percent }).length > 0;
  });
  assert.ok(changed.length > 0, "no stored case depends on Eudoxia's quirks");
});

test('live: fresh generated cases and the golden cases through Eudoxia itself', (t) => {
  const why = eudoxiaUnavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const fresh = generateCases(48, 7);
  const golden: DiffCase[] = readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({
      name: d.name,
      params: tomlTable(readFileSync(join(FIXTURES, d.name, 'params.toml'), 'utf8')),
      trace: readFileSync(join(FIXTURES, d.name, 'trace.csv'), 'utf8'),
    }));
  const cases = [...fresh, ...golden];
  const runs = runEudoxia(cases, process.env['EUDOXIA_SRC'] as string);
  const ran = cases.filter((_c, i) => !('error' in (runs[i] as object)));
  const expected = runs.flatMap((r) => ('error' in r ? [] : [r.stats]));
  const wrong = mismatches(ran, expected);
  t.diagnostic(`${ran.length - wrong.length} of ${ran.length} fresh cases match Eudoxia (${cases.length - ran.length} rejected by Eudoxia itself)`);
  assert.ok(ran.length >= 30);
  assert.deepEqual(wrong, []);
});

test("stored Eudoxia outputs: the noisy estimator's draws are numpy's, so estimate-sized runs match exactly", (t) => {
  assert.ok(storedEstimates.length >= 60, `only ${storedEstimates.length} stored estimate cases`);
  // The draws must decide outcomes: most cases have operators that OOM on a low estimate.
  const withFailures = storedEstimates.filter((c) => Number(c.expected['failures']) > 0).length;
  assert.ok(withFailures >= storedEstimates.length / 2, `only ${withFailures} cases have OOMs`);
  assert.ok(storedEstimates.every((c) => c.params['estimator_algo'] === 'noisy' && Number(c.params['noisy_estimator_sigma']) > 0));
  const wrong = mismatches(storedEstimates, storedEstimates.map((c) => c.expected));
  t.diagnostic(`${storedEstimates.length - wrong.length} of ${storedEstimates.length} stored estimate cases match`);
  assert.deepEqual(wrong, []);
});

test('live: fresh noisy-estimator cases through Eudoxia itself', (t) => {
  const why = eudoxiaUnavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const cases = generateEstimateCases(24, 7);
  const runs = runEudoxia(cases, process.env['EUDOXIA_SRC'] as string);
  const ran = cases.filter((_c, i) => !('error' in (runs[i] as object)));
  const wrong = mismatches(ran, runs.flatMap((r) => ('error' in r ? [] : [r.stats])));
  t.diagnostic(`${ran.length - wrong.length} of ${ran.length} fresh estimate cases match Eudoxia`);
  assert.ok(ran.length >= 20);
  assert.deepEqual(wrong, []);
});
