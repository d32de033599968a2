// The five validation layers: each rejects a scenario built to violate it (and only it) with its
// own reason, and accepts a good one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultParams, generateScenario, generateScenarioJson, parseScenario, scenarioToJson, type Level, type Scenario } from '../../../src/evaluators/cluster';
import { DEFAULT_VALIDATOR_CONFIG, DiversityTracker, LAYER_CHECKS, ksDistance, scenarioFeatures, validateParsed, validateScenario, type Layer } from '../../../src/evaluators/cluster/selfplay';

const ctx = (level: Level = 'easy', diversity = new DiversityTracker()) => ({ level, diversity, config: DEFAULT_VALIDATOR_CONFIG });

/** A realistic easy scenario from the generator: passes every layer. */
function good(): Scenario {
  return generateScenario(defaultParams('easy', 'good', 5));
}

/** The good scenario with some fields changed. */
function variant(mutate: (json: Record<string, unknown> & { tasks: Record<string, unknown>[]; nodes: Record<string, unknown>[] }) => void): Scenario {
  const json = scenarioToJson(good()) as Record<string, unknown> & { tasks: Record<string, unknown>[]; nodes: Record<string, unknown>[] };
  mutate(json);
  return parseScenario(json);
}

function rejectedAt(s: Scenario, layer: Layer): string {
  const v = validateParsed(s, ctx());
  assert.equal(v.ok, false, `expected a rejection by ${layer}`);
  if (v.ok) return '';
  assert.equal(v.rejection.layer, layer, `rejected by ${v.rejection.layer} (${v.rejection.reason}) instead of ${layer}`);
  // Every earlier layer accepts it: the scenario violates this layer only.
  const layers = Object.keys(LAYER_CHECKS) as Layer[];
  for (const earlier of layers.slice(0, layers.indexOf(layer))) assert.equal(LAYER_CHECKS[earlier](s, ctx()), undefined, `${earlier} should accept it`);
  return v.rejection.reason + '\n' + v.rejection.details.join('\n');
}

test('a realistic generated scenario passes all five layers at its level', () => {
  for (const level of ['easy', 'medium', 'hard', 'expert'] as Level[]) {
    const s = generateScenario(defaultParams(level, `ok-${level}`, 9));
    const v = validateParsed(s, ctx(level));
    assert.equal(v.ok, true, v.ok ? '' : `${level}: ${v.rejection.layer}: ${v.rejection.reason}`);
  }
});

test('bounds: a 48-core task is refused even though a node could hold it', () => {
  const s = variant((j) => {
    j.nodes.forEach((n) => Object.assign(n, { cpu: 64, memory: 256 }));
    Object.assign(j.tasks[0] as object, { cpu: 48 });
  });
  assert.match(rejectedAt(s, 'bounds'), /task t0 cpu: 48 cores is outside 0.1-32/);
});

test('feasibility: a task no node can hold, a deadline no schedule can meet, demand beyond capacity', () => {
  const tooBig = variant((j) => Object.assign(j.tasks[1] as object, { memory: 200 }));
  assert.match(rejectedAt(tooBig, 'feasibility'), /task t1 \(.* 200 GB\) fits no node/);
  const late = variant((j) => Object.assign(j.tasks[2] as object, { deadline: (j.tasks[2] as { arrival: number }).arrival + 1, duration: 50 }));
  assert.match(rejectedAt(late, 'feasibility'), /task t2 cannot meet its deadline/);
  const flood = variant((j) => {
    const cores = Math.max(...j.nodes.map((n) => n['cpu'] as number));
    j['constraints'] = { horizonSeconds: 1000 };
    j.tasks.forEach((t) => Object.assign(t, { cpu: cores, memory: 4, duration: 900, arrival: 0 }));
    for (const t of j.tasks) delete t['deadline'];
  });
  assert.match(rejectedAt(flood, 'feasibility'), /demand exceeds capacity over time/);
});

test('feasibility sees memory over time and packing: tasks needing over half a node each cannot share it', () => {
  // 2 nodes of 32 cores / 64 GB; 12 one-core tasks of 34 GB for 600 s arrive within a minute, and a task
  // waiting 2,000 s fails. CPU (12 core-s per s against 64) and total memory (408 GB against 128 GB
  // over 3,187 s) both look servable, but no two of these tasks fit one node: only 2 run at a time,
  // the last ones would wait 2,400 s or more, and a third of the tasks fail under every policy.
  const build = (memory: number): Scenario =>
    parseScenario({
      version: 1,
      id: `packing-${memory}`,
      constraints: { preemption: false, maxWaitSeconds: 2000, horizonSeconds: 20000 },
      nodes: [0, 1].map((i) => ({ id: `n${i}`, kind: 'cloud', cpu: 32, memory: 64, costPerHour: 1, idleWatts: 100, peakWatts: 300, speed: 1 })),
      tasks: Array.from({ length: 12 }, (_, i) => ({ id: `t${i}`, tenant: 'a', kind: 'batch', cpu: 1, memory, duration: 600, arrival: i * 5, priority: 1 })),
    });
  const v = LAYER_CHECKS.feasibility(build(34), ctx());
  assert.ok(v, 'refused');
  assert.match(v.reason, /% of tasks would fail under every policy by waiting past the wait limit/);
  assert.ok(v.details.some((d) => /^packing: \d+ tasks .* would wait past maxWaitSeconds 2000 s/.test(d)), v.details.join('\n'));
  assert.ok(!v.details.some((d) => /^CPU|^memory/.test(d)), 'CPU and total memory alone accept it');
  // Half a node each: two share a node, 4 run at a time, and everyone starts within the limit.
  assert.equal(LAYER_CHECKS.feasibility(build(32), ctx()), undefined);
});

