// Deep Q-learning over placement choices: Q(task, node) from one network for any number of nodes,
// experience replay, epsilon-greedy exploration. The only reward comes at the end of an episode
// (the scenario's reward over first-fit's). By default every step regresses on that return
// (Monte-Carlo targets): on the medium and hard seeds, one-step bootstrapping through a target
// network (`monteCarlo: false`, the classic form, also here) learned far worse at equal episodes.
import { Rng } from '../../../core/rng';
import type { Scenario } from '../model/scenario';
import { agentPolicy, epsilonGreedy, greedy, type Step } from './agent';
import { runEpisode, type CommonOptions, type TrainedAgent, type TrainingPoint } from './common';
import { FEATURES } from './features';
import { Mlp } from './mlp';
import { loadTf } from './tf';

export interface DqnOptions extends CommonOptions {
  batchSize?: number;
  updatesPerEpisode?: number;
  /** Episodes between copies of the online network into the target network. */
  targetEvery?: number;
  bufferSize?: number;
  epsilonStart?: number;
  epsilonEnd?: number;
  /** Regress every step on the episode's return instead of bootstrapping from the next step (default true). */
  monteCarlo?: boolean;
}

interface Transition {
  row: number[];
  reward: number;
  next: number[][] | null;
}

export async function trainDqn(scenarios: readonly Scenario[], options: DqnOptions = {}): Promise<TrainedAgent> {
  if (!scenarios.length) throw new Error('DQN needs at least one training scenario');
  const tf = await loadTf();
  const started = performance.now();
  const seed = options.seed ?? 1;
  const episodes = options.episodes ?? 150;
  const hidden = options.hidden ?? 32;
  const scale = options.rewardScale ?? 10;
  const batchSize = options.batchSize ?? 32;
  const rng = new Rng(seed);
  const online = new Mlp(tf, [FEATURES, hidden, hidden, 1], seed);
  const target = new Mlp(tf, [FEATURES, hidden, hidden, 1], seed);
  target.copyFrom(online);
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  const buffer: Transition[] = [];
  const bufferSize = options.bufferSize ?? 5000;
  const history: TrainingPoint[] = [];
  let episode = 0;
  const monteCarlo = options.monteCarlo ?? true;
  const epsStart = options.epsilonStart ?? 0.2;
  const epsEnd = options.epsilonEnd ?? 0.05;
  const epsilon = (): number => Math.max(epsEnd, epsStart - ((epsStart - epsEnd) * episode) / Math.max(1, episodes * 0.7));

  for (episode = 0; episode < episodes; episode++) {
    const scenario = scenarios[episode % scenarios.length] as Scenario;
    const steps: Step[] = [];
    const result = runEpisode(scenario, agentPolicy((rows) => online.score(rows), epsilonGreedy(rng, epsilon), (s) => steps.push(s)), options.weights);
    steps.forEach((s, i) => {
      const last = i === steps.length - 1;
      // Monte-Carlo targets (every step learns the episode's return) or one-step bootstrapping.
      if (monteCarlo) buffer.push({ row: s.candidates[s.action] as number[], reward: result.advantage * scale, next: null });
      else buffer.push({ row: s.candidates[s.action] as number[], reward: last ? result.advantage * scale : 0, next: last ? null : ((steps[i + 1] as Step).candidates) });
    });
    if (buffer.length > bufferSize) buffer.splice(0, buffer.length - bufferSize);
    let loss: number | null = null;
    for (let u = 0; u < (options.updatesPerEpisode ?? 8) && buffer.length >= batchSize; u++) {
      const batch = Array.from({ length: batchSize }, () => buffer[rng.int(buffer.length)] as Transition);
      // Targets: r + max over the next decision's candidates under the target network.
      const nextRows = batch.flatMap((t) => t.next ?? []);
      const nextScores = nextRows.length ? target.score(nextRows) : new Float32Array(0);
      let offset = 0;
      const y = batch.map((t) => {
        if (!t.next) return t.reward;
        let best = -Infinity;
        for (let k = 0; k < t.next.length; k++) best = Math.max(best, nextScores[offset + k] as number);
        offset += t.next.length;
        return t.reward + best;
      });
      const cost = optimizer.minimize(() => {
        const q = online.forward(tf.tensor2d(batch.map((t) => t.row), [batch.length, FEATURES]));
        return tf.mean(tf.square(tf.sub(q, tf.tensor1d(y)))) as never;
      }, true, online.variables);
      loss = cost ? (cost.dataSync()[0] as number) : null;
      cost?.dispose();
    }
    if ((episode + 1) % (options.targetEvery ?? 5) === 0) target.copyFrom(online);
    history.push({ episode, scenario: scenario.id, reward: result.reward, advantage: result.advantage, loss });
  }
  target.dispose();
  optimizer.dispose();
  return {
    name: 'dqn',
    policy: () => agentPolicy((rows) => online.score(rows), greedy),
    history,
    episodes,
    trainingMs: performance.now() - started,
    dispose: () => online.dispose(),
  };
}
