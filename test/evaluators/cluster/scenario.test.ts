// Scenario files: the published schema, errors that point at the offending field, defaults, and
// the shipped seed scenarios matching the deterministic generator.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LEVELS, parseScenario, parseScenarioText, SCENARIO_SCHEMA, ScenarioError, SEED_COUNTS, seedScenarios } from '../../../src/evaluators/cluster';
import { formatScenario } from '../../../src/evaluators/cluster/model/format';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLES = join(ROOT, 'examples', 'cluster');

function good(): Record<string, unknown> {
  return {
    version: 1,
    id: 'tiny',
    nodes: [{ id: 'n0', cpu: 4, memory: 16, costPerHour: 0.2, idleWatts: 50, peakWatts: 150 }],
    tasks: [
      { id: 'a', cpu: 1, memory: 2, duration: 10, arrival: 5 },
      { id: 'b', cpu: 1, memory: 2, duration: 10, arrival: 0, deadline: 30 },
    ],
  };
}

function errorsOf(fn: () => unknown): { pointer: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ScenarioError, `expected a ScenarioError, got ${String(err)}`);
    return err.errors;
  }
  assert.fail('expected the scenario to be rejected');
}

test('a minimal scenario parses with defaults filled in and tasks in arrival order', () => {
  const s = parseScenario(good());
  assert.deepEqual(s.tasks.map((t) => t.id), ['b', 'a']);
  assert.equal(s.tasks[1]?.tenant, 'default');
  assert.equal(s.tasks[1]?.kind, 'batch');
  assert.equal(s.tasks[1]?.durationEstimate, 10);
  assert.equal(s.tasks[1]?.deadline, null);
  assert.equal(s.nodes[0]?.kind, 'cloud');
  assert.equal(s.nodes[0]?.speed, 1);
  assert.equal(s.constraints.preemption, false);
  assert.equal(s.constraints.maxWaitSeconds, null);
  assert.ok(s.constraints.horizonSeconds >= 86400);
});

test('bad scenario JSON gets errors that point at the offending fields', () => {
  const doc = good();
  const tasks = doc['tasks'] as Record<string, unknown>[];
  (tasks[1] as Record<string, unknown>)['cpu'] = -2;
  (tasks[0] as Record<string, unknown>)['durration'] = 3;
  (tasks[0] as Record<string, unknown>)['priority'] = 1.5;
  ((doc['nodes'] as Record<string, unknown>[])[0] as Record<string, unknown>)['kind'] = 'fog';
  delete doc['id'];
  const errors = errorsOf(() => parseScenario(doc, 'bad.json'));
  const at = (pointer: string) => errors.find((e) => e.pointer === pointer)?.message ?? '';
  assert.match(at(''), /missing the required field 'id'/);
  assert.match(at('/tasks/1/cpu'), /greater than 0, got -2/);
  assert.match(at('/tasks/0/durration'), /unknown field 'durration'.*known fields: id, tenant, kind, cpu/);
  assert.match(at('/tasks/0/priority'), /must be an integer/);
  assert.match(at('/nodes/0/kind'), /must be one of "cloud", "edge", got "fog"/);
  assert.throws(() => parseScenario(doc, 'bad.json'), /bad\.json: invalid scenario:\n {2}\/: is missing/);
});

test('rules beyond the schema point at their field too', () => {
  const doc = good();
  const tasks = doc['tasks'] as Record<string, unknown>[];
  (tasks[1] as Record<string, unknown>)['id'] = 'a';
  (tasks[1] as Record<string, unknown>)['deadline'] = 0;
  ((doc['nodes'] as Record<string, unknown>[])[0] as Record<string, unknown>)['peakWatts'] = 10;
  doc['constraints'] = { horizonSeconds: 3 };
  const errors = errorsOf(() => parseScenario(doc));
  assert.deepEqual(errors.map((e) => e.pointer).sort(), ['/constraints/horizonSeconds', '/nodes/0/peakWatts', '/tasks/1/deadline', '/tasks/1/id']);
  assert.match(errors.find((e) => e.pointer === '/tasks/1/id')?.message ?? '', /duplicate task id 'a' \(also \/tasks\/0\)/);
});

test('JSON syntax errors name the line and column', () => {
  const errors = errorsOf(() => parseScenarioText('{\n  "version": 1,\n  "id": oops\n}', 'x.json'));
  assert.match(errors[0]?.message ?? '', /line 3, column/);
});

test('the published schema file is the schema the parser uses, and every shipped scenario passes it', () => {
  const published = JSON.parse(readFileSync(join(EXAMPLES, 'scenario.schema.json'), 'utf8'));
  assert.deepEqual(published, SCENARIO_SCHEMA);
  const api = readFileSync(join(EXAMPLES, 'policy-api.d.ts'), 'utf8');
  assert.equal(api, readFileSync(join(ROOT, 'src', 'evaluators', 'cluster', 'policy-api.ts'), 'utf8'), 'examples/cluster/policy-api.d.ts must equal src/evaluators/cluster/policy-api.ts');
});

test('50 seed scenarios of the right sizes, shipped as files identical to the generator output', () => {
  const seeds = seedScenarios();
  assert.equal(seeds.length, 50);
  for (const level of LEVELS) assert.equal(seeds.filter((s) => s.level === level).length, SEED_COUNTS[level]);
  for (const s of seeds) {
    const [tasks, nodes] = [s.tasks.length, s.nodes.length];
    if (s.level === 'easy') assert.deepEqual([tasks, nodes], [5, 3]);
    if (s.level === 'medium') assert.deepEqual([tasks, nodes], [20, 10]);
    if (s.level === 'hard') assert.ok(tasks >= 50 && nodes >= 25, `${s.id}: ${tasks}/${nodes}`);
    if (s.level === 'expert') assert.ok(tasks >= 100 && nodes >= 50, `${s.id}: ${tasks}/${nodes}`);
  }
  const files = readdirSync(join(EXAMPLES, 'scenarios')).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(files, seeds.map((s) => `${s.id}.json`).sort());
  for (const s of seeds) {
    const text = readFileSync(join(EXAMPLES, 'scenarios', `${s.id}.json`), 'utf8');
    assert.equal(text, formatScenario(s, '../scenario.schema.json'), `${s.id}.json differs from the generator (regenerate with: policy-evolver cluster seeds examples/cluster/scenarios)`);
    assert.deepEqual(parseScenarioText(text, s.id), s);
  }
});

test('seed scenarios mix services and batch, cloud and edge, deadlines and tenants', () => {
  const seeds = seedScenarios();
  const tasks = seeds.flatMap((s) => s.tasks);
  const services = tasks.filter((t) => t.kind === 'service').length / tasks.length;
  assert.ok(services > 0.05 && services < 0.5, `service share ${services}`);
  assert.ok(seeds.some((s) => s.nodes.some((n) => n.kind === 'edge')));
  assert.ok(seeds.some((s) => s.nodes.every((n) => n.kind === 'cloud')));
  assert.ok(tasks.some((t) => t.deadline !== null) && tasks.some((t) => t.deadline === null));
  assert.ok(seeds.some((s) => s.constraints.preemption));
  assert.ok(seeds.some((s) => new Set(s.tasks.map((t) => t.tenant)).size > 2));
});