test('realism: memory per core far from every trace is refused, and the KS distance measures shape', () => {
  const s = variant((j) => {
    j.nodes.forEach((n) => Object.assign(n, { memory: 256 }));
    j.tasks.forEach((t) => Object.assign(t, { cpu: 1, memory: 40 }));
  });
  assert.match(rejectedAt(s, 'realism'), /median memory per core 40.00 GB is far from/);
  const uniform = Array.from({ length: 200 }, (_, i) => (i + 0.5) / 200);
  assert.ok(ksDistance(uniform, (x) => x) < 0.01);
  assert.ok(Math.abs(ksDistance(uniform, (x) => Math.min(1, x * 2)) - 0.5) < 0.01);
  assert.equal(ksDistance([0.5, 0.5], (x) => x), 0.5, 'ties make one step of the empirical CDF');
});

test('realism judges small scenarios too: clones, all-service mixes and one-instant arrivals', () => {
  // The good scenario is easy-level: 5 tasks, below the sizes where shapes can be tested.
  const clones = variant((j) => j.tasks.forEach((t, i) => {
    Object.assign(t, { cpu: 1, memory: 2, duration: 300, kind: 'batch', arrival: i * 10 });
    delete t['deadline'];
  }));
  assert.match(rejectedAt(clones, 'realism'), /all 5 tasks are identical \(1 cores, 2 GB, 300 s\)/);
  const services = variant((j) => {
    j['constraints'] = { horizonSeconds: 400000 };
    j.tasks.forEach((t) => {
      Object.assign(t, { kind: 'service', duration: 86400 });
      delete t['deadline'];
    });
  });
  assert.match(rejectedAt(services, 'realism'), /5 of 5 tasks are services; .*accepted up to \d of 5/);
  const burst = variant((j) => j.tasks.forEach((t) => Object.assign(t, { arrival: 0 })));
  assert.match(rejectedAt(burst, 'realism'), /all 5 tasks arrive at the same instant/);
  assert.equal(LAYER_CHECKS.realism(good(), ctx()), undefined, 'the generated small scenario is realistic');
});

test('diversity: the same scenario twice is refused the second time', () => {
  const diversity = new DiversityTracker();
  const first = good();
  assert.equal(validateParsed(first, ctx('easy', diversity)).ok, true);
  diversity.add(first.id, scenarioFeatures(first));
  const again = parseScenario({ ...(scenarioToJson(first) as object), id: 'copy' });
  const v = validateParsed(again, ctx('easy', diversity));
  assert.equal(v.ok, false);
  if (!v.ok) {
    assert.equal(v.rejection.layer, 'diversity');
    assert.match(v.rejection.reason, /too similar to recent scenario good \(feature distance 0.000/);
  }
  const different = generateScenario({ ...defaultParams('easy', 'other', 77), edgeFraction: 0.7, deadlineFraction: 1, preemption: true });
  assert.equal(validateParsed(different, ctx('easy', diversity)).ok, true);
  assert.ok(diversity.stats().meanPairwiseDistance === 0 && diversity.size === 1);
});

test('complexity: a medium-sized scenario offered as easy is refused', () => {
  const medium = generateScenario(defaultParams('medium', 'm', 3));
  const v = validateParsed(medium, ctx('easy'));
  assert.equal(v.ok, false);
  if (!v.ok) {
    assert.equal(v.rejection.layer, 'complexity');
    assert.match(v.rejection.reason, /20 tasks; level easy takes 3-10; 10 nodes; level easy takes 2-4/);
  }
  assert.equal(validateParsed(medium, ctx('medium')).ok, true);
});

test('JSON that is not a scenario is refused before the layers, pointing at the field', () => {
  const json = generateScenarioJson(defaultParams('easy', 'j', 1)) as { tasks: Record<string, unknown>[] };
  (json.tasks[0] as Record<string, unknown>)['cpu'] = 'lots';
  const v = validateScenario(json, ctx());
  assert.equal(v.ok, false);
  if (!v.ok) {
    assert.equal(v.rejection.layer, 'schema');
    assert.match(v.rejection.reason, /\/tasks\/0\/cpu must be a number/);
  }
});
