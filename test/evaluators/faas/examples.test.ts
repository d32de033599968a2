// The shipped examples: the policies behave exactly like the built-ins they reimplement, they mark
// their evolvable part, the published API types match the simulator's, and the sample trace is valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBlocks } from '../../../src/core/evolve-blocks';
import { simulate, type PolicyModule } from '../../../src/evaluators/faas/engine/simulator';
import { readParamsFile } from '../../../src/evaluators/faas/io/params-file';
import { readTraceFile } from '../../../src/evaluators/faas/io/trace-csv';
import { defaultParams } from '../../../src/evaluators/faas/model/params';
import { builtinPolicy } from '../../../src/evaluators/faas/policies';
import { policyFromExports } from '../../../src/evaluators/faas/run';
import * as naiveExample from '../../../examples/faas/naive';
import * as priorityExample from '../../../examples/faas/priority';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples', 'faas');
const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'eudoxia');

const examples: Record<string, PolicyModule> = {
  naive: policyFromExports(naiveExample as unknown as Record<string, unknown>),
  priority: policyFromExports(priorityExample as unknown as Record<string, unknown>),
};

for (const name of readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
  test(`examples/faas/*.ts match the built-in policies on ${name}`, () => {
    const params = readParamsFile(join(FIXTURES, name, 'params.toml'));
    const trace = readTraceFile(join(FIXTURES, name, 'trace.csv'));
    for (const policy of ['naive', 'priority']) {
      const run = { ...params, scheduler_algo: policy };
      const builtin = simulate(trace, run, builtinPolicy(policy) as PolicyModule);
      const example = simulate(trace, run, examples[policy] as PolicyModule);
      assert.ok(builtin.ok && example.ok);
      assert.deepEqual(example.stats, builtin.stats, `${policy} on ${name}`);
    }
  });
}

test('the examples mark their evolvable part with EVOLVE-BLOCK comments', () => {
  for (const file of ['naive.ts', 'priority.ts']) {
    const layout = parseBlocks(readFileSync(join(EXAMPLES, file), 'utf8'));
    assert.ok(layout.marked, file);
    assert.equal(layout.blocks.length, 1, file);
  }
  const priority = readFileSync(join(EXAMPLES, 'priority.ts'), 'utf8');
  const block = priority.slice(priority.indexOf('EVOLVE-BLOCK-START'), priority.indexOf('EVOLVE-BLOCK-END'));
  for (const knob of ['CPU_SHARE', 'RAM_SHARE', 'RETRY_RAM_FACTOR', 'MAX_RETRY_SHARE', 'SERVE_ORDER', 'choosePool']) assert.ok(block.includes(knob), knob);
});

test('examples/faas/policy-api.d.ts publishes exactly the simulator API types', () => {
  const body = (text: string): string => text.slice(text.indexOf('export type Priority'));
  const published = readFileSync(join(EXAMPLES, 'policy-api.d.ts'), 'utf8');
  const source = readFileSync(join(__dirname, '..', '..', '..', 'src', 'evaluators', 'faas', 'policy-api.ts'), 'utf8');
  assert.equal(body(published), body(source));
});

test('the sample trace is a valid trace that the example policies can run', () => {
  const trace = readTraceFile(join(EXAMPLES, 'sample-trace.csv'));
  assert.ok(trace.pipelines.length >= 20);
  const params = { ...defaultParams(), duration: 120 };
  const out = simulate(trace, params, examples['priority'] as PolicyModule);
  assert.ok(out.ok);
  assert.ok(out.stats.pipelines_all.completion_count > 0);
});
