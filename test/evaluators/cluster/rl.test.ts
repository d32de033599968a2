// The learning baselines: DQN and PPO agents trained with TensorFlow.js (CPU) on cluster
// scenarios. Short runs: they must learn (DQN's advantage over first-fit rises during training),
// make only valid decisions, be reproducible, and not leak tensors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinEntries, simulate, type Scenario } from '../../../src/evaluators/cluster';
import { trainDqn, trainPpo } from '../../../src/evaluators/cluster/rl';
import { loadTf } from '../../../src/evaluators/cluster/rl/tf';

const train: Scenario[] = builtinEntries(['medium']).filter((e) => e.split === 'search').map((e) => e.scenario).slice(0, 3);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

test('DQN improves its advantage over first-fit while training, and its greedy policy is valid', async () => {
  const tf = await loadTf();
  const agent = await trainDqn(train, { episodes: 24, seed: 1 });
  assert.equal(agent.history.length, 24);
  const early = mean(agent.history.slice(0, 6).map((h) => h.advantage));
  const late = mean(agent.history.slice(-6).map((h) => h.advantage));
  assert.ok(late > early + 0.05, `advantage rose from ${early.toFixed(4)} to ${late.toFixed(4)}`);
  assert.ok(agent.history.slice(-1).every((h) => h.loss !== null && Number.isFinite(h.loss)));
  for (const s of train) {
    const o = simulate(s, agent.policy());
    assert.ok(o.ok);
    if (o.ok) assert.equal(o.invalidCount, 0);
  }
  // Same seed, same agent.
  const again = await trainDqn(train, { episodes: 24, seed: 1 });
  assert.deepEqual(again.history.map((h) => h.reward), agent.history.map((h) => h.reward));
  agent.dispose();
  again.dispose();
  const before = tf.memory().numTensors;
  const third = await trainDqn(train.slice(0, 1), { episodes: 4, seed: 2 });
  third.dispose();
  assert.equal(tf.memory().numTensors, before, 'training leaves no tensors behind');
});

test('PPO trains with the clipped objective and yields a valid greedy policy', async () => {
  const agent = await trainPpo(train, { episodes: 16, episodesPerUpdate: 4, seed: 1 });
  assert.equal(agent.history.length, 16);
  assert.ok(agent.history.every((h) => h.loss !== null && Number.isFinite(h.loss)));
  assert.ok(agent.history.every((h) => h.reward > 0 && h.reward <= 1));
  for (const s of train) {
    const o = simulate(s, agent.policy());
    assert.ok(o.ok);
    if (o.ok) assert.equal(o.invalidCount, 0);
  }
  agent.dispose();
});
