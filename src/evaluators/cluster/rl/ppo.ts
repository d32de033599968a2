// Proximal policy optimisation over placement choices: a policy network scores each candidate
// (nodes with room, and waiting) and samples from their softmax; a value network estimates the
// return from the decision's state; updates use the clipped surrogate objective with an entropy
// bonus. The return of every step is the episode's reward over first-fit's.
import { Rng } from '../../../core/rng';
import type { Scenario } from '../model/scenario';
import { agentPolicy, greedy, softmaxSample, type Step } from './agent';
import { runEpisode, type CommonOptions, type TrainedAgent, type TrainingPoint } from './common';
import { FEATURES } from './features';
import { Mlp } from './mlp';
import { loadTf } from './tf';

export interface PpoOptions extends CommonOptions {
  episodesPerUpdate?: number;
  epochs?: number;
  minibatch?: number;
  clip?: number;
  entropy?: number;
}

interface Sample {
  candidates: number[][];
  action: number;
  logp: number;
  ret: number;
  advantage: number;
}

export async function trainPpo(scenarios: readonly Scenario[], options: PpoOptions = {}): Promise<TrainedAgent> {
  if (!scenarios.length) throw new Error('PPO needs at least one training scenario');
  const tf = await loadTf();
  const started = performance.now();
  const seed = options.seed ?? 1;
  const episodes = options.episodes ?? 150;
  const hidden = options.hidden ?? 32;
  const scale = options.rewardScale ?? 10;
  const perUpdate = options.episodesPerUpdate ?? 4;
  const clip = options.clip ?? 0.2;
  const entropyCoef = options.entropy ?? 0.01;
  const rng = new Rng(seed);
  const policyNet = new Mlp(tf, [FEATURES, hidden, hidden, 1], seed);
  const valueNet = new Mlp(tf, [FEATURES, hidden, 1], seed + 1);
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  const history: TrainingPoint[] = [];

  for (let episode = 0; episode < episodes; ) {
    const samples: Sample[] = [];
    const points: TrainingPoint[] = [];
    for (let k = 0; k < perUpdate && episode < episodes; k++, episode++) {
      const scenario = scenarios[episode % scenarios.length] as Scenario;
      const steps: Step[] = [];
      const result = runEpisode(scenario, agentPolicy((rows) => policyNet.score(rows), softmaxSample(rng), (s) => steps.push(s)), options.weights);
      const ret = result.advantage * scale;
      // The "wait" row describes the task and the cluster: the value network's state.
      const values = steps.length ? valueNet.score(steps.map((s) => s.candidates[s.candidates.length - 1] as number[])) : new Float32Array(0);
      steps.forEach((s, i) => samples.push({ candidates: s.candidates, action: s.action, logp: s.logp ?? 0, ret, advantage: ret - (values[i] as number) }));
      points.push({ episode, scenario: scenario.id, reward: result.reward, advantage: result.advantage, loss: null });
    }
    if (samples.length > 1) {
      const mean = samples.reduce((s, x) => s + x.advantage, 0) / samples.length;
      const sd = Math.sqrt(samples.reduce((s, x) => s + (x.advantage - mean) ** 2, 0) / samples.length) || 1;
      for (const s of samples) s.advantage = (s.advantage - mean) / sd;
    }
    let loss: number | null = null;
    for (let epoch = 0; epoch < (options.epochs ?? 4); epoch++) {
      const order = samples.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      const size = options.minibatch ?? 64;
      for (let start = 0; start < order.length; start += size) {
        const batch = order.slice(start, start + size).map((i) => samples[i] as Sample);
        const kmax = Math.max(...batch.map((b) => b.candidates.length));
        const rows: number[] = [];
        const mask: number[] = [];
        for (const b of batch) {
          for (let k = 0; k < kmax; k++) {
            const row = b.candidates[k];
            rows.push(...(row ?? new Array<number>(FEATURES).fill(0)));
            mask.push(row ? 0 : -1e9);
          }
        }
        const cost = optimizer.minimize(() => {
          const logits = tf.add(tf.reshape(policyNet.forward(tf.tensor2d(rows, [batch.length * kmax, FEATURES])), [batch.length, kmax]), tf.tensor2d(mask, [batch.length, kmax]));
          const logProbs = tf.logSoftmax(logits);
          const chosen = tf.sum(tf.mul(logProbs, tf.oneHot(tf.tensor1d(batch.map((b) => b.action), 'int32'), kmax)), 1);
          const ratio = tf.exp(tf.sub(chosen, tf.tensor1d(batch.map((b) => b.logp))));
          const adv = tf.tensor1d(batch.map((b) => b.advantage));
          const surrogate = tf.minimum(tf.mul(ratio, adv), tf.mul(tf.clipByValue(ratio, 1 - clip, 1 + clip), adv));
          const probs = tf.exp(logProbs);
          // Padded candidates have probability exactly 0 and a finite log-probability, so they add nothing.
          const entropy = tf.neg(tf.sum(tf.mul(probs, logProbs), 1));
          const v = valueNet.forward(tf.tensor2d(batch.map((b) => b.candidates[b.candidates.length - 1] as number[]), [batch.length, FEATURES]));
          const valueLoss = tf.mean(tf.square(tf.sub(v, tf.tensor1d(batch.map((b) => b.ret)))));
          return tf.sub(tf.add(tf.neg(tf.mean(surrogate)), tf.mul(0.5, valueLoss)), tf.mul(entropyCoef, tf.mean(entropy))) as never;
        }, true, [...policyNet.variables, ...valueNet.variables]);
        loss = cost ? (cost.dataSync()[0] as number) : null;
        cost?.dispose();
      }
    }
    for (const p of points) history.push({ ...p, loss });
  }
  valueNet.dispose();
  optimizer.dispose();
  return {
    name: 'ppo',
    policy: () => agentPolicy((rows) => policyNet.score(rows), greedy),
    history,
    episodes,
    trainingMs: performance.now() - started,
    dispose: () => policyNet.dispose(),
  };
}
